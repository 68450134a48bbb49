//! Bounce classification.
//!
//! Reads RFC 3464 delivery status notifications, the non-standard bounces of real MTAs, ARF
//! complaints (RFC 5965), auto-replies (RFC 3834) and single SMTP replies, and tells per
//! recipient the reason, whether the address is bad, and what the sender should do.
//!
//! ```
//! use bounce_classify::{classify, Decision, Outcome, Reason};
//!
//! let bounce = b"From: MAILER-DAEMON@mx.example.org\r\n\
//! Subject: Undelivered Mail Returned to Sender\r\n\
//! Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
//! --b\r\nContent-Type: text/plain\r\n\r\nI could not deliver it.\r\n\
//! --b\r\nContent-Type: message/delivery-status\r\n\r\n\
//! Reporting-MTA: dns; mx.example.org\r\n\r\n\
//! Final-Recipient: rfc822; gone@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n\
//! Diagnostic-Code: smtp; 550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown\r\n\
//! --b--\r\n";
//! let Outcome::Bounce(report) = classify(bounce) else { panic!("a bounce") };
//! let r = &report.recipients[0];
//! assert_eq!(r.recipient, "gone@example.com");
//! assert_eq!(r.reason, Reason::UserUnknown);
//! assert!(r.hard_bounce && r.permanent);
//! assert_eq!(r.decision, Decision::Suppress);
//! ```
//!
//! # How a message is read
//!
//! 1. **MIME walk** ([`message`](crate) internals): line ends are made uniform, mail-parser
//!    decodes MIME, transfer encodings and charsets; the notice text, the
//!    `message/delivery-status` and `message/feedback-report` parts and the returned message's
//!    headers are kept. Input beyond 8 MiB is not read (a bounce's report is at its start).
//! 2. **Format recognisers** (`src/formats/`, one file per family, tried in the order of the
//!    registry in `formats.rs`): ARF, Amazon SES notifications, RFC 3464, RFC 3834, then the
//!    plain-text catch-all. Each returns the recipients in the order the bounce lists them with
//!    their raw facts: status, reply code, action, diagnostic and its type, remote MTA, SMTP step.
//! 3. **Reason** (`src/reason/`), the evidence order, strongest first; the first step that gives
//!    an answer decides, and [`RecipientReport::rule`] names it. Addresses in the text, and the
//!    recipient's domain standing alone, are masked before the text is read: they are names, and
//!    a phrase inside them (`virus@…`, `…@throttle.example`) decides nothing.
//!    1. `format`: what the format itself establishes (a complaint is `feedback`, an auto-reply
//!       `vacation`, `Action: delivered` `delivered`, an SES suppression `suppressed`);
//!    2. `provider`: a provider's own codes in the text (Gmail's help-page keys, Yahoo's
//!       `[TSS04]`/`[BL21]`, Microsoft's `S3150` and `RESOLVER.ADR.*`);
//!    3. `text`: phrases of the diagnostic, in the fixed order of `reason/text.rs` (narrower
//!       statements first: a refused sender before an unknown host, reputation and rate limits
//!       before block lists, block lists before spam, hosts before users); a user-unknown text at
//!       the DATA step reads as `filtered`; a prefix such as Postfix's `Recipient address
//!       rejected:` is not a cause (what follows it decides; alone it makes no 4xx reply hard);
//!    4. `status`: the enhanced status code, only codes that name one failure (`X.1.1`, `X.2.2`,
//!       `X.7.25`, …; never `X.7.1` or `X.0.0`). A status code never overrides clear text: real
//!       servers send 5.1.1 for rate limits;
//!    5. `fallback`: `Action: delayed` → expired; refused at `MAIL` → rejected; at connect or
//!       `HELO` → blocked; otherwise onhold (permanent) or undefined.
//!
//!    A reply that names other recipients of the same report and not this one was about them
//!    (nullmailer reports the first refused recipient's reply for every recipient): a mailbox
//!    reason it gives (user unknown, mailbox full, suspended, moved; an unknown host of another
//!    domain) becomes `onhold` for this one (rule `reply-about-another-recipient`), not a hard
//!    bounce. Any other reason stands: it was about the whole transaction.
//! 4. **Decision** ([`decision::decide`]): the taxonomy's table from reason to what the sender
//!    should do and the Amazon SES bounce type/subtype.
//!
//! Everything is linear in the input and bounded in memory; no input panics.

pub mod decision;
mod formats;
mod message;
pub mod reason;
pub mod reply;
pub mod report;
mod scan;

pub use decision::{Decision, SesBounce};
pub use reason::Reason;
pub use reply::{ReplyVerdict, classify_reply};
pub use report::{Command, Outcome, RecipientReport, Report};

use smtp_core::status::{EnhancedStatus, StatusClass};

use crate::formats::Found;
use crate::reason::{Evidence, decide};

/// Longest diagnostic kept in a report (characters).
const MAX_DIAGNOSTIC: usize = 1000;

/// Why a message could not be read at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The input is empty (or only white space).
    Empty,
    /// The input has no header block that mail-parser can read.
    NotAMessage,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Error::Empty => "empty input",
            Error::NotAMessage => "not an email message (no readable header block)",
        })
    }
}

impl std::error::Error for Error {}

/// Classifies one message (raw bytes of an email, any line ends). Input that is not a message
/// at all is "not a bounce"; [`try_classify`] tells the two apart.
pub fn classify(input: &[u8]) -> Outcome {
    try_classify(input).unwrap_or(Outcome::NotBounce)
}

