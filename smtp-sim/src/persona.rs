//! Personas: how a real receiving MX answers each situation, with its own reply texts and
//! multi-line framing, and the SMTP step at which the answer comes (mx-replies.md §2). What
//! senders most need to rehearse is the step: Gmail refuses missing PTR records and
//! unauthenticated mail after DATA; Yahoo answers an unknown user after DATA; docomo refuses
//! filtered mail after DATA with the same text as an unknown user; SoftBank accepts and drops
//! filtered mail; au accepts mail for some mailboxes and bounces it later.
//!
//! A persona that has no reply of its own for a situation answers as the generic Postfix MX.
//!
//! ```
//! use smtp_sim::persona::{Act, Persona, Situation, MailboxState, Vars};
//! use smtp_sim::scenario::Step;
//!
//! let a = Persona::Yahoo.answer(Situation::Mailbox(MailboxState::Unknown));
//! assert_eq!(a.step, Step::EndOfData);
//! let vars = Vars { rcpt: "nobody@yahoo.com", ..Vars::default() };
//! let Act::Refuse(reply) = &a.act else { panic!() };
//! assert_eq!(
//!     String::from_utf8(reply.render(&vars).to_wire()).unwrap(),
//!     "554 delivery error: dd This user doesn't have a yahoo.com account (nobody@yahoo.com) [0] - mta1061.mail.ne1.yahoo.com\r\n"
//! );
//! ```

mod au;
mod docomo;
mod gmail;
mod microsoft;
mod postfix;
mod softbank;
mod yahoo;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use smtp_core::status::EnhancedStatus;

use crate::ratelimit::Counted;
use crate::rules::Reply;
use crate::scenario::{Reason, Step};

/// A receiving MX to imitate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Persona {
    /// A generic Postfix MX with its default texts.
    Postfix,
    /// Gmail (gmail-smtp-in.l.google.com).
    Gmail,
    /// Yahoo and AOL (mta*.am0.yahoodns.net).
    Yahoo,
    /// Outlook.com (consumer).
    Outlook,
    /// Exchange Online (Microsoft 365).
    ExchangeOnline,
    /// NTT docomo (mfsmax.docomo.ne.jp).
    Docomo,
    /// au/KDDI (msmx.au.com, lsean.ezweb.ne.jp).
    Au,
    /// SoftBank (mx.softbank.ne.jp, i.softbank.jp).
    Softbank,
    /// The Amazon SES mailbox simulator's recipient side (answers as Postfix).
    SesSimulator,
}

/// The state of a mailbox, as a scenario declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailboxState {
    /// It exists and takes mail.
    Exists,
    /// It does not exist.
    Unknown,
    /// It is over quota.
    Full,
    /// The account is disabled or cannot receive.
    Disabled,
    /// It moved and mail is not forwarded.
    Moved,
    /// It refuses messages above its size limit (every message, in the simulator).
    OverSizeLimit,
    /// The recipient's own filter refuses this sender.
    Filtered,
}

/// What the receiver has to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Situation {
    /// A mailbox in this state.
    Mailbox(MailboxState),
    /// The client address is on a DNS block list (`{zone}`, `{reason}`).
    Dnsbl,
    /// The client address has no PTR record.
    NoReverseName,
    /// Forward-confirmed reverse DNS fails.
    FcrdnsFailed,
    /// The sender's domain does not exist in DNS.
    SenderDomainUnknown,
    /// SPF says `fail` for the MAIL FROM domain.
    SpfFail,
    /// DMARC fails and the policy is `reject`.
    DmarcReject,
    /// Neither SPF nor DKIM passes.
    Unauthenticated,
    /// Greylisted.
    Greylisted,
    /// A rate limit on what is counted.
    RateLimited(Counted),
}

impl Situation {
    /// Every situation, for tests and documentation.
    pub const ALL: [Situation; 19] = [
        Situation::Mailbox(MailboxState::Exists),
        Situation::Mailbox(MailboxState::Unknown),
        Situation::Mailbox(MailboxState::Full),
        Situation::Mailbox(MailboxState::Disabled),
        Situation::Mailbox(MailboxState::Moved),
        Situation::Mailbox(MailboxState::OverSizeLimit),
        Situation::Mailbox(MailboxState::Filtered),
        Situation::Dnsbl,
        Situation::NoReverseName,
        Situation::FcrdnsFailed,
        Situation::SenderDomainUnknown,
        Situation::SpfFail,
        Situation::DmarcReject,
        Situation::Unauthenticated,
        Situation::Greylisted,
        Situation::RateLimited(Counted::Connections),
        Situation::RateLimited(Counted::Concurrent),
        Situation::RateLimited(Counted::Messages),
        Situation::RateLimited(Counted::Recipients),
    ];
}

/// A reply with `{placeholders}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyText {
    /// The code.
    pub code: u16,
    /// The enhanced status, if this server sends one.
    pub status: Option<&'static str>,
    /// The lines (sent as a multi-line reply when more than one).
    pub lines: &'static [&'static str],
}

