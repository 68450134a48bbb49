//! Oracle Communications (Sun Java System, iPlanet) Messaging Server, when its report comes
//! without a `message/delivery-status` part (with one, `rfc3464` reads it first).
//!
//! The notice quotes the header fields of the message, then lists each recipient as labelled
//! fields:
//!
//! ```text
//! This report relates to a message you sent with the following header fields:
//!
//!   To: a@example.com
//!   Subject: hello
//!
//! Your message cannot be delivered to the following recipients:
//!
//!   Recipient address: a@example.com
//!   Reason: Remote SMTP server has rejected address
//!   Diagnostic code: smtp;550 5.1.1 <a@example.com>... User unknown
//!   Remote system: dns;mx.example.com (TCP|192.0.2.9|47323|192.0.2.1|25)
//! ```
//!
//! `Reason` is the Messaging Server's reading; `Diagnostic code`, when present, is the remote
//! server's reply and is read first. "has been enqueued and undeliverable for 1 day" and "will
//! continue to try" make it a delay report (`Action: delayed`).

use super::{Decoded, Found, plaintext};
use crate::message::Message;
use crate::report::Command;
use crate::scan;

const MARKER: &str = "this report relates to a message you sent with the following header fields";
const LISTS: &[&str] = &[
    "cannot be delivered to the following recipients",
    "undeliverable for",
    "has been delayed",
    "could not be delivered to the following recipients",
];
const DELAYED: &[&str] = &["will continue to try", "has been delayed"];

/// Decodes a Messaging Server report.
pub(super) fn decode(msg: &Message) -> Option<Decoded> {
    let lower = msg.notice_lower();
    if !scan::contains(lower, MARKER) {
        return None;
    }
    let start = LISTS.iter().filter_map(|m| scan::find(lower, m)).min()?;
    let delayed = DELAYED.iter().any(|m| scan::contains(&lower[start..], m));
    let end = start + scan::original_start(&msg.notice[start..]);
    let mut entries: Vec<Entry> = Vec::new();
    for line in msg.notice[start..end].lines() {
        let Some((label, value)) = line.trim().split_once(':') else {
            continue;
        };
        let value = value.trim();
        match label.trim().to_ascii_lowercase().as_str() {
            "recipient address" => {
                if let Some(a) = scan::addresses(value).first() {
                    entries.push(Entry {
                        addr: a.addr.to_string(),
                        ..Entry::default()
                    });
                }
            }
            "original address" => {
                if let (Some(e), Some(a)) = (entries.last_mut(), scan::addresses(value).first()) {
                    e.original = Some(a.addr.to_string());
                }
            }
            "reason" => set(&mut entries, |e| &mut e.reason, value),
            "diagnostic code" => set(&mut entries, |e| &mut e.diagnostic, value),
            "remote system" => set(&mut entries, |e| &mut e.remote, value),
            _ => {}
        }
    }
    let recipients = entries
        .into_iter()
        .map(|e| found(e, delayed, msg))
        .collect();
    Some(Decoded {
        format: "messagingserver",
        reporting_mta: None,
        recipients,
    })
}

#[derive(Default)]
struct Entry {
    addr: String,
    original: Option<String>,
    reason: Option<String>,
    diagnostic: Option<String>,
    remote: Option<String>,
}

fn set(entries: &mut [Entry], field: fn(&mut Entry) -> &mut Option<String>, value: &str) {
    if let Some(e) = entries.last_mut()
        && !value.is_empty()
    {
        *field(e) = Some(value.to_string());
    }
}

fn found(e: Entry, delayed: bool, msg: &Message) -> Found {
    // `smtp;550 …` → `550 …`
    let diag = e
        .diagnostic
        .as_deref()
        .map(|d| d.split_once(';').map_or(d, |(_, t)| t).trim().to_string());
    let text = match (&diag, &e.reason) {
        (Some(d), Some(r)) => format!("{d}\n{r}"),
        (Some(d), None) => d.clone(),
        (None, Some(r)) => r.clone(),
        (None, None) => String::new(),
    };
    let mut f = plaintext::found(e.addr, text, msg);
    f.original_recipient = e.original.filter(|o| !o.eq_ignore_ascii_case(&f.recipient));
    f.remote_mta = e.remote.map(|r| {
        let r = r.split_once(';').map_or(r.as_str(), |(_, h)| h).trim();
        r.split_whitespace().next().unwrap_or(r).to_string()
    });
    if e.reason
        .as_deref()
        .is_some_and(|r| r.to_ascii_lowercase().contains("rejected address"))
    {
        // "Remote SMTP server has rejected address": the refusal answered the RCPT.
        f.command.get_or_insert(Command::Rcpt);
    }
    f.diagnostic_type = diag.is_some().then(|| "smtp".to_string());
    f.action = Some(if delayed { "delayed" } else { "failed" }.to_string());
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message;

    #[test]
    fn reads_labelled_recipients() {
        let raw = "From: Internet Mail Delivery <postmaster@mx.example.org>\nTo: s@example.net\n\
Subject: Delivery Notification: Delivery has failed\nContent-type: text/plain\n\n\
This report relates to a message you sent with the following header fields:\n\n\
  Message-id: <1@example.net>\n  To: a@example.com, b@example.com\n  Subject: hi\n\n\
Your message cannot be delivered to the following recipients:\n\n\
  Recipient address: a@example.com\n  Original address: A@example.com\n\
  Reason: Remote SMTP server has rejected address\n\
  Diagnostic code: smtp;550 5.1.1 <a@example.com>... User unknown\n\
  Remote system: dns;mx.example.com (TCP|192.0.2.9|47323|192.0.2.1|25) (mx ESMTP)\n\n\
  Recipient address: b@example.com\n  Reason: Over quota\n";
        for m in crate::message::with_each_line_end(raw) {
            let d = decode(&m).unwrap();
            let got: Vec<_> = d
                .recipients
                .iter()
                .map(|f| {
                    (
                        f.recipient.as_str(),
                        f.reply_code,
                        f.command,
                        f.remote_mta.as_deref(),
                        f.diagnostic.lines().next().unwrap_or(""),
                    )
                })
                .collect();
            assert_eq!(
                got,
                [
                    (
                        "a@example.com",
                        Some(550),
                        Some(Command::Rcpt),
                        Some("mx.example.com"),
                        "550 5.1.1 <a@example.com>... User unknown"
                    ),
                    ("b@example.com", None, None, None, "Over quota"),
                ]
            );
            assert_eq!(d.recipients[0].original_recipient, None);
        }
    }

    #[test]
    fn a_queue_report_is_a_delay() {
        let raw = "From: postmaster@mx.example.org\nSubject: Delivery Notification: Delivery has been delayed\n\n\
This report relates to a message you sent with the following header fields:\n\n  To: a@example.com\n\n\
Your message has been enqueued and undeliverable for 1 day\nto the following recipients:\n\n\
  Recipient address: a@example.com\n  Reason: unable to deliver this message after 1 day\n\n\
The mail system will continue to try to deliver your message\nfor an additional 3 days.\n";
        let d = decode(&message::read(raw.as_bytes()).unwrap()).unwrap();
        assert_eq!(d.recipients[0].action.as_deref(), Some("delayed"));
    }
}
