//! RFC 5965 Abuse Reporting Format complaints (`multipart/report; report-type=feedback-report`)
//! and the older provider complaint mails that attach the reported message with its original
//! recipient in a header (`X-HmXmrOriginalRecipient`).

use super::{Decoded, Found};
use crate::message::{Message, header_in_block};
use crate::reason::Reason;
use crate::scan;

/// Decodes a complaint.
pub(super) fn decode(msg: &Message) -> Option<Decoded> {
    let is_arf =
        msg.feedback_report.is_some() || msg.report_type.as_deref() == Some("feedback-report");
    if is_arf {
        return Some(arf(msg));
    }
    // A complaint without a feedback-report part: the reported message carries the complainer.
    let subject = msg.subject().to_ascii_lowercase();
    if subject.contains("complaint about message") {
        let rcpt = msg
            .original_header("x-hmxmroriginalrecipient")
            .or_else(|| msg.original_header("to"))?;
        let addr = scan::addresses(&rcpt).first()?.addr.to_string();
        return Some(Decoded {
            format: "arf",
            reporting_mta: None,
            recipients: vec![complaint(addr, Some("abuse".into()), msg)],
        });
    }
    None
}

fn arf(msg: &Message) -> Decoded {
    let fields = msg.feedback_report.as_deref().unwrap_or("");
    let feedback_type = header_in_block(fields, "feedback-type").map(|v| v.to_ascii_lowercase());
    let mut addrs: Vec<String> = Vec::new();
    for line in fields.lines() {
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("original-rcpt-to:") || lower.starts_with("removal-recipient:") {
            addrs.extend(
                scan::addresses(line)
                    .into_iter()
                    .map(|f| f.addr.to_string()),
            );
        }
    }
    if addrs.is_empty()
        && let Some(to) = msg.original_header("to")
    {
        addrs.extend(scan::addresses(&to).into_iter().map(|f| f.addr.to_string()));
    }
    if addrs.is_empty() {
        // Some reporters redact the recipient; the report is still a complaint about one.
        addrs.push(String::new());
    }
    let reporting = header_in_block(fields, "reporting-mta").map(|v| {
        v.split_once(';')
            .map_or(v.clone(), |(_, h)| h.trim().to_string())
    });
    let recipients = addrs
        .into_iter()
        .map(|a| complaint(a, feedback_type.clone(), msg))
        .collect();
    Decoded {
        format: "arf",
        reporting_mta: reporting,
        recipients,
    }
}

fn complaint(recipient: String, feedback_type: Option<String>, msg: &Message) -> Found {
    Found {
        recipient,
        feedback_type,
        date: msg.header("date").map(str::to_string),
        reason: Some(Reason::Feedback),
        diagnostic: String::new(),
        ..Found::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message;

    #[test]
    fn reads_feedback_type_and_recipients() {
        let raw = "From: fbl@isp.example\nSubject: FW: hi\nContent-Type: multipart/report; \
report-type=feedback-report; boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\nA complaint.\n--B\n\
Content-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: x/1\nVersion: 1\n\
Original-Rcpt-To: a@example.com\nOriginal-Rcpt-To: b@example.com\n--B\n\
Content-Type: text/rfc822-headers\n\nTo: c@example.com\n--B--\n";
        let d = decode(&message::read(raw.as_bytes()).unwrap()).unwrap();
        let got: Vec<_> = d.recipients.iter().map(|r| r.recipient.as_str()).collect();
        assert_eq!(got, ["a@example.com", "b@example.com"]);
        assert_eq!(d.recipients[0].feedback_type.as_deref(), Some("abuse"));
        assert_eq!(d.recipients[0].reason, Some(Reason::Feedback));
    }

    #[test]
    fn reads_a_complaint_without_report_part() {
        let raw = "From: staff@mail.example\nSubject: complaint about message from 192.0.2.1\n\
Content-Type: multipart/mixed; boundary=\"B\"\n\n--B\nContent-Type: message/rfc822\n\n\
X-HmXmrOriginalRecipient: k@example.com\nFrom: s@example.org\nSubject: x\n\nbody\n--B--\n";
        let d = decode(&message::read(raw.as_bytes()).unwrap()).unwrap();
        assert_eq!(d.recipients[0].recipient, "k@example.com");
    }
}
