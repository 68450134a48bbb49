//! Evidence step 1: a provider's own codes and texts, recognised by the code itself (Yahoo
//! `[BL21]`, Microsoft `S3150`/`5.7.606`, Gmail's help-page keys).
//! These say more than any generic phrase, so they are read first.

use super::{Evidence, Reason, Verdict};

/// `(marker in the folded text, reason)`, tried in order. Markers are provider codes or the
/// keys of the providers' help pages, never generic words.
const MARKERS: &[(&str, Reason)] = &[
    // Gmail help-page keys (`?p=…`) name the failure exactly.
    ("?p=nosuchuser", Reason::UserUnknown),
    ("?p=overquotatemp", Reason::MailboxFull),
    ("?p=overquotaperm", Reason::MailboxFull),
    ("?p=maxsizeerror", Reason::EmailTooLarge),
    ("?p=unsolicitedratelimiterror", Reason::RateLimited),
    ("?p=unsolicitedmessageerror", Reason::SpamDetected),
    ("?p=dmarcrejection", Reason::AuthFailure),
    ("?p=blocked", Reason::Blocked),
    ("?p=disabledaccount", Reason::Suspend),
    ("?p=invalidrecipient", Reason::UserUnknown),
    ("?p=receivingratelimit", Reason::RateLimited),
    ("?p=utf8", Reason::NotCompliantRfc),
    ("?p=messageheaders", Reason::NotCompliantRfc),
    ("?p=tlsrequired", Reason::FailedStartTls),
    // Yahoo's bracketed codes.
    ("?p=rfcmessagenoncompliant", Reason::NotCompliantRfc),
    // Google Groups: the group does not exist or refuses the poster.
    ("groups.google.com/support", Reason::Rejected),
    ("[tss09]", Reason::Blocked),
    ("[tss11]", Reason::Blocked),
    ("[tss06]", Reason::Blocked),
    ("[bl21]", Reason::Blocked),
    ("[bl23]", Reason::Blocked),
    // Microsoft.
    ("(s3150)", Reason::Blocked),
    ("(s3140)", Reason::Blocked),
    ("(as3140)", Reason::Blocked),
    ("banned sending ip", Reason::Blocked),
    ("resolver.adr.recipientnotfound", Reason::UserUnknown),
    ("resolver.adr.recipnotfound", Reason::UserUnknown),
    ("resolver.adr.exrecipnotfound", Reason::UserUnknown),
    ("resolver.rst.recipsizelimit", Reason::EmailTooLarge),
    ("resolver.rst.authrequired", Reason::SecurityError),
    ("resolver.rst.notauthorized", Reason::SecurityError),
    ("resolver.adr.recipientlimit", Reason::RateLimited),
    ("mailbox.full", Reason::MailboxFull),
];

/// Step 1 of the evidence order.
pub(crate) fn classify(folded: &str, ev: &Evidence<'_>) -> Option<Verdict> {
    let _ = ev;
    MARKERS
        .iter()
        .find(|(m, _)| folded.contains(m))
        .map(|(marker, reason)| Verdict {
            reason: *reason,
            rule: "provider",
            matched: Some(marker),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::fold;

    #[test]
    fn every_marker_decides() {
        for (marker, reason) in MARKERS {
            let text = fold(&format!("550 5.0.0 Some words {marker} more words"));
            let v = classify(&text, &Evidence::default()).unwrap();
            // An earlier marker may not shadow a later one.
            assert_eq!(v.reason, *reason, "{marker}");
        }
    }

    #[test]
    fn real_shaped_texts() {
        let cases = [
            (
                "550-5.1.1 The email account that you tried to reach does not exist. Please try\n550-5.1.1 double-checking. Learn more at\n550 5.1.1  https://support.google.com/mail/?p=NoSuchUser x - gsmtp",
                Reason::UserUnknown,
            ),
            (
                "553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.1, because the ip is in Spamhaus list",
                Reason::Blocked,
            ),
            (
                "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. (S3150). [BN3.prod.outlook.com]",
                Reason::Blocked,
            ),
            (
                "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
                Reason::UserUnknown,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(
                classify(&fold(text), &Evidence::default()).map(|v| v.reason),
                Some(want),
                "{text}"
            );
        }
        assert_eq!(
            classify(&fold("550 user unknown"), &Evidence::default()),
            None
        );
    }
}
