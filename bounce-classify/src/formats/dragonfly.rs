//! DragonFly Mail Agent (DMA), the small MTA of DragonFly BSD and FreeBSD.
//!
//! A DMA bounce is plain text, one recipient per message:
//!
//! ```text
//! This is the DragonFly Mail Agent v0.13 at mx.example.org.
//!
//! There was an error delivering your mail to <a@example.com>.
//!
//! mx.example.com [192.0.2.1] did not like our RCPT TO:
//! 550 5.1.1 <a@example.com>: Recipient address rejected: User unknown
//!
//! Message headers follow.
//! ```
//!
//! The text between the recipient line and `Message headers follow.` (or `Original message
//! follows.`) is the remote reply or DMA's own statement. DMA's own statements name the failure
//! exactly: `DNS lookup failure: host … not found` (the domain does not resolve) and
//! `Could not deliver for the last N seconds. Giving up.` (queue lifetime reached).

use super::plaintext::found;
use super::{Decoded, Found};
use crate::message::Message;
use crate::reason::Reason;
use crate::scan;

const MARKER: &str = "this is the dragonfly mail agent";
const RECIPIENT: &str = "there was an error delivering your mail to ";
const ENDS: &[&str] = &["message headers follow.", "original message follows."];

/// DMA's own statements and what they establish.
const OWN: &[(&str, Reason)] = &[
    ("dns lookup failure: host ", Reason::HostUnknown),
    ("could not deliver for the last ", Reason::Expired),
];

/// Decodes a DMA bounce.
pub(super) fn decode(msg: &Message) -> Option<Decoded> {
    let lower = msg.notice_lower();
    scan::find(lower, MARKER)?;
    let at = scan::find(lower, RECIPIENT)? + RECIPIENT.len();
    let line_end = lower[at..].find('\n').map_or(lower.len(), |i| at + i);
    let recipient = msg.notice[at..line_end]
        .trim()
        .trim_end_matches('.')
        .trim_matches(['<', '>'])
        .to_string();
    if !recipient.contains('@') {
        return None;
    }
    let end = ENDS
        .iter()
        .filter_map(|m| scan::find(&lower[line_end..], m))
        .min()
        .map_or(lower.len(), |i| line_end + i);
    let text = msg.notice[line_end..end].trim().to_string();
    let own = lower[line_end..end].trim_start();
    let reason = OWN
        .iter()
        .find(|(p, _)| own.starts_with(p))
        .map(|(_, r)| *r);
    let f = Found {
        reason,
        ..found(recipient, text, msg)
    };
    Some(Decoded {
        format: "dragonfly",
        reporting_mta: None,
        recipients: vec![f],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message;
    use crate::report::Command;

    fn bounce(body: &str) -> String {
        format!(
            "From: MAILER-DAEMON <>\nTo: s@mx.example.org\nSubject: Mail delivery failed\n\n\
This is the DragonFly Mail Agent v0.13 at mx.example.org.\n\n\
There was an error delivering your mail to <postmaster@example.com>.\n\n{body}\n\n\
Message headers follow.\n\nTo: <postmaster@example.com>\nFrom: <s@mx.example.org>\n"
        )
    }

    #[test]
    fn reads_dma_bounces() {
        let cases = [
            (
                "mx.example.com [192.0.2.1] did not like our RCPT TO:\n550 5.1.1 <postmaster@example.com>: User unknown",
                None,
                Some(Command::Rcpt),
                Some(550),
            ),
            (
                "DNS lookup failure: host example.com not found",
                Some(Reason::HostUnknown),
                None,
                None,
            ),
            (
                "Could not deliver for the last 432000 seconds. Giving up.",
                Some(Reason::Expired),
                None,
                None,
            ),
        ];
        for (body, reason, command, code) in cases {
            let raw = bounce(body);
            for m in crate::message::with_each_line_end(&raw) {
                let d = decode(&m).unwrap();
                let r = &d.recipients[0];
                // A system address is a real recipient here: DMA names it explicitly.
                assert_eq!(r.recipient, "postmaster@example.com");
                assert_eq!(
                    (r.reason, r.command, r.reply_code),
                    (reason, command, code),
                    "{body}"
                );
                assert!(!r.diagnostic.contains("Message headers follow"));
            }
        }
    }

    #[test]
    fn other_mail_is_not_dma() {
        let m = message::read(b"From: a@example.org\nSubject: x\n\nThere was an error delivering your mail to <b@example.com>.\n").unwrap();
        assert!(decode(&m).is_none());
    }
}
