//! What the rule engine knows about one connection: who the client is, what it said so far, the
//! current mail transaction, and the session's own seeded random stream.

use chacha20::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use smtp_core::status::EnhancedStatus;

use smtp_core::params::Ret;

use crate::capture::ReportKind;
use crate::persona::Persona;
use crate::scenario::{Expectation, Step};
use crate::types::{ClientIdentity, SessionId, Timestamp};

/// The numbers of the current message: in the run, and for this client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageNumber {
    /// 1-based among all messages of the run.
    pub run: u64,
    /// 1-based among the messages of this client address.
    pub client: u64,
}

/// A report owed once the message is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingReport {
    /// Its kind.
    pub kind: ReportKind,
    /// The status a bounce reports.
    pub status: Option<EnhancedStatus>,
    /// The rendered text.
    pub text: Option<String>,
    /// The step of the decision that asked for it: where the simulated remote server answered
    /// (a bounce says "in reply to RCPT TO command" or "… end of DATA command").
    pub step: Step,
    /// The receiver whose report it imitates, if any.
    pub persona: Option<Persona>,
    /// The rule that asked for it (at end of data: not the rule that accepted the recipient).
    pub rule: Option<String>,
    /// What that rule says a classifier should conclude from the report.
    pub expect: Option<Expectation>,
}

/// A recipient accepted in the current transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct AcceptedRecipient {
    /// The address.
    pub address: String,
    /// The rule that accepted it.
    pub rule: Option<String>,
    /// What that rule expects a classifier to conclude.
    pub expect: Option<Expectation>,
    /// A report to send once the message is stored.
    pub report: Option<PendingReport>,
    /// Whether this recipient's copy is silently thrown away.
    pub discard: bool,
    /// The RCPT `ORCPT=` value as `type; address` (RFC 3461), decoded from xtext; the driver
    /// sets it after a positive RCPT decision. Reports write it as `Original-Recipient`.
    pub orcpt: Option<String>,
}

/// One connection as the rule engine sees it. Made by [`super::Engine::open_session`].
#[derive(Debug)]
pub struct SessionContext {
    /// The session id.
    pub id: SessionId,
    /// The client.
    pub client: ClientIdentity,
    /// When it connected.
    pub started: Timestamp,
    /// The HELO/EHLO name, once given.
    pub helo: Option<String>,
    /// The envelope sender of the current transaction (empty string: null reverse-path).
    pub sender: Option<String>,
    /// Recipients accepted in the current transaction.
    pub recipients: Vec<AcceptedRecipient>,
    /// The numbers of the current message, from `MAIL FROM` on.
    pub message: Option<MessageNumber>,
    /// The domain of the message's RFC 5322 `From:` header, for DMARC: the driver sets it
    /// (see [`crate::internet::header_from_domain`]) before asking about the end of data.
    pub header_from: Option<String>,
    /// The message's `Subject:` (unfolded, as written) and its size in octets, for the
    /// `subject` and `larger_than` conditions: the driver sets them with `header_from`.
    pub subject: Option<String>,
    /// The message's size in octets (see `subject`).
    pub message_size: Option<u64>,
    /// The MAIL `RET=` value (RFC 3461): what a bounce returns. The driver sets it.
    pub ret: Option<Ret>,
    /// The MAIL `ENVID=` value (RFC 3461), decoded from xtext. The driver sets it.
    pub envid: Option<String>,
    rng: ChaCha8Rng,
}

impl SessionContext {
    pub(crate) fn new(
        id: SessionId,
        client: ClientIdentity,
        started: Timestamp,
        seed: u64,
    ) -> Self {
        // One key for the run, one stream per session: a session's draws depend on the seed,
        // its id and its own commands, never on other sessions running beside it.
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(id.0);
        SessionContext {
            id,
            client,
            started,
            helo: None,
            sender: None,
            recipients: Vec::new(),
            message: None,
            header_from: None,
            subject: None,
            message_size: None,
            ret: None,
            envid: None,
            rng,
        }
    }

    /// Ends the mail transaction (RSET, a new HELO, or after the end of data).
    pub fn reset_transaction(&mut self) {
        self.sender = None;
        self.recipients.clear();
        self.message = None;
        self.header_from = None;
        self.subject = None;
        self.message_size = None;
        self.ret = None;
        self.envid = None;
    }

    /// A uniform draw in [0, 1) from the session's stream.
    pub(crate) fn draw(&mut self) -> f64 {
        // The top 53 bits fill an f64 mantissa exactly.
        (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}
