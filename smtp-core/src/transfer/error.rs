//! Why a received message is refused, and the reply that says so.

use std::fmt;

use crate::status::{EnhancedStatus, StatusClass};

/// Why a message received with `DATA` or `BDAT` is refused.
///
/// The receivers keep reading to the real end of the data after the first error (so that the
/// session stays in step with the client), then report it; later errors are not reported.
/// Offsets count octets of the wire data, from the first octet after the `DATA`/`BDAT` command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransferError {
    /// A LF not preceded by CR, under [`LineEndPolicy::Reject`](super::LineEndPolicy::Reject).
    BareLf {
        /// Wire offset of the LF.
        offset: u64,
    },
    /// A CR not followed by LF, under [`LineEndPolicy::Reject`](super::LineEndPolicy::Reject).
    BareCr {
        /// Wire offset of the CR.
        offset: u64,
    },
    /// The message grew past the configured size limit.
    TooBig {
        /// The limit in octets (of the message, without dot-stuffing and the final `.`).
        limit: u64,
    },
}

/// The reply a server sends for a [`TransferError`]: code, enhanced status (RFC 3463) and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferReply {
    /// Three-digit reply code.
    pub code: u16,
    /// Enhanced status code, in agreement with `code`'s class.
    pub status: EnhancedStatus,
    /// Human-readable text.
    pub text: String,
}

impl fmt::Display for TransferReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.code, self.status, self.text)
    }
}

impl TransferError {
    /// The reply for this error. Total: every error has one.
    ///
    /// - bare LF / bare CR: `550 5.5.2`, as Postfix's `smtpd_forbid_bare_newline` (5.5.2 is
    ///   "syntax error", RFC 3463; the message is refused, not the command).
    /// - too big: `552 5.3.4` (RFC 5321 §4.5.3.1.10 names 552 for "too much mail data";
    ///   5.3.4 is "message too big for system", RFC 3463).
    pub fn reply(&self) -> TransferReply {
        let (code, subject, detail, text) = match *self {
            Self::BareLf { .. } => (
                550,
                5,
                2,
                "Message refused: bare <LF> in data; lines must end with <CR><LF> (RFC 5321 2.3.8)"
                    .to_owned(),
            ),
            Self::BareCr { .. } => (
                550,
                5,
                2,
                "Message refused: bare <CR> in data; lines must end with <CR><LF> (RFC 5321 2.3.8)"
                    .to_owned(),
            ),
            Self::TooBig { limit } => (
                552,
                3,
                4,
                format!("Message size exceeds the fixed limit of {limit} octets"),
            ),
        };
        TransferReply {
            code,
            status: EnhancedStatus::new(StatusClass::Permanent, subject, detail),
            text,
        }
    }
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BareLf { offset } => write!(f, "bare LF at data offset {offset}"),
            Self::BareCr { offset } => write!(f, "bare CR at data offset {offset}"),
            Self::TooBig { limit } => write!(f, "message larger than {limit} octets"),
        }
    }
}

impl std::error::Error for TransferError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_maps_to_a_permanent_reply_that_agrees_with_its_code() {
        let cases = [
            (
                TransferError::BareLf { offset: 3 },
                550,
                "5.5.2",
                "bare <LF>",
            ),
            (
                TransferError::BareCr { offset: 0 },
                550,
                "5.5.2",
                "bare <CR>",
            ),
            (
                TransferError::TooBig { limit: 1000 },
                552,
                "5.3.4",
                "1000 octets",
            ),
        ];
        for (error, code, status, needle) in cases {
            let reply = error.reply();
            assert_eq!(reply.code, code, "{error}");
            assert_eq!(reply.status.to_string(), status, "{error}");
            assert!(reply.status.agrees_with_reply_code(reply.code), "{error}");
            assert!(reply.text.contains(needle), "{error}: {}", reply.text);
            assert!(reply.to_string().starts_with(&format!("{code} {status} ")));
        }
    }
}
