//! RFC 3464 delivery status notifications: `message/delivery-status` parts (or the same fields
//! written into a text part by MTAs that do not build a proper report).
//!
//! The DSN gives recipients, action, status, remote MTA and usually the diagnostic; the
//! human-readable part adds the SMTP step (`in reply to RCPT TO command`) and a diagnostic when
//! the DSN has none.

use smtp_core::dsn::{Action, DeliveryStatus};
use smtp_core::status::EnhancedStatus;

use super::{Block, Decoded, Found, recipient_blocks};
use crate::message::Message;
use crate::reason::Reason;
use crate::scan;

/// Decodes the DSN parts of a message.
pub(super) fn decode(msg: &Message) -> Option<Decoded> {
    let mut reports: Vec<DeliveryStatus> = msg
        .delivery_status
        .iter()
        .map(|t| DeliveryStatus::parse(t))
        .filter(|d| !d.recipients.is_empty())
        .collect();
    let notice_end = msg.notice_end();
    let notice = &msg.notice[..notice_end];
    if reports.is_empty() {
        // Fields written into the text body.
        let lower = msg.notice_lower();
        let at = scan::find(lower, "\nfinal-recipient:")
            .or_else(|| scan::find(lower, "\noriginal-recipient:"))?;
        let start = lower[..at].rfind("\nreporting-mta:").unwrap_or(at);
        let d = DeliveryStatus::parse(&msg.notice[start..]);
        let usable = d
            .recipients
            .iter()
            .any(|r| r.final_recipient.is_some() && (r.status.is_some() || r.action.is_some()));
        if !usable {
            return None;
        }
        reports.push(d);
    }
    let blocks = recipient_blocks(notice);
    let mut out = Decoded {
        format: "rfc3464",
        ..Decoded::default()
    };
    for d in &reports {
        let pm = &d.per_message;
        if out.reporting_mta.is_none() {
            out.reporting_mta = pm.reporting_mta.as_ref().map(|t| t.value.clone());
        }
        for r in &d.recipients {
            let recipient = r
                .final_recipient
                .as_ref()
                .or(r.original_recipient.as_ref())
                .map(|t| t.address().to_string())
                .unwrap_or_default();
            if recipient.is_empty() || !recipient.contains('@') && recipient.len() < 2 {
                continue;
            }
            let original = r
                .original_recipient
                .as_ref()
                .map(|t| t.address().to_string())
                .filter(|o| !o.eq_ignore_ascii_case(&recipient));
            let block = find_block(&blocks, &recipient);
            let diag_field = r
                .diagnostic_code
                .as_ref()
                .map(|t| t.value.trim())
                .unwrap_or("");
            let block_text = block.map(|b| b.text.as_str()).unwrap_or("");
            let x_unix = r
                .diagnostic_code
                .as_ref()
                .and_then(|t| t.kind.as_deref())
                .is_some_and(|k| k.eq_ignore_ascii_case("x-unix"));
            let diagnostic = if meaningful(diag_field) || x_unix {
                // A local mailer's exit status (`X-Unix; 71`) is the whole diagnostic.
                diag_field.to_string()
            } else if !block_text.is_empty() {
                block_text.to_string()
            } else if let Some(comment) = r.status.as_deref().and_then(status_comment) {
                // No diagnostic: the reporting MTA's comment on the status code is its own
                // reading of the failure (`Status: 4.0.0 (example.net: host name lookup
                // failure)`, RFC 3464's own example).
                comment.to_string()
            } else if reports.len() == 1 && d.recipients.len() == 1 {
                // One recipient: the whole notice speaks about it.
                notice.to_string()
            } else {
                diag_field.to_string()
            };
            let command = scan::command(diag_field).or_else(|| scan::command(block_text));
            let reply_code = scan::reply_code(diag_field)
                .or_else(|| scan::reply_code(&diagnostic))
                .or_else(|| scan::reply_code(block_text));
            let action = r.action.as_ref().map(|a| a.as_str().to_string());
            let reason = match r.action {
                Some(Action::Delivered | Action::Relayed | Action::Expanded) => {
                    Some(Reason::Delivered)
                }
                _ => None,
            };
            out.recipients.push(Found {
                recipient,
                original_recipient: original,
                status: precise_status(r.status.as_deref(), &diagnostic),
                reply_code,
                action,
                diagnostic,
                diagnostic_type: r.diagnostic_code.as_ref().and_then(|t| t.kind.clone()),
                remote_mta: r.remote_mta.as_ref().map(|t| t.value.clone()),
                command,
                date: r
                    .last_attempt_date
                    .clone()
                    .or_else(|| pm.arrival_date.clone()),
                feedback_type: None,
                reason,
                ..Found::default()
            });
        }
    }
    Some(out)
}

/// The DSN's status, or the remote server's own when the DSN only says `X.0.0` and the
/// diagnostic carries a code of the same class (`Status: 5.0.0` beside `550 5.1.1 … User
/// unknown`: the reporting MTA did not map the reply, the remote server's code is the precise
/// one).
fn precise_status(field: Option<&str>, diagnostic: &str) -> Option<String> {
    let own = field.and_then(|s| EnhancedStatus::find(s.as_bytes()).map(|(s, _)| s));
    match (own, scan::status(diagnostic)) {
        (Some(o), Some(d)) if o.subject == 0 && o.detail == 0 && d.class == o.class => {
            Some(d.to_string())
        }
        _ => field.map(str::to_string),
    }
}

