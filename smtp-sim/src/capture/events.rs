//! The event log: every decision the simulator made, with the rule that made it and what a
//! classifier should conclude. Kept in memory for the API and appended as JSON lines to a file.

use std::collections::VecDeque;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::net::IpAddr;
use std::path::Path;

use serde::Serialize;

use crate::scenario::{Expectation, Step};
use crate::types::{MessageId, SessionId, Timestamp};

/// What the simulator did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Answered with a positive reply.
    Accepted,
    /// Answered with a 4xx or 5xx reply.
    Refused,
    /// Acknowledged and threw away.
    Discarded,
    /// Closed the connection without a reply.
    Dropped,
    /// Answered 421 and closed.
    Closed,
    /// Stored a message.
    Stored,
    /// Refused to store a message (store full or spool failure) and answered 4xx.
    StoreRefused,
    /// Put a report in the outbox.
    Reported,
}

/// One decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// Its number in this run (1-based, without gaps).
    pub seq: u64,
    /// When.
    pub at: Timestamp,
    /// The session.
    pub session: SessionId,
    /// The client's address.
    pub client_ip: IpAddr,
    /// The step.
    pub step: Step,
    /// The envelope sender, once known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    /// The recipient concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rcpt: Option<String>,
    /// What was done.
    pub kind: EventKind,
    /// The rule that decided (`None`: no rule matched; the simulator's default applied).
    pub rule: Option<String>,
    /// The reply code sent, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<u16>,
    /// The enhanced status sent, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The reply text sent, lines joined with `\n`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The delay applied before replying, in ms.
    #[serde(skip_serializing_if = "is_zero")]
    pub delay_ms: u64,
    /// The ground truth: what a classifier should conclude.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expect: Option<Expectation>,
    /// The stored message concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<MessageId>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The most recent events in memory, and every event in the file.
#[derive(Debug)]
pub struct EventLog {
    max_in_memory: usize,
    events: VecDeque<Event>,
    next_seq: u64,
    file: Option<File>,
    file_error: Option<String>,
}

impl EventLog {
    /// Keeps the last `max_in_memory` events in memory.
    pub fn new(max_in_memory: usize) -> Self {
        EventLog {
            max_in_memory: max_in_memory.max(1),
            events: VecDeque::new(),
            next_seq: 0,
            file: None,
            file_error: None,
        }
    }

    /// Also appends every event to `path` as one JSON object per line.
    pub fn with_file(mut self, path: &Path) -> io::Result<Self> {
        self.file = Some(OpenOptions::new().create(true).append(true).open(path)?);
        Ok(self)
    }

    /// Records an event (its `seq` is assigned here) and returns its number. A failed file
    /// write is remembered (see [`EventLog::file_error`]) and does not stop the simulator.
    pub fn record(&mut self, mut event: Event) -> u64 {
        self.next_seq += 1;
        event.seq = self.next_seq;
        if let Some(file) = &mut self.file {
            let mut line = serde_json::to_vec(&event).unwrap_or_default();
            line.push(b'\n');
            if let Err(e) = file.write_all(&line) {
                self.file_error = Some(e.to_string());
            }
        }
        if self.events.len() >= self.max_in_memory {
            self.events.pop_front();
        }
        self.events.push_back(event);
        self.next_seq
    }

    /// Events with `seq > after`, oldest first.
    pub fn since(&self, after: u64) -> impl Iterator<Item = &Event> {
        self.events.iter().filter(move |e| e.seq > after)
    }

    /// The last error writing the file, if any.
    pub fn file_error(&self) -> Option<&str> {
        self.file_error.as_deref()
    }

    /// Forgets the events in memory (numbering and the file go on).
    pub fn clear(&mut self) {
        self.events.clear();
    }
}
