//! Classifying a single SMTP reply (a session's refusal of one command) with the same rules as a
//! bounce's diagnostic.

use serde::{Deserialize, Serialize};
use smtp_core::status::{EnhancedStatus, StatusClass};

use crate::decision::{self, Decision, SesBounce};
use crate::reason::{Evidence, Reason, decide};
use crate::report::Command;

/// What a reply means for the recipient (or sender) it answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyVerdict {
    /// Why it failed (or `delivered` for a 2xx reply).
    pub reason: Reason,
    /// Is the address itself bad?
    pub hard_bounce: bool,
    /// Is the failure permanent (5xx)?
    pub permanent: bool,
    /// The rule of the evidence order that decided.
    pub rule: String,
    /// What the sender should do.
    pub decision: Decision,
    /// The Amazon SES bounce type/subtype.
    pub ses: Option<SesBounce>,
}

/// Classifies one SMTP reply: its code, enhanced status (if any; otherwise read from the text),
/// text (all lines, with or without the `550-` prefixes) and the step it answered.
///
/// ```
/// use bounce_classify::{classify_reply, Command, Reason};
///
/// let v = classify_reply(550, None, "5.1.1 <a@example.com>: Recipient address rejected: User unknown", Some(Command::Rcpt));
/// assert_eq!(v.reason, Reason::UserUnknown);
/// assert!(v.hard_bounce);
/// let v = classify_reply(421, None, "4.7.0 Error: too many connections from 192.0.2.1", Some(Command::Conn));
/// assert_eq!(v.reason, Reason::RateLimited);
/// ```
pub fn classify_reply(
    code: u16,
    status: Option<EnhancedStatus>,
    text: &str,
    step: Option<Command>,
) -> ReplyVerdict {
    let status = status.or_else(|| crate::scan::status(text));
    let (reason, rule) = if (200..300).contains(&code) {
        (Reason::Delivered, "reply".to_string())
    } else {
        let ev = Evidence {
            format_reason: None,
            text,
            status,
            reply_code: Some(code),
            command: step,
            action: None,
            format_fallback: None,
            gateway: None,
            markers: None,
            phrase: None,
            recipient: None,
        };
        let v = decide(&ev);
        (v.reason, v.describe())
    };
    let permanent =
        code >= 500 || (code == 0 && status.is_some_and(|s| s.class == StatusClass::Permanent));
    let (decision, ses) = decision::decide(reason, permanent);
    ReplyVerdict {
        reason,
        hard_bounce: reason.is_hard_bounce(permanent),
        permanent,
        rule,
        decision,
        ses,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies() {
        let cases = [
            (
                550,
                "5.1.1 No such user",
                Some(Command::Rcpt),
                Reason::UserUnknown,
                true,
            ),
            (
                552,
                "5.2.2 Mailbox full",
                Some(Command::Rcpt),
                Reason::MailboxFull,
                false,
            ),
            (
                550,
                "5.7.1 Service unavailable; client host [192.0.2.1] blocked using zen.spamhaus.org",
                Some(Command::Rcpt),
                Reason::Blocked,
                false,
            ),
            // A status code alone does not override clear text.
            (
                550,
                "5.1.1 Too many messages, slow down",
                Some(Command::Rcpt),
                Reason::RateLimited,
                false,
            ),
            (550, "5.1.1", Some(Command::Rcpt), Reason::UserUnknown, true),
            (
                554,
                "5.7.1 rejected",
                Some(Command::Mail),
                Reason::Rejected,
                false,
            ),
            (550, "No", Some(Command::Data), Reason::OnHold, false),
            // postgrey's deferral under Postfix's recipient prefix: back off, the address is
            // not judged.
            (
                450,
                "4.2.0 <a@example.net>: Recipient address rejected: Greylisted, see http://postgrey.example/help/example.net.html",
                Some(Command::Rcpt),
                Reason::RateLimited,
                false,
            ),
            // The prefix with a cause no rule reads: not a bad address.
            (
                554,
                "5.7.1 <a@example.net>: Recipient address rejected: Access denied",
                Some(Command::Rcpt),
                Reason::SecurityError,
                false,
            ),
            (
                250,
                "2.0.0 Ok",
                Some(Command::Data),
                Reason::Delivered,
                false,
            ),
        ];
        for (code, text, step, reason, hard) in cases {
            let v = classify_reply(code, None, text, step);
            assert_eq!((v.reason, v.hard_bounce), (reason, hard), "{code} {text}");
        }
    }
}
