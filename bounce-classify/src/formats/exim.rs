//! Exim.
//!
//! Exim writes a plain-text bounce (optionally with an RFC 3464 part, which the `rfc3464`
//! recogniser reads first):
//!
//! ```text
//! This message was created automatically by mail delivery software.
//!
//! A message that you sent could not be delivered to one or more of its
//! recipients. This is a permanent error. The following address(es) failed:
//!
//!   a@example.com
//!     host mx.example.com [192.0.2.1]
//!     SMTP error from remote mail server after RCPT TO:<a@example.com>:
//!     550 5.1.1 No such user
//!
//! ------ This is a copy of the message, including all the headers. ------
//! ```
//!
//! Recipients are the two-space indented lines, their details the four-space indented lines
//! below (read by the plain-text block splitter, which this recogniser reuses). What only Exim
//! says, and what it means:
//! - a delay warning ("has not yet been delivered … Delivery attempts will continue") is an
//!   `Action: delayed` report;
//! - "all hosts have been failing for a long time" / "retry time not reached for any host after
//!   a long failure period": the retry limit was reached, `expired`;
//! - "incorrectly constructed" recipient addresses (`malformed address: …`): the sender's own
//!   message had a syntax error in an address, `syntaxerror`;
//! - the notice of cPanel's Exim configuration, "The account or domain may not exist, they may
//!   be blacklisted, or missing the proper dns entries", is sent when the recipient's domain
//!   cannot be routed, `hostunknown`.

use super::{Decoded, Found, plaintext, recipient_blocks};
use crate::message::Message;
use crate::reason::Reason;
use crate::scan;

const MARKER: &str = "this message was created automatically by mail delivery software";
const FAILED: &[&str] = &[
    "the following address(es) failed",
    "could not be delivered to one or more of its",
    "incorrectly constructed",
];
const DELAYED: &str = "has not yet been delivered to one or more of its";

/// Exim's own statements and what they establish.
const OWN: &[(&str, Reason)] = &[
    (
        "all hosts have been failing for a long time",
        Reason::Expired,
    ),
    (
        "retry time not reached for any host after a long failure period",
        Reason::Expired,
    ),
    ("the account or domain may not exist", Reason::HostUnknown),
];

/// Where the list of recipients starts: the end of the line that announces it.
const LIST_STARTS: &[&str] = &[
    "address(es) failed:",
    "has not yet been delivered is:",
    "have not yet been delivered are:",
    "incorrectly constructed:",
];
const END: &str = "------ this is a copy of ";

/// Decodes an Exim bounce or delay warning.
pub(super) fn decode(msg: &Message) -> Option<Decoded> {
    // `words` keeps every run of non-space characters as it is, so a phrase found in the words
    // of the notice has each of its words in the notice itself: two cheap searches of the
    // notice (one word of MARKER; one word of DELAYED and of each FAILED phrase) skip the copy
    // for the bounces that are not Exim's.
    let notice = msg.notice_lower();
    if !scan::contains(notice, "automatically") && !is_exim_sender(msg) {
        return None;
    }
    if !["delivered", "address(es)", "constructed"]
        .iter()
        .any(|w| scan::contains(notice, w))
    {
        return None;
    }
    // The phrases are looked for in the words of the notice (a phrase may wrap), made only when
    // a phrase is neither in the notice as it is nor ruled out by a missing word.
    let words = std::cell::OnceCell::new();
    let says = |phrase: &'static str| {
        scan::contains(notice, phrase)
            || phrase.split(' ').all(|w| notice.contains(w))
                && scan::contains(words.get_or_init(|| scan::words(notice)), phrase)
    };
    if !says(MARKER) && !is_exim_sender(msg) {
        return None;
    }
    let delayed = says(DELAYED);
    if !delayed && !FAILED.iter().any(|m| says(m)) {
        return None;
    }
    let mut d = Decoded {
        format: "exim",
        recipients: listed(msg),
        ..Decoded::default()
    };
    if d.recipients.is_empty() {
        // Recipients that are not addresses (a pipe, a file, a bare local part): the generic
        // reader falls back on `X-Failed-Recipients`.
        d.recipients = plaintext::decode(msg)?.recipients;
    }
    let malformed = says("incorrectly constructed");
    for f in &mut d.recipients {
        let text = scan::words(&f.diagnostic).to_ascii_lowercase();
        f.reason = OWN
            .iter()
            .find(|(p, _)| text.contains(p))
            .map(|(_, r)| *r)
            .or(malformed.then_some(Reason::SyntaxError));
        if delayed {
            f.action = Some("delayed".to_string());
        }
    }
    Some(d)
}

