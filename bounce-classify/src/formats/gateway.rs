//! Filtering gateways and relays that write bounces on behalf of the recipient's domain.
//!
//! Security gateways (McAfee Email Gateway, MailFoundry, Active!Hunter, m-FILTER, MXLogic), hosted
//! relays (Zoho Mail's outbound relay) and two unnamed relay mailers accept a message for the
//! domain they protect or relay, and only then try the next hop. Their bounce reports, in their
//! own format, what happened behind them. Knowing that a gateway wrote the bounce matters for the
//! reason: a "user unknown" it reports without a status code naming the mailbox (`X.1.x`) is the
//! gateway's own refusal after it took the message, i.e. `filtered` (see `reason/provider.rs`).
//!
//! A product is recognised by what it writes into the bounce's own header fields or its notice:
//! never by the returned message alone, which any sender could have written.

use crate::message::Message;
use crate::scan;

/// Where a marker is looked for.
#[derive(Debug, Clone, Copy)]
enum Place {
    /// The value of a top-level header field (lower-case name), case-insensitively (the marker
    /// is written lower-case).
    Header(&'static str),
    /// The name of a top-level header field exists.
    HeaderName(&'static str),
    /// The notice text (before the returned message), case-sensitively: these are fixed lines
    /// the products print.
    Notice,
}

/// `(product, place, marker)`, tried in order.
const PRODUCTS: &[(&str, Place, &str)] = &[
    // McAfee Email and Web Security appliance stamps its own header on the bounce.
    ("mcafee", Place::Header("x-nai-header"), "mcafee"),
    // MailFoundry names itself in the Received field it adds.
    ("mailfoundry", Place::Header("received"), "(mailfoundry)"),
    // Active!Hunter: its mail id header and its MIME boundary.
    ("activehunter", Place::HeaderName("x-ahmailid"), ""),
    (
        "activehunter",
        Place::Header("content-type"),
        "active!hunter",
    ),
    // m-FILTER (Japanese gateway): X-Mailer and its Received line.
    ("m-filter", Place::Header("x-mailer"), "m-filter"),
    // MXLogic (McAfee SaaS): its bounce headers and host names.
    ("mxlogic", Place::HeaderName("x-mxl-notehash"), ""),
    ("mxlogic", Place::Header("from"), ".mxlogic.net"),
    // Zoho Mail's outbound relay writes the bounce with its own headers.
    ("zoho", Place::HeaderName("x-zohomail"), ""),
    // An unnamed relay mailer (Japanese ISPs): a compact list headed by this exact line.
    (
        "x1",
        Place::Notice,
        "---The following addresses had delivery errors---",
    ),
    // An unnamed relay mailer (Yahoo!-derived): the notice opens with these two lines.
    (
        "x2",
        Place::Notice,
        "Unable to deliver message to the following address(es).",
    ),
];

/// Product names that gateways print in their notices ("Message from InterScan Messaging
/// Security Suite", "このメールは「m-FILTER」が…"). A product's name is not evidence: "security" or
/// "filter" in it says nothing about why the message failed, so the names are taken out of the
/// diagnostic before the text rules read it.
const BANNERS: &[&str] = &[
    "interscan messaging security suite",
    "m-filter",
    "email security.cloud",
    "mcafee email and web security",
    "mcafee email gateway",
];

/// The diagnostic without product names (ASCII case-insensitive).
pub(crate) fn strip_banners(text: String) -> String {
    if !BANNERS.iter().any(|b| scan::contains_ci(&text, b)) {
        // The common case: no product name, nothing to take out.
        return text;
    }
    let mut out = text;
    for banner in BANNERS {
        while let Some(at) = out.to_ascii_lowercase().find(banner) {
            out.replace_range(at..at + banner.len(), "");
        }
    }
    out
}

/// The gateway product that wrote this bounce, if it is one of the known ones.
pub(crate) fn product(msg: &Message) -> Option<&'static str> {
    PRODUCTS.iter().find_map(|(name, place, marker)| {
        let hit = match place {
            Place::Header(h) => {
                msg.may_have_header(h)
                    && msg
                        .headers()
                        .any(|(n, v)| n == *h && scan::contains_ci(v, marker))
            }
            Place::HeaderName(h) => msg.header(h).is_some(),
            Place::Notice => {
                let end = msg.notice_end();
                crate::scan::contains(&msg.notice[..end], marker)
            }
        };
        hit.then_some(*name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message;

    #[test]
    fn case_blind_search() {
        let cases = [
            ("by mx (MailFoundry) id", "(mailfoundry)", true),
            ("by mx (mailfoundry)", "(mailfoundry)", true),
            ("by mx (mailfound", "(mailfoundry)", false),
            ("X-Mailer: M-FILTER", "m-filter", true),
            ("", "m-filter", false),
            ("anything", "", true),
        ];
        for (hay, needle, want) in cases {
            assert_eq!(scan::contains_ci(hay, needle), want, "{hay} / {needle}");
        }
    }

    #[test]
    fn products_are_recognised() {
        let cases = [
            (
                "From: postmaster@example.org\nX-NAI-Header: Modified by McAfee Email Gateway\nSubject: Delivery Status\n\nx\n",
                Some("mcafee"),
            ),
            (
                "Received: from localhost by gw.example.net (MAILFOUNDRY) id 1\nFrom: MAILER-DAEMON@example.org\n\nx\n",
                Some("mailfoundry"),
            ),
            (
                "From: MAILER-DAEMON@example.org\nX-AHMAILID: 20240101T000000+0900-0-0\n\nx\n",
                Some("activehunter"),
            ),
            (
                "From: postmaster@example.jp\nX-Mailer: m-FILTER\n\nx\n",
                Some("m-filter"),
            ),
            (
                "From: Mail Delivery System <MAILER-DAEMON@relay9.mxlogic.net>\n\nx\n",
                Some("mxlogic"),
            ),
            (
                "From: mailer-daemon@mail.zoho.com\nX-ZohoMail: Si\n\nx\n",
                Some("zoho"),
            ),
            (
                "From: MAILER-DAEMON@relay.example.jp\nSubject: Returned Mail\n\nThe original message was received at today\n\n---The following addresses had delivery errors---\n\na@example.jp [User unknown]\n",
                Some("x1"),
            ),
            (
                "From: MAILER-DAEMON@example.com\nSubject: Delivery failure\n\nMessage from example.com.\nUnable to deliver message to the following address(es).\n\n<a@example.com>:\nno\n",
                Some("x2"),
            ),
            (
                "From: MAILER-DAEMON@example.org\nSubject: Undelivered\n\n<a@example.com>: 550 user unknown\n",
                None,
            ),
        ];
        for (raw, want) in cases {
            let m = message::read(raw.as_bytes()).unwrap();
            assert_eq!(product(&m), want, "{raw}");
        }
    }

    #[test]
    fn banners_are_not_evidence() {
        assert_eq!(
            strip_banners("Message from InterScan Messaging Security Suite: unable".to_string()),
            "Message from : unable"
        );
        assert_eq!(
            strip_banners("「M-Filter」が 550 no".to_string()),
            "「」が 550 no"
        );
        assert_eq!(
            strip_banners("content filter".to_string()),
            "content filter"
        );
    }

    #[test]
    fn a_marker_in_the_returned_message_does_not_count() {
        let raw = "From: MAILER-DAEMON@example.org\nSubject: failure notice\n\n<a@example.com>: 550 no\n\
--- Below this line is a copy of the message.\n\nReturn-Path: <s@example.org>\n\
---The following addresses had delivery errors---\n";
        let m = message::read(raw.as_bytes()).unwrap();
        assert_eq!(product(&m), None);
    }
}
