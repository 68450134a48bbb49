//! Outlook.com and Exchange Online (mx-replies.md §2.3): texts ending with the bracketed
//! front-end host; block-list refusals at MAIL FROM (Outlook.com) or RCPT (Exchange Online).

use super::{Answer, MailboxState, Situation};
use crate::scenario::{Reason, Step};

/// What both answer alike.
fn common(situation: Situation) -> Option<Answer> {
    let refuse = Answer::refuse;
    Some(match situation {
        Situation::RateLimited(_) => refuse(
            Step::Mail,
            451,
            Some("4.7.500"),
            &[
                "Server busy. Please try again later from [{client_ip}]. (AS77712344) [{id}.prod.protection.outlook.com]",
            ],
            Reason::Ratelimited,
        ),
        Situation::DmarcReject => refuse(
            Step::EndOfData,
            550,
            Some("5.7.509"),
            &[
                "Access denied, sending domain [{from_domain}] does not pass DMARC verification and has a DMARC policy of reject.",
            ],
            Reason::Authfailure,
        ),
        Situation::Unauthenticated | Situation::SpfFail => refuse(
            Step::EndOfData,
            550,
            Some("5.7.515"),
            &[
                "Access denied, sending domain [{from_domain}] doesn't meet the required authentication level.",
            ],
            Reason::Authfailure,
        ),
        _ => return None,
    })
}

pub(super) fn outlook(situation: Situation) -> Option<Answer> {
    let refuse = Answer::refuse;
    Some(match situation {
        Situation::Mailbox(MailboxState::Unknown) => refuse(
            Step::Rcpt,
            550,
            Some("5.5.0"),
            &[
                "Requested action not taken: mailbox unavailable. [{id}.eop-nam12.prod.protection.outlook.com]",
            ],
            Reason::Userunknown,
        ),
        Situation::Dnsbl => refuse(
            Step::Mail,
            550,
            Some("5.7.1"),
            &[
                "Unfortunately, messages from [{client_ip}] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [Name=Protocol Filter Agent][AGT=PFA][MxId={id}] [{id}.prod.outlook.com]",
            ],
            Reason::Blocked,
        ),
        _ => return common(situation),
    })
}

pub(super) fn exchange_online(situation: Situation) -> Option<Answer> {
    let refuse = Answer::refuse;
    Some(match situation {
        Situation::Mailbox(MailboxState::Unknown) => refuse(
            Step::Rcpt,
            550,
            Some("5.1.10"),
            &["RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"],
            Reason::Userunknown,
        ),
        Situation::Dnsbl => refuse(
            Step::Rcpt,
            550,
            Some("5.7.1"),
            &[
                "Service unavailable, Client host [{client_ip}] blocked using Spamhaus. To request removal from this list see https://www.spamhaus.org/query/ip/{client_ip} (AS16012611)",
            ],
            Reason::Blocked,
        ),
        _ => return common(situation),
    })
}
