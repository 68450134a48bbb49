//! The closed vocabularies a scenario speaks: SMTP steps, bounce reasons, action kinds.

use serde::{Deserialize, Serialize};

/// The point of an SMTP conversation at which a rule is consulted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The client has connected; the reply is the greeting.
    Connect,
    /// `HELO` or `EHLO`.
    Helo,
    /// `MAIL FROM`.
    Mail,
    /// `RCPT TO`, once per recipient.
    Rcpt,
    /// The `DATA` command itself (the reply is 354 on success).
    Data,
    /// The end of the message data (`<CRLF>.<CRLF>`); acceptance here stores the message.
    EndOfData,
    /// `AUTH`.
    Auth,
    /// Any command: every step above except `connect` and `end_of_data`, plus the commands
    /// the session would otherwise answer by itself (`NOOP`, `RSET`, `VRFY`, `EXPN`, `HELP`,
    /// unrecognized verbs, …).
    Any,
    /// `NOOP`. (Declared after `any` so that the order of the transaction steps stays.)
    Noop,
    /// `RSET`; a positive answer resets the transaction, a refusal leaves it open.
    Rset,
    /// `VRFY` (the session's own answer is `252`).
    Vrfy,
}

impl Step {
    /// Whether a rule written for `self` is consulted at `actual`.
    pub fn covers(self, actual: Step) -> bool {
        self == actual || (self == Step::Any && !matches!(actual, Step::Connect | Step::EndOfData))
    }

    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Step::Connect => "connect",
            Step::Helo => "helo",
            Step::Mail => "mail",
            Step::Rcpt => "rcpt",
            Step::Data => "data",
            Step::EndOfData => "end_of_data",
            Step::Auth => "auth",
            Step::Any => "any",
            Step::Noop => "noop",
            Step::Rset => "rset",
            Step::Vrfy => "vrfy",
        }
    }

    /// Whether this step is a command the session would otherwise answer by itself (`any`
    /// included): whether the sender, recipients and HELO name are known depends on when the
    /// client sends it.
    pub(crate) fn is_free_command(self) -> bool {
        matches!(self, Step::Any | Step::Noop | Step::Rset | Step::Vrfy)
    }

    /// Whether the HELO name is known when this step is reached (always known after `helo`).
    pub(crate) fn knows_helo(self) -> bool {
        !matches!(self, Step::Connect)
    }

    /// Whether the envelope sender is known when this step is reached.
    pub(crate) fn knows_sender(self) -> bool {
        matches!(self, Step::Mail | Step::Rcpt | Step::Data | Step::EndOfData)
    }

    /// Whether the message itself is known when this step is reached.
    pub(crate) fn knows_message(self) -> bool {
        self == Step::EndOfData
    }

    /// Whether a recipient is known when this step is reached.
    pub(crate) fn knows_rcpt(self) -> bool {
        matches!(self, Step::Rcpt | Step::Data | Step::EndOfData)
    }
}

/// What a classifier should conclude from the outcome a rule produces, in the reason vocabulary
/// of `bounce-taxonomy.md` (the names sisimai uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)] // each variant is the taxonomy's reason of the same name
pub enum Reason {
    Userunknown,
    Hostunknown,
    Hasmoved,
    Notaccept,
    Mailboxfull,
    Suspend,
    Emailtoolarge,
    Blocked,
    Badreputation,
    Requireptr,
    Authfailure,
    Failedstarttls,
    Spamdetected,
    Virusdetected,
    Contenterror,
    Filtered,
    Policyviolation,
    Rejected,
    Norelaying,
    Ratelimited,
    Notcompliantrfc,
    Securityerror,
    Syntaxerror,
    Systemerror,
    Systemfull,
    Mailererror,
    Networkerror,
    Expired,
    Suppressed,
    Feedback,
    Vacation,
    Delivered,
    Onhold,
    Undefined,
}

impl Reason {
    /// Whether the taxonomy calls this reason a hard bounce (the address itself is bad), given
    /// the reply code that carried it: `notaccept` is hard only when permanent.
    pub fn hard_by_default(self, reply_code: Option<u16>) -> bool {
        match self {
            Reason::Userunknown | Reason::Hostunknown | Reason::Hasmoved => true,
            Reason::Notaccept => reply_code.is_none_or(|code| code >= 500),
            _ => false,
        }
    }
}

/// What the simulator does when a rule fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Answer with the given code, status and text (a 2xx reply is an acceptance with that text).
    Reply,
    /// Accept (the step's usual positive reply), optionally followed by a report.
    Accept,
    /// Accept and silently throw the message (or this recipient's copy) away.
    Discard,
    /// Close the connection without replying.
    Drop,
    /// Answer 421 and close the connection.
    Close,
}
