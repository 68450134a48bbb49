//! PowerMTA delivery status notifications.
//!
//! PowerMTA sends RFC 3464 reports with its own per-recipient field
//! `X-PowerMTA-BounceCategory` and writes the meaning of the status code beside it:
//! `Status: 5.2.1 (mailbox disabled, not accepting messages)`. That comment is PowerMTA's
//! reading of the status and is evidence as good as the remote text, so it is read before the
//! remote server's diagnostic.

use super::{Decoded, rfc3464};
use crate::message::Message;

/// Decodes a PowerMTA DSN.
pub(super) fn decode(msg: &Message) -> Option<Decoded> {
    if !msg
        .delivery_status
        .iter()
        .any(|d| crate::scan::contains_ci(d, "\nx-powermta-"))
    {
        return None;
    }
    let mut d = rfc3464::decode(msg)?;
    d.format = "powermta";
    for f in &mut d.recipients {
        let comment = f
            .status
            .as_deref()
            .and_then(|s| s.split_once('('))
            .map(|(_, c)| c.trim_end().trim_end_matches(')').trim().to_string())
            .filter(|c| !c.is_empty() && !c.eq_ignore_ascii_case("undefined status"));
        if let Some(c) = comment {
            f.diagnostic = format!("{c}\n{}", f.diagnostic);
        }
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message;

    #[test]
    fn status_comment_comes_first() {
        let raw = "From: postmaster@mx.example.org\nSubject: Delivery report\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n--B\n\
Content-Type: text/plain\n\nDelivery failed.\n--B\nContent-Type: message/delivery-status\n\n\
Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822;a@example.com\nAction: failed\n\
Status: 5.2.1 (mailbox disabled, not accepting messages)\n\
Diagnostic-Code: smtp;550 5.2.1 <a@example.com>... User Unknown\nX-PowerMTA-BounceCategory: bad-mailbox\n--B--\n";
        for m in crate::message::with_each_line_end(raw) {
            let d = decode(&m).unwrap();
            assert_eq!(d.format, "powermta");
            assert!(
                d.recipients[0]
                    .diagnostic
                    .starts_with("mailbox disabled, not accepting messages\n550")
            );
        }
        let plain = raw.replace("X-PowerMTA-BounceCategory: bad-mailbox\n", "");
        assert!(decode(&message::read(plain.as_bytes()).unwrap()).is_none());
    }
}
