//! The output types: one report per message, one entry per recipient.

use serde::{Deserialize, Serialize};

use crate::decision::{Decision, SesBounce};
use crate::reason::Reason;

/// The SMTP step a failure answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Command {
    /// The connection or the greeting (`220`/`554` banner).
    Conn,
    /// `HELO`/`EHLO`.
    Helo,
    /// `STARTTLS` or the TLS handshake.
    StartTls,
    /// `AUTH`.
    Auth,
    /// `MAIL FROM`.
    Mail,
    /// `RCPT TO`.
    Rcpt,
    /// `DATA`, `BDAT` or the end of the data (the final dot).
    Data,
}

impl Command {
    /// The name as written in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Command::Conn => "CONN",
            Command::Helo => "HELO",
            Command::StartTls => "STARTTLS",
            Command::Auth => "AUTH",
            Command::Mail => "MAIL",
            Command::Rcpt => "RCPT",
            Command::Data => "DATA",
        }
    }
}

/// What a bounce says about one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientReport {
    /// The address that failed (`Final-Recipient`, or the address the text names).
    pub recipient: String,
    /// The address as the sender wrote it (`Original-Recipient`), when given and different.
    pub original_recipient: Option<String>,
    /// Why it failed.
    pub reason: Reason,
    /// Is the address itself bad (suppress it)?
    pub hard_bounce: bool,
    /// Was the failure permanent (5xx / 5.x.x / action failed)?
    pub permanent: bool,
    /// The enhanced status code (`5.1.1`).
    pub status: Option<String>,
    /// The SMTP reply code (`550`).
    pub reply_code: Option<u16>,
    /// The DSN action (`failed`, `delayed`, `delivered`, …), lower-case.
    pub action: Option<String>,
    /// The remote server's words, white space collapsed.
    pub diagnostic: Option<String>,
    /// The diagnostic's type (`smtp`, `x-unix`, …).
    pub diagnostic_type: Option<String>,
    /// The server that gave the diagnostic.
    pub remote_mta: Option<String>,
    /// The server that wrote the bounce.
    pub reporting_mta: Option<String>,
    /// The SMTP step that failed.
    pub command: Option<Command>,
    /// When the last attempt was made (or the report's date), as written.
    pub date: Option<String>,
    /// The complaint's `Feedback-Type` (ARF only).
    pub feedback_type: Option<String>,
    /// The format or provider recogniser that read the bounce.
    pub decoded_by: String,
    /// The rule of the evidence order that gave the reason (`text:mailboxfull`, `status:5.1.1`, …).
    pub rule: String,
    /// What the sender should do.
    pub decision: Decision,
    /// The Amazon SES bounce type/subtype this corresponds to.
    pub ses: Option<SesBounce>,
}

/// A bounce, complaint or auto-reply read from one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The format or provider recogniser that read it.
    pub decoded_by: String,
    /// The recipients, in the order the bounce lists them; never empty.
    pub recipients: Vec<RecipientReport>,
}

/// The result of reading one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Outcome {
    /// A bounce, complaint, auto-reply or delivery report with at least one recipient.
    Bounce(Report),
    /// Not a bounce: no recognised report and no failed recipient found.
    NotBounce,
}

impl Outcome {
    /// The report, if this is a bounce.
    pub fn report(&self) -> Option<&Report> {
        match self {
            Outcome::Bounce(r) => Some(r),
            Outcome::NotBounce => None,
        }
    }
}
