//! RFC 3834 automatic responses (vacation, out-of-office). Not failures: the reason is
//! `vacation` and the recipient is the person who is away. An automatic reply that says the
//! mailbox is out of service ("this inbox is no longer in use", "the account has been
//! disabled") is a failure report in an auto-reply's clothes: its text decides (`suspend`,
//! `userunknown`) and its recipient is the mailbox it names.

use super::{Decoded, Found};
use crate::message::Message;
use crate::reason::Reason;
use crate::scan;

/// Subject prefixes and words of auto-replies (lower-case).
const SUBJECTS: &[&str] = &[
    "auto:",
    "auto reply",
    "autoreply",
    "auto-reply",
    "autorespon",
    "auto response",
    "automatic reply",
    "automatische antwort",
    "réponse automatique",
    "respuesta automática",
    "out of office",
    "out of the office",
    "away until",
    "on vacation",
    "vacation",
    "自動応答",
    "自動返信",
    "不在",
];

/// Decodes an auto-reply. A message from a mailer daemon is never one.
pub(super) fn decode(msg: &Message) -> Option<Decoded> {
    let auto = msg
        .header("auto-submitted")
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("auto-replied"));
    let subject = msg.subject().to_ascii_lowercase();
    let by_subject = SUBJECTS.iter().any(|s| subject.contains(s));
    let by_header = msg.header("x-autoreply").is_some()
        || msg.header("x-autorespond").is_some()
        || msg
            .header("precedence")
            .is_some_and(|v| v.eq_ignore_ascii_case("auto_reply"));
    if !(auto || by_subject || by_header) {
        return None;
    }
    // Many MTAs mark their bounces `Auto-Submitted: auto-replied` too: a message from a mail
    // system, or one carrying a delivery report, is not a vacation notice.
    let from = msg.from().to_ascii_lowercase();
    let from_system = [
        "mailer-daemon",
        "postmaster",
        "mail delivery",
        "mail-daemon",
    ]
    .iter()
    .any(|s| from.contains(s));
    const BOUNCE_SUBJECTS: &[&str] = &[
        "undeliver",
        "delivery",
        "failure",
        "failed",
        "returned",
        "rejected",
        "not delivered",
        "error",
    ];
    let bounce_subject = BOUNCE_SUBJECTS.iter().any(|s| subject.contains(s)) && !by_subject;
    if from_system || bounce_subject || !msg.delivery_status.is_empty() {
        return None;
    }
    let from = scan::addresses(msg.from())
        .first()
        .map(|f| f.addr.to_string())?;
    let mut end = msg.notice.len().min(2048);
    while !msg.notice.is_char_boundary(end) {
        end -= 1;
    }
    let body = msg.notice[..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let lower = body.to_ascii_lowercase();
    let out_of_service = OUT_OF_SERVICE.iter().any(|p| lower.contains(p));
    let (recipient, reason, fallback) = if out_of_service {
        // The reply says the mailbox is out of service: not a vacation but a failure, which
        // the text rules name. The mailbox is the address the reply names (often not the
        // no-reply address it comes from).
        let own = msg.header("to").unwrap_or("").to_ascii_lowercase();
        let named = scan::addresses(&body)
            .into_iter()
            .map(|f| f.addr.to_string())
            .find(|a| !own.contains(&a.to_ascii_lowercase()));
        (named.unwrap_or(from), None, Some(Reason::Suspend))
    } else {
        (from, Some(Reason::Vacation), None)
    };
    Some(Decoded {
        format: "rfc3834",
        reporting_mta: None,
        recipients: vec![Found {
            recipient,
            diagnostic: body,
            date: msg.header("date").map(str::to_string),
            reason,
            fallback,
            ..Found::default()
        }],
    })
}

/// Auto-replies that say the mailbox itself is out of service (lower-case).
const OUT_OF_SERVICE: &[&str] = &[
    "no longer in use",
    "no longer active",
    "no longer exists",
    "has been disabled",
    "inbox is disabled",
    "account is disabled",
    "has been deactivated",
    "has been closed",
    "account is closed",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message;

    #[test]
    fn an_out_of_service_reply_is_not_a_vacation() {
        let raw = "From: <noreply@example.com>\nTo: <s@example.org>\nReply-To: <k@example.com>\n\
Subject: AutoResponse: hi\nAuto-Submitted: auto-replied\n\n\
This email inbox k@example.com is no longer in use. Please contact someone else at Example.\n";
        let d = decode(&message::read(raw.as_bytes()).unwrap()).unwrap();
        let f = &d.recipients[0];
        assert_eq!(f.recipient, "k@example.com");
        assert_eq!((f.reason, f.fallback), (None, Some(Reason::Suspend)));
        let v = raw.replace("is no longer in use", "is read on Monday");
        let d = decode(&message::read(v.as_bytes()).unwrap()).unwrap();
        assert_eq!(d.recipients[0].recipient, "noreply@example.com");
        assert_eq!(d.recipients[0].reason, Some(Reason::Vacation));
    }

    #[test]
    fn recognises_auto_replies() {
        let cases = [
            (
                "Auto-Submitted: auto-replied\nFrom: a@example.org\nSubject: hi\n\nAway.\n",
                true,
            ),
            (
                "From: a@example.org\nSubject: Automatic reply: hi\n\nAway.\n",
                true,
            ),
            (
                "From: a@example.org\nSubject: Out of Office\n\nAway.\n",
                true,
            ),
            ("From: a@example.org\nSubject: lunch?\n\nHi.\n", false),
            (
                "From: MAILER-DAEMON@x.example\nSubject: vacation message failed\n\nx\n",
                false,
            ),
        ];
        for (raw, want) in cases {
            let got = decode(&message::read(raw.as_bytes()).unwrap());
            assert_eq!(got.is_some(), want, "{raw:?}");
            if let Some(d) = got {
                assert_eq!(d.recipients[0].recipient, "a@example.org");
                assert_eq!(d.recipients[0].reason, Some(Reason::Vacation));
            }
        }
    }
}
