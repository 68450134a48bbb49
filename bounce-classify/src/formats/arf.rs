//! RFC 5965 Abuse Reporting Format complaints (`multipart/report; report-type=feedback-report`)
//! and the older provider complaint mails that attach the reported message with its original
//! recipient in a header (`X-HmXmrOriginalRecipient`), and mail clients' automatic unsubscribe
//! requests (an `opt-out` complaint from the recipient).

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
    if let Some(d) = unsubscribe(msg) {
        return Some(d);
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

/// The recipient named by the reported message's delivery headers: `Delivered-To`,
/// `X-Original-To`, `Envelope-To`, or the `for <address>` clause of its first `Received`.
fn delivered_to(headers: &str) -> Option<String> {
    for name in ["delivered-to", "x-original-to", "envelope-to"] {
        if let Some(v) = header_in_block(headers, name)
            && let Some(f) = scan::addresses(&v).first()
        {
            return Some(f.addr.to_string());
        }
    }
    let received = header_in_block(headers, "received")?;
    let lower = received.to_ascii_lowercase();
    let at = lower.find(" for ")?;
    scan::addresses(&received[at..])
        .first()
        .map(|f| f.addr.to_string())
}

/// A mail client's automatic unsubscribe request, sent to the address of the message's
/// `List-Unsubscribe: <mailto:…>` (RFC 2369): Apple Mail marks it `X-Apple-Unsubscribe: true`;
/// others send an automatic message whose subject is just "unsubscribe". An opt-out complaint
/// from its sender.
fn unsubscribe(msg: &Message) -> Option<Decoded> {
    let apple = msg
        .header("x-apple-unsubscribe")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    let automatic = msg
        .header("auto-submitted")
        .is_some_and(|v| !v.trim().eq_ignore_ascii_case("no"));
    let by_subject = automatic && msg.subject().trim().eq_ignore_ascii_case("unsubscribe");
    if !(apple || by_subject) {
        return None;
    }
    let addr = scan::addresses(msg.from()).first()?.addr.to_string();
    let mut f = complaint(addr, Some("opt-out".into()), msg);
    f.diagnostic = msg.notice.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(Decoded {
        format: "arf",
        reporting_mta: None,
        recipients: vec![f],
    })
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
        // The reported message's delivery headers name its recipient when its To does not.
        addrs.extend(delivered_to(&msg.original_headers));
    }
    if addrs.is_empty() {
        // Some reporters redact the recipient (`To: <Undisclosed Recipients>`); the report is
        // still a complaint about one, and the only identity it gives is its own sender's.
        addrs.extend(
            scan::addresses(msg.from())
                .first()
                .map(|f| f.addr.to_string()),
        );
    }
    if addrs.is_empty() {
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
    fn an_undisclosed_recipient_is_looked_for_elsewhere() {
        let report = |original: &str| {
            format!(
                "From: <user@isp.example>\nSubject: FW: hi\nContent-Type: multipart/report; \
report-type=feedback-report; boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\nAbuse.\n--B\n\
Content-Type: message/feedback-report\n\nFeedback-Type: abuse\nVersion: 1\n--B\n\
Content-Type: message/rfc822\n\n{original}\nSubject: x\n\nbody\n--B--\n"
            )
        };
        let cases = [
            (
                "To: <Undisclosed Recipients>\nDelivered-To: k@example.com",
                "k@example.com",
            ),
            (
                "Received: from mx.example.org by mx.isp.example\n for <k@example.com>; Thu, 1 Jan 2015 00:00:00 +0000\nTo: undisclosed",
                "k@example.com",
            ),
            ("To: \"undisclosed\"", "user@isp.example"),
        ];
        for (original, want) in cases {
            let d = decode(&message::read(report(original).as_bytes()).unwrap()).unwrap();
            assert_eq!(d.recipients[0].recipient, want, "{original}");
            assert_eq!(d.recipients[0].reason, Some(Reason::Feedback));
        }
    }

    #[test]
    fn an_unsubscribe_request_is_an_opt_out() {
        let cases = [
            (
                "From: k@example.com\nTo: opt-out-1@list.example.org\nSubject: unsubscribe\n\
Auto-Submitted: auto-replied\nX-Apple-Unsubscribe: true\n\nMail sent this to unsubscribe.\n",
                true,
            ),
            (
                "From: k@example.com\nTo: leave@list.example.org\nSubject: Unsubscribe\n\
Auto-Submitted: auto-generated\n\nunsubscribe\n",
                true,
            ),
            (
                "From: k@example.com\nTo: friend@example.org\nSubject: unsubscribe\n\nHow do I?\n",
                false,
            ),
        ];
        for (raw, want) in cases {
            let d = decode(&message::read(raw.as_bytes()).unwrap());
            assert_eq!(d.is_some(), want, "{raw}");
            if let Some(d) = d {
                let f = &d.recipients[0];
                assert_eq!(f.recipient, "k@example.com");
                assert_eq!(f.feedback_type.as_deref(), Some("opt-out"));
                assert_eq!(f.reason, Some(Reason::Feedback));
            }
        }
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