/// The values placeholders stand for.
#[derive(Debug, Clone, Default)]
pub struct Vars<'a> {
    /// `{rcpt}` (and `{rcpt_domain}`).
    pub rcpt: &'a str,
    /// `{sender}` (and `{sender_domain}`).
    pub sender: &'a str,
    /// `{from_domain}`: the RFC 5322.From domain.
    pub from_domain: &'a str,
    /// `{client_ip}`.
    pub client_ip: String,
    /// `{hostname}`: the receiver's name.
    pub hostname: &'a str,
    /// `{zone}`: the block list that listed the client.
    pub zone: &'a str,
    /// `{reason}`: the block list's TXT record (`{rbl_reason}`: `; ` and it, when not empty).
    pub reason: &'a str,
    /// `{id}`: a queue or trace id, drawn deterministically.
    pub id: &'a str,
}

impl ReplyText {
    /// The reply with its placeholders filled.
    pub fn render(&self, vars: &Vars<'_>) -> Reply {
        Reply {
            code: self.code,
            status: self.status.and_then(|s| s.parse::<EnhancedStatus>().ok()),
            lines: self.lines.iter().map(|line| fill(line, vars)).collect(),
        }
    }
}

/// Fills the placeholders of one line of text.
pub fn fill(line: &str, vars: &Vars<'_>) -> String {
    let domain = |a: &str| a.rsplit_once('@').map_or("", |(_, d)| d).to_owned();
    let rbl_reason = if vars.reason.is_empty() {
        String::new()
    } else {
        format!("; {}", vars.reason)
    };
    let values = [
        ("{rcpt_domain}", domain(vars.rcpt)),
        ("{rcpt}", vars.rcpt.to_owned()),
        ("{sender_domain}", domain(vars.sender)),
        ("{sender}", vars.sender.to_owned()),
        ("{from_domain}", vars.from_domain.to_owned()),
        ("{client_ip}", vars.client_ip.clone()),
        ("{hostname}", vars.hostname.to_owned()),
        ("{zone}", vars.zone.to_owned()),
        ("{reason}", vars.reason.to_owned()),
        // Postfix's `${rbl_reason?; $rbl_reason}`.
        ("{rbl_reason}", rbl_reason),
        ("{id}", vars.id.to_owned()),
    ];
    // One pass over the line: a value (an address the client chose) is never read again, so
    // it cannot bring placeholders of its own.
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match values.iter().find(|(key, _)| rest.starts_with(key)) {
            Some((key, value)) => {
                out.push_str(value);
                rest = &rest[key.len()..];
            }
            None => {
                out.push('{');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// What the receiver does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Accept and deliver.
    Accept,
    /// Refuse with this reply.
    Refuse(ReplyText),
    /// Answer with this 421 reply and close.
    Close(ReplyText),
    /// Accept (250) and silently drop.
    Discard,
    /// Accept, then send a bounce (a DSN) with this status and diagnostic.
    AcceptThenBounce {
        /// The DSN's status.
        status: &'static str,
        /// Its diagnostic code text.
        diagnostic: &'static str,
    },
}

/// A persona's answer to a situation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// The step at which it is given (a refusal at `end_of_data` means RCPT was accepted).
    pub step: Step,
    /// What is done.
    pub act: Act,
    /// What a classifier should conclude.
    pub reason: Reason,
}

impl Answer {
    pub(crate) const fn at(step: Step, act: Act, reason: Reason) -> Answer {
        Answer { step, act, reason }
    }

    /// Refusal at `step`.
    pub(crate) const fn refuse(
        step: Step,
        code: u16,
        status: Option<&'static str>,
        lines: &'static [&'static str],
        reason: Reason,
    ) -> Answer {
        Answer::at(
            step,
            Act::Refuse(ReplyText {
                code,
                status,
                lines,
            }),
            reason,
        )
    }
}

impl Persona {
    /// Every persona, for tests and documentation.
    pub const ALL: [Persona; 9] = [
        Persona::Postfix,
        Persona::Gmail,
        Persona::Yahoo,
        Persona::Outlook,
        Persona::ExchangeOnline,
        Persona::Docomo,
        Persona::Au,
        Persona::Softbank,
        Persona::SesSimulator,
    ];

    /// How this persona answers `situation` (its own reply, or Postfix's).
    pub fn answer(self, situation: Situation) -> Answer {
        let own = match self {
            Persona::Postfix | Persona::SesSimulator => None,
            Persona::Gmail => gmail::answer(situation),
            Persona::Yahoo => yahoo::answer(situation),
            Persona::Outlook => microsoft::outlook(situation),
            Persona::ExchangeOnline => microsoft::exchange_online(situation),
            Persona::Docomo => docomo::answer(situation),
            Persona::Au => au::answer(situation),
            Persona::Softbank => softbank::answer(situation),
        };
        own.unwrap_or_else(|| postfix::answer(situation))
    }

    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Persona::Postfix => "postfix",
            Persona::Gmail => "gmail",
            Persona::Yahoo => "yahoo",
            Persona::Outlook => "outlook",
            Persona::ExchangeOnline => "exchange_online",
            Persona::Docomo => "docomo",
            Persona::Au => "au",
            Persona::Softbank => "softbank",
            Persona::SesSimulator => "ses_simulator",
        }
    }
}