/// Classifies one message, with an error for input that is not an email message at all.
pub fn try_classify(input: &[u8]) -> Result<Outcome, Error> {
    if input.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Empty);
    }
    let msg = message::read(input).ok_or(Error::NotAMessage)?;
    if !msg.has_headers() {
        return Err(Error::NotAMessage);
    }
    let Some(decoded) = formats::decode(&msg) else {
        return Ok(Outcome::NotBounce);
    };
    let (format, reporting_mta) = (decoded.format, decoded.reporting_mta);
    let about_others: Vec<bool> = decoded
        .recipients
        .iter()
        .map(|f| reply_names_only_others(f, &decoded.recipients))
        .collect();
    let recipients = decoded
        .recipients
        .into_iter()
        .zip(about_others)
        .map(|(f, about_others)| {
            recipient_report(f, format, reporting_mta.as_deref(), about_others)
        })
        .collect();
    Ok(Outcome::Bounce(Report {
        decoded_by: format.to_string(),
        recipients,
    }))
}

/// Whether `f`'s reply names other recipients of the same report and not `f` itself: then it
/// was the answer about one of them. nullmailer, refused one recipient, gives up the whole
/// message and reports that one reply for every recipient.
fn reply_names_only_others(f: &Found, all: &[Found]) -> bool {
    if all.len() < 2 {
        return false;
    }
    let is_self = |a: &str| {
        a.eq_ignore_ascii_case(&f.recipient)
            || f.original_recipient
                .as_deref()
                .is_some_and(|o| a.eq_ignore_ascii_case(o))
    };
    let named = scan::addresses(&f.diagnostic);
    !named.iter().any(|n| is_self(n.addr))
        && named.iter().any(|n| {
            all.iter()
                .any(|other| other.recipient.eq_ignore_ascii_case(n.addr))
        })
}

/// What a reply about another recipient cannot say of this one: that its mailbox (or its
/// domain, when that is another) is bad. Any other reason (the client's IP, the content, the
/// rate) was about the whole transaction and stands.
fn is_about_the_mailbox(reason: Reason, f: &Found) -> bool {
    match reason {
        Reason::UserUnknown | Reason::MailboxFull | Reason::Suspend | Reason::HasMoved => true,
        Reason::HostUnknown => {
            let domain = |a: &str| a.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase());
            scan::addresses(&f.diagnostic)
                .iter()
                .all(|n| domain(n.addr) != domain(&f.recipient))
        }
        _ => false,
    }
}

/// The report for one recipient; `f`'s strings move into it. `about_others`: its reply names
/// other recipients of the report and not this one.
fn recipient_report(
    f: Found,
    format: &str,
    reporting_mta: Option<&str>,
    about_others: bool,
) -> RecipientReport {
    let status: Option<EnhancedStatus> = f
        .status
        .as_deref()
        .and_then(|s| EnhancedStatus::find(s.as_bytes()).map(|(s, _)| s))
        .filter(|s| !(s.subject == 0 && s.detail == 0 && f.status.is_none()))
        .or_else(|| scan::status(&f.diagnostic));
    let ev = Evidence {
        format_reason: f.reason,
        text: &f.diagnostic,
        status,
        reply_code: f.reply_code,
        command: f.command,
        action: f.action.as_deref(),
        format_fallback: f.fallback,
        gateway: f.gateway,
        markers: None,
        phrase: None,
        recipient: Some(&f.recipient),
    };
    let mut verdict = decide(&ev);
    if about_others && is_about_the_mailbox(verdict.reason, &f) {
        verdict = reason::Verdict {
            reason: Reason::OnHold,
            rule: "reply-about-another-recipient",
            matched: None,
        };
    }
    let permanent = match (status, f.reply_code) {
        (Some(s), _) if s.class != StatusClass::Success => s.class == StatusClass::Permanent,
        (_, Some(c)) => c >= 500,
        // No code at all: the DSN action says it; a failure notice without one (plain-text
        // bounces) is final unless it is not a failure.
        _ => match f.action.as_deref() {
            Some(action) => action == "failed",
            None => !matches!(
                verdict.reason,
                Reason::Delivered | Reason::Vacation | Reason::Feedback | Reason::Undefined
            ),
        },
    };
    let (decision, ses) = decision::decide(verdict.reason, permanent);
    let mut diagnostic: String = scan::words(&f.diagnostic);
    // (A text of at most MAX_DIAGNOSTIC bytes has at most as many characters.)
    if diagnostic.len() > MAX_DIAGNOSTIC
        && let Some((i, _)) = diagnostic.char_indices().nth(MAX_DIAGNOSTIC)
    {
        diagnostic.truncate(i);
    }
    RecipientReport {
        recipient: f.recipient,
        original_recipient: f.original_recipient,
        reason: verdict.reason,
        hard_bounce: verdict.reason.is_hard_bounce(permanent),
        permanent,
        status: status.map(|s| s.to_string()),
        reply_code: f.reply_code,
        action: f.action,
        diagnostic: (!diagnostic.is_empty()).then_some(diagnostic),
        diagnostic_type: f.diagnostic_type,
        remote_mta: f.remote_mta,
        reporting_mta: reporting_mta.map(str::to_string),
        command: f.command,
        date: f.date,
        feedback_type: f.feedback_type,
        decoded_by: format.to_string(),
        rule: verdict.describe(),
        decision,
        ses,
    }
}
