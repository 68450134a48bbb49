//! Greylisting as postgrey does it: the first attempt of a triplet (client network, sender,
//! recipient) is deferred; a retry after the minimum delay and within the retry window passes;
//! a client is whitelisted after a number of delivered messages. Time is passed in (the
//! simulator's clock), so tests with paused time pass five minutes at once.
//!
//! ```
//! use smtp_sim::greylist::{Greylist, GreylistConfig, Verdict};
//! use smtp_sim::types::Timestamp;
//!
//! let mut g = Greylist::new(GreylistConfig::default());
//! let ip = "192.0.2.7".parse().unwrap();
//! assert!(matches!(g.check(ip, "a@x.example", "b@y.example", Timestamp(0)), Verdict::Defer { .. }));
//! let after = Timestamp(301_000);
//! assert_eq!(g.check(ip, "a@x.example", "b@y.example", after), Verdict::Pass { delayed_s: Some(301) });
//! ```

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::scenario::IpPattern;
use crate::types::Timestamp;

/// postgrey's defaults (its `--help`, see mx-replies.md §2.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GreylistConfig {
    /// `--delay`: seconds before a retry passes (300).
    pub delay_s: u64,
    /// `--retry-window`: seconds after the first attempt within which the first retry must come
    /// (2 days); later, the triplet starts over.
    pub retry_window_s: u64,
    /// `--max-age`: seconds a triplet is remembered after it was last seen (35 days).
    pub max_age_s: u64,
    /// `--auto-whitelist-clients`: delivered messages after which a client network passes
    /// without greylisting (5; 0 turns it off).
    pub whitelist_after: u32,
    /// `whitelist_clients`: client addresses and networks never greylisted (none).
    pub whitelist: Vec<IpPattern>,
    /// `--ipv4cidr` (24).
    pub ipv4_prefix: u8,
    /// `--ipv6cidr` (64).
    pub ipv6_prefix: u8,
}

impl Default for GreylistConfig {
    fn default() -> Self {
        GreylistConfig {
            delay_s: 300,
            retry_window_s: 2 * 86_400,
            max_age_s: 35 * 86_400,
            whitelist_after: 5,
            whitelist: Vec::new(),
            ipv4_prefix: 24,
            ipv6_prefix: 64,
        }
    }
}

