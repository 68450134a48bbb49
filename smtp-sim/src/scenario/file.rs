//! The scenario file format, as serde reads and writes it (TOML or JSON). These types hold what
//! was written; [`super::validate`] checks them and compiles them into a [`super::Scenario`].
//!
//! ```toml
//! name = "one bounce"
//!
//! [[rule]]
//! id = "bounce-rcpt"
//! when = { step = "rcpt", rcpt = "bounce@*" }
//! do = { kind = "reply", code = 550, status = "5.1.1", text = "<{rcpt}>: User unknown" }
//! expect = { reason = "userunknown" }
//! ```

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use super::internet_file::{
    CheckFile, ClientFile, DnsFile, DomainFile, GreylistFile, RateLimitFile, SenderFile,
    ThrottleFile, ZoneFile,
};
use super::vocab::{ActionKind, Reason, Step};
use crate::capture::ReportKind;
use crate::persona::Persona;

/// A whole scenario file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// A short name shown by the API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What the scenario rehearses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The rules, in the order they are tried; the first that matches decides.
    #[serde(default, rename = "rule", skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleFile>,
    /// How the listener answers before a recipient's persona is known (default `postfix`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persona: Option<Persona>,
    /// The simulated DNS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns: Option<DnsFile>,
    /// DNS block list zones.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dnsbl: BTreeMap<String, ZoneFile>,
    /// Receiver checks, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub check: Vec<CheckFile>,
    /// Greylisting settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub greylist: Option<GreylistFile>,
    /// Rate limits.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rate_limit: Vec<RateLimitFile>,
    /// The listener-wide port-25 throttle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttle: Option<ThrottleFile>,
    /// Recipient domains and their personas.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub domain: BTreeMap<String, DomainFile>,
    /// Sender profiles.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sender: BTreeMap<String, SenderFile>,
    /// Client identities by source address.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub client: Vec<ClientFile>,
}

/// One rule: when it applies, what it does, what a classifier should conclude.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// A unique id, recorded in the event log (letters, digits, `-`, `_`, `.`).
    pub id: String,
    /// Free text for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When the rule applies.
    #[serde(default)]
    pub when: MatchFile,
    /// What the simulator does.
    #[serde(rename = "do")]
    pub action: ActionFile,
    /// What a classifier should conclude from the outcome.
    pub expect: ExpectFile,
}

/// One pattern or a list of patterns (any of them may match).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Patterns {
    /// A single pattern.
    One(String),
    /// Several patterns; the condition holds if any matches.
    Many(Vec<String>),
}

impl Patterns {
    /// The patterns as a slice-like list.
    pub fn as_list(&self) -> Vec<&str> {
        match self {
            Patterns::One(p) => vec![p.as_str()],
            Patterns::Many(ps) => ps.iter().map(String::as_str).collect(),
        }
    }
}

impl From<&str> for Patterns {
    fn from(p: &str) -> Self {
        Patterns::One(p.to_owned())
    }
}

/// The conditions of a rule; all that are present must hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchFile {
    /// The step at which the rule is consulted (default `any`).
    #[serde(default = "any_step")]
    pub step: Step,
    /// Recipient patterns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rcpt: Option<Patterns>,
    /// Envelope sender patterns (`<>` for the null sender).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<Patterns>,
    /// HELO/EHLO name patterns (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helo: Option<Patterns>,
    /// Client addresses or CIDR ranges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<Patterns>,
    /// Only the Nth message of the run (1-based, counted at each `MAIL FROM`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nth_message: Option<u64>,
    /// Only the first N messages of each client address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_per_client: Option<u64>,
    /// `Subject:` header patterns (case-insensitive globs over the unfolded value as written);
    /// `end_of_data` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Patterns>,
    /// Only messages of more than this many octets; `end_of_data` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub larger_than: Option<u64>,
    /// Fire with this probability (0 to 1), drawn from the session's seeded generator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
}

fn any_step() -> Step {
    Step::Any
}

impl Default for MatchFile {
    fn default() -> Self {
        MatchFile {
            step: Step::Any,
            rcpt: None,
            sender: None,
            helo: None,
            client: None,
            nth_message: None,
            first_per_client: None,
            subject: None,
            larger_than: None,
            probability: None,
        }
    }
}

/// Reply text: one line, or a list of lines for a multi-line reply.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Text {
    /// One line.
    Line(String),
    /// Several lines, sent as a multi-line reply (`550-…` … `550 …`).
    Lines(Vec<String>),
}

impl Text {
    /// The lines of the text.
    pub fn lines(&self) -> Vec<&str> {
        match self {
            Text::Line(line) => vec![line.as_str()],
            Text::Lines(lines) => lines.iter().map(String::as_str).collect(),
        }
    }
}

/// What a rule does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionFile {
    /// The kind of action.
    pub kind: ActionKind,
    /// The reply code (`reply`: required; `close`: 421 if absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<u16>,
    /// The enhanced status code, which must agree with the reply code's class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The reply text, with placeholders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<Text>,
    /// Wait this long before replying (or before dropping the connection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// After accepting, send this report to the envelope sender (`accept` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<ReportFile>,
}

/// A report to send after acceptance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportFile {
    /// Bounce (DSN), auto-reply or complaint (ARF).
    pub kind: ReportKind,
    /// The status a bounce report gives (default: the one in `text`, else 5.0.0). Its class
    /// sets the DSN's action: 5 failed, 4 delayed (a delay notice), 2 delivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The diagnostic (bounce), body (auto-reply) or comment (complaint), with placeholders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The receiver whose report this imitates (its host names, and for `au` a bounce written
    /// by the receiver itself rather than a relay's report of the remote reply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persona: Option<Persona>,
}

/// What a classifier should conclude.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectFile {
    /// The reason, in the taxonomy's vocabulary.
    pub reason: Reason,
    /// Whether it is a hard bounce; by default the taxonomy's answer for the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hard: Option<bool>,
}

/// Reads a string or a list of strings, saying so when neither is found (serde's untagged enums
/// only say that nothing matched).
fn one_or_many<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
    expecting: &'static str,
) -> Result<Result<String, Vec<String>>, D::Error> {
    struct Visitor(&'static str);
    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = Result<String, Vec<String>>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Ok(v.to_owned()))
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(item) = seq.next_element::<String>()? {
                out.push(item);
            }
            Ok(Err(out))
        }
    }
    deserializer.deserialize_any(Visitor(expecting))
}

impl<'de> Deserialize<'de> for Patterns {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(
            match one_or_many(deserializer, "a pattern or a list of patterns")? {
                Ok(one) => Patterns::One(one),
                Err(many) => Patterns::Many(many),
            },
        )
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(
            match one_or_many(deserializer, "a line of text or a list of lines")? {
                Ok(one) => Text::Line(one),
                Err(many) => Text::Lines(many),
            },
        )
    }
}
