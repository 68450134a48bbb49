//! Rate limits: token buckets per client address, sender domain or recipient domain, for
//! connections, messages and recipients, and a count of concurrent connections per client.
//! Integer arithmetic only (thousandths of a token), time passed in: the same events at the
//! same times give the same answers.
//!
//! An event is admitted only if every limit that applies to it has a token; then one token is
//! taken from each. A refused event takes nothing, so a refusal by one limit never drains
//! another.
//!
//! ```
//! use smtp_sim::ratelimit::{Counted, Limit, RateLimits, Scope};
//! use smtp_sim::types::Timestamp;
//!
//! let mut limits = RateLimits::new(vec![Limit::new("conn", Scope::ClientIp, Counted::Connections, 2, 60_000)]);
//! let ip = "192.0.2.1".parse().unwrap();
//! assert!(limits.connect(ip, Timestamp(0)).is_ok());
//! assert!(limits.connect(ip, Timestamp(1)).is_ok());
//! assert_eq!(limits.connect(ip, Timestamp(2)).unwrap_err().limit, "conn");
//! assert!(limits.connect(ip, Timestamp(30_000)).is_ok()); // one token back after 30 s
//! ```

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::types::Timestamp;

/// What a limit is kept per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The client's address.
    ClientIp,
    /// The envelope sender's domain.
    SenderDomain,
    /// The recipient's domain.
    RecipientDomain,
}

/// What a limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counted {
    /// New connections (checked on connect; `client_ip` scope only).
    Connections,
    /// Connections open at once (`max` at a time; `client_ip` scope only; no refill).
    Concurrent,
    /// Messages (checked at MAIL FROM).
    Messages,
    /// Recipients (checked at each RCPT TO).
    Recipients,
}

/// One limit: at most `max` events per `per_ms` for each key of `scope`, with bursts of up to
/// `max` (the bucket starts full and refills evenly).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Limit {
    /// Its id, named in the event log.
    pub id: String,
    /// What it is kept per.
    pub scope: Scope,
    /// What it counts.
    pub counted: Counted,
    /// Tokens in a full bucket (for `concurrent`: connections at once).
    pub max: u32,
    /// Time to refill a whole bucket, in ms (ignored for `concurrent`).
    pub per_ms: u64,
}

impl Limit {
    /// A limit.
    pub fn new(id: &str, scope: Scope, counted: Counted, max: u32, per_ms: u64) -> Self {
        Limit {
            id: id.to_owned(),
            scope,
            counted,
            max,
            per_ms,
        }
    }
}

/// Thousandths of a token.
const UNIT: u64 = 1000;

/// Buckets kept before the first sweep of full ones (see [`RateLimits::sweep`]).
const SWEEP_MIN: usize = 1024;

/// A token bucket. `level` never exceeds `max * UNIT` and never goes below zero (it is
/// unsigned, and a token is taken only when one is there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    level: u64,
    updated: u64,
}

impl Bucket {
    fn full(limit: &Limit, now: u64) -> Self {
        Bucket {
            level: u64::from(limit.max) * UNIT,
            updated: now,
        }
    }

    fn refill(&mut self, limit: &Limit, now: u64) {
        let cap = u64::from(limit.max) * UNIT;
        if now <= self.updated {
            return; // time moves forward only: an earlier `now` neither refills nor rewinds
        }
        if self.level >= cap || limit.per_ms == 0 || cap == 0 {
            self.level = cap;
            self.updated = now;
            return;
        }
        let elapsed = u128::from(now - self.updated);
        let (cap128, per) = (u128::from(cap), u128::from(limit.per_ms));
        let gained = elapsed * cap128 / per;
        // Only the time turned into whole units is used up, so that frequent calls lose no
        // refill to rounding; rounded up, so that no part of a millisecond that already paid for
        // a unit pays again on the next call (gained * per / cap <= elapsed, so the ceiling is
        // still within the elapsed time).
        let used = u64::try_from((gained * per).div_ceil(cap128)).unwrap_or(u64::MAX);
        self.level = self
            .level
            .saturating_add(u64::try_from(gained).unwrap_or(u64::MAX))
            .min(cap);
        self.updated = if self.level == cap {
            now
        } else {
            self.updated + used
        };
    }

