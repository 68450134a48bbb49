//! What the sender should do about a reason (the decision table of `bounce-taxonomy.md`).

use serde::{Deserialize, Serialize};

use crate::reason::Reason;

/// The action a sender should take for one recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// The address is bad: stop mailing it.
    Suppress,
    /// Try again later (transient trouble on the way or at the receiver).
    Retry,
    /// Slow down, then retry: the receiver limits the sending rate.
    BackOff,
    /// Fix the sending infrastructure (PTR, block lists, SPF/DKIM/DMARC, TLS, relaying); keep the
    /// address.
    FixTheSender,
    /// Fix the message (size, content, headers); keep the address.
    FixTheContent,
    /// Nothing to do (auto-reply, success report).
    Ignore,
    /// Too little information: keep for a person to look at.
    Review,
}

/// The Amazon SES bounce type and subtype a reason corresponds to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SesBounce {
    /// `Permanent`, `Transient`, `Undetermined`, or `Complaint` for a complaint.
    #[serde(rename = "type")]
    pub bounce_type: String,
    /// `General`, `NoEmail`, `Suppressed`, `MailboxFull`, `MessageTooLarge`, `ContentRejected`,
    /// or `abuse`-style feedback for complaints (`Complaint` type has none: empty).
    pub subtype: String,
}

/// The decision and SES equivalent for a reason; `permanent` says whether the failure was a 5xx.
pub fn decide(reason: Reason, permanent: bool) -> (Decision, Option<SesBounce>) {
    use Reason::*;
    let ses = |t: &str, s: &str| {
        Some(SesBounce {
            bounce_type: t.to_string(),
            subtype: s.to_string(),
        })
    };
    match reason {
        UserUnknown | HostUnknown | HasMoved => (Decision::Suppress, ses("Permanent", "NoEmail")),
        NotAccept if permanent => (Decision::Suppress, ses("Permanent", "General")),
        NotAccept => (Decision::Retry, ses("Transient", "General")),
        Suspend => (Decision::Suppress, ses("Permanent", "General")),
        MailboxFull => (Decision::Retry, ses("Transient", "MailboxFull")),
        EmailTooLarge => (Decision::FixTheContent, ses("Transient", "MessageTooLarge")),
        SpamDetected | VirusDetected | ContentError | Filtered | NotCompliantRfc => {
            (Decision::FixTheContent, ses("Transient", "ContentRejected"))
        }
        Blocked | BadReputation | RequirePtr | AuthFailure | FailedStartTls | Rejected
        | NoRelaying | PolicyViolation | SecurityError => (
            Decision::FixTheSender,
            if permanent {
                ses("Permanent", "General")
            } else {
                ses("Transient", "General")
            },
        ),
        RateLimited => (Decision::BackOff, ses("Transient", "General")),
        Expired | NetworkError | SystemError | SystemFull | SyntaxError | MailerError => {
            (Decision::Retry, ses("Transient", "General"))
        }
        Suppressed => (Decision::Suppress, ses("Permanent", "Suppressed")),
        Feedback => (Decision::Suppress, ses("Complaint", "")),
        Vacation | Delivered => (Decision::Ignore, None),
        OnHold | Undefined => (Decision::Review, ses("Undetermined", "Undetermined")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows() {
        let cases = [
            (
                Reason::UserUnknown,
                true,
                Decision::Suppress,
                "Permanent",
                "NoEmail",
            ),
            (
                Reason::NotAccept,
                false,
                Decision::Retry,
                "Transient",
                "General",
            ),
            (
                Reason::MailboxFull,
                true,
                Decision::Retry,
                "Transient",
                "MailboxFull",
            ),
            (
                Reason::EmailTooLarge,
                true,
                Decision::FixTheContent,
                "Transient",
                "MessageTooLarge",
            ),
            (
                Reason::Filtered,
                true,
                Decision::FixTheContent,
                "Transient",
                "ContentRejected",
            ),
            (
                Reason::Blocked,
                true,
                Decision::FixTheSender,
                "Permanent",
                "General",
            ),
            (
                Reason::Blocked,
                false,
                Decision::FixTheSender,
                "Transient",
                "General",
            ),
            (
                Reason::RateLimited,
                false,
                Decision::BackOff,
                "Transient",
                "General",
            ),
            (
                Reason::Expired,
                false,
                Decision::Retry,
                "Transient",
                "General",
            ),
            (
                Reason::Suppressed,
                true,
                Decision::Suppress,
                "Permanent",
                "Suppressed",
            ),
            (
                Reason::Undefined,
                true,
                Decision::Review,
                "Undetermined",
                "Undetermined",
            ),
        ];
        for (reason, permanent, decision, t, s) in cases {
            let (d, ses) = decide(reason, permanent);
            assert_eq!(d, decision, "{reason}");
            let ses = ses.unwrap();
            assert_eq!(
                (ses.bounce_type.as_str(), ses.subtype.as_str()),
                (t, s),
                "{reason}"
            );
        }
        assert_eq!(decide(Reason::Vacation, false), (Decision::Ignore, None));
    }
}