/// The comment after the code in a `Status` field: `5.0.0 (permanent failure)` → `permanent
/// failure`. Comments that only restate the class say nothing and are ignored.
pub(super) fn status_comment(status: &str) -> Option<&str> {
    let (_, c) = status.split_once('(')?;
    let c = c.trim_end().trim_end_matches(')').trim();
    let lower = c.to_ascii_lowercase();
    let empty = [
        "permanent failure",
        "persistent transient failure",
        "transient failure",
        "temporary failure",
        "success",
        "undefined status",
        "other or undefined status",
    ];
    (meaningful(c) && !empty.contains(&lower.as_str())).then_some(c)
}

/// A diagnostic worth reading: more than a bare type or code.
fn meaningful(diag: &str) -> bool {
    diag.chars().filter(|c| c.is_alphabetic()).count() >= 4
}

fn find_block<'a>(blocks: &'a [Block], addr: &str) -> Option<&'a Block> {
    blocks
        .iter()
        .find(|b| b.addr.eq_ignore_ascii_case(addr))
        .or_else(|| {
            // The notice may name the address differently (angle brackets, case); match on the
            // local part and domain loosely.
            let local = addr.split('@').next().unwrap_or(addr).to_ascii_lowercase();
            blocks.iter().find(|b| {
                b.addr
                    .to_ascii_lowercase()
                    .starts_with(&format!("{local}@"))
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message;

    #[test]
    fn reads_a_postfix_report() {
        let raw = "From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail Returned to Sender\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n--B\n\
Content-Type: text/plain\n\n<a@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1\n    \
<a@example.com>: Recipient address rejected: User unknown (in reply to RCPT TO\n    command)\n--B\n\
Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n\
Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\n\
Remote-MTA: dns; mx.example.com\nDiagnostic-Code: smtp; 550 5.1.1 <a@example.com>: Recipient\n    \
address rejected: User unknown\n--B--\n";
        let m = message::read(raw.as_bytes()).unwrap();
        let d = decode(&m).unwrap();
        assert_eq!(d.reporting_mta.as_deref(), Some("mx.example.org"));
        let r = &d.recipients[0];
        assert_eq!(r.recipient, "a@example.com");
        assert_eq!(r.reply_code, Some(550));
        assert_eq!(r.command, Some(crate::report::Command::Rcpt));
        assert_eq!(r.diagnostic_type.as_deref(), Some("smtp"));
        assert_eq!(r.remote_mta.as_deref(), Some("mx.example.com"));
    }

    #[test]
    fn a_status_comment_stands_for_a_missing_diagnostic() {
        let raw = "From: MAILER-DAEMON@mx.example.org\nSubject: Returned mail\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n--B\n\
Content-Type: text/plain\n\nProblems.\n--B\nContent-Type: message/delivery-status\n\n\
Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; a@example.com\nAction: failed\n\
Status: 5.0.0 (permanent failure)\nDiagnostic-Code: smtp; 550 user unknown\n\n\
Final-Recipient: rfc822; b@example.net\nAction: delayed\n\
Status: 4.0.0 (example.net: host name lookup failure)\n\n\
Final-Recipient: rfc822; c@example.net\nAction: failed\nStatus: 5.0.0 (permanent failure)\n--B--\n";
        let m = message::read(raw.as_bytes()).unwrap();
        let d = decode(&m).unwrap();
        let got: Vec<_> = d.recipients.iter().map(|r| r.diagnostic.as_str()).collect();
        assert_eq!(
            d.recipients[0].status.as_deref(),
            Some("5.0.0 (permanent failure)")
        );
        assert_eq!(
            got,
            [
                "550 user unknown",
                "example.net: host name lookup failure",
                ""
            ]
        );
    }

    #[test]
    fn the_remote_status_refines_x_0_0() {
        let cases = [
            (
                Some("5.0.0"),
                "550 5.1.1 <a@example.com>... User Unknown",
                Some("5.1.1"),
            ),
            (Some("5.0.0"), "421 4.7.0 try later", Some("5.0.0")),
            (Some("5.2.2"), "550 5.1.1 no such user", Some("5.2.2")),
            (Some("4.0.0"), "no code here", Some("4.0.0")),
            (None, "550 5.1.1 no such user", None),
        ];
        for (field, diag, want) in cases {
            assert_eq!(precise_status(field, diag).as_deref(), want, "{diag}");
        }
    }

    #[test]
    fn reads_fields_written_into_the_text() {
        let raw = "From: postmaster@example.org\nSubject: failure\n\nSorry.\n\nReporting-MTA: dns; x.example\n\n\
Final-Recipient: rfc822; b@example.com\nAction: delivered\nStatus: 2.0.0\n";
        let m = message::read(raw.as_bytes()).unwrap();
        let d = decode(&m).unwrap();
        assert_eq!(d.recipients[0].reason, Some(Reason::Delivered));
    }
}
