//! The catch-all for plain-text bounces: finds the notice (the text before the returned
//! message), the recipient lines in it and the text about each. Many MTAs write bounces this way
//! (qmail, Exim, Sendmail without DSN, Courier, Exchange 2003, Lotus Notes, carriers' mailers);
//! their specific markers only change where the notice ends, which [`scan::original_start`]
//! knows.

use super::{Decoded, Found, looks_like_bounce, recipient_blocks};
use crate::message::Message;
use crate::scan;

/// Local parts that are never the failed recipient.
const SYSTEM_LOCALS: &[&str] = &["mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"];

fn is_system(addr: &str) -> bool {
    let local = addr.split('@').next().unwrap_or("").to_ascii_lowercase();
    SYSTEM_LOCALS.contains(&local.as_str())
}

/// Decodes a plain-text bounce.
pub(super) fn decode(msg: &Message) -> Option<Decoded> {
    if !looks_like_bounce(msg) {
        return None;
    }
    let end = msg.notice_end();
    let notice = &msg.notice[..end];
    let own: Vec<String> = [msg.from(), msg.header("to").unwrap_or("")]
        .iter()
        .flat_map(|h| {
            scan::addresses(h)
                .into_iter()
                .map(|f| f.addr.to_ascii_lowercase())
        })
        .collect();
    let mut blocks: Vec<_> = recipient_blocks(notice)
        .into_iter()
        .filter(|b| !is_system(&b.addr))
        .collect();
    // The bounce's own From (a daemon) is never a recipient; its To (the original sender) is
    // dropped only if other candidates remain.
    if blocks.len() > 1 {
        let kept: Vec<_> = blocks
            .iter()
            .filter(|b| !own.contains(&b.addr.to_ascii_lowercase()))
            .cloned()
            .collect();
        if !kept.is_empty() {
            blocks = kept;
        }
    }
    let mut recipients: Vec<(String, String)> = blocks
        .iter()
        .map(|b| {
            let text = if blocks.len() == 1 || !meaningful(&b.text, &b.addr) {
                notice.to_string()
            } else {
                b.text.clone()
            };
            (b.addr.clone(), text)
        })
        .collect();
    if recipients.is_empty()
        && let Some(h) = msg.header("x-failed-recipients")
    {
        recipients = scan::addresses(h)
            .into_iter()
            .map(|f| (f.addr.to_string(), notice.to_string()))
            .collect();
    }
    if recipients.is_empty() {
        // Any address in the notice that is not the bounce's own.
        if let Some(f) = scan::addresses(notice)
            .into_iter()
            .find(|f| !is_system(f.addr) && !own.contains(&f.addr.to_ascii_lowercase()))
        {
            recipients.push((f.addr.to_string(), notice.to_string()));
        }
    }
    if recipients.is_empty()
        && let Some(to) = msg.original_header("to")
    {
        recipients = scan::addresses(&to)
            .into_iter()
            .map(|f| (f.addr.to_string(), notice.to_string()))
            .collect();
    }
    let found = recipients
        .into_iter()
        .map(|(addr, text)| found(addr, text, msg))
        .collect();
    Some(Decoded {
        format: "plaintext",
        reporting_mta: None,
        recipients: found,
    })
}

/// A recipient and the text about it, with the facts the text states (step, reply code,
/// status) and the message's date. Shared by the plain-text family recognisers.
pub(super) fn found(recipient: String, text: String, msg: &Message) -> Found {
    Found {
        command: scan::command(&text),
        reply_code: scan::reply_code(&text),
        status: scan::status(&text).map(|s| s.to_string()),
        recipient,
        diagnostic: text,
        date: msg.header("date").map(str::to_string),
        ..Found::default()
    }
}

/// Does the block say more than the address?
fn meaningful(text: &str, addr: &str) -> bool {
    let rest = text.replace(addr, "");
    rest.chars().filter(|c| c.is_alphabetic()).count() >= 8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message;

    #[test]
    fn reads_qmail_style_and_exim_style() {
        let qmail = "From: MAILER-DAEMON@mx.example.org\nSubject: failure notice\n\n\
Hi. This is the qmail-send program at mx.example.org.\n\
I'm afraid I wasn't able to deliver your message to the following addresses.\n\n\
<a@example.com>:\n192.0.2.1 does not like recipient.\nRemote host said: 550 5.1.1 No such user\n\
Giving up on 192.0.2.1.\n\n--- Below this line is a copy of the message.\n\nReturn-Path: <s@example.org>\nTo: a@example.com\n";
        let exim = "From: Mail Delivery System <Mailer-Daemon@mx.example.org>\n\
Subject: Mail delivery failed: returning message to sender\n\n\
A message that you sent could not be delivered to one or more of its\nrecipients. The following address(es) failed:\n\n\
  a@example.com\n    SMTP error from remote mail server after RCPT TO:<a@example.com>:\n\
    host mx.example.com [192.0.2.1]: 550 5.1.1 No such user\n\n\
  b@example.com\n    SMTP error from remote mail server after end of data:\n    host mx.example.com [192.0.2.1]: 552 5.2.2 Over quota\n\n\
------ This is a copy of the message, including all the headers. ------\n";
        let d = decode(&message::read(qmail.as_bytes()).unwrap()).unwrap();
        assert_eq!(d.recipients.len(), 1);
        assert_eq!(d.recipients[0].recipient, "a@example.com");
        assert_eq!(d.recipients[0].reply_code, Some(550));
        let d = decode(&message::read(exim.as_bytes()).unwrap()).unwrap();
        let got: Vec<_> = d
            .recipients
            .iter()
            .map(|r| (r.recipient.as_str(), r.reply_code, r.command))
            .collect();
        use crate::report::Command;
        assert_eq!(
            got,
            [
                ("a@example.com", Some(550), Some(Command::Rcpt)),
                ("b@example.com", Some(552), Some(Command::Data))
            ]
        );
    }

    #[test]
    fn ordinary_mail_is_not_read() {
        let raw =
            "From: friend@example.org\nSubject: lunch\n\nSee <a@example.com>: 550 tomorrow?\n";
        assert!(decode(&message::read(raw.as_bytes()).unwrap()).is_none());
    }
}