    /// Whole tokens available.
    pub fn tokens(&self) -> u64 {
        self.level / UNIT
    }
}

/// Which limit refused an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Limited {
    /// The limit's id.
    pub limit: String,
    /// What it counts.
    pub counted: Counted,
    /// What it is kept per.
    pub scope: Scope,
    /// The key it was kept for (an address or a domain).
    pub key: String,
}

/// The state of every limit.
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimits {
    limits: Vec<Limit>,
    buckets: BTreeMap<(usize, String), Bucket>,
    open: BTreeMap<(usize, String), u32>,
    /// The number of buckets at which the next sweep runs.
    sweep_at: usize,
}

/// The keys of one event.
struct Keys<'a> {
    ip: String,
    sender_domain: Option<&'a str>,
    rcpt_domain: Option<&'a str>,
}

impl Keys<'_> {
    fn of(&self, scope: Scope) -> Option<String> {
        match scope {
            Scope::ClientIp => Some(self.ip.clone()),
            Scope::SenderDomain => self.sender_domain.map(str::to_ascii_lowercase),
            Scope::RecipientDomain => self.rcpt_domain.map(str::to_ascii_lowercase),
        }
    }
}

/// The domain of an address (empty for the null sender: no sender-domain limit applies).
fn domain(address: &str) -> Option<&str> {
    address
        .rsplit_once('@')
        .map(|(_, d)| d)
        .filter(|d| !d.is_empty())
}

impl RateLimits {
    /// Limits with full buckets.
    pub fn new(limits: Vec<Limit>) -> Self {
        RateLimits {
            limits,
            buckets: BTreeMap::new(),
            open: BTreeMap::new(),
            sweep_at: SWEEP_MIN,
        }
    }

    /// The limits.
    pub fn limits(&self) -> &[Limit] {
        &self.limits
    }

    /// A new connection from `ip`: checks connection rate and concurrency. On `Ok` the
    /// connection counts as open until [`RateLimits::disconnect`].
    pub fn connect(&mut self, ip: IpAddr, now: Timestamp) -> Result<(), Limited> {
        let keys = Keys {
            ip: ip.to_canonical().to_string(),
            sender_domain: None,
            rcpt_domain: None,
        };
        let concurrent: Vec<(usize, String)> =
            self.applicable(Counted::Concurrent, &keys).collect();
        for (i, key) in &concurrent {
            let limit = &self.limits[*i];
            if self.open.get(&(*i, key.clone())).copied().unwrap_or(0) >= limit.max {
                return Err(self.limited(*i, key));
            }
        }
        self.take(Counted::Connections, &keys, now)?;
        for key in concurrent {
            *self.open.entry(key).or_insert(0) += 1;
        }
        Ok(())
    }

    /// A connection admitted by [`RateLimits::connect`] has closed.
    pub fn disconnect(&mut self, ip: IpAddr) {
        let ip = ip.to_canonical().to_string();
        for (i, limit) in self.limits.iter().enumerate() {
            if limit.counted == Counted::Concurrent {
                let key = (i, ip.clone());
                if let Some(n) = self.open.get_mut(&key) {
                    *n = n.saturating_sub(1);
                    if *n == 0 {
                        self.open.remove(&key);
                    }
                }
            }
        }
    }

    /// A message (MAIL FROM `sender`) from `ip`.
    pub fn message(&mut self, ip: IpAddr, sender: &str, now: Timestamp) -> Result<(), Limited> {
        let keys = Keys {
            ip: ip.to_canonical().to_string(),
            sender_domain: domain(sender),
            rcpt_domain: None,
        };
        self.take(Counted::Messages, &keys, now)
    }

