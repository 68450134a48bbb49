//! Reports to send after a message was accepted: bounces, auto-replies, complaints. The
//! simulator makes an entry when it stores the message and fills its `content` at once with
//! [`crate::report`]'s builders (RFC 3464, RFC 3834, RFC 5965).

use serde::{Deserialize, Serialize};

use crate::types::{MessageId, SessionId, Timestamp};

/// The kind of report a rule asks for after acceptance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// An RFC 3464 delivery status notification (`multipart/report; report-type=delivery-status`).
    Bounce,
    /// An RFC 3834 automatic reply (`Auto-Submitted: auto-replied`).
    AutoReply,
    /// An RFC 5965 ARF complaint (`multipart/report; report-type=feedback-report`).
    Complaint,
}

/// Where a report is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Recorded; its message is not built yet.
    Pending,
    /// Built; `content` holds the message.
    Built,
    /// Delivered to the configured host.
    Sent,
    /// Delivery failed; see the event log.
    Failed,
}

/// One report owed to an envelope sender.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxEntry {
    /// Its number in this run (1-based).
    pub id: u64,
    /// Bounce, auto-reply or complaint.
    pub kind: ReportKind,
    /// Who receives the report: the envelope sender of the message.
    pub to: String,
    /// The recipient the report is about.
    pub recipient: String,
    /// The stored message it is about.
    pub message: MessageId,
    /// The session that brought the message.
    pub session: SessionId,
    /// The rule that asked for the report.
    pub rule: Option<String>,
    /// The status a bounce reports.
    pub status: Option<String>,
    /// The rendered diagnostic, body or comment.
    pub text: Option<String>,
    /// When the entry was made.
    pub created: Timestamp,
    /// Where it is in its life.
    pub state: OutboxState,
    /// The report message, once built (not shown in the JSON listing).
    #[serde(skip)]
    pub content: Option<Vec<u8>>,
}

/// The reports owed, in the order they were made.
#[derive(Debug, Default)]
pub struct Outbox {
    entries: Vec<OutboxEntry>,
    next_id: u64,
}

impl Outbox {
    /// Records a report; `entry.id` is assigned here. Returns the id, or `None` when the
    /// envelope sender is null: RFC 5321 §4.5.5 forbids reports to `<>`, so none is made.
    pub fn push(&mut self, mut entry: OutboxEntry) -> Option<u64> {
        if entry.to.is_empty() {
            return None;
        }
        self.next_id += 1;
        entry.id = self.next_id;
        self.entries.push(entry);
        Some(self.next_id)
    }

    /// Stores the built report of entry `id` and marks it [`OutboxState::Built`]. Returns
    /// whether the entry exists.
    pub fn set_content(&mut self, id: u64, content: Vec<u8>) -> bool {
        match self.entries.iter_mut().rev().find(|e| e.id == id) {
            Some(e) => {
                e.content = Some(content);
                e.state = OutboxState::Built;
                true
            }
            None => false,
        }
    }

    /// One entry.
    pub fn get(&self, id: u64) -> Option<&OutboxEntry> {
        self.entries.iter().rev().find(|e| e.id == id)
    }

    /// The id the next entry will get.
    pub fn next_id(&self) -> u64 {
        self.next_id + 1
    }

    /// Every entry, oldest first.
    pub fn entries(&self) -> &[OutboxEntry] {
        &self.entries
    }

    /// Forgets every entry (ids keep counting).
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}
