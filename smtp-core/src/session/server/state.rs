//! The session's states: the phase of the input, the question pending, the mail transaction.

use crate::command::{Mail, Rcpt};
use crate::framing::LineFramer;
use crate::transfer::{BdatReceiver, DataReceiver};

use super::auth::Exchange;

/// What the next input bytes are.
#[derive(Debug)]
pub(super) enum Phase {
    /// A PROXY protocol header, before the greeting.
    Proxy,
    /// Nothing yet: the greeting waits for the caller's [`Question::Client`] answer.
    Greeting,
    /// Commands.
    Command,
    /// Commands after a refused greeting: only QUIT is served (RFC 5321 §3.1).
    Rejected,
    /// An AUTH response line (RFC 4954 allows 12 288 octets).
    Auth(Box<(Exchange, LineFramer)>),
    /// Message text after `354`.
    Data(DataReceiver),
    /// The octets of a BDAT chunk.
    Bdat {
        /// The receiver of the message's chunks (moved back to the transaction between chunks).
        receiver: Box<BdatReceiver>,
        /// The chunk's size.
        size: u64,
        /// The reply for a chunk that is read and dropped (no transaction, CHUNKING not on).
        refusal: Option<&'static [u8]>,
    },
    /// Waiting for the driver's TLS handshake; input is discarded.
    Tls,
    /// Over.
    Closed,
}

impl PartialEq for Phase {
    /// Compares the kind of phase only.
    fn eq(&self, other: &Self) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

/// The question the caller is to answer, with what the session needs to act on the answer.
#[derive(Debug)]
pub(super) enum Question {
    /// Serve this client?
    Client,
    /// This HELO/EHLO?
    Hello(crate::command::HeloName<'static>, bool),
    /// Start the data of this transaction?
    Data,
    /// This sender?
    Sender(Mail<'static>),
    /// This recipient?
    Recipient(crate::command::Rcpt<'static>),
    /// This message?
    Message,
    /// These credentials (with the login name to keep on success)?
    Auth(String),
    /// This command the session would answer by itself?
    Command(crate::command::Command<'static>),
}

/// The mail transaction (RFC 5321 §3.3).
#[derive(Debug, Default)]
pub(super) struct Transaction {
    /// The accepted `MAIL FROM`.
    pub(super) mail: Option<Mail<'static>>,
    /// The accepted recipients.
    pub(super) rcpts: Vec<Rcpt<'static>>,
    /// RCPT commands tried, accepted or not.
    pub(super) rcpt_attempts: usize,
    /// The message received so far.
    pub(super) data: Vec<u8>,
    /// BDAT chunks under way.
    pub(super) bdat: Option<BdatReceiver>,
}

impl Transaction {
    /// Whether a transaction is open (MAIL accepted, not yet ended).
    pub(super) fn is_open(&self) -> bool {
        self.mail.is_some()
    }
}
