//! Microsoft: Outlook.com / Hotmail and Exchange Online (Office 365).
//!
//! Outlook.com names its refusals with codes in parentheses (`S3150`, `S3140`, `AS…`) or
//! SmartScreen codes (`SC-001`…`SC-004`); Exchange Online writes `RESOLVER.*` component codes and
//! its own enhanced status codes (`5.7.606`–`5.7.649` for banned sending IPs).

use smtp_core::status::StatusClass;

use super::Hit;
use crate::reason::{Evidence, Reason};

pub(super) const MARKERS: &[(&str, Reason)] = &[
    // Outlook.com: the sending network is on its block list.
    ("(s3150)", Reason::Blocked),
    ("(s3140)", Reason::Blocked),
    ("(as3140)", Reason::Blocked),
    ("banned sending ip", Reason::Blocked),
    // SmartScreen refusals of the sending IP ("messages from <ip> weren't sent …").
    ("sc-001", Reason::Blocked),
    ("sc-002", Reason::Blocked),
    ("sc-003", Reason::Blocked),
    ("sc-004", Reason::Blocked),
    ("resolver.adr.recipientnotfound", Reason::UserUnknown),
    ("resolver.adr.recipnotfound", Reason::UserUnknown),
    ("resolver.adr.exrecipnotfound", Reason::UserUnknown),
    ("resolver.rst.recipsizelimit", Reason::EmailTooLarge),
    ("resolver.rst.authrequired", Reason::SecurityError),
    ("resolver.rst.notauthorized", Reason::SecurityError),
    ("resolver.adr.recipientlimit", Reason::RateLimited),
    ("mailbox.full", Reason::MailboxFull),
];

/// Microsoft's own host (`….outlook.com`) in a text.
pub(super) const OUTLOOK: &str = ".outlook.com";

/// Exchange Online's directory-based edge blocking answers an address the tenant does not have
/// with `550 5.4.1 Recipient address rejected: Access denied`. The words alone are Postfix's
/// generic `check_recipient_access` refusal (`554 5.7.1`, a policy), so they count only with
/// Microsoft's own mark: its `5.4.1` status or its `….outlook.com` host in the text.
const EDGE_BLOCKING: &str = "recipient address rejected: access denied";

/// Exchange Online's refusal without the recipient form.
const ACCESS_DENIED: &str = "access denied";

pub(super) fn classify(folded: &str, ev: &Evidence<'_>) -> Hit {
    if let Some(hit) = super::first_marker(folded, MARKERS, ev) {
        return Some(hit);
    }
    let x41 = ev.status.is_some_and(|s| s.subject == 4 && s.detail == 1);
    if (x41 || super::has_marker(folded, OUTLOOK, ev)) && folded.contains(EDGE_BLOCKING) {
        return Some((Reason::UserUnknown, EDGE_BLOCKING));
    }
    // The same refusal for a whole message at DATA ("All recipient addresses rejected : Access
    // denied") names no address, so it does not say which one is bad: a refusal by the
    // tenant's policy. Its `5.4.1` is Microsoft's code for the refusal, not "no answer from
    // host", which would wrongly send the message back into retries.
    if x41 && folded.contains(ACCESS_DENIED) {
        return Some((Reason::SecurityError, ACCESS_DENIED));
    }
    // Exchange Online's range for a banned sending IP; the status alone names it.
    if let Some(hit) = ev
        .status
        .filter(|s| s.subject == 7 && (606..=649).contains(&s.detail))
        .map(|_| (Reason::Blocked, "x.7.606-649"))
    {
        return Some(hit);
    }
    // Exchange Online throttles a sending IP with transient codes 4.7.500–4.7.699 ("Server
    // busy. Please try again later from [ip]. (AS…)"). When the text names the cause (4.7.650
    // "rate limited due to IP reputation"), the text step reads it.
    ev.status
        .filter(|s| {
            s.class == StatusClass::PersistentTransient
                && s.subject == 7
                && (500..=699).contains(&s.detail)
        })
        .filter(|_| !folded.contains("reputation"))
        .map(|_| (Reason::RateLimited, "4.7.500-699"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::fold;

    #[test]
    fn microsoft_texts() {
        let cases = [
            (
                "550 SC-001 (BAY0-MC1-F2) Unfortunately, messages from 192.0.2.1 weren't sent. Please contact your Internet service provider.",
                None,
                Some(Reason::Blocked),
            ),
            (
                "550 5.4.1 Recipient address rejected: Access denied. [AB1PR01MB0000.eurprd01.prod.outlook.com]",
                Some("5.4.1"),
                Some(Reason::UserUnknown),
            ),
            (
                "550 5.7.608 Access denied, this message was rejected (AS1234)",
                Some("5.7.608"),
                Some(Reason::Blocked),
            ),
            ("550 5.7.1 Access denied", Some("5.7.1"), None),
            (
                "451 4.7.500 Server busy. Please try again later from [192.0.2.1]. (AS1234)",
                Some("4.7.500"),
                Some(Reason::RateLimited),
            ),
            (
                "451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation.",
                Some("4.7.650"),
                None,
            ),
            (
                "550 5.4.1 [a@example.org]: Recipient address rejected: Access denied [X.eop-nam02.prod.protection.outlook.com]",
                None,
                Some(Reason::UserUnknown),
            ),
            (
                "550 5.4.1 All recipient addresses rejected : Access denied. [DM3NAM02FT000.eop-nam02.prod.protection.outlook.com]",
                Some("5.4.1"),
                Some(Reason::SecurityError),
            ),
            // Postfix's own check_recipient_access refusal: a policy, not Microsoft's directory.
            (
                "554 5.7.1 <a@example.org>: Recipient address rejected: Access denied",
                Some("5.7.1"),
                None,
            ),
        ];
        for (text, status, want) in cases {
            let ev = Evidence {
                status: status.map(|s| s.parse().unwrap()),
                ..Evidence::default()
            };
            assert_eq!(classify(&fold(text), &ev).map(|h| h.0), want, "{text}");
        }
    }
}
