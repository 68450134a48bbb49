//! Evidence step 3: the enhanced status code (RFC 3463 and the later IANA registrations).
//!
//! Only codes that name one failure map to a reason. `X.7.1` ("delivery not authorized") and
//! `X.0.0` say nothing specific and fall through to step 4.

use smtp_core::status::StatusClass;

use super::{Evidence, Reason, Verdict};

/// `(subject, detail, reason)`.
const TABLE: &[(u16, u16, Reason)] = &[
    (1, 1, Reason::UserUnknown),
    (1, 2, Reason::HostUnknown),
    (1, 3, Reason::UserUnknown),
    (1, 4, Reason::UserUnknown),
    (1, 6, Reason::HasMoved),
    (1, 7, Reason::Rejected),
    (1, 8, Reason::Rejected),
    (1, 10, Reason::NotAccept),
    (2, 1, Reason::Suspend),
    (2, 2, Reason::MailboxFull),
    (2, 3, Reason::EmailTooLarge),
    (2, 4, Reason::SystemError),
    // "Other or undefined mail system status": a fault of the receiving system, whatever it is.
    (3, 0, Reason::SystemError),
    (3, 1, Reason::SystemFull),
    (3, 2, Reason::SystemError),
    (3, 3, Reason::SystemError),
    (3, 4, Reason::EmailTooLarge),
    (3, 5, Reason::SystemError),
    (4, 1, Reason::NetworkError),
    (4, 2, Reason::NetworkError),
    (4, 3, Reason::NetworkError),
    (4, 4, Reason::NetworkError),
    (4, 5, Reason::SystemError),
    (4, 6, Reason::NetworkError),
    (4, 7, Reason::Expired),
    (5, 1, Reason::SyntaxError),
    (5, 2, Reason::SyntaxError),
    (5, 4, Reason::SyntaxError),
    (6, 0, Reason::ContentError),
    (6, 1, Reason::ContentError),
    (6, 2, Reason::ContentError),
    (6, 3, Reason::ContentError),
    (6, 4, Reason::ContentError),
    (6, 5, Reason::ContentError),
    (6, 6, Reason::ContentError),
    (6, 7, Reason::ContentError),
    (6, 8, Reason::ContentError),
    (6, 9, Reason::ContentError),
    (6, 10, Reason::ContentError),
    (7, 2, Reason::SecurityError),
    (7, 3, Reason::SecurityError),
    (7, 4, Reason::SecurityError),
    (7, 5, Reason::SecurityError),
    (7, 6, Reason::SecurityError),
    (7, 7, Reason::SecurityError),
    (7, 8, Reason::SecurityError),
    (7, 9, Reason::SecurityError),
    (7, 10, Reason::FailedStartTls),
    (7, 11, Reason::FailedStartTls),
    (7, 13, Reason::Suspend),
    (7, 14, Reason::SecurityError),
    (7, 15, Reason::SecurityError),
    (7, 16, Reason::SecurityError),
    (7, 17, Reason::SecurityError),
    (7, 18, Reason::SecurityError),
    (7, 19, Reason::SecurityError),
    (7, 20, Reason::AuthFailure),
    (7, 21, Reason::AuthFailure),
    (7, 22, Reason::AuthFailure),
    (7, 23, Reason::AuthFailure),
    (7, 24, Reason::AuthFailure),
    (7, 25, Reason::RequirePtr),
    (7, 26, Reason::AuthFailure),
    (7, 27, Reason::Rejected),
    (7, 28, Reason::RateLimited),
    (7, 29, Reason::AuthFailure),
    (7, 30, Reason::FailedStartTls),
];

/// Step 3 of the evidence order.
pub(crate) fn classify(ev: &Evidence<'_>) -> Option<Verdict> {
    let s = ev.status?;
    if s.class == StatusClass::Success {
        return Some(Verdict {
            reason: Reason::Delivered,
            rule: "status",
            matched: None,
        });
    }
    TABLE
        .iter()
        .find(|(subject, detail, _)| *subject == s.subject && *detail == s.detail)
        .map(|(_, _, reason)| Verdict {
            reason: *reason,
            rule: "status",
            matched: None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map() {
        let cases = [
            ("5.1.1", Some(Reason::UserUnknown)),
            ("5.1.10", Some(Reason::NotAccept)),
            ("4.2.2", Some(Reason::MailboxFull)),
            ("5.3.4", Some(Reason::EmailTooLarge)),
            ("4.3.0", Some(Reason::SystemError)),
            ("4.4.7", Some(Reason::Expired)),
            ("5.7.25", Some(Reason::RequirePtr)),
            ("5.7.26", Some(Reason::AuthFailure)),
            ("2.0.0", Some(Reason::Delivered)),
            ("5.7.1", None),
            ("5.0.0", None),
        ];
        for (code, want) in cases {
            let ev = Evidence {
                status: Some(code.parse().unwrap()),
                ..Evidence::default()
            };
            assert_eq!(classify(&ev).map(|v| v.reason), want, "{code}");
        }
        for (s, d, r) in TABLE {
            let ev = Evidence {
                status: Some(smtp_core::status::EnhancedStatus::new(
                    StatusClass::Permanent,
                    *s,
                    *d,
                )),
                ..Evidence::default()
            };
            assert_eq!(classify(&ev).map(|v| v.reason), Some(*r));
        }
    }
}
