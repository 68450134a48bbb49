//! Evidence step 4: when neither text nor status code is specific, the reply class, the SMTP
//! step and the DSN action decide.

use smtp_core::status::StatusClass;

use super::{Evidence, Reason, Verdict};
use crate::report::Command;

/// Step 4 of the evidence order:
/// 0. the reason the format implies, if it names one (qmail's queue lifetime, a local mailer);
/// 1. `Action: delayed` → expired (the report says delivery is still being retried);
/// 2. refused at `MAIL FROM` → rejected (the sender was refused);
/// 3. refused at connect/`HELO` → blocked (the client host was refused);
/// 4. a transient (4xx) reply without a status code → expired (retried until given up);
/// 5. a permanent "access denied" with nothing more → securityerror;
/// 6. a permanent failure with nothing more → onhold; otherwise undefined.
pub(crate) fn classify(ev: &Evidence<'_>, folded: &str) -> Verdict {
    let rule = "fallback";
    let verdict = |reason| Verdict {
        reason,
        rule,
        matched: None,
    };
    if let Some(reason) = ev.format_fallback {
        return Verdict {
            reason,
            rule: "fallback",
            matched: Some("format"),
        };
    }
    if ev.action == Some("delayed") {
        return verdict(Reason::Expired);
    }
    match ev.command {
        Some(Command::Mail) => return verdict(Reason::Rejected),
        Some(Command::Conn | Command::Helo) => return verdict(Reason::Blocked),
        _ => {}
    }
    // A transient reply in a failure report with nothing more said: the reporting MTA kept
    // retrying and gave up (or warns that it is still trying).
    if ev.reply_code.is_some_and(|c| (400..500).contains(&c)) && ev.status.is_none() {
        return verdict(Reason::Expired);
    }
    let permanent = ev.status.is_some_and(|s| s.class == StatusClass::Permanent)
        || ev.reply_code.is_some_and(|c| c >= 500);
    // "Access denied" names no cause; once the step has said nothing, it is a refusal to
    // authorise this transaction (cls-providers: Gmail's and SES's relays quote it).
    if permanent && folded.contains("access denied") {
        return Verdict {
            reason: Reason::SecurityError,
            rule,
            matched: Some("access denied"),
        };
    }
    if permanent {
        verdict(Reason::OnHold)
    } else {
        verdict(Reason::Undefined)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_rows() {
        let cases = [
            (Some("delayed"), None, None, Reason::Expired),
            (None, Some(Command::Mail), Some(550), Reason::Rejected),
            (None, Some(Command::Conn), Some(554), Reason::Blocked),
            (None, Some(Command::Helo), Some(550), Reason::Blocked),
            (None, Some(Command::Rcpt), Some(550), Reason::OnHold),
            (None, None, Some(451), Reason::Expired),
            (None, None, None, Reason::Undefined),
            (None, None, None, Reason::Undefined),
        ];
        for (action, command, reply_code, want) in cases {
            let ev = Evidence {
                action,
                command,
                reply_code,
                ..Evidence::default()
            };
            assert_eq!(classify(&ev, "").reason, want);
        }
        let denied = |command| Evidence {
            command,
            reply_code: Some(550),
            ..Evidence::default()
        };
        let text = "550 5.7.1 <a@example.org>... access denied";
        assert_eq!(classify(&denied(None), text).reason, Reason::SecurityError);
        assert_eq!(
            classify(&denied(Some(Command::Mail)), text).reason,
            Reason::Rejected
        );
        assert_eq!(
            classify(&denied(Some(Command::Conn)), text).reason,
            Reason::Blocked
        );
    }
}
