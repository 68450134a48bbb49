//! RFC 3464 delivery status notifications: `message/delivery-status` parts (or the same fields
//! written into a text part by MTAs that do not build a proper report).
//!
//! The DSN gives recipients, action, status, remote MTA and usually the diagnostic; the
//! human-readable part adds the SMTP step (`in reply to RCPT TO command`) and a diagnostic when
//! the DSN has none.

use smtp_core::dsn::{Action, DeliveryStatus};

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
                status: r.status.clone(),
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
    fn reads_fields_written_into_the_text() {
        let raw = "From: postmaster@example.org\nSubject: failure\n\nSorry.\n\nReporting-MTA: dns; x.example\n\n\
Final-Recipient: rfc822; b@example.com\nAction: delivered\nStatus: 2.0.0\n";
        let m = message::read(raw.as_bytes()).unwrap();
        let d = decode(&m).unwrap();
        assert_eq!(d.recipients[0].reason, Some(Reason::Delivered));
    }
}
