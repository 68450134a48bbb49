//! Amazon SES: its RFC 3464 reports wrap the remote server's reply in a summary of its own.
//!
//! SES writes the diagnostic as `<status> - <its category> <reply code>-'<the remote reply>'
//! (delivery attempts: N)`, e.g. `5.1.0 - Unknown address error 550-'5.7.1 <bounce@…>... Access
//! denied'`. The category is SES's guess from the reply code; the quoted reply is what the
//! remote server said, so the reason is read from the quoted reply alone.

use super::Hit;
use crate::reason::{Evidence, Reason, decide};

pub(super) fn classify(folded: &str, ev: &Evidence<'_>) -> Hit {
    let (code, reply) = quoted_reply(folded)?;
    let inner = Evidence {
        text: reply,
        status: crate::scan::status(reply),
        reply_code: Some(code),
        command: ev.command,
        ..Evidence::default()
    };
    let v = decide(&inner);
    (!matches!(v.reason, Reason::OnHold | Reason::Undefined))
        .then_some((v.reason, "ses: quoted remote reply"))
}

/// `… 550-'reply text' (delivery attempts: n)` → `(550, "reply text")`.
fn quoted_reply(folded: &str) -> Option<(u16, &str)> {
    if !folded.contains("(delivery attempts:") {
        return None;
    }
    let open = folded.find("-'")?;
    let code: u16 = folded.get(open.checked_sub(3)?..open)?.parse().ok()?;
    if !(400..600).contains(&code) {
        return None;
    }
    let body = &folded[open + 2..];
    let close = body.rfind('\'')?;
    Some((code, body[..close].trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::fold;

    #[test]
    fn the_quoted_reply_decides() {
        let cases = [
            (
                "5.1.0 - Unknown address error 550-'5.7.1 <b@bounces.example.com>... Access denied' (delivery attempts: 0)",
                Some(Reason::SecurityError),
            ),
            (
                "5.2.2 - Mailbox full 552-'5.2.2 <a@example.jp>... Mailbox is full' (delivery attempts: 0)",
                Some(Reason::MailboxFull),
            ),
            // SES's category alone ("Unknown address error") is not the remote's words.
            (
                "5.1.0 - Unknown address error 550-'Requested action not taken' (delivery attempts: 0)",
                None,
            ),
            ("550 5.1.1 user unknown", None),
        ];
        for (text, want) in cases {
            assert_eq!(
                classify(&fold(text), &Evidence::default()).map(|h| h.0),
                want,
                "{text}"
            );
        }
    }
}
