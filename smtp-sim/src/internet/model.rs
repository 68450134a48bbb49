//! The compiled internet of a scenario: what [`super::Internet`] consults.

use std::collections::BTreeMap;

use crate::dns::World;
use crate::greylist::GreylistConfig;
use crate::identity::IdentityMap;
use crate::persona::{MailboxState, Persona};
use crate::ratelimit::Limit;
use crate::scenario::{CheckKind, Step};
use crate::throttle::ThrottleConfig;
use crate::types::ClientIdentity;

/// A checked receiver check.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// Its id in the event log.
    pub id: String,
    /// What it checks.
    pub kind: CheckKind,
    /// Block list zones (`dnsbl`).
    pub zones: Vec<String>,
    /// The step at which it refuses, when not the persona's.
    pub step: Option<Step>,
    /// The reply code, when not the persona's.
    pub code: Option<u16>,
}

/// A recipient domain: who answers for it and the state of its mailboxes.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainPolicy {
    /// Who answers.
    pub persona: Persona,
    /// The state of local parts not listed.
    pub default: MailboxState,
    /// Local part (lower-case) → state.
    pub mailboxes: BTreeMap<String, MailboxState>,
}

impl DomainPolicy {
    /// The state of `local_part` (compared without regard to case; a `+label` is ignored).
    pub fn mailbox(&self, local_part: &str) -> MailboxState {
        let local = local_part.to_ascii_lowercase();
        let base = local.split_once('+').map_or(local.as_str(), |(b, _)| b);
        self.mailboxes
            .get(&local)
            .or_else(|| self.mailboxes.get(base))
            .copied()
            .unwrap_or(self.default)
    }
}

/// A sending host.
#[derive(Debug, Clone, PartialEq)]
pub struct SenderProfile {
    /// What it stands for.
    pub description: Option<String>,
    /// Who it is on the wire.
    pub identity: ClientIdentity,
    /// The cloud's throttle in front of it.
    pub throttle: Option<ThrottleConfig>,
}

/// Everything a scenario says about the internet.
#[derive(Debug, Clone, PartialEq)]
pub struct InternetConfig {
    /// How the listener answers before a recipient (and its persona) is known.
    pub persona: Persona,
    /// The simulated DNS (with the sender profiles' records added).
    pub world: World,
    /// Identities of loopback sources.
    pub identities: IdentityMap,
    /// Receiver checks, in order.
    pub checks: Vec<Check>,
    /// Greylisting settings (used by a `greylist` check).
    pub greylist: GreylistConfig,
    /// Rate limits.
    pub limits: Vec<Limit>,
    /// The listener-wide port-25 throttle.
    pub throttle: Option<ThrottleConfig>,
    /// Recipient domains (lower-case).
    pub domains: BTreeMap<String, DomainPolicy>,
    /// Sender profiles by name.
    pub senders: BTreeMap<String, SenderProfile>,
}

impl Default for InternetConfig {
    fn default() -> Self {
        InternetConfig {
            persona: Persona::Postfix,
            world: World::default(),
            identities: IdentityMap::default(),
            checks: Vec::new(),
            greylist: GreylistConfig::default(),
            limits: Vec::new(),
            throttle: None,
            domains: BTreeMap::new(),
            senders: BTreeMap::new(),
        }
    }
}

/// The TXT record a well-known block list returns for a listed address (`{client_ip}`).
pub fn default_zone_reason(zone: &str) -> &'static str {
    match zone {
        "zen.spamhaus.org" | "sbl.spamhaus.org" | "xbl.spamhaus.org" | "sbl-xbl.spamhaus.org" => {
            "https://www.spamhaus.org/query/ip/{client_ip}"
        }
        "bl.spamcop.net" => "Blocked - see https://www.spamcop.net/bl.shtml?{client_ip}",
        "b.barracudacentral.org" => {
            "http://www.barracudanetworks.com/reputation/?pr=1&ip={client_ip}"
        }
        _ => "",
    }
}
