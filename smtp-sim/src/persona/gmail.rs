//! Gmail (mx-replies.md §2.1): multi-line replies ending in `<id> - gsmtp`; PTR and
//! authentication refusals come after DATA.

use super::{Answer, MailboxState, Situation};
use crate::ratelimit::Counted;
use crate::scenario::{Reason, Step};

pub(super) fn answer(situation: Situation) -> Option<Answer> {
    let refuse = Answer::refuse;
    Some(match situation {
        Situation::Mailbox(MailboxState::Unknown) => refuse(
            Step::Rcpt,
            550,
            Some("5.1.1"),
            &[
                "The email account that you tried to reach does not exist. Please try",
                "double-checking the recipient's email address for typos or",
                "unnecessary spaces. Learn more at",
                "https://support.google.com/mail/?p=NoSuchUser {id} - gsmtp",
            ],
            Reason::Userunknown,
        ),
        Situation::Mailbox(MailboxState::Full) => refuse(
            Step::Rcpt,
            452,
            Some("4.2.2"),
            &[
                "The email account that you tried to reach is over quota. Please direct",
                "the recipient to",
                "https://support.google.com/mail/?p=OverQuotaTemp {id} - gsmtp",
            ],
            Reason::Mailboxfull,
        ),
        Situation::Mailbox(MailboxState::OverSizeLimit) => refuse(
            Step::EndOfData,
            552,
            Some("5.3.4"),
            &[
                "Your message exceeded Google's message size limits. Please visit",
                "https://support.google.com/mail/?p=MaxSizeError {id} - gsmtp",
            ],
            Reason::Emailtoolarge,
        ),
        Situation::NoReverseName | Situation::FcrdnsFailed => refuse(
            Step::EndOfData,
            550,
            Some("5.7.25"),
            &[
                "[{client_ip}] The IP address sending this message does not have a",
                "PTR record setup, or the corresponding forward DNS entry does not",
                "point to the sending IP. As a policy, Gmail does not accept messages",
                "from IPs with missing PTR records. For more information, go to",
                "https://support.google.com/mail/answer/81126#ip-practices {id} - gsmtp",
            ],
            Reason::Requireptr,
        ),
        Situation::SpfFail => refuse(
            Step::EndOfData,
            550,
            Some("5.7.26"),
            &[
                "The MAIL FROM domain [{sender_domain}] has an SPF record with a hard fail",
                "policy (-all) but it fails to pass SPF checks with the ip:",
                "[{client_ip}]. To best protect our users from spam and phishing, the",
                "message has been blocked. Please visit",
                "https://support.google.com/mail/answer/81126#authentication {id} - gsmtp",
            ],
            Reason::Authfailure,
        ),
        Situation::DmarcReject => refuse(
            Step::EndOfData,
            550,
            Some("5.7.26"),
            &[
                "Unauthenticated email from {from_domain} is not accepted due to domain's",
                "DMARC policy. {id} - gsmtp",
            ],
            Reason::Authfailure,
        ),
        Situation::Unauthenticated => refuse(
            Step::EndOfData,
            550,
            Some("5.7.26"),
            &[
                "This mail has been blocked because the sender is unauthenticated.",
                "Gmail requires all senders to authenticate with either SPF or DKIM.",
                "https://support.google.com/mail/answer/81126#authentication {id} - gsmtp",
            ],
            Reason::Authfailure,
        ),
        Situation::RateLimited(Counted::Messages | Counted::Recipients) => refuse(
            Step::Mail,
            421,
            Some("4.7.28"),
            &[
                "[{client_ip}] Our system has detected an unusual rate of",
                "unsolicited mail originating from your IP address. To protect our",
                "users from spam, mail sent from your IP address has been temporarily",
                "rate limited. Please visit",
                "https://support.google.com/mail/?p=UnsolicitedRateLimitError to",
                "review our Bulk Email Senders Guidelines. {id} - gsmtp",
            ],
            Reason::Ratelimited,
        ),
        _ => return None,
    })
}
