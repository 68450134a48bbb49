//! Format recognisers: one file per MTA or provider family.
//!
//! Each recogniser looks at a [`Message`] and, if it knows the format, returns the recipients it
//! found with their raw facts (status, reply code, diagnostic, step, …). [`REGISTRY`] lists them
//! in the order they are tried; the first that returns at least one recipient wins. To add a
//! format: write `formats/<family>.rs` with a `decode` function and add one line to the registry
//! (before `plaintext`, which is the catch-all).

mod amazonses;
mod arf;
mod blocks;
mod dragonfly;
mod exchange;
mod exim;
mod fml;
mod gateway;
mod imail;
mod messagingserver;
mod notes;
mod opensmtpd;
mod plaintext;
mod powermta;
mod qmail;
mod rfc3464;
mod rfc3834;
mod sendmail;
mod v5sendmail;

use smtp_core::status::StatusClass;

use crate::message::Message;
use crate::reason::Reason;
use crate::report::Command;
use crate::scan;

pub(crate) use blocks::{Block, recipient_blocks};

/// Raw facts about one recipient, before the reason is decided.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) recipient: String,
    pub(crate) original_recipient: Option<String>,
    /// Status as written (the first enhanced status code in it is used).
    pub(crate) status: Option<String>,
    pub(crate) reply_code: Option<u16>,
    pub(crate) action: Option<String>,
    pub(crate) diagnostic: String,
    pub(crate) diagnostic_type: Option<String>,
    pub(crate) remote_mta: Option<String>,
    pub(crate) command: Option<Command>,
    pub(crate) date: Option<String>,
    pub(crate) feedback_type: Option<String>,
    /// A reason the format itself establishes (complaint, auto-reply, success, suppression).
    pub(crate) reason: Option<Reason>,
    /// A reason the format implies when neither the text, the status code nor the SMTP step
    /// says anything (qmail's "in the queue too long" → expired, a Sendmail `X-Unix` mailer
    /// exit → mailererror). Weaker than every other piece of evidence.
    pub(crate) fallback: Option<Reason>,
    /// The filtering gateway or relay product that wrote the bounce (`gateway.rs`), if known.
    pub(crate) gateway: Option<&'static str>,
}

/// What a recogniser read from a message.
#[derive(Debug, Clone, Default)]
pub(crate) struct Decoded {
    pub(crate) format: &'static str,
    pub(crate) reporting_mta: Option<String>,
    pub(crate) recipients: Vec<Found>,
}

/// A recogniser: `None` (or no recipient) when the message is not in its format.
pub(crate) type Recogniser = fn(&Message) -> Option<Decoded>;

/// The recognisers in the order they are tried. Structured formats first (a complaint or a DSN
/// says exactly what it is), then provider- and MTA-specific plain-text formats, then the
/// catch-all.
pub(crate) const REGISTRY: &[(&str, Recogniser)] = &[
    ("arf", arf::decode),
    ("amazonses", amazonses::decode),
    ("sendmail", sendmail::decode),
    ("powermta", powermta::decode),
    ("rfc3464", rfc3464::decode),
    ("exchange", exchange::decode),
    ("notes", notes::decode),
    ("opensmtpd", opensmtpd::decode),
    ("fml", fml::decode),
    ("imail", imail::decode),
    ("messagingserver", messagingserver::decode),
    ("rfc3834", rfc3834::decode),
    ("dragonfly", dragonfly::decode),
    ("qmail", qmail::decode),
    ("exim", exim::decode),
    ("v5sendmail", v5sendmail::decode),
    ("plaintext", plaintext::decode),
];

/// Runs the registry, then notes which filtering gateway wrote the bounce (if one did): that is
/// a fact about the whole message, whatever format it came in.
pub(crate) fn decode(msg: &Message) -> Option<Decoded> {
    let mut decoded = REGISTRY.iter().find_map(|(name, f)| {
        let mut d = f(msg)?;
        if d.recipients.is_empty() {
            return None;
        }
        if d.format.is_empty() {
            d.format = name;
        }
        Some(d)
    })?;
    let product = gateway::product(msg);
    for r in &mut decoded.recipients {
        r.gateway = product;
        r.diagnostic = gateway::strip_banners(std::mem::take(&mut r.diagnostic));
    }
    Some(decoded)
}

