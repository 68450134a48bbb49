//! Evidence step 2: text patterns of the diagnostic, in a fixed written order.
//!
//! The text is folded first ([`fold()`]): lower-cased, the `550-5.1.1 ` prefixes of continuation
//! lines removed, white space collapsed. Each rule is a reason and a list of phrases; the rules
//! are tried top to bottom and the first phrase found decides. The order puts the narrower
//! statement before the broader one: a refused *sender* before an unknown host ("Sender address
//! rejected: Domain not found" is about the sender), reputation and rate limits before block
//! lists, block lists before spam ("spamhaus" is not a spam verdict), full mailboxes before
//! disabled ones, hosts before users.
//!
//! A phrase may start with `^` (the match must begin at a word boundary) or end with `$` (it must
//! end at one).

mod broad;
mod delivery;
mod fold;
mod mask;
mod matcher;
mod narrow;
mod sending;

use super::{Evidence, Reason, Verdict};
use crate::report::Command;

pub(crate) use fold::fold;
pub(crate) use mask::mask_addresses;
#[cfg(test)]
pub(crate) use matcher::has;
pub(crate) use matcher::{first_match, scan};

/// One rule: a reason and its phrases.
pub(crate) type Rule = (Reason, &'static [&'static str]);

/// The rules, in the order they are tried, in four groups (one file each): statements read
/// before any cause ([`narrow`]), the sending side ([`sending`]), the message and the mailbox
/// ([`delivery`]), broad words and vague statements ([`broad`]). A reason may appear more than
/// once: its precise phrases early, its vaguer ones late.
const GROUPS: &[&[Rule]] = &[narrow::RULES, sending::RULES, delivery::RULES, broad::RULES];

/// Every rule of [`GROUPS`], in order.
pub(crate) fn rules() -> impl Iterator<Item = &'static Rule> {
    GROUPS.iter().flat_map(|group| group.iter())
}

/// Step 2 of the evidence order. Some readings depend on the other evidence:
/// - a user-unknown text at the DATA step is a recipient-side filter (carriers answer refusals
///   that way after the data) — unless the status code names an address failure (`X.1.x`): then
///   the MTA has attributed the reply to the address (a pipelined RCPT answer) and the status
///   decides;
/// - a user-unknown text under an `X.7.x` security status is a refusal by the recipient's
///   side's policy, `filtered`;
/// - "`<domain>` does not exist" names a host, not a user;
/// - an unknown host with a transient (4.x.x) status is a network (DNS) error;
/// - a line too long at the DATA step is the message breaking RFC 5322's line limit;
/// - at `MAIL FROM` only the sender is judged, so an address reason there is `rejected`; at the
///   connection or `HELO` nothing is known of the recipient yet, so a mailbox reason there is
///   the client being `blocked`.
pub(crate) fn classify(folded: &str, ev: &Evidence<'_>) -> Option<Verdict> {
    // The decision step found it already, in its one pass over the text.
    let first = match ev.phrase {
        Some(first) => first,
        None => first_match(folded),
    };
    let (reason, phrase) = match first {
        Some(hit) => hit,
        None => (Reason::UserUnknown, bare_recipient_refusal(folded, ev)?),
    };
    let transient = ev
        .status
        .is_some_and(|s| s.class == smtp_core::status::StatusClass::PersistentTransient);
    let address_status = ev
        .status
        .filter(|s| s.subject == 1)
        .and_then(|_| super::codes::classify(ev))
        .map(|v| v.reason);
    let security = ev
        .status
        .filter(|s| s.subject != 0)
        .or_else(|| crate::scan::status(ev.text))
        .is_some_and(|s| s.subject == 7);
    let reason = match reason {
        Reason::UserUnknown if names_a_domain(folded, phrase) => Reason::HostUnknown,
        Reason::UserUnknown if ev.command == Some(Command::Data) => {
            address_status.unwrap_or(Reason::Filtered)
        }
        Reason::UserUnknown if security => Reason::Filtered,
        r => r,
    };
    let reason = match reason {
        // A temporary DNS failure says nothing certain about the domain.
        Reason::HostUnknown if transient => Reason::NetworkError,
        // A line too long in the data is the message breaking RFC 5322's 998-character line
        // limit (docomo's `500 Line Too Long`); at a command it is a command syntax error.
        Reason::SyntaxError if phrase == "line too long" && ev.command == Some(Command::Data) => {
            Reason::NotCompliantRfc
        }
        r => r,
    };
    let reason = match (ev.command, reason) {
        (
            Some(Command::Mail),
            Reason::UserUnknown | Reason::HostUnknown | Reason::HasMoved | Reason::Filtered,
        ) => Reason::Rejected,
        (
            Some(Command::Conn | Command::Helo),
            Reason::UserUnknown
            | Reason::HostUnknown
            | Reason::MailboxFull
            | Reason::Suspend
            | Reason::HasMoved
            | Reason::Filtered,
        ) => Reason::Blocked,
        (_, r) => r,
    };
    Some(Verdict {
        reason,
        rule: "text",
        matched: Some(phrase),
    })
}

/// Refusals of a recipient address that name no cause. Postfix's `Recipient address rejected:`
/// is a prefix: what follows it decides (`User unknown in virtual mailbox table`, `Greylisted`,
/// `Domain not found`, `Policy rejection`, …, all read through [`rules`]), so these are looked at
/// only when no phrase of the table occurs.
pub(crate) const RECIPIENT_REFUSED: &[&str] = &[
    "recipient address rejected",
    "address rejected",
    "recipient rejected",
];

/// A refusal of the recipient address as the whole statement: a phrase of [`RECIPIENT_REFUSED`]
/// with nothing after it but punctuation (`550 <a@example.org>: Recipient address rejected.`),
/// in a reply that is not transient. The server has refused this address for good and given no
/// other cause: `userunknown`. Anything after the prefix that no rule reads, or a transient
/// (4xx) reply, decides nothing here: the status code and the fallback step go on.
fn bare_recipient_refusal(folded: &str, ev: &Evidence<'_>) -> Option<&'static str> {
    let transient = ev.reply_code.is_some_and(|c| (400..500).contains(&c))
        || ev
            .status
            .is_some_and(|s| s.class == smtp_core::status::StatusClass::PersistentTransient);
    if transient {
        return None;
    }
    RECIPIENT_REFUSED.iter().copied().find(|phrase| {
        folded.rfind(phrase).is_some_and(|at| {
            folded[at + phrase.len()..]
                .bytes()
                .all(|b| b.is_ascii_punctuation() || b == b' ')
        })
    })
}

/// Is the thing that "does not exist" a bare domain name (`553 mx.example.org does not exist`)?
fn names_a_domain(folded: &str, phrase: &str) -> bool {
    if !matches!(phrase, "does not exist" | "doesn't exist" | "not exist") {
        return false;
    }
    let Some(at) = folded.find(phrase) else {
        return false;
    };
    let word = folded[..at].split_whitespace().next_back().unwrap_or("");
    let word = word.trim_matches(|c: char| matches!(c, '<' | '>' | '"' | '\'' | ',' | ':'));
    !word.contains('@')
        && word.contains('.')
        && !word.ends_with('.')
        && word.split('.').count() >= 2
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && word.bytes().any(|b| b.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests;
