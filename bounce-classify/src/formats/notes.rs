//! Lotus Notes and HCL/IBM Domino.
//!
//! The Lotus SMTP MTA writes the reasons first and the recipients after them, and returns the
//! message below its own marker:
//!
//! ```text
//! ------- Failure Reasons  --------
//!
//! User not listed in public Name & Address Book
//! a@example.com
//!
//! ------- Returned Message --------
//! ```
//!
//! Domino's router writes, per recipient (a DSN part, when there is one, is read by `rfc3464`):
//!
//! ```text
//! Your message
//!
//!   Subject: hello
//!
//! was not delivered to:
//!
//!   a@example.com
//!
//! because:
//!
//!   User a (a@example.com) not listed in Domino Directory
//! ```
//!
//! Both are reports of a failed delivery: when the reason (often a sentence in the server's
//! language) names no cause the rules know, the failure is permanent and undecided, `onhold`.

use super::{Decoded, Found, plaintext};
use crate::message::Message;
use crate::reason::Reason;
use crate::scan;

const REASONS: &str = "------- failure reasons";
const RETURNED: &str = "------- returned message";
const NOT_DELIVERED: &str = "was not delivered to:";
const BECAUSE: &str = "because:";

/// Decodes a Lotus Notes or Domino bounce.
pub(super) fn decode(msg: &Message) -> Option<Decoded> {
    let lower = msg.notice_lower();
    let mut recipients = if let Some(at) = scan::find(lower, REASONS) {
        failure_reasons(msg, lower, at)
    } else if scan::contains(lower, NOT_DELIVERED) && scan::contains(lower, BECAUSE) {
        not_delivered(msg, lower)
    } else {
        return None;
    };
    for f in &mut recipients {
        f.fallback = Some(Reason::OnHold);
        f.action = Some("failed".to_string());
    }
    Some(Decoded {
        format: "notes",
        reporting_mta: None,
        recipients,
    })
}

/// The Lotus SMTP MTA's section: every address in it failed for the reasons above it.
fn failure_reasons(msg: &Message, lower: &str, at: usize) -> Vec<Found> {
    let start = lower[at..].find('\n').map_or(lower.len(), |i| at + i + 1);
    let end = lower[start..]
        .find(RETURNED)
        .map_or(lower.len(), |i| start + i);
    let section = &msg.notice[start..end];
    let mut reasons = String::new();
    let mut addrs: Vec<String> = Vec::new();
    for line in section.lines() {
        let found = scan::addresses(line);
        match found.first() {
            Some(f) if line.trim().len() <= f.addr.len() + 2 => addrs.push(f.addr.to_string()),
            _ => {
                reasons.push_str(line.trim());
                reasons.push('\n');
            }
        }
    }
    addrs
        .into_iter()
        .map(|a| plaintext::found(a, reasons.trim().to_string(), msg))
        .collect()
}

/// Domino's `was not delivered to: <addr> because: <reason>` paragraphs.
fn not_delivered(msg: &Message, lower: &str) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    let mut from = 0;
    while let Some(i) = scan::find(&lower[from..], NOT_DELIVERED) {
        let list_at = from + i + NOT_DELIVERED.len();
        let Some(b) = scan::find(&lower[list_at..], BECAUSE) else {
            break;
        };
        let because_at = list_at + b + BECAUSE.len();
        let next = lower[because_at..]
            .find(NOT_DELIVERED)
            .map(|n| {
                // The next paragraph starts with "Your message …" a few lines above.
                let p = because_at + n;
                lower[because_at..p]
                    .rfind("your message")
                    .map_or(p, |y| because_at + y)
            })
            .unwrap_or(lower.len());
        let end = because_at + scan::original_start(&msg.notice[because_at..next]);
        let reason = msg.notice[because_at..end].trim().to_string();
        for a in scan::addresses(&msg.notice[list_at..list_at + b]) {
            if !out.iter().any(|f| f.recipient.eq_ignore_ascii_case(a.addr)) {
                out.push(plaintext::found(a.addr.to_string(), reason.clone(), msg));
            }
        }
        from = because_at;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message;

    fn decoded(raw: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (i, m) in crate::message::with_each_line_end(raw).enumerate() {
            let got: Vec<_> = decode(&m)
                .unwrap()
                .recipients
                .into_iter()
                .map(|f| {
                    assert_eq!(f.fallback, Some(Reason::OnHold));
                    (
                        f.recipient,
                        f.diagnostic
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" "),
                    )
                })
                .collect();
            if i > 0 {
                assert_eq!(got, out);
            }
            out = got;
        }
        out
    }

    #[test]
    fn reads_failure_reasons() {
        let raw = "From: postmaster@notes.example.com\nTo: s@example.org\nSubject: Undeliverable message\n\n\
------- Failure Reasons  --------\n\nUser not listed in public Name & Address Book\n\
a@example.com\nb@example.com\n\n------- Returned Message --------\n\
Received: from mx.example.org by notes.example.com\nTo: a@example.com, b@example.com\n";
        let got = decoded(raw);
        let reason = "User not listed in public Name & Address Book";
        assert_eq!(
            got,
            [
                ("a@example.com".to_string(), reason.to_string()),
                ("b@example.com".to_string(), reason.to_string())
            ]
        );
    }

    #[test]
    fn reads_domino_paragraphs() {
        let raw = "From: Postmaster@example.com\nTo: s@example.org\nSubject: DELIVERY FAILURE: x\n\n\
Your message\n\n  Subject: hi\n\nwas not delivered to:\n\n  a@example.com\n\nbecause:\n\n\
  User a (a@example.com) not listed in Domino Directory\n\n\
Your message\n\n  Subject: hi\n\nwas not delivered to:\n\n  b@example.com\n\nbecause:\n\n\
  Router: No route found to domain example.com from server MAIL01\n";
        let got = decoded(raw);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, "a@example.com");
        assert_eq!(
            got[0].1,
            "User a (a@example.com) not listed in Domino Directory"
        );
        assert_eq!(got[1].0, "b@example.com");
        assert!(got[1].1.starts_with("Router: No route found"));
    }

    #[test]
    fn other_notices_are_not_notes() {
        let m = message::read(
            b"From: MAILER-DAEMON@example.org\nSubject: x\n\nNo such user a@example.com\n",
        )
        .unwrap();
        assert!(decode(&m).is_none());
    }
}
