//! The reports sent after a message was accepted, built as real mail systems write them:
//!
//! - [`ReportKind::Bounce`]: an RFC 3464 delivery status notification,
//!   `multipart/report; report-type=delivery-status`, with a human-readable part laid out as
//!   Postfix lays out its notices, the `message/delivery-status` part written with
//!   [`smtp_core::dsn`], and the returned message (`message/rfc822`) or its headers
//!   (`text/rfc822-headers`) as `RET` asked. The status class sets the action: 5 `failed`,
//!   4 `delayed` (a delay notice), 2 `delivered` (a success notice).
//! - [`ReportKind::AutoReply`]: an RFC 3834 automatic reply (`Auto-Submitted: auto-replied`,
//!   `In-Reply-To`/`References`, an "Out of office" subject) from the recipient. None is made
//!   for a message that is itself automatic (`Auto-Submitted` other than `no`, or
//!   `Precedence: bulk`/`junk`/`list`).
//! - [`ReportKind::Complaint`]: an RFC 5965 ARF complaint,
//!   `multipart/report; report-type=feedback-report`, as a feedback loop sends it (from
//!   Amazon SES's complaint address for the SES simulator's recipients).
//!
//! Every report goes to the envelope sender and none to the null sender (RFC 5321 §4.5.5). The
//! output depends only on its inputs: times are passed in, and the Message-ID, MIME boundary and
//! queue id come from a ChaCha8 stream keyed by the run's seed and the report's number.
//!
//! ```
//! use smtp_sim::capture::ReportKind;
//! use smtp_sim::report::{Original, Reporter, Request};
//! use smtp_sim::scenario::Step;
//! use smtp_sim::types::{ClientIdentity, Timestamp};
//!
//! let client = ClientIdentity::from_ip("192.0.2.7".parse().unwrap());
//! let original = Original {
//!     raw: b"From: app@example.com\r\nSubject: Welcome\r\n\r\nHello\r\n",
//!     sender: "app@example.com",
//!     client: &client,
//!     helo: Some("app.example.com"),
//!     arrival: Timestamp(1_772_528_700_000),
//!     ret: None,
//!     envid: None,
//! };
//! let request = Request {
//!     kind: ReportKind::Bounce,
//!     recipient: "gone@example.org",
//!     orcpt: None,
//!     status: None,
//!     text: Some("550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown"),
//!     step: Step::Rcpt,
//!     persona: None,
//!     now: Timestamp(1_772_528_760_000),
//! };
//! let reporter = Reporter::new("mx.smtp-sim.test", "smtp-sim.test", 42);
//! let bounce = String::from_utf8(reporter.build(&original, &request, 1).unwrap()).unwrap();
//! assert!(bounce.contains("Subject: Undelivered Mail Returned to Sender\r\n"));
//! assert!(bounce.contains("Status: 5.1.1\r\n"));
//! assert!(bounce.contains("(in reply to RCPT TO command)"));
//! assert_eq!(reporter.build(&original, &request, 1).unwrap().len(), bounce.len());
//! ```

mod auto_reply;
mod complaint;
mod dsn;
mod mime;

#[cfg(test)]
mod tests;

use chacha20::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use smtp_core::params::Ret;
use smtp_core::status::EnhancedStatus;

pub use crate::capture::ReportKind;
use crate::persona::Persona;
use crate::scenario::Step;
use crate::types::{ClientIdentity, Timestamp};

/// The accepted message a report is about.
#[derive(Debug, Clone, Copy)]
pub struct Original<'a> {
    /// The message as received.
    pub raw: &'a [u8],
    /// The envelope sender (`""` for the null reverse-path): the report's addressee.
    pub sender: &'a str,
    /// The client that sent it.
    pub client: &'a ClientIdentity,
    /// Its HELO/EHLO name.
    pub helo: Option<&'a str>,
    /// When the data ended.
    pub arrival: Timestamp,
    /// The MAIL `RET=` value; `None`: the full message for a failure, headers otherwise.
    pub ret: Option<Ret>,
    /// The MAIL `ENVID=` value.
    pub envid: Option<&'a str>,
}

/// One report to build.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// Bounce, auto-reply or complaint.
    pub kind: ReportKind,
    /// The recipient the report is about.
    pub recipient: &'a str,
    /// Its `ORCPT=` value as `type; address`.
    pub orcpt: Option<&'a str>,
    /// A bounce's status (default: the one in `text`, else by the reply code in `text`, else
    /// 5.0.0).
    pub status: Option<EnhancedStatus>,
    /// A bounce's diagnostic (an SMTP reply such as `550 5.1.1 …` is reported as the remote
    /// server's), an auto-reply's body, a complaint's comment.
    pub text: Option<&'a str>,
    /// The step at which the remote server answered (`in reply to …`).
    pub step: Step,
    /// The receiver whose report this imitates.
    pub persona: Option<Persona>,
    /// When the report is made.
    pub now: Timestamp,
}

/// Builds reports for one simulator: its host name, its own domain and the run's seed.
#[derive(Debug, Clone)]
pub struct Reporter {
    hostname: String,
    sim_domain: String,
    seed: u64,
}

