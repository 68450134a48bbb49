//! SoftBank (mx-replies.md §2.8): an unknown user at RCPT; a filtered message is accepted and
//! silently dropped, with no bounce.

use super::{Act, Answer, MailboxState, Situation};
use crate::scenario::{Reason, Step};

pub(super) fn answer(situation: Situation) -> Option<Answer> {
    Some(match situation {
        Situation::Mailbox(MailboxState::Unknown) => Answer::refuse(
            Step::Rcpt,
            550,
            None,
            &["Invalid recipient: <{rcpt}>"],
            Reason::Userunknown,
        ),
        Situation::Mailbox(MailboxState::Filtered) => {
            Answer::at(Step::Rcpt, Act::Discard, Reason::Filtered)
        }
        Situation::SenderDomainUnknown => Answer::refuse(
            Step::Mail,
            553,
            None,
            &["<{sender_domain}> does not exist"],
            Reason::Rejected,
        ),
        _ => return None,
    })
}
