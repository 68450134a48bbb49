//! Microsoft Exchange's own (non-DSN) bounces: Exchange 5.5/2000/2003 and the Internet Mail
//! Connector, and the plain-text notice of Exchange 2007 and later when no
//! `message/delivery-status` part comes with it (a report with one is read by `rfc3464` first).
//!
//! Exchange 2003 and older list each recipient with the time of the failure, then the reason
//! and Exchange's internal error line:
//!
//! ```text
//! Your message
//!
//!   To:      s@example.org
//!   Subject: hello
//!
//! did not reach the following recipient(s):
//!
//! a@example.com on Thu, 29 Apr 2007 16:51:51 -0500
//!     The recipient name is not recognized
//!     MSEXCH:IMS:ORG:SITE:SERVER 0 (000C05A6) Unknown Recipient
//! ```
//!
//! The Internet Mail Connector of Exchange 4/5 says "The following recipient(s) could not be
//! reached:" and ends each entry with `MSEXCH:IMC:…`; the SMTP service of Exchange 2000/2003 ends
//! it with the remote host and the status: `<mx.example.com #5.1.1 smtp;550 No such user>`.
//! The `To:` lines above the list are the returned message's envelope, never a failed recipient.
//!
//! Exchange 2007 and later write a user-facing paragraph per recipient and then, under
//! "Diagnostic information for administrators:", each recipient followed by the remote reply:
//!
//! ```text
//! Generating server: mail.example.org
//!
//! a@example.com
//! #550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##
//! ```
//!
//! or by the attempts of the relay (`Remote Server at mx.example.com (192.0.2.1) returned '550
//! 4.4.7 QUEUE.Expired; message expired'`), the latest first. The administrators' text is the
//! server's own words and is read before the user-facing paragraph.
//!
//! Both are non-delivery reports: a failure whose text names no cause is permanent and
//! undecided, `onhold`. Exchange 2007+'s "Delivery is delayed to these recipients or groups" is
//! a delay notice (`Action: delayed`).

use super::{Decoded, Found, plaintext, recipient_blocks};
use crate::message::Message;
use crate::reason::Reason;
use crate::scan;

/// Sentences that open Exchange 2003's (and older) recipient list; the list starts after them.
const LEGACY_LISTS: &[&str] = &[
    "did not reach the following recipient(s):",
    "the following recipient(s) could not be reached:",
    "did not reach the following recipient:",
];

/// Exchange 2007+: the user-facing list and the administrators' section.
const MODERN_LISTS: &[&str] = &[
    "delivery has failed to these recipients or",
    "your message to these recipients or",
    DELAYED,
];
/// Exchange 2007+'s delay notice: delivery is still being retried.
const DELAYED: &str = "delivery is delayed to these recipients or";
const ADMIN: &str = "diagnostic information for administrators:";
const ADMIN_ENDS: &[&str] = &["original message headers:", "original message header"];

/// Decodes an Exchange bounce.
pub(super) fn decode(msg: &Message) -> Option<Decoded> {
    let lower = msg.notice_lower();
    let mut recipients = if let Some(start) = after_any(lower, LEGACY_LISTS) {
        legacy(msg, start)
    } else if scan::contains(lower, ADMIN) && MODERN_LISTS.iter().any(|m| scan::contains(lower, m))
    {
        modern(msg, lower)
    } else {
        return None;
    };
    // A non-delivery report: the message was not delivered and will not be retried; a delay
    // notice is an `Action: delayed` report.
    let delayed = scan::contains(lower, DELAYED);
    for f in &mut recipients {
        if delayed {
            f.action = Some("delayed".to_string());
        } else {
            f.action = Some("failed".to_string());
            f.fallback = Some(Reason::OnHold);
        }
    }
    Some(Decoded {
        format: "exchange",
        reporting_mta: None,
        recipients,
    })
}