/// The answer for one recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Passes. `delayed_s` is set on the first pass of a triplet (for postgrey's
    /// `X-Greylist: delayed <n> seconds` header).
    Pass {
        /// Seconds since the first attempt, on the first pass.
        delayed_s: Option<u64>,
    },
    /// The client network is whitelisted.
    Whitelisted,
    /// Deferred: answer `450 4.2.0 … Greylisted`.
    Defer {
        /// Seconds until a retry would pass.
        retry_in_s: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Triplet {
    first: u64,
    last: u64,
    passed: bool,
}

/// Greylisting state: triplets and per-network delivery counts, in ordered maps.
#[derive(Debug, Clone, PartialEq)]
pub struct Greylist {
    config: GreylistConfig,
    triplets: BTreeMap<(String, String, String), Triplet>,
    delivered: BTreeMap<String, u32>,
    /// The number of triplets at which the next sweep runs.
    sweep_at: usize,
}

/// Triplets kept before the first sweep of expired ones (see [`Greylist::sweep`]).
const SWEEP_MIN: usize = 1024;

impl Greylist {
    /// An empty greylist.
    pub fn new(config: GreylistConfig) -> Self {
        Greylist {
            config,
            triplets: BTreeMap::new(),
            delivered: BTreeMap::new(),
            sweep_at: SWEEP_MIN,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &GreylistConfig {
        &self.config
    }

    /// The client network of `ip` (`192.0.2.0/24`).
    pub fn network(&self, ip: IpAddr) -> String {
        let ip = ip.to_canonical();
        let prefix = if ip.is_ipv4() {
            self.config.ipv4_prefix
        } else {
            self.config.ipv6_prefix
        };
        network_of(ip, prefix)
    }

    /// Checks a recipient at RCPT time and remembers the attempt.
    pub fn check(&mut self, ip: IpAddr, sender: &str, rcpt: &str, now: Timestamp) -> Verdict {
        // postgrey looks at its client whitelist first.
        let canonical = ip.to_canonical();
        if self.config.whitelist.iter().any(|p| p.contains(canonical)) {
            return Verdict::Whitelisted;
        }
        let net = self.network(ip);
        let whitelist_after = self.config.whitelist_after;
        if whitelist_after > 0
            && self
                .delivered
                .get(&net)
                .is_some_and(|n| *n >= whitelist_after)
        {
            return Verdict::Whitelisted;
        }
        let now_s = now.millis() / 1000;
        let key = (net, sender.to_ascii_lowercase(), rcpt.to_ascii_lowercase());
        let fresh = Triplet {
            first: now_s,
            last: now_s,
            passed: false,
        };
        if self.triplets.len() >= self.sweep_at {
            self.sweep(now_s);
        }
        let c = &self.config;
        let entry = self.triplets.entry(key).or_insert(fresh);
        if expired(entry, now_s, c) {
            *entry = fresh;
        }
        entry.last = now_s;
        let waited = now_s.saturating_sub(entry.first);
        if entry.passed {
            return Verdict::Pass { delayed_s: None };
        }
        if waited < c.delay_s {
            return Verdict::Defer {
                retry_in_s: c.delay_s - waited,
            };
        }
        entry.passed = true;
        Verdict::Pass {
            delayed_s: Some(waited),
        }
    }

    /// Forgets the triplets that would start over at their next attempt (unseen for longer
    /// than `max_age_s`, or never retried within `retry_window_s`), as postgrey's database
    /// clean-up does: an expired triplet answers as an unknown one. The next sweep waits until
    /// the map has doubled, so the cost per check stays constant on average.
    fn sweep(&mut self, now_s: u64) {
        let c = &self.config;
        self.triplets.retain(|_, t| !expired(t, now_s, c));
        self.sweep_at = SWEEP_MIN.max(2 * self.triplets.len());
    }

    /// Counts a delivered message of `ip` toward the auto-whitelist (the driver calls this
    /// once the message is stored).
    pub fn record_delivery(&mut self, ip: IpAddr) {
        let net = self.network(ip);
        let n = self.delivered.entry(net).or_insert(0);
        *n = n.saturating_add(1);
    }

    /// The postgrey reply text after `450 4.2.0` for `rcpt`.
    pub fn reply_text(rcpt: &str) -> String {
        let domain = rcpt.rsplit_once('@').map_or(rcpt, |(_, d)| d);
        format!(
            "<{rcpt}>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/{domain}.html"
        )
    }
}

/// Whether `t` starts over at an attempt at `now_s`.
fn expired(t: &Triplet, now_s: u64, c: &GreylistConfig) -> bool {
    let unseen = now_s.saturating_sub(t.last) > c.max_age_s;
    let too_late = !t.passed && now_s.saturating_sub(t.first) > c.retry_window_s;
    unseen || too_late
}

/// `ip` with its host bits cleared, written as `network/prefix`.
fn network_of(ip: IpAddr, prefix: u8) -> String {
    let masked = match ip {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            let mask = u32::MAX
                .checked_shl(32 - u32::from(prefix.min(32)))
                .unwrap_or(0);
            IpAddr::from((bits & mask).to_be_bytes())
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            let mask = u128::MAX
                .checked_shl(128 - u32::from(prefix.min(128)))
                .unwrap_or(0);
            IpAddr::from((bits & mask).to_be_bytes())
        }
    };
    debug_assert!(IpPattern::new(&format!("{masked}/{prefix}")).is_ok_and(|p| p.contains(ip)));
    format!("{masked}/{prefix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = 60_000;
    const DAY: u64 = 86_400_000;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn retry_after_the_delay_passes_within_the_window() {
        let mut g = Greylist::new(GreylistConfig::default());
        let (a, s, r) = (ip("192.0.2.7"), "app@sender.example", "bob@rcpt.example");
        let steps = [
            (0, Verdict::Defer { retry_in_s: 300 }),
            (2 * MIN, Verdict::Defer { retry_in_s: 180 }),
            (5 * MIN - 1000, Verdict::Defer { retry_in_s: 1 }),
            (
                5 * MIN,
                Verdict::Pass {
                    delayed_s: Some(300),
                },
            ),
            (6 * MIN, Verdict::Pass { delayed_s: None }),
            // Remembered for 35 days after it was last seen.
            (6 * MIN + 30 * DAY, Verdict::Pass { delayed_s: None }),
            (6 * MIN + 66 * DAY, Verdict::Defer { retry_in_s: 300 }),
        ];
        for (at, want) in steps {
            assert_eq!(g.check(a, s, r, Timestamp(at)), want, "at {at} ms");
        }
        // Same /24, same sender and recipient: the same triplet.
        let mut g = Greylist::new(GreylistConfig::default());
        g.check(ip("192.0.2.7"), s, r, Timestamp(0));
        assert_eq!(
            g.check(ip("192.0.2.200"), s, r, Timestamp(5 * MIN)),
            Verdict::Pass {
                delayed_s: Some(300)
            }
        );
        // Another /24, sender or recipient: a new triplet.
        for (ip_, s_, r_) in [
            (ip("192.0.3.7"), s, r),
            (a, "x@sender.example", r),
            (a, s, "y@rcpt.example"),
        ] {
            assert_eq!(
                g.check(ip_, s_, r_, Timestamp(5 * MIN)),
                Verdict::Defer { retry_in_s: 300 }
            );
        }
    }

    #[test]
    fn first_retry_after_the_window_starts_over() {
        let mut g = Greylist::new(GreylistConfig::default());
        let (a, s, r) = (ip("2001:db8::1"), "a@x.example", "b@y.example");
        assert!(matches!(
            g.check(a, s, r, Timestamp(0)),
            Verdict::Defer { .. }
        ));
        let late = Timestamp(2 * DAY + 1000);
        assert_eq!(g.check(a, s, r, late), Verdict::Defer { retry_in_s: 300 });
        // Same /64.
        let retry = Timestamp(late.millis() + 5 * MIN);
        assert_eq!(
            g.check(ip("2001:db8::ffff"), s, r, retry),
            Verdict::Pass {
                delayed_s: Some(300)
            }
        );
    }

    #[test]
    fn whitelisted_clients_pass_from_the_first_attempt_and_others_do_not() {
        let config = GreylistConfig {
            whitelist: vec![
                IpPattern::new("203.0.113.0/24").unwrap(),
                IpPattern::new("2001:db8::7").unwrap(),
            ],
            ..GreylistConfig::default()
        };
        let mut g = Greylist::new(config);
        let (s, r) = ("a@x.example", "b@y.example");
        let cases = [
            ("203.0.113.9", true),
            ("::ffff:203.0.113.200", true),
            ("2001:db8::7", true),
            ("203.0.114.9", false),
            ("2001:db8::8", false),
        ];
        for (client, whitelisted) in cases {
            let verdict = g.check(ip(client), s, r, Timestamp(0));
            if whitelisted {
                assert_eq!(verdict, Verdict::Whitelisted, "{client}");
            } else {
                assert!(
                    matches!(verdict, Verdict::Defer { .. }),
                    "{client}: {verdict:?}"
                );
            }
        }
    }

    #[test]
    fn client_network_whitelisted_after_five_deliveries() {
        let mut g = Greylist::new(GreylistConfig::default());
        let a = ip("198.51.100.9");
        for n in 0..5 {
            assert!(matches!(
                g.check(a, "s@x.example", &format!("r{n}@y.example"), Timestamp(0)),
                Verdict::Defer { .. }
            ));
            g.record_delivery(a);
        }
        assert_eq!(
            g.check(
                ip("198.51.100.10"),
                "new@x.example",
                "new@y.example",
                Timestamp(0)
            ),
            Verdict::Whitelisted
        );
        assert!(matches!(
            g.check(
                ip("198.51.101.9"),
                "new@x.example",
                "new@y.example",
                Timestamp(0)
            ),
            Verdict::Defer { .. }
        ));
    }

    #[test]
    fn expired_triplets_are_forgotten_and_live_ones_kept() {
        // A new sender every minute for ten days: only the triplets still inside their
        // two-day retry window are kept, and a passed triplet outlives the sweeps.
        let mut g = Greylist::new(GreylistConfig::default());
        let (a, r) = (ip("192.0.2.7"), "b@y.example");
        g.check(a, "kept@x.example", r, Timestamp(0));
        g.check(a, "kept@x.example", r, Timestamp(5 * MIN));
        for n in 0..(10 * 24 * 60) {
            let at = Timestamp(6 * MIN + n * MIN);
            g.check(a, &format!("s{n}@x.example"), r, at);
            if n % (24 * 60) == 0 {
                g.check(a, "kept@x.example", r, at);
            }
        }
        let window = 2 * 24 * 60 + 1;
        assert!(
            g.triplets.len() <= 2 * window as usize,
            "{} triplets kept",
            g.triplets.len()
        );
        let late = Timestamp(10 * DAY);
        assert_eq!(
            g.check(a, "kept@x.example", r, late),
            Verdict::Pass { delayed_s: None }
        );
    }

    #[test]
    fn reply_text_is_postgreys() {
        assert_eq!(
            Greylist::reply_text("bob@rcpt.example"),
            "<bob@rcpt.example>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/rcpt.example.html"
        );
        assert_eq!(network_of(ip("192.0.2.77"), 24), "192.0.2.0/24");
        assert_eq!(network_of(ip("2001:db8:1:2:3::9"), 64), "2001:db8:1:2::/64");
    }
}
