//! Google: Gmail, Google Workspace and Google Groups.
//!
//! Gmail's replies end in `- gsmtp` and link a help page whose `?p=` key names the failure
//! exactly; Gmail's own bounces (when it relays for a Workspace user) describe the failure in
//! sentences of its own.

use super::Hit;
use crate::reason::{Evidence, Reason};

pub(super) const MARKERS: &[(&str, Reason)] = &[
    // Help-page keys (`https://support.google.com/mail/?p=…`).
    ("?p=nosuchuser", Reason::UserUnknown),
    ("?p=invalidrecipient", Reason::UserUnknown),
    ("?p=overquotatemp", Reason::MailboxFull),
    ("?p=overquotaperm", Reason::MailboxFull),
    ("?p=maxsizeerror", Reason::EmailTooLarge),
    ("?p=unsolicitedratelimiterror", Reason::RateLimited),
    ("?p=receivingratelimit", Reason::RateLimited),
    ("?p=unsolicitedmessageerror", Reason::SpamDetected),
    ("?p=dmarcrejection", Reason::AuthFailure),
    ("?p=blocked", Reason::Blocked),
    ("?p=disabledaccount", Reason::Suspend),
    ("?p=utf8", Reason::NotCompliantRfc),
    ("?p=messageheaders", Reason::NotCompliantRfc),
    ("?p=rfcmessagenoncompliant", Reason::NotCompliantRfc),
    ("?p=tlsrequired", Reason::FailedStartTls),
    // Google Groups: the group does not exist or refuses the poster.
    ("groups.google.com/support", Reason::Rejected),
    // Gmail's relay gave up on a destination that never accepted a connection: it says so only
    // after retrying for its whole retry period ("failed permanently").
    ("did not accept our requests to connect", Reason::Expired),
];

pub(super) fn classify(folded: &str, ev: &Evidence<'_>) -> Hit {
    super::first_marker(folded, MARKERS, ev)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::fold;

    #[test]
    fn gmail_texts() {
        let cases = [
            (
                "452-4.2.2 The email account that you tried to reach is over quota. Please direct\n452 4.2.2 the recipient to https://support.google.com/mail/?p=OverQuotaTemp x - gsmtp",
                Some(Reason::MailboxFull),
            ),
            (
                "Technical details of permanent failure:\nThe recipient server did not accept our requests to connect. Learn more at https://support.google.com/mail/answer/7720\n[example.org 192.0.2.1: socket error]",
                Some(Reason::Expired),
            ),
            ("550 5.7.1 rejected - gsmtp", None),
        ];
        for (text, want) in cases {
            assert_eq!(
                classify(&fold(text), &Evidence::default()).map(|h| h.0),
                want,
                "{text}"
            );
        }
    }
}