/// Why no report is made for a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Withheld {
    /// The envelope sender is null (RFC 5321 §4.5.5: no report to `<>`).
    NullSender,
    /// An auto-reply to an automatic message (RFC 3834 §2: `Auto-Submitted` other than `no`,
    /// or `Precedence: bulk`, `junk` or `list`).
    AutomaticMessage,
}

impl Reporter {
    /// A reporter for the simulator `hostname` serving the SES addresses on `sim_domain` too.
    pub fn new(hostname: &str, sim_domain: &str, seed: u64) -> Self {
        Reporter {
            hostname: hostname.to_owned(),
            sim_domain: sim_domain.to_ascii_lowercase(),
            seed,
        }
    }

    /// Whether a report of `kind` may be sent about `original` at all.
    pub fn check(kind: ReportKind, original: &Original<'_>) -> Result<(), Withheld> {
        if original.sender.is_empty() {
            return Err(Withheld::NullSender);
        }
        if kind == ReportKind::AutoReply && auto_reply::is_automatic(original.raw) {
            return Err(Withheld::AutomaticMessage);
        }
        Ok(())
    }

    /// The report message (CRLF line ends), or why none is sent. `number` is the report's
    /// number in the run (its outbox id): with the seed, it keys the identifiers drawn.
    pub fn build(
        &self,
        original: &Original<'_>,
        request: &Request<'_>,
        number: u64,
    ) -> Result<Vec<u8>, Withheld> {
        Self::check(request.kind, original)?;
        let mut ids = Ids::new(self.seed, number);
        Ok(match request.kind {
            ReportKind::Bounce => dsn::build(self, original, request, &mut ids),
            ReportKind::AutoReply => auto_reply::build(self, original, request, &mut ids),
            ReportKind::Complaint => complaint::build(self, original, request, &mut ids),
        })
    }

    /// Whether `recipient` is one of the Amazon SES mailbox simulator's (on its domain or on the
    /// simulator's own).
    fn is_ses(&self, recipient: &str, persona: Option<Persona>) -> bool {
        let domain = mime::domain_of(recipient).to_ascii_lowercase();
        persona == Some(Persona::SesSimulator)
            || domain == crate::scenario::SES_SIMULATOR_DOMAIN
            || domain == self.sim_domain
    }
}

/// The identifiers of one report, drawn from a ChaCha8 stream: the key is the run's seed
/// (mixed with a constant, so report streams never equal the sessions'), the stream the
/// report's number.
#[derive(Debug)]
pub(crate) struct Ids {
    rng: ChaCha8Rng,
}

impl Ids {
    /// "report" in ASCII: keeps report streams apart from session streams of the same seed.
    const KEY: u64 = 0x7265_706f_7274;

    fn new(seed: u64, number: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ Self::KEY);
        rng.set_stream(number);
        Ids { rng }
    }

    /// A Postfix-style queue id: 10 upper-case hexadecimal digits.
    pub(crate) fn queue_id(&mut self) -> String {
        format!("{:010X}", self.rng.next_u64() >> 24)
    }

    /// 16 lower-case hexadecimal digits.
    pub(crate) fn token(&mut self) -> String {
        format!("{:016x}", self.rng.next_u64())
    }
}

/// The header fields every report starts with, CRLF-terminated, in the order Postfix writes
/// them; `extra` follows `Message-ID`.
pub(crate) fn head(out: &mut Vec<u8>, fields: [(&str, &str); 5], extra: &[(&str, String)]) {
    for (name, value) in fields.iter() {
        push_field(out, name, value);
    }
    for (name, value) in extra {
        push_field(out, name, value);
    }
}

fn push_field(out: &mut Vec<u8>, name: &str, value: &str) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(mime::clean(value).as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// The `Received:` field the simulator adds to the message it accepted, as returned in
/// bounces and complaints.
pub(crate) fn received(
    hostname: &str,
    original: &Original<'_>,
    recipient: &str,
    queue_id: &str,
) -> String {
    let ip = original.client.ip;
    let name = original.client.name.as_deref().unwrap_or("unknown");
    let helo = original
        .client
        .helo
        .as_deref()
        .or(original.helo)
        .unwrap_or("unknown");
    format!(
        "Received: from {} ({} [{ip}])\r\n\tby {hostname} (smtp-sim) with ESMTP id {queue_id}\r\n\
         \tfor <{recipient}>; {}\r\n",
        mime::clean(helo),
        mime::clean(name),
        mime::rfc5322_date(original.arrival)
    )
}

/// A MIME body part: its header fields, a blank line, the content (CRLF-terminated).
pub(crate) fn part(out: &mut Vec<u8>, boundary: &str, fields: &[(&str, &str)], content: &[u8]) {
    out.extend_from_slice(format!("\r\n--{boundary}\r\n").as_bytes());
    for (name, value) in fields {
        push_field(out, name, value);
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(content);
    if !content.ends_with(b"\r\n") && !content.is_empty() {
        out.extend_from_slice(b"\r\n");
    }
}
