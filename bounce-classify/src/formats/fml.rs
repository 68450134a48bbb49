//! fml, the Japanese mailing list manager (`X-MLServer: fml [fml 4.0 …]`).
//!
//! fml answers a post it will not distribute with a short notice about the list and, below
//! "Original mail as follows:", the post itself (indented). The failed "recipient" is the list:
//!
//! ```text
//! Subject: You s@example.org are not member (list ML)
//!
//! You are not a member of this mailing list <list@example.org>.
//! ```
//!
//! ```text
//! Subject: Loop Alert: Duplicated Message-ID (list ML)
//!
//! Duplicated Message-ID in <list@example.org>.
//! Original mail as follows:
//! ```
//!
//! What fml's statements establish: a sender that is not a member (or may not post) is a
//! refused sender, `rejected`; a duplicated Message-ID is fml's loop protection discarding a
//! post it has already seen, a failure of the list system, `systemerror`.

use super::{Decoded, plaintext};
use crate::message::Message;
use crate::reason::Reason;
use crate::scan;

/// fml's statements and what they establish (lower-case).
const OWN: &[(&str, Reason)] = &[
    ("duplicated message-id", Reason::SystemError),
    ("you are not a member", Reason::Rejected),
    ("are not member", Reason::Rejected),
    ("not allowed to post", Reason::Rejected),
];
const ORIGINAL: &str = "original mail as follows";

/// Decodes an fml notice.
pub(super) fn decode(msg: &Message) -> Option<Decoded> {
    let server = msg.header("x-mlserver")?;
    if !server.to_ascii_lowercase().contains("fml") {
        return None;
    }
    let lower = msg.notice.to_ascii_lowercase();
    let end = lower.find(ORIGINAL).unwrap_or(lower.len());
    let notice = msg.notice[..end].trim();
    let said = format!("{}\n{}", msg.subject(), notice).to_ascii_lowercase();
    let reason = OWN
        .iter()
        .find(|(p, _)| said.contains(p))
        .map(|(_, r)| *r)?;
    // The list: the address the notice names, else the list's own address headers.
    let list = scan::addresses(notice)
        .first()
        .map(|f| f.addr.to_string())
        .or_else(|| {
            ["x-ml-name", "list-post", "x-ml-info", "from"]
                .iter()
                .filter_map(|h| msg.header(h))
                .find_map(|v| scan::addresses(v).first().map(|f| f.addr.to_string()))
        })?;
    let mut f = plaintext::found(list, notice.to_string(), msg);
    f.reason = Some(reason);
    f.action = Some("failed".to_string());
    Some(Decoded {
        format: "fml",
        reporting_mta: None,
        recipients: vec![f],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message;

    #[test]
    fn reads_fml_notices() {
        let cases = [
            (
                "Subject: Loop Alert: Duplicated Message-ID (cats ML)\n\n\
Duplicated Message-ID in <cats@example.org>.\nOriginal mail as follows:\n\n   From: s@example.net\n   To: <cats@example.org>\n",
                Some(("cats@example.org", Reason::SystemError)),
            ),
            (
                "Subject: You s@example.net are not member (cats ML)\n\n\
You are not a member of this mailing list <cats@example.org>.\n\
If you know the general guide of this list, please send mail with\nthe mail body\n\tguide\n",
                Some(("cats@example.org", Reason::Rejected)),
            ),
            (
                "Subject: Welcome to cats ML\n\nHello, s@example.net.\n",
                None,
            ),
        ];
        for (rest, want) in cases {
            let raw = format!(
                "From: cats-admin@example.org\nTo: s@example.net\n\
X-MLServer: fml [fml 4.0.3 release (20011202/4.0.3)]\n{rest}"
            );
            for m in crate::message::with_each_line_end(&raw) {
                let got = decode(&m).map(|d| {
                    let f = &d.recipients[0];
                    (f.recipient.clone(), f.reason.unwrap())
                });
                assert_eq!(got, want.map(|(a, r)| (a.to_string(), r)), "{rest}");
            }
        }
    }

    #[test]
    fn other_lists_are_not_fml() {
        let raw = "From: list-owner@example.org\nX-MLServer: Mailman\nSubject: x\n\n\
You are not a member of this mailing list <cats@example.org>.\n";
        assert!(decode(&message::read(raw.as_bytes()).unwrap()).is_none());
    }
}
