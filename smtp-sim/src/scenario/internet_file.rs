//! The scenario sections that describe the internet around the simulator, as serde reads and
//! writes them: the DNS world, block lists, receiver checks, greylisting, rate limits, the
//! port-25 throttle, personas of recipient domains, sender profiles and client identities.
//! [`super::internet_compile`] checks them.
//!
//! ```toml
//! persona = "postfix"                          # how the listener answers before RCPT
//!
//! [dns]
//! ptr = { "203.0.113.7" = "mail.example.com" }
//! a = { "mail.example.com" = ["203.0.113.7"] }
//! mx = { "example.com" = ["10 mail.example.com"] }
//! txt = { "example.com" = ["v=spf1 ip4:203.0.113.0/24 -all"], "_dmarc.example.com" = ["v=DMARC1; p=reject"] }
//!
//! [dnsbl."zen.spamhaus.org"]
//! listed = ["198.51.100.0/24"]
//!
//! [[check]]
//! kind = "dnsbl"
//! zones = ["zen.spamhaus.org"]
//!
//! [domain."gmail.com"]
//! persona = "gmail"
//! mailboxes = { nobody = "unknown" }
//!
//! [sender.fresh-ec2]
//! ip = "198.51.100.7"
//! listed = ["zen.spamhaus.org"]
//!
//! [[client]]
//! source = "127.1.2.3"
//! sender = "fresh-ec2"
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::vocab::Step;
use crate::persona::{MailboxState, Persona};
use crate::ratelimit::{Counted, Scope};
use crate::throttle::ThrottleMode;

/// `[dns]`: records of the simulated world, by name (or by address for `ptr`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DnsFile {
    /// PTR records: address → name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ptr: BTreeMap<String, String>,
    /// A and AAAA records: name → addresses.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub a: BTreeMap<String, Vec<String>>,
    /// MX records: name → `"<preference> <host>"`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub mx: BTreeMap<String, Vec<String>>,
    /// TXT records (SPF, `_dmarc.`): name → texts.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub txt: BTreeMap<String, Vec<String>>,
    /// Names (or addresses, for their PTR) whose lookups fail temporarily.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tempfail: Vec<String>,
}

/// `[dnsbl."<zone>"]`: what a block list zone lists.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneFile {
    /// Addresses or CIDR ranges listed.
    #[serde(default)]
    pub listed: Vec<String>,
    /// The zone's TXT record (`{client_ip}` for the address); well-known zones have a default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What a receiver check tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// The client address is listed in one of `zones` (Postfix `reject_rbl_client`).
    Dnsbl,
    /// The client address has a PTR record (`reject_unknown_reverse_client_hostname`).
    ReverseName,
    /// Forward-confirmed reverse DNS (`reject_unknown_client_hostname`).
    Fcrdns,
    /// The sender's domain exists (`reject_unknown_sender_domain`).
    SenderDomain,
    /// SPF of the MAIL FROM domain must not be `fail`.
    Spf,
    /// DMARC `p=reject` is enforced.
    Dmarc,
    /// SPF must pass (DKIM is not modelled), checked after DATA.
    RequireAuth,
    /// postgrey greylisting, with the `[greylist]` settings.
    Greylist,
}

/// `[[check]]`: one receiver check. Checks run in order; the first that fails answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckFile {
    /// Its id in the event log (default: the kind's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What it checks.
    pub kind: CheckKind,
    /// Block list zones (`dnsbl` only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<String>,
    /// The step at which it refuses (default: the persona's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<Step>,
    /// The reply code instead of the persona's (4xx or 5xx; the status class follows it), as
    /// Postfix's `unknown_client_reject_code` or `maps_rbl_reject_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<u16>,
}

/// `[greylist]`: postgrey's settings (all optional, postgrey's defaults).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GreylistFile {
    /// `--delay` in seconds (300).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_s: Option<u64>,
    /// `--retry-window` in seconds (2 days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_window_s: Option<u64>,
    /// `--max-age` in seconds (35 days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age_s: Option<u64>,
    /// `--auto-whitelist-clients` (5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub whitelist_after: Option<u32>,
    /// postgrey's `whitelist_clients`: client addresses or networks (`192.0.2.0/24`) never
    /// greylisted, looked up before the auto-whitelist and the triplets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub whitelist: Vec<String>,
}

/// `[[rate_limit]]`: at most `max` per `per_s` seconds for each key of `scope`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitFile {
    /// Its id in the event log.
    pub id: String,
    /// What it is kept per.
    pub scope: Scope,
    /// What it counts.
    pub counted: Counted,
    /// Burst size (for `concurrent`: connections at once).
    pub max: u32,
    /// Seconds to refill a whole bucket (not for `concurrent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_s: Option<u64>,
}

/// `[throttle]` (or a sender profile's `throttle`): the cloud's port-25 gate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThrottleFile {
    /// Connections served before the gate closes.
    pub burst: u32,
    /// Mean seconds for one connection's token to come back.
    pub refill_s: u64,
    /// `silent` (SYNs dropped) or `no_greeting`.
    pub mode: ThrottleMode,
}

/// `[domain."<name>"]`: a recipient domain, the persona that answers for it and its mailboxes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainFile {
    /// Who answers.
    pub persona: Persona,
    /// The state of local parts not listed (default `exists`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<MailboxState>,
    /// Local part → state.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub mailboxes: BTreeMap<String, MailboxState>,
}

/// How a sender profile's domain publishes SPF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpfSetup {
    /// No SPF record.
    None,
    /// A record that authorises the profile's address (`ip4:<ip> -all`).
    Pass,
    /// A record that does not (`-all` without it).
    Fail,
}

/// `[sender."<name>"]`: a sending host, reusable across scenarios.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SenderFile {
    /// What it stands for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Its public address.
    pub ip: String,
    /// Its PTR name (none: no PTR record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ptr: Option<String>,
    /// Whether the PTR name resolves back to the address (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward_confirmed: Option<bool>,
    /// The HELO name it gives (replaces the client's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helo: Option<String>,
    /// Its sending domain (for `spf`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// How `domain` publishes SPF (default none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spf: Option<SpfSetup>,
    /// Block list zones listing the address.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listed: Vec<String>,
    /// The cloud's port-25 throttle in front of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttle: Option<ThrottleFile>,
}

/// `[[client]]`: who connections from a loopback source address are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientFile {
    /// The source address (a 127.0.0.0/8 alias, or a PROXY header's source).
    pub source: String,
    /// A sender profile to be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    /// Or an address to be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// A verified host name (as XCLIENT NAME).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A HELO name that replaces the client's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helo: Option<String>,
}
