//! Parse errors and the reply a server sends for each.
//!
//! Every [`ParseError`] carries the byte offset in the line where the problem was found and maps,
//! totally, to an [`ErrorReply`]: the reply code, the enhanced status code (RFC 3463) and a text.
//! A server answers a bad command line with `error.reply()` and nothing else to decide.

use std::borrow::Cow;
use std::fmt;

use crate::status::{EnhancedStatus, StatusClass};

/// Why a command line was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ErrorKind {
    /// The line does not start with a command verb (`500 5.5.2`).
    UnrecognizedCommand,
    /// A known verb with arguments that do not follow its grammar (`501 5.5.4`); `expected`
    /// is the syntax the verb takes, quoted in the reply text.
    Syntax {
        /// The syntax the verb takes, such as `MAIL FROM:<address> [parameters]`.
        expected: &'static str,
    },
    /// The sender path of `MAIL` is not a valid path (`501 5.1.7`).
    BadSenderAddress,
    /// The path of `RCPT` is not a valid path (`501 5.1.3`).
    BadRecipientAddress,
    /// `RCPT TO:<>`: the null path is not a recipient (`501 5.1.3`).
    NullRecipient,
    /// An address with non-ASCII characters while SMTPUTF8 was not requested (`553 5.6.7`,
    /// RFC 6531 §3.5).
    NonAsciiAddress,
    /// The line is not valid UTF-8 where text was expected (`501 5.5.2`); never replaced
    /// silently.
    InvalidUtf8,
    /// A parameter that exists, but not on this verb, such as `NOTIFY` on `MAIL`
    /// (`555 5.5.4`, RFC 5321 §4.1.1.11).
    ParameterNotAllowed,
    /// The same parameter given twice (`501 5.5.4`).
    DuplicateParameter,
    /// A known parameter with a value outside its grammar, such as `BODY=9BIT` (`501 5.5.4`).
    InvalidParameterValue,
    /// Two parameters that exclude each other, such as `HOLDFOR` with `HOLDUNTIL`, or
    /// `NOTIFY=NEVER,SUCCESS` (`501 5.5.4`).
    ConflictingParameters,
    /// The line is longer than the limit, line ending included (`500 5.5.6`, RFC 5321
    /// §4.5.3.1.4); it was consumed up to its end.
    LineTooLong {
        /// The limit in force, in octets.
        limit: usize,
    },
    /// A line ended in LF without CR, in strict mode (`500 5.5.2`; RFC 5321 §2.3.8 allows
    /// only CRLF).
    BareLineFeed,
}

/// A rejected command line: what was wrong and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ParseError {
    /// What was wrong.
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub kind: ErrorKind,
    /// Byte offset in the line (from the first byte of the verb) where the problem was found.
    pub offset: usize,
}

impl ParseError {
    /// An error of `kind` at `offset`.
    pub const fn new(kind: ErrorKind, offset: usize) -> Self {
        ParseError { kind, offset }
    }

    /// The reply a server sends for this error.
    pub fn reply(&self) -> ErrorReply {
        ErrorReply::from(self.kind)
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reply = self.reply();
        write!(
            f,
            "{} (at byte {}; reply {} {})",
            reply.text, self.offset, reply.code, reply.status
        )
    }
}

impl std::error::Error for ParseError {}

/// The reply a server sends for a rejected line: `code SP status SP text CRLF`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ErrorReply {
    /// The three-digit reply code (RFC 5321 §4.2).
    pub code: u16,
    /// The enhanced status code (RFC 3463), whose class agrees with `code`.
    pub status: EnhancedStatus,
    /// The human-readable text.
    pub text: Cow<'static, str>,
}

impl ErrorReply {
    /// Writes the reply line, `CRLF` included.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.to_string().as_bytes());
        out.extend_from_slice(b"\r\n");
    }
}

impl fmt::Display for ErrorReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.code, self.status, self.text)
    }
}

const fn permanent(subject: u16, detail: u16) -> EnhancedStatus {
    EnhancedStatus::new(StatusClass::Permanent, subject, detail)
}

impl From<ErrorKind> for ErrorReply {
    fn from(kind: ErrorKind) -> Self {
        let (code, status, text): (u16, EnhancedStatus, Cow<'static, str>) = match kind {
            ErrorKind::UnrecognizedCommand => (
                500,
                permanent(5, 2),
                "Syntax error, command unrecognized".into(),
            ),
            ErrorKind::Syntax { expected } => {
                (501, permanent(5, 4), format!("Syntax: {expected}").into())
            }
            ErrorKind::BadSenderAddress => {
                (501, permanent(1, 7), "Bad sender address syntax".into())
            }
            ErrorKind::BadRecipientAddress => {
                (501, permanent(1, 3), "Bad recipient address syntax".into())
            }
            ErrorKind::NullRecipient => (
                501,
                permanent(1, 3),
                "The null path <> is not a recipient".into(),
            ),
            ErrorKind::NonAsciiAddress => (
                553,
                permanent(6, 7),
                "Non-ASCII address without SMTPUTF8".into(),
            ),
            ErrorKind::InvalidUtf8 => (501, permanent(5, 2), "Invalid UTF-8 in command".into()),
            ErrorKind::ParameterNotAllowed => (
                555,
                permanent(5, 4),
                "Parameter not recognized for this command".into(),
            ),
            ErrorKind::DuplicateParameter => (501, permanent(5, 4), "Duplicate parameter".into()),
            ErrorKind::InvalidParameterValue => {
                (501, permanent(5, 4), "Invalid parameter value".into())
            }
            ErrorKind::ConflictingParameters => {
                (501, permanent(5, 4), "Conflicting parameters".into())
            }
            ErrorKind::LineTooLong { .. } => (500, permanent(5, 6), "Line too long".into()),
            ErrorKind::BareLineFeed => (
                500,
                permanent(5, 2),
                "Bare <LF> received; lines end in <CR><LF>".into(),
            ),
        };
        ErrorReply { code, status, text }
    }
}

/// A value that does not follow the grammar of the type it was meant to become (returned by the
/// `TryFrom<&str>` constructors of the validated types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidValue {
    /// The name of the type, such as `Domain`.
    pub type_name: &'static str,
}

impl fmt::Display for InvalidValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a valid {}", self.type_name)
    }
}

impl std::error::Error for InvalidValue {}
