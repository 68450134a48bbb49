//! Yahoo and AOL (mx-replies.md §2.2): bracketed codes; an unknown user is refused after DATA.

use super::{Answer, MailboxState, Situation};
use crate::ratelimit::Counted;
use crate::scenario::{Reason, Step};

pub(super) fn answer(situation: Situation) -> Option<Answer> {
    let refuse = Answer::refuse;
    Some(match situation {
        Situation::Mailbox(MailboxState::Unknown) => refuse(
            Step::EndOfData,
            554,
            None,
            &["delivery error: dd This user doesn't have a {rcpt_domain} account ({rcpt}) [0] - mta1061.mail.ne1.yahoo.com"],
            Reason::Userunknown,
        ),
        Situation::Dnsbl => refuse(
            Step::Mail,
            553,
            Some("5.7.1"),
            &["[BL21] Connections will not be accepted from {client_ip}, because the ip is in Spamhaus's list; see http://postmaster.yahoo.com/550-bl23.html"],
            Reason::Blocked,
        ),
        // The wording was found via an index and is unverified (mx-replies.md §2.2).
        Situation::NoReverseName | Situation::FcrdnsFailed => refuse(
            Step::Mail,
            450,
            Some("4.7.25"),
            &["Forward-confirmed reverse DNS failed"],
            Reason::Requireptr,
        ),
        Situation::SpfFail | Situation::Unauthenticated => refuse(
            Step::EndOfData,
            550,
            Some("5.7.9"),
            &["This mail has been blocked because the sender is unauthenticated. Yahoo requires all senders to authenticate with either SPF or DKIM."],
            Reason::Authfailure,
        ),
        Situation::DmarcReject => refuse(
            Step::EndOfData,
            554,
            Some("5.7.9"),
            &["Message not accepted for policy reasons. See https://postmaster.yahooinc.com/error-codes"],
            // Yahoo's one text for a failed DMARC check and its other policy refusals: the words
            // name no authentication check, so a reader of the reply can only say "policy".
            Reason::Policyviolation,
        ),
        Situation::RateLimited(_) => refuse(
            Step::Mail,
            421,
            Some("4.7.0"),
            &["[TSS04] Messages from {client_ip} temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes"],
            // [TSS04] defers for volume *or complaints*, so its words judge the sending IP's
            // standing: a refusal of the sender at MAIL FROM, as the labelled bounces read it.
            Reason::Rejected,
        ),
        _ => return None,
    })
    .map(|a| match (situation, a) {
        // Yahoo's rate limit on recipients comes at RCPT, not MAIL; there the same words read
        // as the IP's reputation.
        (Situation::RateLimited(Counted::Recipients), a) => Answer {
            step: Step::Rcpt,
            reason: Reason::Badreputation,
            ..a
        },
        (_, a) => a,
    })
}
