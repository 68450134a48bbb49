//! OpenSMTPD.
//!
//! OpenSMTPD's bounce (a plain-text message, or the text part of its DSN when it sends one,
//! which `rfc3464` reads first) lists one recipient per line with the reason after a colon:
//!
//! ```text
//!     Hi!
//!
//!     This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail.
//!
//!     An error has occurred while attempting to deliver a message for
//!     the following list of recipients:
//!
//! a@example.com: 550 5.1.1 <a@example.com>... User unknown
//!
//!     Below is a copy of the original message:
//! ```
//!
//! A delay warning says "A message is delayed for more than … for the following list of
//! recipients" and "this is only a temporary failure report": that is an `Action: delayed`
//! report. The reasons are either the remote server's reply or OpenSMTPD's own short statements
//! ("Network error on destination MXs", "Envelope expired", "Domain does not exist"), which the
//! text rules read.

use super::{Decoded, Found, plaintext};
use crate::message::Message;
use crate::scan;

const MARKER: &str = "this is the mailer-daemon, please do not reply to this";
const LIST: &str = "list of recipients:";
const ENDS: &[&str] = &[
    "below is a copy of the original message",
    "please note that this is only a temporary failure report",
];
const DELAYED: &[&str] = &[
    "a message is delayed for more than",
    "this is only a temporary failure report",
];

/// Decodes an OpenSMTPD bounce.
pub(super) fn decode(msg: &Message) -> Option<Decoded> {
    let lower = msg.notice_lower();
    if !scan::contains(lower, MARKER) {
        return None;
    }
    let start = scan::find(lower, LIST)? + LIST.len();
    let end = ENDS
        .iter()
        .filter_map(|m| scan::find(&lower[start..], m))
        .min()
        .map_or(lower.len(), |i| start + i);
    let delayed = DELAYED.iter().any(|m| scan::contains(lower, m));
    let mut entries: Vec<(String, String)> = Vec::new();
    for line in msg.notice[start..end].lines() {
        match entry(line) {
            Some((addr, text)) => entries.push((addr.to_string(), text.to_string())),
            // A wrapped reason continues the previous entry.
            None => {
                if let Some((_, text)) = entries.last_mut()
                    && !line.trim().is_empty()
                {
                    text.push('\n');
                    text.push_str(line.trim());
                }
            }
        }
    }
    let recipients: Vec<Found> = entries
        .into_iter()
        .map(|(addr, text)| {
            let mut f = plaintext::found(addr, text, msg);
            if delayed {
                f.action = Some("delayed".to_string());
            }
            f
        })
        .collect();
    Some(Decoded {
        format: "opensmtpd",
        reporting_mta: None,
        recipients,
    })
}

/// `a@example.com: reason` at the start of a line → the address and the reason.
fn entry(line: &str) -> Option<(&str, &str)> {
    let found = scan::addresses(line);
    let first = found.first()?;
    let before = line[..first.start].trim_matches(|c: char| matches!(c, '<' | ' ' | '\t'));
    let rest = line[first.end..].trim_start_matches('>');
    let text = rest.strip_prefix(':')?;
    before.is_empty().then_some((first.addr, text.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Command;

    fn bounce(intro: &str, list: &str, outro: &str) -> String {
        format!(
            "From: Mailer Daemon <MAILER-DAEMON@mx.example.org>\nTo: s@example.org\n\
Subject: Delivery status notification: error\n\n    Hi!\n\n\
    This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail.\n\n{intro}\n\n{list}\n\n{outro}\
    Below is a copy of the original message:\n\nReceived: from x (localhost)\nTo: a@example.com\n\nhi\n"
        )
    }

    #[test]
    fn reads_recipient_lines() {
        let failed = "    An error has occurred while attempting to deliver a message for\n    the following list of recipients:";
        let delayed = "    A message is delayed for more than 4 hours for the following\n    list of recipients:";
        let note = "    Please note that this is only a temporary failure report.\n\n";
        let cases = [
            (
                bounce(
                    failed,
                    "a@example.com: 550 5.2.2 <a@example.com>... Mailbox Full\nb@example.net: 550 5.1.1 <b@example.net>: Recipient address rejected:\n    User unknown in local recipient table (in reply to RCPT TO command)",
                    "",
                ),
                vec![
                    ("a@example.com", Some(550), Some("5.2.2"), None, None),
                    (
                        "b@example.net",
                        Some(550),
                        Some("5.1.1"),
                        None,
                        Some(Command::Rcpt),
                    ),
                ],
            ),
            (
                bounce(
                    delayed,
                    "a@example.com: Network error on destination MXs",
                    note,
                ),
                vec![("a@example.com", None, None, Some("delayed"), None)],
            ),
        ];
        for (raw, want) in cases {
            for m in crate::message::with_each_line_end(&raw) {
                let d = decode(&m).unwrap();
                let got: Vec<_> = d
                    .recipients
                    .iter()
                    .map(|f| {
                        (
                            f.recipient.as_str(),
                            f.reply_code,
                            f.status.as_deref(),
                            f.action.as_deref(),
                            f.command,
                        )
                    })
                    .collect();
                assert_eq!(got, want);
            }
        }
    }

    #[test]
    fn other_notices_are_not_opensmtpd() {
        let m = crate::message::read(
            b"From: MAILER-DAEMON@example.org\nSubject: x\n\na@example.com: 550 no such user\n",
        )
        .unwrap();
        assert!(decode(&m).is_none());
    }
}