/// The byte offset just after the first of `markers` found in `lower`.
fn after_any(lower: &str, markers: &[&'static str]) -> Option<usize> {
    markers
        .iter()
        .filter_map(|m| scan::find(lower, m).map(|i| i + m.len()))
        .min()
}

/// Exchange 2003 and older: `address on date` lines open a recipient's entry.
fn legacy(msg: &Message, start: usize) -> Vec<Found> {
    let end = start + scan::original_start(&msg.notice[start..]);
    let section = &msg.notice[start..end];
    let mut out: Vec<Found> = Vec::new();
    let mut entry: Option<(String, String)> = None;
    for line in section.lines() {
        if let Some(addr) = entry_line(line) {
            if let Some((a, t)) = entry.take() {
                out.push(plaintext::found(a, t, msg));
            }
            entry = Some((addr, String::new()));
        } else if let Some((_, text)) = entry.as_mut()
            && let Some(words) = legacy_words(line)
        {
            text.push_str(words);
            text.push('\n');
        }
    }
    if let Some((a, t)) = entry {
        out.push(plaintext::found(a, t, msg));
    }
    if out.is_empty() {
        // A list without the `on <date>` suffix: any recipient line.
        out = recipient_blocks(section)
            .into_iter()
            .map(|b| plaintext::found(b.addr, b.text, msg))
            .collect();
    }
    out
}

/// What a line of an Exchange 2003 entry says, without Exchange's bookkeeping: the MTS-ID of
/// the original message (and its wrapped `;l=…` tail) is dropped, and of the internal error
/// line `MSEXCH:IMS:ORG:SITE:SERVER 0 (000C05A6) Unknown Recipient` only the words after the
/// error number are kept (the organisation, site and server names are not a reason).
fn legacy_words(line: &str) -> Option<&str> {
    let t = line.trim();
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("the mts-id") || t.starts_with(';') {
        return None;
    }
    if lower.starts_with("msexch:") {
        let words = t.rsplit_once(')').map_or("", |(_, w)| w.trim());
        return (!words.is_empty()).then_some(words);
    }
    Some(t)
}

/// `a@example.com on Thu, 29 Apr 2007 16:51:51 -0500` → the address.
fn entry_line(line: &str) -> Option<String> {
    let t = line.trim();
    let found = scan::addresses(t);
    let first = found.first()?;
    let before = t[..first.start].trim_matches(|c: char| matches!(c, '<' | '"' | '\'' | ' '));
    let after = t[first.end..]
        .trim_start_matches(['>', '"', '\''])
        .trim_start();
    (before.is_empty() && (after.is_empty() || after.to_ascii_lowercase().starts_with("on ")))
        .then(|| first.addr.to_string())
}

/// Exchange 2007 and later, without a DSN part.
fn modern(msg: &Message, lower: &str) -> Vec<Found> {
    let admin_at = scan::find(lower, ADMIN).map_or(lower.len(), |i| i + ADMIN.len());
    let admin_end = ADMIN_ENDS
        .iter()
        .filter_map(|m| scan::find(&lower[admin_at..], m))
        .min()
        .map_or(lower.len(), |i| admin_at + i);
    let user_at = after_any(lower, MODERN_LISTS).unwrap_or(0);
    let user_section = &msg.notice[user_at..admin_at.saturating_sub(ADMIN.len()).max(user_at)];
    let admin_section = &msg.notice[admin_at..admin_end];
    let user = recipient_blocks(user_section);
    let admin: Vec<_> = recipient_blocks(admin_section)
        .into_iter()
        .filter(|b| !b.text.trim().is_empty() && b.text.trim() != b.addr)
        .collect();
    let listed = if admin.is_empty() { &user } else { &admin };
    listed
        .iter()
        .map(|b| {
            let said = user
                .iter()
                .find(|u| u.addr.eq_ignore_ascii_case(&b.addr))
                .map_or("", |u| u.text.as_str());
            let own = admin
                .iter()
                .find(|a| a.addr.eq_ignore_ascii_case(&b.addr))
                .map(|a| unmark(&a.text.replace(&format!("<mailto:{}>", a.addr), "")));
            let text = match own {
                Some(t) if scan::reply_code(&t).is_some() || scan::status(&t).is_some() => t,
                Some(t) => format!("{t}\n{said}"),
                None => said.to_string(),
            };
            plaintext::found(b.addr.clone(), text, msg)
        })
        .collect()
}

/// Exchange frames the remote reply as `#550 5.1.1 text ##rfc822;a@example.org`: the marks
/// (and the address type after them) are not the server's words.
fn unmark(text: &str) -> String {
    text.lines()
        .map(|l| {
            let l = l.trim().trim_start_matches('#');
            l.find("##").map_or(l, |i| &l[..i]).trim_end()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message;

    fn read(raw: &str) -> Vec<(String, Option<u16>, Option<String>, String)> {
        let mut out = Vec::new();
        for (i, m) in crate::message::with_each_line_end(raw).enumerate() {
            let got: Vec<_> = decode(&m)
                .unwrap()
                .recipients
                .into_iter()
                .map(|f| {
                    (
                        f.recipient,
                        f.reply_code,
                        f.status,
                        f.diagnostic
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" "),
                    )
                })
                .collect();
            if i > 0 {
                assert_eq!(got, out, "line ends change the result");
            }
            out = got;
        }
        out
    }

    #[test]
    fn reads_exchange_2003_entries() {
        let raw = "From: postmaster@example.com\nTo: s@example.org\nSubject: Undeliverable: hi\n\
X-Mailer: Internet Mail Service (5.5.2653.19)\n\n\
Your message\n\n  To:      b@example.com\n  Subject: hi\n  Sent:    Thu, 29 Apr 2007 16:51:29 -0500\n\n\
did not reach the following recipient(s):\n\n\
a@example.com on Thu, 29 Apr 2007 16:51:51 -0500\n    The recipient name is not recognized\n\
\tThe MTS-ID of the original message is: c=us;a= ;p=org\n;l=SERVER0000\n\
    MSEXCH:IMS:ORG:SITE:SERVER 0 (000C05A6) Unknown\nRecipient\n\
c@example.com on Thu, 29 Apr 2007 16:51:52 -0500\n    Mailbox full\n";
        let got = read(raw);
        assert_eq!(got.len(), 2, "{got:?}");
        let m = message::read(raw.as_bytes()).unwrap();
        let f = &decode(&m).unwrap().recipients[0];
        assert_eq!(
            (f.action.as_deref(), f.fallback),
            (Some("failed"), Some(Reason::OnHold))
        );
        assert_eq!(got[0].0, "a@example.com");
        assert_eq!(
            got[0].3,
            "The recipient name is not recognized Unknown Recipient"
        );
        assert_eq!(got[1].0, "c@example.com");
        assert_eq!(got[1].3, "Mailbox full");
    }

    #[test]
    fn reads_imc_and_smtp_service_entries() {
        let raw = "From: System Administrator <postmaster@example.com>\nTo: s@example.org\n\
Subject: Undeliverable: hi\n\n\
Your message did not reach some or all of the intended recipients.\n\n\
      To:\tb@example.com\n      Subject:\thi\n      Sent:\t4/29/01 11:34:45 PM\n\n\
The following recipient(s) could not be reached:\n\n\
      a@example.com on 4/29/01 11:34:45 PM\n            Recipient Not Found\n\
            MSEXCH:IMC:ORG:SITE:SERVER\n\n\
      d@example.net on 4/29/01 11:34:46 PM\n\
            The e-mail account does not exist at the organization this message was sent to.\n\
            <mx.example.net #5.1.1 smtp;550 5.1.1 No such user>\n";
        let got = read(raw);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, "a@example.com");
        assert_eq!(got[0].3, "Recipient Not Found");
        assert_eq!(got[1].0, "d@example.net");
        assert_eq!(got[1].1, Some(550));
        assert_eq!(got[1].2.as_deref(), Some("5.1.1"));
    }

    #[test]
    fn reads_exchange_2007_administrators_section() {
        let raw = "From: postmaster@example.org\nTo: s@example.net\nSubject: Undeliverable: hi\n\
Content-Type: text/plain\n\n\
Delivery has failed to these recipients or groups:\n\n\
a@example.org<mailto:a@example.org>\nThe e-mail address you entered couldn't be found.\n\n\
b@example.com<mailto:b@example.com>\nThe server has tried to deliver this message, without success, and has stopped trying.\n\n\
Diagnostic information for administrators:\n\nGenerating server: mail.example.org\n\n\
a@example.org\n#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##\n\n\
b@example.com\n3/09/2016 8:05:56 PM - Remote Server at mx.example.com (192.0.2.1) returned '550 4.4.7 QUEUE.Expired; message expired'\n\
3/09/2016 7:58:27 PM - Remote Server at mx.example.com (192.0.2.1) returned '441 4.4.1 Error encountered'\n\n\
Original message headers:\n\nTo: a@example.org\n";
        let got = read(raw);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(
            (got[0].0.as_str(), got[0].1, got[0].2.as_deref()),
            ("a@example.org", Some(550), Some("5.1.1"))
        );
        assert_eq!(
            (got[1].0.as_str(), got[1].1, got[1].2.as_deref()),
            ("b@example.com", Some(550), Some("4.4.7"))
        );
    }

    #[test]
    fn reads_an_exchange_2007_delay_notice() {
        let raw = "From: postmaster@example.org\nTo: s@example.net\nSubject: Delivery delayed: hi\n\n\
Delivery is delayed to these recipients or groups:\n\na@example.com (a@example.com)\n\n\
This message hasn't been delivered yet. Delivery will continue to be attempted.\n\n\
Diagnostic information for administrators:\n\nGenerating server: mail.example.org\n\n\
a@example.com\nRemote Server at mx.example.com (192.0.2.1) returned '400 4.4.7 Message delayed'\n\n\
Original message headers:\n\nTo: a@example.com\n";
        let m = message::read(raw.as_bytes()).unwrap();
        let d = decode(&m).unwrap();
        let f = &d.recipients[0];
        assert_eq!(f.recipient, "a@example.com");
        assert_eq!((f.action.as_deref(), f.fallback), (Some("delayed"), None));
        assert_eq!(f.status.as_deref(), Some("4.4.7"));
    }

    #[test]
    fn other_notices_are_not_exchange() {
        let raw = "From: MAILER-DAEMON@example.org\nSubject: failure\n\n\
The following addresses had permanent fatal errors:\n<a@example.com>\n";
        let m = message::read(raw.as_bytes()).unwrap();
        assert!(decode(&m).is_none());
    }
}
