//! Sendmail bounces without a delivery-status part: old Sendmail V5 (and V8 configured without
//! DSN), which list every recipient only in the session transcript.
//!
//! ```text
//!    ----- Transcript of session follows -----
//! While talking to mx.example.com:
//! >>> RCPT To:<a@example.com>
//! <<< 550 No such user here
//! 550 <a@example.com>... User unknown
//! 550 example.net (smtp)... 550 Host unknown
//! 554 <b@example.net>... 550 Host unknown (Authoritative answer from name server)
//!
//!    ----- Unsent message follows -----
//! ```
//!
//! Each line `NNN <address>... text` is Sendmail's verdict on one recipient, in order. The
//! remote host's words are the `<<<` lines of the `While talking to` exchange before it (since
//! the previous verdict); the `>>>` command before them is the step. Lines about a host (`NNN host (smtp)... Deferred`) are
//! not recipients. `Remote protocol error` on a recipient line means the remote host broke off
//! the session at a step other than the recipient's (its greeting, `MAIL` or `DATA`): unless
//! its reply names a cause, the client was refused, `blocked`.

use super::plaintext::found;
use super::{Decoded, Found};
use crate::message::Message;
use crate::reason::Reason;
use crate::scan;

/// Sendmail's verdict when the remote host broke off the session at a step other than the
/// recipient's.
const PROTOCOL_ERROR: &str = "remote protocol error";

const START: &str = "----- transcript of session follows -----";
const ENDS: &[&str] = &[
    "----- unsent message follows -----",
    "----- original message follows -----",
    "----- message header follows -----",
];

/// Decodes a transcript-only Sendmail bounce.
pub(super) fn decode(msg: &Message) -> Option<Decoded> {
    let lower = msg.notice_lower();
    let start = scan::find(lower, START)? + START.len();
    let end = ENDS
        .iter()
        .filter_map(|m| scan::find(&lower[start..], m))
        .min()
        .map_or(lower.len(), |i| start + i);
    let mut context: Vec<&str> = Vec::new();
    let mut recipients: Vec<Found> = Vec::new();
    for line in msg.notice[start..end].lines() {
        let l = line.trim();
        if l.to_ascii_lowercase().starts_with("while talking to") {
            context.clear();
            context.push(l);
            continue;
        }
        if l.starts_with(">>>") || l.starts_with("<<<") {
            context.push(l);
            continue;
        }
        let Some((addr, said)) = recipient_line(l) else {
            continue;
        };
        if recipients
            .iter()
            .any(|f| f.recipient.eq_ignore_ascii_case(&addr))
        {
            continue;
        }
        let protocol_error = said
            .get(..PROTOCOL_ERROR.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(PROTOCOL_ERROR));
        // After a refusal the remote host gave (`<<< 550 …`), Sendmail's account of how the
        // session then ended (`Remote protocol error: Connection reset by peer during result
        // wait`) is not the cause: the refusal is.
        let refused = context.iter().any(|c| {
            c.strip_prefix("<<<")
                .is_some_and(|r| matches!(r.trim_start().as_bytes().first(), Some(b'4' | b'5')))
        });
        let verdict = if protocol_error && refused {
            &l[..l.len() - said.len() + PROTOCOL_ERROR.len()]
        } else {
            l
        };
        // The exchange is used up by the verdict that follows it.
        let mut text = std::mem::take(&mut context).join("\n");
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(verdict);
        let mut f = found(addr, text, msg);
        if protocol_error {
            f.fallback = Some(Reason::Blocked);
        }
        recipients.push(f);
    }
    Some(Decoded {
        format: "v5sendmail",
        reporting_mta: None,
        recipients,
    })
}

/// `NNN <address>... text` → the address and the text after `...`.
fn recipient_line(l: &str) -> Option<(String, &str)> {
    let b = l.as_bytes();
    if b.len() < 5 || !b[..3].iter().all(u8::is_ascii_digit) || b[3] != b' ' {
        return None;
    }
    let rest = &l[4..];
    let (who, said) = rest.split_once("...")?;
    let who = who.trim().trim_matches(['<', '>']);
    let addr = scan::addresses(who).first()?.addr;
    (addr.len() == who.len()).then(|| (addr.to_string(), said.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Command;

    #[test]
    fn reads_every_recipient_of_the_transcript() {
        let raw = "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>\n\
Subject: Returned mail: User unknown\n\n   ----- Transcript of session follows -----\n\
While talking to mx.example.com:\n>>> MAIL From:<s@example.org>\n<<< 501 <s@example.org>... no access from mail server\n\
554 <a@example.com>... Remote protocol error\n\
550 example.net (smtp)... 550 Host unknown\n\
554 <b@example.net>... 550 Host unknown (Authoritative answer from name server)\n\
While talking to mx.example.edu:\n>>> RCPT To:<c@example.edu>\n<<< 550 No such user here\n\
550 <c@example.edu>... User unknown\n\n   ----- Unsent message follows -----\nTo: a@example.com\n";
        for m in crate::message::with_each_line_end(raw) {
            let d = decode(&m).unwrap();
            let got: Vec<_> = d
                .recipients
                .iter()
                .map(|r| (r.recipient.as_str(), r.command, r.reply_code, r.fallback))
                .collect();
            assert_eq!(
                got,
                [
                    (
                        "a@example.com",
                        Some(Command::Mail),
                        Some(501),
                        Some(Reason::Blocked)
                    ),
                    ("b@example.net", None, Some(554), None),
                    // not the MAIL exchange of the first recipient
                    ("c@example.edu", Some(Command::Rcpt), Some(550), None),
                ]
            );
            assert!(d.recipients[1].diagnostic.contains("Host unknown"));
        }
    }

    #[test]
    fn a_refusal_before_the_connection_broke_is_the_cause() {
        let raw = "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>\n\
Subject: Returned mail: Remote protocol error\n\n   ----- Transcript of session follows -----\n\
While talking to mx.example.com:\n>>> DATA\n<<< 550 We do not take mail of this kind here\n\
421 mx.example.com (smtp)... Deferred: Connection reset by peer during result wait\n\
554 <a@example.com>... Remote protocol error: Connection reset by peer during result wait\n\
While talking to mx.example.net:\n\
554 <b@example.net>... Remote protocol error: Connection reset by peer during greeting wait\n\
\n   ----- Unsent message follows -----\nTo: a@example.com\n";
        for m in crate::message::with_each_line_end(raw) {
            let d = decode(&m).unwrap();
            let a = &d.recipients[0];
            assert_eq!((a.command, a.reply_code), (Some(Command::Data), Some(550)));
            assert!(!a.diagnostic.contains("reset"), "{}", a.diagnostic);
            assert!(a.diagnostic.ends_with("Remote protocol error"));
            // No refusal was read before the connection broke: Sendmail's words are all there is.
            let b = &d.recipients[1];
            assert!(
                b.diagnostic
                    .contains("Connection reset by peer during greeting wait")
            );
            assert!(
                d.recipients
                    .iter()
                    .all(|r| r.fallback == Some(Reason::Blocked))
            );
        }
    }

    #[test]
    fn recipient_lines() {
        let cases = [
            ("550 <a@example.com>... User unknown", Some("a@example.com")),
            ("550 a@example.com... User unknown", Some("a@example.com")),
            ("550 example.net (smtp)... 550 Host unknown", None),
            ("<<< 550 <a@example.com>... User unknown", None),
            ("Deferred: a@example.com... later", None),
        ];
        for (line, want) in cases {
            assert_eq!(
                recipient_line(line).map(|(a, _)| a).as_deref(),
                want,
                "{line}"
            );
        }
    }
}
