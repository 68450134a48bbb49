//! Amazon SES notifications delivered by email (SNS JSON: `notificationType` Bounce, Complaint or
//! Delivery). SES's own RFC 3464 bounces are read by the `rfc3464` recogniser.

use serde_json::Value;

use super::{Decoded, Found};
use crate::message::Message;
use crate::reason::Reason;

/// Decodes a JSON notification in the body.
pub(super) fn decode(msg: &Message) -> Option<Decoded> {
    let body = &msg.notice;
    // Both ways below need the key: one search decides for the messages without it.
    if !crate::scan::contains(body, "\"notificationType\"") {
        return None;
    }
    let at = crate::scan::find(body, "{\"notificationType\"")
        .or_else(|| memchr::memchr(b'{', body.as_bytes()))?;
    let v = first_json(&body[at..]).or_else(|| {
        // Sendmail splits lines longer than its limit with `!`, a line break and a space; undo
        // that before reading the JSON again.
        first_json(&body[at..].replace("!\n ", ""))
    })?;
    // SNS wraps the SES JSON in a `Message` string sometimes.
    let v = match v.get("Message").and_then(Value::as_str) {
        Some(inner) => serde_json::from_str(inner).ok()?,
        None => v,
    };
    let kind = v.get("notificationType")?.as_str()?;
    let mut out = Decoded {
        format: "amazonses",
        ..Decoded::default()
    };
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    match kind {
        "Bounce" => {
            let b = v.get("bounce")?;
            let suppressed = s(b, "bounceSubType").as_deref() == Some("Suppressed")
                || s(b, "bounceSubType").as_deref() == Some("OnAccountSuppressionList");
            out.reporting_mta = s(b, "reportingMTA");
            for r in b.get("bouncedRecipients")?.as_array()? {
                let diag = s(r, "diagnosticCode").unwrap_or_default();
                let (kind, text) = match diag.split_once(';') {
                    Some((k, t)) if k.len() < 16 => {
                        (Some(k.trim().to_string()), t.trim().to_string())
                    }
                    _ => (None, diag.clone()),
                };
                out.recipients.push(Found {
                    recipient: s(r, "emailAddress").unwrap_or_default(),
                    status: s(r, "status"),
                    reply_code: crate::scan::reply_code(&text),
                    action: s(r, "action"),
                    diagnostic: text,
                    diagnostic_type: kind,
                    date: s(b, "timestamp"),
                    reason: suppressed.then_some(Reason::Suppressed),
                    ..Found::default()
                });
            }
        }
        "Complaint" => {
            let c = v.get("complaint")?;
            for r in c.get("complainedRecipients")?.as_array()? {
                out.recipients.push(Found {
                    recipient: s(r, "emailAddress").unwrap_or_default(),
                    feedback_type: s(c, "complaintFeedbackType").or(Some("abuse".into())),
                    date: s(c, "timestamp"),
                    reason: Some(Reason::Feedback),
                    ..Found::default()
                });
            }
        }
        "Delivery" => {
            let d = v.get("delivery")?;
            out.reporting_mta = s(d, "reportingMTA");
            for r in d.get("recipients")?.as_array()? {
                let text = s(d, "smtpResponse").unwrap_or_default();
                out.recipients.push(Found {
                    recipient: r.as_str().unwrap_or_default().to_string(),
                    status: Some("2.6.0".into()),
                    reply_code: None,
                    action: Some("delivered".into()),
                    diagnostic: text,
                    date: s(d, "timestamp"),
                    reason: Some(Reason::Delivered),
                    ..Found::default()
                });
            }
        }
        _ => return None,
    }
    Some(out)
}

/// The first JSON value at the start of `text`, if it parses.
fn first_json(text: &str) -> Option<Value> {
    serde_json::Deserializer::from_str(text)
        .into_iter::<Value>()
        .next()?
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message;

    #[test]
    fn reads_bounce_complaint_and_delivery() {
        let cases = [
            (
                r#"{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General","bouncedRecipients":[{"emailAddress":"a@example.com","status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown"}]}}"#,
                None,
            ),
            (
                r#"{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"Suppressed","bouncedRecipients":[{"emailAddress":"a@example.com"}]}}"#,
                Some(Reason::Suppressed),
            ),
            (
                r#"{"notificationType":"Complaint","complaint":{"complaintFeedbackType":"abuse","complainedRecipients":[{"emailAddress":"a@example.com"}]}}"#,
                Some(Reason::Feedback),
            ),
            (
                r#"{"notificationType":"Delivery","delivery":{"recipients":["a@example.com"],"smtpResponse":"250 ok"}}"#,
                Some(Reason::Delivered),
            ),
        ];
        // A long line split by sendmail (`!`, line break, space) still reads.
        let split = r#"{"notificationType":"Complaint","complaint":{"complaintFeedbackType":"abuse","complainedRecipients":[{"emailAddress":"a@exa!
 mple.com"}]}}"#;
        let raw = format!(
            "From: no-reply@sns.amazonaws.com\nSubject: AWS Notification Message\n\n{split}\n"
        );
        let d = decode(&message::read(raw.as_bytes()).unwrap()).unwrap();
        assert_eq!(d.recipients[0].recipient, "a@example.com");
        for (json, reason) in cases {
            let raw = format!(
                "From: no-reply@sns.amazonaws.com\nSubject: AWS Notification Message\n\n{json}\n"
            );
            let d = decode(&message::read(raw.as_bytes()).unwrap()).unwrap();
            assert_eq!(d.recipients[0].recipient, "a@example.com");
            assert_eq!(d.recipients[0].reason, reason, "{json}");
        }
    }
}
