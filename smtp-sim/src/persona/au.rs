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
                status: "5.0.0",
                // Own wording: the bounce's diagnostic for a mailbox that cannot receive.
                diagnostic: "550 <{rcpt}>: User unknown",
            },
            Reason::Suspend,
        ),
        _ => return None,
    })
}
