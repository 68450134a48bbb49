//! Sendmail (V8) delivery status notifications.
//!
//! Sendmail sends an RFC 3464 report whose human-readable part holds the session transcript:
//!
//! ```text
//!    ----- The following addresses had permanent fatal errors -----
//! <a@example.com>
//!     (reason: 552-5.7.0 This message was blocked because its content presents a potential)
//!
//!    ----- Transcript of session follows -----
//! ... while talking to mx.example.com.:
//! >>> DATA
//! <<< 552-5.7.0 This message was blocked because its content presents a potential
//! <<< 552-5.7.0 security issue. Please visit …
//! <<< 552 5.7.0 content and attachment content guidelines.
//! ```
//!
//! Sendmail copies only the first line of a multi-line reply into `Diagnostic-Code`; the whole
//! reply is in the transcript. This recogniser reads the report with the RFC 3464 reader and
//! completes each diagnostic from the transcript's `<<<` lines. A `Diagnostic-Code` of type
//! `X-Unix` is the exit status of a local mailer program (`X-Unix; 71`): unless the text names a
//! cause, that is a `mailererror`.

use super::{Decoded, rfc3464};
use crate::message::Message;
use crate::reason::Reason;
use crate::scan;

const MARKERS: &[&str] = &[
    "----- transcript of session follows -----",
    "----- the following addresses had permanent fatal errors -----",
    "----- the following addresses had transient non-fatal errors -----",
];

/// Decodes a Sendmail DSN.
pub(super) fn decode(msg: &Message) -> Option<Decoded> {
    if msg.delivery_status.is_empty() {
        return None;
    }
    let lower = msg.notice_lower();
    if !MARKERS.iter().any(|m| scan::contains(lower, m)) {
        return None;
    }
    let mut d = rfc3464::decode(msg)?;
    d.format = "sendmail";
    for f in &mut d.recipients {
        if let Some(full) = full_reply(&msg.notice, &f.diagnostic) {
            f.diagnostic = full;
        }
        if f.diagnostic_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("x-unix"))
        {
            f.fallback = Some(Reason::MailerError);
        }
    }
    Some(d)
}

/// The whole multi-line reply in the transcript whose first line is `first`: the `<<<` line
/// that carries it and the `<<< NNN-`/`<<< NNN ` lines that follow, up to the last line of the
/// reply.
fn full_reply(notice: &str, first: &str) -> Option<String> {
    let first = first.trim();
    if first.len() < 8 || first.contains('\n') {
        return None;
    }
    let mut lines = notice.lines().map(str::trim);
    lines.find(|l| l.strip_prefix("<<<").is_some_and(|r| r.trim() == first))?;
    let code = &first[..3];
    let mut out = vec![first.to_string()];
    if first.as_bytes().get(3) != Some(&b'-') {
        return None;
    }
    for l in lines {
        let Some(r) = l.strip_prefix("<<<").map(str::trim) else {
            break;
        };
        if !r.starts_with(code) {
            break;
        }
        out.push(r.to_string());
        if r.as_bytes().get(3) == Some(&b' ') {
            break;
        }
    }
    Some(out.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_the_diagnostic_from_the_transcript() {
        let raw = "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>\n\
Subject: Returned mail: see transcript for details\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n--B\n\n\
   ----- The following addresses had permanent fatal errors -----\n<a@example.com>\n\
    (reason: 552-5.7.0 Blocked because the content is)\n\n   ----- Transcript of session follows -----\n\
... while talking to mx.example.com.:\n>>> DATA\n<<< 552-5.7.0 Blocked because the content is\n\
<<< 552-5.7.0 not what we accept.\n<<< 552 5.7.0 See our guidelines.\n554 5.0.0 Service unavailable\n--B\n\
Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n\
Final-Recipient: RFC822; a@example.com\nAction: failed\nStatus: 5.7.0\n\
Diagnostic-Code: SMTP; 552-5.7.0 Blocked because the content is\n\n\
Final-Recipient: RFC822; b@example.com\nAction: failed\nStatus: 5.0.0\nDiagnostic-Code: X-Unix; 71\n--B--\n";
        for m in crate::message::with_each_line_end(raw) {
            let d = decode(&m).unwrap();
            assert_eq!(d.format, "sendmail");
            assert_eq!(
                d.recipients[0].diagnostic,
                "552-5.7.0 Blocked because the content is\n552-5.7.0 not what we accept.\n552 5.7.0 See our guidelines."
            );
            assert_eq!(d.recipients[0].fallback, None);
            assert_eq!(d.recipients[1].fallback, Some(Reason::MailerError));
        }
    }

    #[test]
    fn single_line_replies_stay() {
        assert_eq!(
            full_reply("<<< 550 5.1.1 No such user\n", "550 5.1.1 No such user"),
            None
        );
    }
}
