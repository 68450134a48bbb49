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
    /// Taken by the delivery task; on its way to the configured host, or waiting for another
    /// attempt after a temporary failure (`delivery` says what the last attempt met).
    Sending,
    /// Delivered to the configured host (`delivery` holds its reply).
    Sent,
    /// Delivery failed (`delivery` says why: the host's reply or the connection error).
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
    /// What the host the report was delivered to said: its reply to the end of data (or the
    /// refusal), or why the connection failed. `None` until a delivery was tried.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery: Option<String>,
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

    /// Marks every built entry [`OutboxState::Sending`] and returns each one's id, addressee
    /// and message, oldest first: the delivery task's work.
    pub fn claim_built(&mut self) -> Vec<(u64, String, Vec<u8>)> {
        self.entries
            .iter_mut()
            .filter(|e| e.state == OutboxState::Built)
            .filter_map(|e| {
                let content = e.content.clone()?;
                e.state = OutboxState::Sending;
                Some((e.id, e.to.clone(), content))
            })
            .collect()
    }

    /// Records how the delivery of entry `id` ended: [`OutboxState::Sent`] or
    /// [`OutboxState::Failed`], with the host's reply or the error. Returns whether the entry
    /// exists (it may have been cleared meanwhile).
    pub fn set_delivery(&mut self, id: u64, sent: bool, detail: String) -> bool {
        match self.entries.iter_mut().rev().find(|e| e.id == id) {
            Some(e) => {
                e.state = if sent {
                    OutboxState::Sent
                } else {
                    OutboxState::Failed
                };
                e.delivery = Some(detail);
                true
            }
            None => false,
        }
    }

    /// Records what an attempt to deliver entry `id` met, leaving its state as it is (a
    /// report waiting for another attempt stays [`OutboxState::Sending`]). Returns whether the
    /// entry exists.
    pub fn note_attempt(&mut self, id: u64, detail: String) -> bool {
        match self.entries.iter_mut().rev().find(|e| e.id == id) {
            Some(e) => {
                e.delivery = Some(detail);
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
