//! What the engine answers: the outcome to put on the wire, the delay before it, the rule that
//! decided and what a classifier should conclude.

use std::time::Duration;

use serde::Serialize;
use smtp_core::status::EnhancedStatus;

use crate::scenario::{Expectation, Step};

/// What the client said, as the engine needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input<'a> {
    /// The connection was opened.
    Connect,
    /// `HELO` or `EHLO` with the name given.
    Helo {
        /// The name the client gave.
        name: &'a str,
    },
    /// `MAIL FROM` with the address (empty for `<>`).
    Mail {
        /// The reverse-path.
        sender: &'a str,
    },
    /// `RCPT TO` with the address.
    Rcpt {
        /// The forward-path.
        rcpt: &'a str,
    },
    /// The `DATA` command.
    Data,
    /// The end of the message data.
    EndOfData,
    /// `AUTH` with the mechanism.
    Auth {
        /// The SASL mechanism named.
        mechanism: &'a str,
    },
    /// Any other command: `NOOP`, `RSET` and `VRFY` are consulted at their own step (and by
    /// `any` rules), the others (`EXPN`, `HELP`, unrecognized verbs, …) by `any` rules only.
    Other {
        /// The command verb, in any case.
        verb: &'a str,
    },
}

impl Input<'_> {
    /// The step this input is consulted at (`Other` is `Step::Noop`, `Step::Rset`,
    /// `Step::Vrfy` or `Step::Any`).
    pub fn step(&self) -> Step {
        match self {
            Input::Connect => Step::Connect,
            Input::Helo { .. } => Step::Helo,
            Input::Mail { .. } => Step::Mail,
            Input::Rcpt { .. } => Step::Rcpt,
            Input::Data => Step::Data,
            Input::EndOfData => Step::EndOfData,
            Input::Auth { .. } => Step::Auth,
            Input::Other { verb } if verb.eq_ignore_ascii_case("NOOP") => Step::Noop,
            Input::Other { verb } if verb.eq_ignore_ascii_case("RSET") => Step::Rset,
            Input::Other { verb } if verb.eq_ignore_ascii_case("VRFY") => Step::Vrfy,
            Input::Other { .. } => Step::Any,
        }
    }

    /// The code of the server session's own answer to an [`Input::Other`] command (what an
    /// accepting decision sends): `250` to NOOP and RSET, `252` to VRFY, `214` to HELP, `502`
    /// to EXPN, ETRN, XFORWARD and LHLO, `500` to anything else. `None` for the other inputs,
    /// whose positive code is [`positive_code`](super::positive_code) of their step.
    pub fn own_code(&self) -> Option<u16> {
        let Input::Other { verb } = self else {
            return None;
        };
        let verb = verb.to_ascii_uppercase();
        Some(match verb.as_str() {
            "NOOP" | "RSET" => 250,
            "VRFY" => 252,
            "HELP" => 214,
            "EXPN" | "ETRN" | "XFORWARD" | "LHLO" => 502,
            _ => 500,
        })
    }
}

/// A reply with its text rendered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reply {
    /// The three-digit code.
    pub code: u16,
    /// The enhanced status, written before the text of every line.
    pub status: Option<EnhancedStatus>,
    /// The lines (at least one).
    pub lines: Vec<String>,
}

impl Reply {
    /// The reply as it goes on the wire: `code-status text` lines, the last with a space.
    pub fn to_wire(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let last = self.lines.len().saturating_sub(1);
        for (i, line) in self.lines.iter().enumerate() {
            let sep = if i == last { ' ' } else { '-' };
            let status = self.status.map(|s| format!("{s} ")).unwrap_or_default();
            out.extend_from_slice(format!("{}{sep}{status}{line}\r\n", self.code).as_bytes());
        }
        out
    }
}

/// What to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Accept: with this reply, or the session's usual positive reply when `None`.
    Accept(Option<Reply>),
    /// Accept on the wire, then throw the message or this recipient's copy away.
    Discard(Option<Reply>),
    /// Refuse with a 4xx or 5xx reply.
    Refuse(Reply),
    /// Close the connection without replying.
    Drop,
    /// Send this 421 reply and close.
    Close(Reply),
}

impl Outcome {
    /// Whether the client hears a positive answer.
    pub fn is_positive(&self) -> bool {
        matches!(self, Outcome::Accept(_) | Outcome::Discard(_))
    }
}

/// The engine's answer for one input.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The step it was taken at.
    pub step: Step,
    /// The rule that matched; `None` when none did and the default (accept) applied.
    pub rule: Option<String>,
    /// What to do.
    pub outcome: Outcome,
    /// How long to wait before doing it.
    pub delay: Duration,
    /// What a classifier should conclude (`None` with the default).
    pub expect: Option<Expectation>,
    /// The recipient concerned (the RCPT address, or the first matching one at DATA).
    pub rcpt: Option<String>,
}
