//! RFC 3834 automatic replies ("out of office"), from the recipient to the envelope sender.
//!
//! RFC 3834 §3.1: the reply goes to the envelope sender (§3.1.1), carries `Auto-Submitted:
//! auto-replied` (§5), and `In-Reply-To`/`References` naming the message (§3.1.4); its subject
//! may be the original's with a prefix (§3.1.5). It is sent with a null envelope sender (§3.3),
//! which the delivery of the outbox will use. No reply is made to an automatic message (§2).

use super::{Ids, Original, Reporter, Request, head, mime};

/// The body when the rule gives none.
const DEFAULT_BODY: &str = "I am out of the office and will answer your message when I am back.";

/// Whether the message is automatic, so that no auto-reply may answer it (RFC 3834 §2):
/// `Auto-Submitted` other than `no`, or `Precedence` `bulk`, `junk` or `list`.
pub(super) fn is_automatic(raw: &[u8]) -> bool {
    let auto = mime::header(raw, "auto-submitted").is_some_and(|v| {
        let word = v.split([';', '(', ' ']).next().unwrap_or("");
        !word.eq_ignore_ascii_case("no")
    });
    let bulk = mime::header(raw, "precedence").is_some_and(|v| {
        ["bulk", "junk", "list"]
            .iter()
            .any(|p| v.trim().eq_ignore_ascii_case(p))
    });
    auto || bulk
}

/// The reply, as described in the module documentation.
pub(super) fn build(
    _reporter: &Reporter,
    original: &Original<'_>,
    request: &Request<'_>,
    ids: &mut Ids,
) -> Vec<u8> {
    let rcpt = request.recipient;
    let rcpt_domain = mime::domain_of(rcpt);
    let subject = match mime::header(original.raw, "subject").filter(|s| !s.is_empty()) {
        Some(s) => format!("Out of office: {s}"),
        None => "Out of office".to_owned(),
    };
    let date = mime::rfc5322_date(request.now);
    let token = ids.token();
    let message_id = format!(
        "<{}.{token}@{rcpt_domain}>",
        mime::compact_date(request.now)
    );
    let mut extra: Vec<(&str, String)> = Vec::new();
    if let Some(id) = mime::header(original.raw, "message-id").filter(|v| v.contains('<')) {
        let references = match mime::header(original.raw, "references") {
            Some(r) if !r.is_empty() => format!("{r} {id}"),
            _ => id.clone(),
        };
        extra.push(("In-Reply-To", id));
        extra.push(("References", references));
    }
    let body = request
        .text
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or(DEFAULT_BODY);
    let body = mime::crlf(body.as_bytes());
    let (charset, cte) = if mime::is_7bit(&body) {
        ("us-ascii", "7bit")
    } else {
        ("utf-8", "8bit")
    };
    extra.push(("Auto-Submitted", "auto-replied".into()));
    extra.push(("MIME-Version", "1.0".into()));
    extra.push(("Content-Type", format!("text/plain; charset={charset}")));
    extra.push(("Content-Transfer-Encoding", cte.into()));
    let mut out = Vec::with_capacity(body.len() + 512);
    head(
        &mut out,
        [
            ("From", rcpt),
            ("To", original.sender),
            ("Subject", &subject),
            ("Date", &date),
            ("Message-ID", &message_id),
        ],
        &extra,
    );
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&body);
    if !body.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out
}
