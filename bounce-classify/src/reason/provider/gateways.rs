//! Filtering gateways: what their reports mean, and their own sentences.
//!
//! A security gateway (McAfee, MailFoundry, Active!Hunter, m-FILTER, MXLogic) or a relaying
//! service that writes its own bounce (Zoho's outbound relay, the unnamed X1/X2 relays) has
//! accepted the message for the domain it serves and refuses it afterwards. When its report says
//! "user unknown" without a status code about the address (`X.1.x`), nothing shows that the
//! mailbox is missing: the refusal is the gateway's, after it took the message, and the
//! taxonomy calls a recipient-side refusal after the data `filtered`. With an `X.1.x` code the
//! next hop confirmed the address is bad, and the text step reads it as `userunknown`.

use super::Hit;
use crate::reason::text::first_match;
use crate::reason::{Evidence, Reason};
use crate::report::Command;

/// Sentences gateways write about a recipient.
pub(super) const MARKERS: &[(&str, Reason)] = &[
    // Trend Micro InterScan: the recipient (and the others of its domain) could not be reached;
    // it asks the sender to check the address.
    (
        "(and other recipients in the same domain)",
        Reason::UserUnknown,
    ),
];

pub(super) fn classify(folded: &str, ev: &Evidence<'_>) -> Hit {
    if let Some(product) = ev.gateway {
        let about_address = ev.status.is_some_and(|s| s.subject == 1);
        if !about_address && matches!(first_match(folded), Some((Reason::UserUnknown, _))) {
            return Some((Reason::Filtered, product));
        }
    }
    if let Some(hit) = super::first_marker(folded, MARKERS, ev) {
        return Some(hit);
    }
    recipient_rejected(folded, ev)
}

/// Symantec Email Security.cloud (MessageLabs) refuses an address it does not serve with a reply
/// that consists of the recipient address and one word: `542 <addr> Rejected`. A reply that says
/// nothing but "this address: rejected", outside the MAIL step, is about the recipient.
fn recipient_rejected(folded: &str, ev: &Evidence<'_>) -> Hit {
    if ev.command == Some(Command::Mail) {
        return None;
    }
    // At most four words: a longer text is not this reply (no need to split it all).
    let mut split = folded.splitn(5, ' ');
    let words: [Option<&str>; 5] = std::array::from_fn(|_| split.next());
    let words: &[&str] = match words {
        [Some(a), Some(b), Some(c), None, None] => &[a, b, c],
        [Some(a), Some(b), Some(c), Some(d), None] => &[a, b, c, d],
        _ => &[],
    };
    let shape = match words {
        [code, addr, word] | [code, _, addr, word] => {
            code.len() == 3
                && code.starts_with('5')
                && code.bytes().all(|b| b.is_ascii_digit())
                && addr.trim_matches(['<', '>']).contains('@')
                && word.trim_end_matches('.') == "rejected"
        }
        _ => false,
    };
    shape.then_some((Reason::UserUnknown, "<code> <addr> rejected"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::fold;
    use smtp_core::status::EnhancedStatus;

    fn ev(gateway: Option<&'static str>, status: Option<&str>) -> Evidence<'static> {
        Evidence {
            gateway,
            status: status.map(|s| s.parse::<EnhancedStatus>().unwrap()),
            ..Evidence::default()
        }
    }

    #[test]
    fn gateway_user_unknown_is_filtered_unless_the_address_status_says_so() {
        let cases = [
            (
                "550 <a@example.jp>... User not exist",
                Some("mcafee"),
                None,
                Some(Reason::Filtered),
            ),
            (
                "a@example.jp [User unknown]",
                Some("x1"),
                None,
                Some(Reason::Filtered),
            ),
            (
                "550 5.2.1 <a@example.jp>... User Unknown",
                Some("zoho"),
                Some("5.2.1"),
                Some(Reason::Filtered),
            ),
            // The next hop's X.1.1 confirms the mailbox is missing: not this rule.
            (
                "550 5.1.1 <a@example.jp>... User unknown",
                Some("mcafee"),
                Some("5.1.1"),
                None,
            ),
            // No gateway: not this rule.
            ("550 <a@example.jp>... User unknown", None, None, None),
            // A gateway reporting something else: not this rule.
            ("552 mailbox full", Some("zoho"), None, None),
        ];
        for (text, gw, status, want) in cases {
            assert_eq!(
                classify(&fold(text), &ev(gw, status)).map(|h| h.0),
                want,
                "{text}"
            );
        }
    }

    #[test]
    fn gateway_sentences() {
        let cases = [
            (
                "Message from InterScan Messaging Security Suite\nUnable to deliver message to <a@example.jp> (and other recipients in the same domain).",
                Some(Reason::UserUnknown),
            ),
            ("542 a@example.com Rejected", Some(Reason::UserUnknown)),
            (
                "550 5.0.0 <a@example.com> rejected.",
                Some(Reason::UserUnknown),
            ),
            ("550 message Rejected", None),
            ("550 a@example.com rejected because of spam", None),
        ];
        for (text, want) in cases {
            assert_eq!(
                classify(&fold(text), &ev(None, None)).map(|h| h.0),
                want,
                "{text}"
            );
        }
    }
}