/// The recipients listed after the announcing line, each with its indented details.
fn listed(msg: &Message) -> Vec<Found> {
    let lower = msg.notice_lower();
    let Some(start) = LIST_STARTS
        .iter()
        .filter_map(|m| scan::find(lower, m).map(|i| i + m.len()))
        .min()
    else {
        return Vec::new();
    };
    let end = scan::find(&lower[start..], END).map_or(lower.len(), |i| start + i);
    let section = &msg.notice[start..end];
    recipient_blocks(section)
        .into_iter()
        .map(|b| plaintext::found(b.addr, b.text, msg))
        .collect()
}

/// Exim's daemon signs as `Mail Delivery System <Mailer-Daemon@…>`, and its message carries
/// `X-Failed-Recipients` or Exim's own `Received: … with local (Exim 4.x)` line.
fn is_exim_sender(msg: &Message) -> bool {
    let exim_received = msg
        .headers()
        .any(|(n, v)| n == "received" && scan::contains(v, "(Exim "));
    (msg.header("x-failed-recipients").is_some() || exim_received)
        && msg
            .from()
            .to_ascii_lowercase()
            .contains("mail delivery system")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message;

    fn bounce(intro: &str, blocks: &str) -> String {
        format!(
            "Received: from s by mx.example.org with local (Exim 4.96)\n\
From: Mail Delivery System <Mailer-Daemon@mx.example.org>\nTo: s@example.org\n\
Subject: Mail delivery failed: returning message to sender\n\n{intro}\n\n{blocks}\n\n\
------ This is a copy of the message, including all the headers. ------\n\nTo: a@example.com\n"
        )
    }

    #[test]
    fn reads_exim_statements() {
        let failed = "A message that you sent could not be delivered to one or more of its\n\
recipients. This is a permanent error. The following address(es) failed:";
        let cases = [
            (
                failed,
                "  a@example.com\n    all hosts have been failing for a long time and were last tried after this message arrived",
                Some(Reason::Expired),
                None,
            ),
            (
                failed,
                "  a@example.com\n    The mail server could not deliver mail to a@example.com.  The account or domain may not exist, they may be blacklisted, or missing the proper dns entries.",
                Some(Reason::HostUnknown),
                None,
            ),
            (
                "A message that you sent contained one or more recipient addresses that were\nincorrectly constructed:",
                "  a@example.com <b@example.net>: malformed address: <b@example.net> may not follow a@example.com",
                Some(Reason::SyntaxError),
                None,
            ),
            (
                "A message that you sent has not yet been delivered to one or more of its\nrecipients after more than 24 hours on the queue on mx.example.org.\n\nThe address to which the message has not yet been delivered is:",
                "  a@example.com\n    Delay reason: SMTP error from remote mail server after MAIL FROM:<s@example.org>:\n    450 try later",
                None,
                Some("delayed"),
            ),
            (
                failed,
                "  a@example.com\n    SMTP error from remote mail server after RCPT TO:<a@example.com>:\n    550 5.1.1 No such user",
                None,
                None,
            ),
            (
                "A message sent by\n\n  <s@example.org>\n\ncould not be delivered to one or more of its\nrecipients. The following address(es) failed:",
                "  a@example.com\n    (ultimately generated from b@example.org)\n    retry timeout exceeded",
                None,
                None,
            ),
        ];
        for (intro, blocks, reason, action) in cases {
            let raw = bounce(intro, blocks);
            for m in crate::message::with_each_line_end(&raw) {
                let d = decode(&m).unwrap();
                let r = &d.recipients[0];
                assert_eq!(r.recipient, "a@example.com");
                assert_eq!(
                    (r.reason, r.action.as_deref()),
                    (reason, action),
                    "{blocks}"
                );
            }
        }
    }

    #[test]
    fn other_mail_is_not_exim() {
        let m = message::read(b"From: a@example.org\nSubject: x\n\nThe following address(es) failed:\n  b@example.com\n").unwrap();
        assert!(decode(&m).is_none());
    }
}
