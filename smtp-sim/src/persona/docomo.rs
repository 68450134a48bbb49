//! NTT docomo (mx-replies.md §2.8): no enhanced status codes; a filtered message is refused
//! after DATA with the very text of an unknown user.

use super::{Answer, MailboxState, Situation};
use crate::ratelimit::Counted;
use crate::scenario::{Reason, Step};

pub(super) fn answer(situation: Situation) -> Option<Answer> {
    let refuse = Answer::refuse;
    Some(match situation {
        Situation::Mailbox(MailboxState::Unknown) => refuse(
            Step::Rcpt,
            550,
            None,
            &["Unknown user {rcpt}"],
            Reason::Userunknown,
        ),
        Situation::Mailbox(MailboxState::Filtered) => refuse(
            Step::EndOfData,
            550,
            None,
            &["Unknown user {rcpt}"],
            Reason::Filtered,
        ),
        Situation::Mailbox(MailboxState::Full) => refuse(
            Step::Rcpt,
            552,
            None,
            &["Too much mail data {rcpt}"],
            Reason::Mailboxfull,
        ),
        Situation::RateLimited(Counted::Recipients) => refuse(
            Step::Rcpt,
            552,
            None,
            &["too many recipients"],
            Reason::Ratelimited,
        ),
        _ => return None,
    })
}
