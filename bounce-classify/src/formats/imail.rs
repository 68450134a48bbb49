//! Ipswitch IMail Server (`X-Mailer: <SMTP32 v…>`).
//!
//! IMail states the failure per recipient on one line, either as a sentence ending in the
//! address or as a label and the address, then quotes the remote server's reply under "Body of
//! message generated response:", and returns the message after "Original message follows.":
//!
//! ```text
//! undeliverable to a@example.com
//! Body of message generated response:
//! 550 5.1.1 <a@example.com>... User unknown
//!
//! Original message follows.
//! ```
//!
//! "Body of message generated response" says the reply answered the message's data.
//! Its own statements: `Unknown user: a@example.com`, `Host unknown: a@example.com` (the text
//! rules read those) and `Delivery failed 5 attempts: a@example.com`, IMail giving up after its
//! retries, `expired` when no other cause is named.

use super::{Decoded, Found, plaintext};
use crate::message::Message;
use crate::reason::Reason;
use crate::report::Command;
use crate::scan;

const RESPONSE: &str = "generated response:";
/// The reply quoted was the answer to the message body (the end of DATA).
const BODY_RESPONSE: &str = "body of message generated response:";
const ENDS: &[&str] = &["original message follows", "--- original message"];
/// Statements that end in the failed address (lower-case).
const LEADS: &[&str] = &[
    "undeliverable to",
    "unknown user:",
    "host unknown:",
    "delivery failed",
    "invalid final delivery userid:",
    "requested action not taken:",
];
const GAVE_UP: &str = "delivery failed";

/// Decodes an IMail bounce.
pub(super) fn decode(msg: &Message) -> Option<Decoded> {
    let mailer = msg.header("x-mailer").unwrap_or("");
    if !mailer.to_ascii_lowercase().contains("<smtp32 v") {
        return None;
    }
    let lower = msg.notice.to_ascii_lowercase();
    let end = ENDS
        .iter()
        .filter_map(|m| lower.find(m))
        .min()
        .unwrap_or(lower.len());
    let notice = &msg.notice[..end];
    let mut recipients: Vec<Found> = Vec::new();
    let mut lines = notice.lines().peekable();
    while let Some(line) = lines.next() {
        let l = line.trim().to_ascii_lowercase();
        let Some(lead) = LEADS.iter().find(|p| l.starts_with(*p)) else {
            continue;
        };
        let Some(addr) = scan::addresses(line).last().map(|f| f.addr.to_string()) else {
            continue;
        };
        // The statement and, when it follows, the quoted reply up to the next statement.
        let mut text = line.trim().to_string();
        let mut after_body = false;
        while let Some(next) = lines.peek() {
            let n = next.trim().to_ascii_lowercase();
            if LEADS.iter().any(|p| n.starts_with(p)) {
                break;
            }
            after_body |= n.starts_with(BODY_RESPONSE);
            if !n.contains(RESPONSE) {
                text.push('\n');
                text.push_str(next.trim());
            }
            lines.next();
        }
        let mut f = plaintext::found(addr, text, msg);
        if after_body {
            f.command = Some(Command::Data);
        }
        if *lead == GAVE_UP {
            f.fallback = Some(Reason::Expired);
        }
        recipients.push(f);
    }
    Some(Decoded {
        format: "imail",
        reporting_mta: None,
        recipients,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message;

    #[test]
    fn reads_imail_statements() {
        let cases = [
            (
                "undeliverable to a@example.com\nBody of message generated response:\n\
550-REJECTED - Blacklisted URL in message.\n550 See http://uribl.example/\n",
                "a@example.com",
                Some(550),
                None,
            ),
            ("Unknown user: a@example.com\n", "a@example.com", None, None),
            (
                "Delivery failed 20 attempts: a@example.com\n",
                "a@example.com",
                None,
                Some(Reason::Expired),
            ),
        ];
        for (body, addr, code, fallback) in cases {
            let raw = format!(
                "From: \"Postmaster\" <postmaster@mail.example.org>\nTo: <s@example.net>\n\
Subject: Undeliverable Mail\nX-Mailer: <SMTP32 v9.23>\n\n{body}\nOriginal message follows.\n\n\
Received: from x\nTo: b@example.com\n"
            );
            for m in crate::message::with_each_line_end(&raw) {
                let d = decode(&m).unwrap();
                assert_eq!(d.recipients.len(), 1, "{body}");
                let f = &d.recipients[0];
                assert_eq!(
                    (f.recipient.as_str(), f.reply_code, f.fallback),
                    (addr, code, fallback)
                );
                assert_eq!(f.command == Some(Command::Data), code.is_some());
                assert!(!f.diagnostic.contains("generated response"));
            }
        }
    }

    #[test]
    fn other_mailers_are_not_imail() {
        let raw = "From: postmaster@example.org\nSubject: Undeliverable Mail\n\nundeliverable to a@example.com\n";
        assert!(decode(&message::read(raw.as_bytes()).unwrap()).is_none());
    }
}