    /// A recipient (RCPT TO `rcpt`) of a message from `sender` sent by `ip`.
    pub fn recipient(
        &mut self,
        ip: IpAddr,
        sender: &str,
        rcpt: &str,
        now: Timestamp,
    ) -> Result<(), Limited> {
        let keys = Keys {
            ip: ip.to_canonical().to_string(),
            sender_domain: domain(sender),
            rcpt_domain: domain(rcpt),
        };
        self.take(Counted::Recipients, &keys, now)
    }

    /// Connections of `ip` counted as open by the first `concurrent` limit (0 without one).
    pub fn open_connections(&self, ip: IpAddr) -> u32 {
        let ip = ip.to_canonical().to_string();
        self.limits
            .iter()
            .position(|l| l.counted == Counted::Concurrent)
            .and_then(|i| self.open.get(&(i, ip)).copied())
            .unwrap_or(0)
    }

    /// Whole tokens left in limit `id` for `key` at `now` (a full bucket if never used).
    pub fn tokens(&self, id: &str, key: &str, now: Timestamp) -> Option<u64> {
        let i = self.limits.iter().position(|l| l.id == id)?;
        let limit = &self.limits[i];
        let mut bucket = self
            .buckets
            .get(&(i, key.to_owned()))
            .copied()
            .unwrap_or_else(|| Bucket::full(limit, now.millis()));
        bucket.refill(limit, now.millis());
        Some(bucket.tokens())
    }

    fn applicable<'s>(
        &'s self,
        counted: Counted,
        keys: &'s Keys<'_>,
    ) -> impl Iterator<Item = (usize, String)> + 's {
        self.limits
            .iter()
            .enumerate()
            .filter(move |(_, l)| l.counted == counted)
            .filter_map(move |(i, l)| keys.of(l.scope).map(|k| (i, k)))
    }

    fn limited(&self, i: usize, key: &str) -> Limited {
        let limit = &self.limits[i];
        Limited {
            limit: limit.id.clone(),
            counted: limit.counted,
            scope: limit.scope,
            key: key.to_owned(),
        }
    }

    /// Takes one token from every applicable bucket, or none if any is empty.
    fn take(&mut self, counted: Counted, keys: &Keys<'_>, now: Timestamp) -> Result<(), Limited> {
        let now = now.millis();
        let wanted: Vec<(usize, String)> = self.applicable(counted, keys).collect();
        let mut refilled = Vec::with_capacity(wanted.len());
        for (i, key) in wanted {
            let limit = &self.limits[i];
            let mut bucket = self
                .buckets
                .get(&(i, key.clone()))
                .copied()
                .unwrap_or_else(|| Bucket::full(limit, now));
            bucket.refill(limit, now);
            if bucket.level < UNIT {
                return Err(self.limited(i, &key));
            }
            refilled.push(((i, key), bucket));
        }
        for (key, mut bucket) in refilled {
            bucket.level -= UNIT;
            self.buckets.insert(key, bucket);
        }
        if self.buckets.len() >= self.sweep_at {
            self.sweep(now);
        }
        Ok(())
    }

    /// Forgets the buckets that have refilled by `now`: a full bucket answers as one never
    /// used, so a simulator that meets many client addresses or domains keeps only the ones
    /// still being limited. The next sweep waits until the map has doubled, so the cost per
    /// event stays constant on average.
    fn sweep(&mut self, now: u64) {
        let limits = &self.limits;
        self.buckets.retain(|(i, _), bucket| {
            let limit = &limits[*i];
            let mut refilled = *bucket;
            refilled.refill(limit, now);
            refilled.level < u64::from(limit.max) * UNIT
        });
        self.sweep_at = SWEEP_MIN.max(2 * self.buckets.len());
    }
}
