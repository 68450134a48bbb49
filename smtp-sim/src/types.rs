//! Small values shared by the rule engine, the capture store and the API.

use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// A point in time, in milliseconds since the Unix epoch. Always passed in by the caller (the
/// connection driver reads the clock; tests pass what they like), never read here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub u64);

impl Timestamp {
    /// Milliseconds since the epoch.
    pub fn millis(self) -> u64 {
        self.0
    }
}

/// Identifies one SMTP connection for the whole run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionId(pub u64);

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s{}", self.0)
    }
}

/// Identifies one stored message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MessageId(pub u64);

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "m{}", self.0)
    }
}

/// Who a connection is, as rules see it: the client's (possibly virtual) address and, when
/// given, its host name and HELO name. Counters are kept per address. See
/// [`crate::identity`] for how a connection gets one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClientIdentity {
    /// The client's address (IPv4-mapped IPv6 addresses are stored as IPv4).
    pub ip: IpAddr,
    /// Its host name as given by XCLIENT `NAME` (or the identity map): trusted as the verified
    /// reverse name instead of asking the simulated DNS. `[UNAVAILABLE]` and `[TEMPUNAVAIL]`
    /// (XCLIENT's words) say that the lookup failed permanently or temporarily. `None`: the
    /// simulated DNS decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A HELO name that replaces the one the client sends (XCLIENT `HELO`, or the map).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helo: Option<String>,
}

impl ClientIdentity {
    /// An identity with only an address.
    pub fn from_ip(ip: IpAddr) -> Self {
        ClientIdentity {
            ip: ip.to_canonical(),
            name: None,
            helo: None,
        }
    }
}
