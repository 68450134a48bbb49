//! qmail (and its patched descendants: netqmail, qmail-ldap, vpopmail's vdelivermail).
//!
//! qmail-send writes a plain-text bounce:
//!
//! ```text
//! Hi. This is the qmail-send program at mx.example.org.
//! I'm afraid I wasn't able to deliver your message to the following addresses.
//! This is a permanent error; I've given up. Sorry it didn't work out.
//!
//! <a@example.com>:
//! 192.0.2.1 does not like recipient.
//! Remote host said: 550 5.1.1 <a@example.com>... User unknown
//! Giving up on 192.0.2.1.
//!
//! --- Below this line is a copy of the message.
//! ```
//!
//! Each `<address>:` line opens a recipient's paragraph. qmail-remote's own first line says at
//! which step the remote host refused (`does not like recipient` → RCPT, `failed after I sent
//! the message` → DATA, `Connected to … but sender was rejected` → MAIL, `… but my name was
//! rejected` → HELO). `Giving up on <host>.` only means qmail stops trying that host, and
//! `I'm not going to try again; this message has been in the queue too long.` says the queue
//! lifetime was reached: that makes the failure `expired` only when the paragraph names no other
//! cause.

use super::plaintext::found;
use super::{Decoded, recipient_blocks};
use crate::message::Message;
use crate::reason::Reason;
use crate::report::Command;
use crate::scan;

const MARKERS: &[&str] = &["this is the qmail-send program", "qmail-send program at "];
const ENDS: &[&str] = &[
    "--- below this line is a copy of the message",
    "--- enclosed is a copy of the message",
    "--- enclosed are the original headers",
];
const QUEUE_TOO_LONG: &str =
    "i'm not going to try again; this message has been in the queue too long.";

/// qmail-remote's statements of the step the remote host refused.
const STEPS: &[(&str, Command)] = &[
    ("does not like recipient", Command::Rcpt),
    ("failed after i sent the message", Command::Data),
    ("but sender was rejected", Command::Mail),
    ("but my name was rejected", Command::Helo),
    ("failed on data command", Command::Data),
];

/// Statements of qmail and its patches that name the failure themselves.
const OWN: &[(&str, Reason)] = &[
    // qmail-ldap: the directory that knows the mailboxes could not be reached.
    ("unable to contact ldap server", Reason::SystemError),
    ("this message is looping", Reason::NetworkError),
];

/// Decodes a qmail bounce.
pub(super) fn decode(msg: &Message) -> Option<Decoded> {
    let lower = msg.notice_lower();
    let start = MARKERS.iter().find_map(|m| scan::find(lower, m))?;
    let end = ENDS
        .iter()
        .filter_map(|m| scan::find(&lower[start..], m))
        .min()
        .map_or(lower.len(), |i| start + i);
    let section = &msg.notice[start..end];
    let recipients = recipient_blocks(section)
        .into_iter()
        .map(|b| {
            let flat = scan::words(&b.text);
            let flat_lower = flat.to_ascii_lowercase();
            let gave_up = flat_lower.contains(QUEUE_TOO_LONG);
            // Keep the remote reply and qmail's statement; drop the give-up sentences.
            let text = b
                .text
                .lines()
                .filter(|l| {
                    !l.trim_start()
                        .to_ascii_lowercase()
                        .starts_with("giving up on ")
                })
                .collect::<Vec<_>>()
                .join("\n");
            let text = remove_ci(&text, "I'm not going to try again; this");
            let text = remove_ci(&text, "message has been in the queue too long.");
            let mut f = found(b.addr, text, msg);
            if let Some((_, c)) = STEPS.iter().find(|(p, _)| flat_lower.contains(p)) {
                f.command = Some(*c);
            }
            f.reason = OWN
                .iter()
                .find(|(p, _)| flat_lower.contains(p))
                .map(|(_, r)| *r);
            if gave_up {
                f.fallback = Some(Reason::Expired);
            }
            f
        })
        .collect();
    Some(Decoded {
        format: "qmail",
        reporting_mta: None,
        recipients,
    })
}

/// `text` without the first occurrence of `needle` (ASCII case-insensitive).
fn remove_ci(text: &str, needle: &str) -> String {
    match text.to_ascii_lowercase().find(&needle.to_ascii_lowercase()) {
        Some(i) => format!("{}{}", &text[..i], &text[i + needle.len()..]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message;

    fn bounce(paragraphs: &str) -> String {
        format!(
            "From: MAILER-DAEMON@mx.example.org\nTo: s@example.org\nSubject: failure notice\n\n\
Hi. This is the qmail-send program at mx.example.org.\n\
I'm afraid I wasn't able to deliver your message to the following addresses.\n\
This is a permanent error; I've given up. Sorry it didn't work out.\n\n{paragraphs}\n\
--- Below this line is a copy of the message.\n\nReturn-Path: <s@example.org>\nTo: x@example.com\n"
        )
    }

    #[test]
    fn reads_paragraphs_steps_and_give_up() {
        let raw = bounce(
            "<a@example.com>:\n192.0.2.1 does not like recipient.\nRemote host said: 550 5.1.1 No such user\nGiving up on 192.0.2.1.\n\n\
<b@example.com>:\nConnected to 192.0.2.1 but sender was rejected.\nRemote host said: 550 5.7.1 Access denied\n\n\
<c@example.com>:\nConnected to 192.0.2.1 but my name was rejected.\nRemote host said: 501 5.0.0 Invalid domain name\n\n\
<d@example.com>:\nSorry, I wasn't able to establish an SMTP connection. (#4.4.1)\nI'm not going to try again; this message has been in the queue too long.\n\n\
<e@example.com>:\nUnable to contact LDAP server. (#4.4.3)I'm not going to try again; this\nmessage has been in the queue too long.\n",
        );
        for m in crate::message::with_each_line_end(&raw) {
            let d = decode(&m).unwrap();
            let got: Vec<_> = d
                .recipients
                .iter()
                .map(|r| (r.recipient.as_str(), r.command, r.reason, r.fallback))
                .collect();
            assert_eq!(
                got,
                [
                    ("a@example.com", Some(Command::Rcpt), None, None),
                    ("b@example.com", Some(Command::Mail), None, None),
                    ("c@example.com", Some(Command::Helo), None, None),
                    ("d@example.com", None, None, Some(Reason::Expired)),
                    (
                        "e@example.com",
                        None,
                        Some(Reason::SystemError),
                        Some(Reason::Expired)
                    ),
                ]
            );
            assert!(!d.recipients[0].diagnostic.contains("Giving up"));
            assert!(!d.recipients[3].diagnostic.contains("queue too long"));
        }
    }

    #[test]
    fn other_mail_is_not_qmail() {
        let m = message::read(b"From: a@example.org\nSubject: x\n\n<b@example.com>:\n550 no\n")
            .unwrap();
        assert!(decode(&m).is_none());
    }
}
