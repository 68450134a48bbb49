//! au/KDDI (mx-replies.md §2.8): an unknown user at RCPT; a filtered message refused after
//! DATA as `550 : User unknown` (empty address); a mailbox that cannot receive is accepted and
//! bounced afterwards.

use super::{Act, Answer, MailboxState, Situation};
use crate::scenario::{Reason, Step};

pub(super) fn answer(situation: Situation) -> Option<Answer> {
    let refuse = Answer::refuse;
    Some(match situation {
        Situation::Mailbox(MailboxState::Unknown) => refuse(
            Step::Rcpt,
            550,
            None,
            &["<{rcpt}>: User unknown"],
            Reason::Userunknown,
        ),
        Situation::Mailbox(MailboxState::Filtered) => refuse(
            Step::EndOfData,
            550,
            None,
            &[": User unknown"],
            Reason::Filtered,
        ),
        Situation::Mailbox(MailboxState::Disabled) => Answer::at(
            Step::Rcpt,
            Act::AcceptThenBounce {
                status: "5.2.1",
                // Own wording (no real au text for this case is known): the mailbox exists but
                // cannot receive, which RFC 3463 names X.2.1 "mailbox disabled".
                diagnostic: "550 5.2.1 <{rcpt}>: Mailbox disabled, not accepting messages",
            },
            Reason::Suspend,
        ),
        _ => return None,
    })
}
