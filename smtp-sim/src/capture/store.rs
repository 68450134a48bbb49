//! The bounded store of accepted messages. A message is stored *before* it is acknowledged:
//! when the store is full it is refused and the client hears 452 4.3.1, so nothing that was
//! answered 250 is ever dropped.

use std::collections::BTreeMap;
use std::io;

use serde::Serialize;
use smtp_core::status::{EnhancedStatus, StatusClass};

use super::spool::Spool;
use crate::scenario::Expectation;
use crate::types::{ClientIdentity, MessageId, SessionId, Timestamp};

/// How much the store keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreLimits {
    /// The most messages kept. Default 10,000: enough for a long integration run, small enough
    /// that a forgotten simulator does not eat the machine.
    pub max_messages: usize,
    /// The most bytes of raw messages kept. Default 256 MiB (10,000 messages of 26 KiB).
    pub max_bytes: usize,
}

impl Default for StoreLimits {
    fn default() -> Self {
        StoreLimits {
            max_messages: 10_000,
            max_bytes: 256 << 20,
        }
    }
}

/// What happened to a recipient's copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    /// Delivered to the mailbox (kept for the API).
    Delivered,
    /// Acknowledged, then silently thrown away by a `discard` rule.
    Discarded,
}

/// A recipient as accepted at RCPT.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapturedRecipient {
    /// The address.
    pub address: String,
    /// The rule that accepted it (`None`: no rule matched and the simulator accepted by default).
    pub rule: Option<String>,
    /// What that rule says a classifier should conclude.
    pub expect: Option<Expectation>,
    /// Delivered or discarded.
    pub disposition: Disposition,
}

/// The envelope of a stored message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Envelope {
    /// The `MAIL FROM` address (empty for the null reverse-path).
    pub sender: String,
    /// The accepted recipients.
    pub recipients: Vec<CapturedRecipient>,
}

/// A message to store, as the connection driver hands it over at the end of DATA.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMessage {
    /// The session it came in.
    pub session: SessionId,
    /// The client.
    pub client: ClientIdentity,
    /// The HELO/EHLO name.
    pub helo: Option<String>,
    /// Sender and recipients.
    pub envelope: Envelope,
    /// The message as received, dot-unstuffed, without the final `.`.
    pub raw: Vec<u8>,
    /// When the connection was opened.
    pub session_started: Timestamp,
    /// When the data ended.
    pub received: Timestamp,
    /// The rule that accepted the message at the end of data.
    pub rule: Option<String>,
    /// Delivered, or discarded by the rule.
    pub disposition: Disposition,
}

/// A stored message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapturedMessage {
    /// Its id.
    pub id: MessageId,
    /// The session it came in.
    pub session: SessionId,
    /// The client.
    pub client: ClientIdentity,
    /// The HELO/EHLO name.
    pub helo: Option<String>,
    /// Sender and recipients.
    pub envelope: Envelope,
    /// When the connection was opened.
    pub session_started: Timestamp,
    /// When the data ended.
    pub received: Timestamp,
    /// The rule that accepted it at the end of data.
    pub rule: Option<String>,
    /// Delivered or discarded.
    pub disposition: Disposition,
    /// Size of the raw message in bytes.
    pub size: usize,
    /// The raw message (served by the `raw` route, not in JSON).
    #[serde(skip)]
    pub raw: Vec<u8>,
}

/// Why a message could not be stored; the caller must not acknowledge it.
#[derive(Debug)]
#[non_exhaustive]
pub enum CaptureError {
    /// The store holds its maximum of messages or bytes.
    Full,
    /// The spool folder could not be written.
    Spool(io::Error),
}

impl CaptureError {
    /// What to answer the client instead of 250: 452 4.3.1 for a full store (RFC 3463 "Mail
    /// system full"), 451 4.3.0 when the spool failed.
    pub fn reply(&self) -> (u16, EnhancedStatus, &'static str) {
        match self {
            CaptureError::Full => (
                452,
                EnhancedStatus::new(StatusClass::PersistentTransient, 3, 1),
                "Insufficient system storage",
            ),
            CaptureError::Spool(_) => (
                451,
                EnhancedStatus::new(StatusClass::PersistentTransient, 3, 0),
                "Requested action aborted: local error in processing",
            ),
        }
    }
}

impl std::fmt::Display for CaptureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CaptureError::Full => f.write_str("the capture store is full"),
            CaptureError::Spool(e) => write!(f, "the spool folder could not be written: {e}"),
        }
    }
}

impl std::error::Error for CaptureError {}

/// Accepted messages, oldest first, within [`StoreLimits`].
#[derive(Debug)]
pub struct MessageStore {
    limits: StoreLimits,
    messages: BTreeMap<MessageId, CapturedMessage>,
    bytes: usize,
    next_id: u64,
    spool: Option<Spool>,
}

impl MessageStore {
    /// An empty store, writing to `spool` too if given.
    pub fn new(limits: StoreLimits, spool: Option<Spool>) -> Self {
        MessageStore {
            limits,
            messages: BTreeMap::new(),
            bytes: 0,
            next_id: 0,
            spool,
        }
    }

    /// Whether a message of `size` bytes would be stored now (the driver may ask at `DATA` to
    /// refuse early; [`MessageStore::insert`] checks again).
    pub fn has_room(&self, size: usize) -> bool {
        self.messages.len() < self.limits.max_messages
            && self.bytes.saturating_add(size) <= self.limits.max_bytes
    }

    /// Stores a message (and spools it) or refuses it; only on `Ok` may it be acknowledged.
    pub fn insert(&mut self, new: NewMessage) -> Result<MessageId, CaptureError> {
        if !self.has_room(new.raw.len()) {
            return Err(CaptureError::Full);
        }
        let id = MessageId(self.next_id + 1);
        let message = CapturedMessage {
            id,
            session: new.session,
            client: new.client,
            helo: new.helo,
            envelope: new.envelope,
            session_started: new.session_started,
            received: new.received,
            rule: new.rule,
            disposition: new.disposition,
            size: new.raw.len(),
            raw: new.raw,
        };
        if let Some(spool) = &self.spool {
            spool.write(&message).map_err(CaptureError::Spool)?;
        }
        self.next_id += 1;
        self.bytes += message.size;
        self.messages.insert(id, message);
        Ok(id)
    }

    /// One message.
    pub fn get(&self, id: MessageId) -> Option<&CapturedMessage> {
        self.messages.get(&id)
    }

    /// Every message, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &CapturedMessage> {
        self.messages.values()
    }

    /// How many messages are held.
    pub fn len(&self) -> usize {
        self.messages.len()
    }

    /// Whether none is held.
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// How many bytes of raw messages are held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Forgets every message (the spool folder keeps its files; ids keep counting).
    pub fn clear(&mut self) {
        self.messages.clear();
        self.bytes = 0;
    }
}
