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
/// 4. a permanent failure with nothing more → onhold; otherwise undefined.
pub(crate) fn classify(ev: &Evidence<'_>, _folded: &str) -> Verdict {
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
    let permanent = ev.status.is_some_and(|s| s.class == StatusClass::Permanent)
        || ev.reply_code.is_some_and(|c| c >= 500);
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
            (None, None, Some(451), Reason::Undefined),
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
    }
}
