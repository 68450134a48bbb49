//! A generic Postfix MX: Postfix 3.7 smtpd's texts (mx-replies.md §2.4–2.7). Texts marked
//! "own wording" are the project's, where no real reply was collected.

use super::{Act, Answer, MailboxState, ReplyText, Situation};
use crate::ratelimit::Counted;
use crate::scenario::{Reason, Step};

pub(super) fn answer(situation: Situation) -> Answer {
    use MailboxState as M;
    let refuse = Answer::refuse;
    match situation {
        Situation::Mailbox(M::Exists) => Answer::at(Step::Rcpt, Act::Accept, Reason::Delivered),
        Situation::Mailbox(M::Unknown) => refuse(
            Step::Rcpt,
            550,
            Some("5.1.1"),
            &["<{rcpt}>: Recipient address rejected: User unknown in virtual mailbox table"],
            Reason::Userunknown,
        ),
        Situation::Mailbox(M::Full) => refuse(
            Step::Rcpt,
            552,
            Some("5.2.2"),
            &["Mailbox full"],
            Reason::Mailboxfull,
        ),
        // Own wording.
        Situation::Mailbox(M::Disabled) => refuse(
            Step::Rcpt,
            550,
            Some("5.2.1"),
            &["<{rcpt}>: Recipient address rejected: Mailbox disabled"],
            Reason::Suspend,
        ),
        // Own wording.
        Situation::Mailbox(M::Moved) => refuse(
            Step::Rcpt,
            550,
            Some("5.1.6"),
            &["<{rcpt}>: Recipient address rejected: Mailbox has moved"],
            Reason::Hasmoved,
        ),
        Situation::Mailbox(M::OverSizeLimit) => refuse(
            Step::EndOfData,
            552,
            Some("5.3.4"),
            &["Message size exceeds fixed limit"],
            Reason::Emailtoolarge,
        ),
        // Own wording.
        Situation::Mailbox(M::Filtered) => refuse(
            Step::EndOfData,
            550,
            Some("5.7.1"),
            &["Message refused by the recipient's filter"],
            Reason::Filtered,
        ),
        Situation::Dnsbl => refuse(
            Step::Rcpt,
            554,
            Some("5.7.1"),
            &["Service unavailable; Client host [{client_ip}] blocked using {zone}{rbl_reason}"],
            Reason::Blocked,
        ),
        Situation::NoReverseName => refuse(
            Step::Rcpt,
            450,
            Some("4.7.1"),
            &["Client host rejected: cannot find your reverse hostname, [{client_ip}]"],
            Reason::Requireptr,
        ),
        Situation::FcrdnsFailed => refuse(
            Step::Rcpt,
            450,
            Some("4.7.25"),
            &["Client host rejected: cannot find your hostname, [{client_ip}]"],
            Reason::Requireptr,
        ),
        Situation::SenderDomainUnknown => refuse(
            Step::Rcpt,
            450,
            Some("4.1.8"),
            &["<{sender}>: Sender address rejected: Domain not found"],
            Reason::Rejected,
        ),
        // Own wording (an SPF policy service's reply).
        Situation::SpfFail => refuse(
            Step::Rcpt,
            550,
            Some("5.7.23"),
            &[
                "<{rcpt}>: Recipient address rejected: SPF fail for {sender_domain} from [{client_ip}]",
            ],
            Reason::Authfailure,
        ),
        // Own wording (a DMARC milter's reply).
        Situation::DmarcReject => refuse(
            Step::EndOfData,
            550,
            Some("5.7.1"),
            &["rejected by DMARC policy for {from_domain}"],
            Reason::Authfailure,
        ),
        // Own wording.
        Situation::Unauthenticated => refuse(
            Step::EndOfData,
            550,
            Some("5.7.26"),
            &["Unauthenticated mail from {from_domain} is refused: neither SPF nor DKIM passes"],
            Reason::Authfailure,
        ),
        Situation::Greylisted => refuse(
            Step::Rcpt,
            450,
            Some("4.2.0"),
            &[
                "<{rcpt}>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/{rcpt_domain}.html",
            ],
            Reason::Ratelimited,
        ),
        Situation::RateLimited(Counted::Connections | Counted::Concurrent) => Answer::at(
            Step::Connect,
            Act::Close(ReplyText {
                code: 421,
                status: Some("4.7.0"),
                lines: &["{hostname} Error: too many connections from {client_ip}"],
            }),
            Reason::Ratelimited,
        ),
        Situation::RateLimited(Counted::Messages) => refuse(
            Step::Mail,
            450,
            Some("4.7.1"),
            &["Error: too much mail from {client_ip}"],
            Reason::Ratelimited,
        ),
        Situation::RateLimited(Counted::Recipients) => refuse(
            Step::Rcpt,
            450,
            Some("4.7.1"),
            &["Error: too many recipients from {client_ip}"],
            Reason::Ratelimited,
        ),
    }
}
