//! The reason vocabulary and the evidence order that picks one.
//!
//! `decide` looks at one recipient's evidence in a fixed order and stops at the first rule that
//! fires (see the crate docs for the order and why).

mod codes;
mod fallback;
pub(crate) mod provider;
mod text;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::report::Command;

/// Why a message was not delivered (or what else the report says), in the vocabulary of
/// `bounce-taxonomy.md`, serialised lower-case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)] // each variant is the taxonomy name; the table in the reference says what it means
pub enum Reason {
    UserUnknown,
    HostUnknown,
    HasMoved,
    NotAccept,
    MailboxFull,
    Suspend,
    EmailTooLarge,
    Blocked,
    BadReputation,
    RequirePtr,
    AuthFailure,
    FailedStartTls,
    SpamDetected,
    VirusDetected,
    ContentError,
    Filtered,
    PolicyViolation,
    Rejected,
    NoRelaying,
    RateLimited,
    NotCompliantRfc,
    SecurityError,
    SyntaxError,
    SystemError,
    SystemFull,
    MailerError,
    NetworkError,
    Expired,
    Suppressed,
    Feedback,
    Vacation,
    Delivered,
    OnHold,
    Undefined,
}

impl Reason {
    /// The lower-case name used in JSON and in the taxonomy.
    pub fn as_str(self) -> &'static str {
        use Reason::*;
        match self {
            UserUnknown => "userunknown",
            HostUnknown => "hostunknown",
            HasMoved => "hasmoved",
            NotAccept => "notaccept",
            MailboxFull => "mailboxfull",
            Suspend => "suspend",
            EmailTooLarge => "emailtoolarge",
            Blocked => "blocked",
            BadReputation => "badreputation",
            RequirePtr => "requireptr",
            AuthFailure => "authfailure",
            FailedStartTls => "failedstarttls",
            SpamDetected => "spamdetected",
            VirusDetected => "virusdetected",
            ContentError => "contenterror",
            Filtered => "filtered",
            PolicyViolation => "policyviolation",
            Rejected => "rejected",
            NoRelaying => "norelaying",
            RateLimited => "ratelimited",
            NotCompliantRfc => "notcompliantrfc",
            SecurityError => "securityerror",
            SyntaxError => "syntaxerror",
            SystemError => "systemerror",
            SystemFull => "systemfull",
            MailerError => "mailererror",
            NetworkError => "networkerror",
            Expired => "expired",
            Suppressed => "suppressed",
            Feedback => "feedback",
            Vacation => "vacation",
            Delivered => "delivered",
            OnHold => "onhold",
            Undefined => "undefined",
        }
    }

    /// Is the address itself bad? True for userunknown, hostunknown and hasmoved, and for
    /// notaccept when the failure is permanent.
    pub fn is_hard_bounce(self, permanent: bool) -> bool {
        match self {
            Reason::UserUnknown | Reason::HostUnknown | Reason::HasMoved => true,
            Reason::NotAccept => permanent,
            _ => false,
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything known about one recipient's failure, as the rules read it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Evidence<'a> {
    /// A reason the format itself establishes (a complaint, an auto-reply, a success DSN, a
    /// provider's structured bounce type).
    pub(crate) format_reason: Option<Reason>,
    /// The remote server's words (diagnostic code or the bounce's text about this recipient).
    pub(crate) text: &'a str,
    /// The enhanced status code, if any.
    pub(crate) status: Option<smtp_core::status::EnhancedStatus>,
    /// The SMTP reply code, if any.
    pub(crate) reply_code: Option<u16>,
    /// The SMTP step the failure answered.
    pub(crate) command: Option<Command>,
    /// The DSN action, lower-case.
    pub(crate) action: Option<&'a str>,
    /// The reason the format implies when nothing else decides (see `Found::fallback`).
    pub(crate) format_fallback: Option<Reason>,
    /// The filtering gateway or relay product that wrote the bounce, if known.
    pub(crate) gateway: Option<&'static str>,
    /// The provider markers the text contains, found in one pass by the provider step for the
    /// rules it runs; `None` elsewhere (the rules then search the text for each marker).
    pub(crate) markers: Option<&'a [&'static str]>,
    /// The text step's first phrase in the text, when the same pass found it; `None` elsewhere.
    pub(crate) phrase: Option<Option<(Reason, &'static str)>>,
    /// The recipient the text is about, when known: its domain standing alone in the text is
    /// masked like an address (see [`text::mask_addresses`]).
    pub(crate) recipient: Option<&'a str>,
}

/// The reason and the name of the rule that gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Verdict {
    pub(crate) reason: Reason,
    pub(crate) rule: &'static str,
    /// The phrase or code that fired, when there is one.
    pub(crate) matched: Option<&'static str>,
}

impl Verdict {
    /// `rule` or `rule:matched`, as reported.
    pub(crate) fn describe(&self) -> String {
        match self.matched {
            Some(m) => format!("{}:{m}", self.rule),
            None => self.rule.to_string(),
        }
    }
}

/// Runs the evidence order: format, provider, text patterns, status code, reply class/step/action.
pub(crate) fn decide(ev: &Evidence<'_>) -> Verdict {
    if let Some(reason) = ev.format_reason {
        return Verdict {
            reason,
            rule: "format",
            matched: None,
        };
    }
    let mut folded = text::fold(ev.text);
    text::mask_addresses(&mut folded, ev.recipient);
    // One pass over the text finds the phrase the text step reads and the provider markers.
    let mut markers = Vec::new();
    let phrase = text::scan(&folded, Some(&mut markers));
    let ev = &Evidence {
        markers: Some(&markers),
        phrase: Some(phrase),
        ..ev.clone()
    };
    if let Some(v) = provider::classify(&folded, ev) {
        return v;
    }
    if let Some(v) = text::classify(&folded, ev) {
        return v;
    }
    if let Some(v) = codes::classify(ev) {
        return v;
    }
    fallback::classify(ev, &folded)
}

#[cfg(test)]
pub(crate) use text::fold;

#[cfg(test)]
mod tests {
    use super::*;

    /// Words inside addresses and the recipient's domain decide nothing; the words around them
    /// do.
    #[test]
    fn names_in_the_text_decide_nothing() {
        let cases = [
            (
                "550 5.1.1 <virus@example.com>: Recipient address rejected: User unknown",
                None,
                Reason::UserUnknown,
            ),
            (
                "550 5.1.1 <timeout@example.com>: Recipient address rejected: User unknown",
                None,
                Reason::UserUnknown,
            ),
            (
                "t5@throttle.example all hosts for 'throttle.example' have been failing for a long time (and retry time not reached)",
                Some("t5@throttle.example"),
                Reason::Expired,
            ),
            (
                "t3@throttle.example host 127.0.0.1 [127.0.0.1] retry timeout exceeded",
                Some("t3@throttle.example"),
                Reason::Expired,
            ),
        ];
        for (text, recipient, want) in cases {
            let ev = Evidence {
                text,
                recipient,
                ..Evidence::default()
            };
            assert_eq!(decide(&ev).reason, want, "{text}");
        }
    }
}
