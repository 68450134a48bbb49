//! The compiled form of a scenario: what the rule engine evaluates.

use std::time::Duration;

use serde::Serialize;
use smtp_core::status::EnhancedStatus;

use super::pattern::{AddressPattern, Glob, IpPattern};
use super::template::Template;
use super::vocab::{Reason, Step};
use crate::capture::ReportKind;

/// A checked rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Its unique id.
    pub id: String,
    /// The step at which it is consulted.
    pub step: Step,
    /// The conditions that must all hold.
    pub conditions: Conditions,
    /// What it does.
    pub action: Action,
    /// How long to wait before acting.
    pub delay: Duration,
    /// What a classifier should conclude.
    pub expect: Expectation,
}

/// Compiled match conditions. Empty pattern lists mean "no condition".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conditions {
    /// Any of these must match the recipient.
    pub rcpt: Vec<AddressPattern>,
    /// Any of these must match the sender.
    pub sender: Vec<AddressPattern>,
    /// Any of these must match the HELO name.
    pub helo: Vec<Glob>,
    /// The client address must be in any of these.
    pub client: Vec<IpPattern>,
    /// Only the Nth message of the run.
    pub nth_message: Option<u64>,
    /// Only the first N messages of a client.
    pub first_per_client: Option<u64>,
    /// Any of these must match the message's `Subject:` (end of data only).
    pub subject: Vec<Glob>,
    /// Only messages larger than this many octets (end of data only).
    pub larger_than: Option<u64>,
    /// The probability of firing, drawn last (only when everything else matched).
    pub probability: Option<f64>,
}

/// A reply whose text still has placeholders.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplyTemplate {
    /// The three-digit code.
    pub code: u16,
    /// The enhanced status, which agrees with the code.
    pub status: Option<EnhancedStatus>,
    /// One template per line (at least one).
    pub lines: Vec<Template>,
}

/// Custom text for a positive reply whose code the step decides (250, 354, 220, 235).
#[derive(Debug, Clone, PartialEq)]
pub struct AcceptText {
    /// A 2.x.x status, if any.
    pub status: Option<EnhancedStatus>,
    /// One template per line.
    pub lines: Vec<Template>,
}

/// What a rule does.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Answer with this reply (4xx or 5xx; 354 at `data`).
    Reply(ReplyTemplate),
    /// Accept; with custom text if given; then send a report if given.
    Accept {
        /// Custom text instead of the session's own.
        text: Option<AcceptText>,
        /// The report to send to the envelope sender once the message is stored.
        report: Option<ReportSpec>,
    },
    /// Accept, then throw the message (or this recipient's copy) away.
    Discard {
        /// Custom text instead of the session's own.
        text: Option<AcceptText>,
    },
    /// Close the connection without a reply.
    Drop,
    /// Answer with this 421 reply and close.
    Close(ReplyTemplate),
}

/// A report to generate after acceptance.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportSpec {
    /// Its kind.
    pub kind: ReportKind,
    /// The status a bounce reports (5.0.0 if the file gave none).
    pub status: Option<EnhancedStatus>,
    /// Diagnostic, body or comment.
    pub text: Option<Template>,
    /// The receiver whose report it imitates.
    pub persona: Option<crate::persona::Persona>,
}

/// What a classifier should conclude from a rule's outcome: the ground truth of the event log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Expectation {
    /// The reason.
    pub reason: Reason,
    /// Whether the address itself is bad.
    pub hard: bool,
}