/// True when the message looks like a bounce by its envelope: a mailer daemon's sender, a
/// bounce's subject, or a weaker mark (a service's no-reply sender, a subject with a word such as
/// "error") together with the content of a failure report. Used by the catch-all to avoid reading
/// ordinary mail as a bounce.
pub(crate) fn looks_like_bounce(msg: &Message) -> bool {
    let from = msg.from().to_ascii_lowercase();
    let subject = msg.subject().to_ascii_lowercase();
    // A subject that answers another message is a person writing, whatever its words.
    let reply = is_reply(&subject);
    const DAEMONS: &[&str] = &[
        "mailer-daemon",
        "postmaster",
        "mail delivery",
        "mail.delivery",
        "maildelivery",
        "mailerdaemon",
        "mail-daemon",
        "daemon",
    ];
    const BOUNCE_SUBJECTS: &[&str] = &[
        "undeliver",
        "not delivered",
        "delivery fail",
        "delivery status",
        "delivery problem",
        "failure notice",
        "returned mail",
        "return mail",
        "returned to sender",
        "could not send",
        "couldn't be delivered",
        "mail delivery",
        "nondeliverable",
        "non-deliverable",
        "non delivery",
        "are not member",
        "not a member",
    ];
    if DAEMONS.iter().any(|s| from.contains(s))
        || (!reply && BOUNCE_SUBJECTS.iter().any(|s| subject.contains(s)))
        || msg.header("x-failed-recipients").is_some()
        || from_nobody(msg)
    {
        return true;
    }
    // Services send all kinds of mail from these senders and under these words (a password
    // change from no-reply@, "Build failed", "Security notification").
    const SERVICE_SENDERS: &[&str] = &[
        "no-reply",
        "noreply",
        "bounce",
        "administrator",
        "mailadmin",
    ];
    const NOTICE_SUBJECTS: &[&str] = &[
        // Also a carrier's parcel notice.
        "delivery notification",
        "failed",
        "error",
        "エラー",
        "bounce",
        "rejected",
        "warning",
        "delayed",
        "notification",
        "mail system",
        "problem",
    ];
    let weak = SERVICE_SENDERS.iter().any(|s| from.contains(s))
        || (!reply && NOTICE_SUBJECTS.iter().any(|s| subject.contains(s)));
    weak && reports_a_failure(msg)
}

/// What a weak mark needs beside it: the message returns the one that failed (a
/// `message/rfc822` or `text/rfc822-headers` part), or its notice quotes an enhanced status code
/// of a failure.
fn reports_a_failure(msg: &Message) -> bool {
    !msg.original_headers.is_empty()
        || scan::status(&msg.notice).is_some_and(|s| s.class != StatusClass::Success)
}

/// A subject that answers another message ("Re: my mail to you bounced"): a person writing
/// about a bounce, whatever words follow; only a mailer daemon's sender or a bounce's own marks
/// make such a message a bounce. A forwarded bounce ("Fwd: Returned mail") stays a bounce.
fn is_reply(subject: &str) -> bool {
    const PREFIXES: &[&str] = &["re:", "aw:", "sv:", "vs:", "antw:", "odp:", "ynt:"];
    let subject = subject.trim_start();
    PREFIXES.iter().any(|p| subject.starts_with(p))
}

/// `From: <>`: a message that names no author at all, which mailers write when they send a
/// notification with the null reverse path (m-FILTER's bounces). Only the `From` field counts:
/// `Return-Path: <>` alone is also on auto-replies and read receipts, which name their author.
fn from_nobody(msg: &Message) -> bool {
    let from = msg.from().trim();
    from.ends_with("<>") && from[..from.len() - 2].trim().trim_matches('"').is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_marks_of_a_bounce() {
        let cases = [
            ("From: <>\nSubject: hello\n", true),
            ("From: \"\" <>\nSubject: hello\n", true),
            // An auto-reply or a read receipt goes out with the null path but names its author.
            (
                "Return-Path: <>\nFrom: a@example.org\nSubject: hello\n",
                false,
            ),
            ("From: Someone <>x\nSubject: hello\n", false),
            ("From: a@example.org\nSubject: lunch?\n", false),
            // A person answering about a bounce, and a bounce forwarded by a person.
            (
                "From: Alice <alice@example.org>\nSubject: Re: my mail to you bounced\n",
                false,
            ),
            ("From: a@example.org\nSubject: AW: Delivery failed\n", false),
            ("From: a@example.org\nSubject: Fwd: Returned mail\n", true),
            // A mailer daemon's answer keeps the subject of the message it answers.
            (
                "From: MAILER-DAEMON@example.org\nSubject: Re: hello\n",
                true,
            ),
        ];
        for (head, want) in cases {
            let raw = format!("{head}\nBody.\n");
            for m in crate::message::with_each_line_end(&raw) {
                assert_eq!(looks_like_bounce(&m), want, "{head}");
            }
        }
    }

    #[test]
    fn weak_marks_need_the_content_of_a_failure_report() {
        let returned = "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\n\
Content-Type: text/plain\n\nCould not be delivered to <x@example.net>.\n--b\n\
Content-Type: message/rfc822\n\nFrom: a@example.org\nTo: x@example.net\nSubject: hi\n\nHi\n--b--\n";
        let cases = [
            // A service's mail from no-reply@, and a build report: no failure report in them.
            (
                "From: no-reply@accounts.example\nSubject: Your password was changed\n\n\
Write to security@accounts.example if this was not you.\n"
                    .to_string(),
                false,
            ),
            (
                "From: ci@builds.example\nSubject: Build failed: main #123\n\nAuthor: dev@example.org\n"
                    .to_string(),
                false,
            ),
            // The same marks with the failed message returned, or with a failure's status code.
            (
                format!("From: no-reply@mail.example.jp\nSubject: notice\n{returned}"),
                true,
            ),
            (
                "From: alerts@mail.example\nSubject: Mail error\n\n\
<x@example.net>: 552 5.2.2 Mailbox full\n"
                    .to_string(),
                true,
            ),
            (
                "From: a@example.org\nSubject: Delivery error\n\nAll fine, 2.0.0 delivered.\n"
                    .to_string(),
                false,
            ),
        ];
        for (raw, want) in cases {
            for m in crate::message::with_each_line_end(&raw) {
                assert_eq!(looks_like_bounce(&m), want, "{raw}");
            }
        }
    }
}
