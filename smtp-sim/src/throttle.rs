//! The cloud's outbound port-25 throttle, as a sender meets it: the first few connections are
//! served, then new connections fail, and an occasional one gets through as a seeded bucket
//! refills (mx-replies.md §3).
//!
//! [`Gate`] is the decision (sans-IO: time passed in, draws from a seeded stream);
//! [`GatedListener`] applies it to a real TCP listener in one of two [`ThrottleMode`]s:
//!
//! - [`ThrottleMode::Silent`]: while the gate is closed the listener stops calling `accept()`.
//!   It listens with a backlog of 1 and, when the gate closes, fills the kernel's accept queue
//!   with its own two dummy connections, so that Linux drops every further SYN: the client's
//!   `connect()` gets no SYN-ACK, retransmits its SYN, and times out (no RST, no reply). When a
//!   token comes back, the dummies are accepted and thrown away, and the next SYN (often a
//!   retransmission of a waiting client) completes.
//! - [`ThrottleMode::NoGreeting`]: connections complete, but a connection arriving while the gate
//!   is closed is held open and never greeted: the client's `connect()` succeeds and its wait
//!   for the 220 greeting times out.

mod listener;
#[cfg(test)]
mod tests;

pub use listener::GatedListener;

use chacha20::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::types::Timestamp;

/// What a client sees when the gate is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThrottleMode {
    /// SYNs are dropped: `connect()` times out.
    Silent,
    /// The connection is accepted and never greeted.
    NoGreeting,
}

/// The gate's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThrottleConfig {
    /// Connections served before the gate closes (2 to 3 were observed on EC2).
    pub burst: u32,
    /// The mean time for one token to come back, in ms; each interval is drawn uniformly
    /// between half and one and a half times this.
    pub refill_ms: u64,
    /// What a client sees when the gate is closed.
    pub mode: ThrottleMode,
}

/// A token bucket with seeded refill intervals.
#[derive(Debug)]
pub struct Gate {
    config: ThrottleConfig,
    tokens: u32,
    next_refill: Option<u64>,
    rng: ChaCha8Rng,
}

impl Gate {
    /// A full gate; its refill intervals are drawn from `seed`.
    pub fn new(config: ThrottleConfig, seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        // A stream of its own, apart from the sessions' streams of the same seed.
        rng.set_stream(u64::MAX);
        Gate {
            config,
            tokens: config.burst,
            next_refill: None,
            rng,
        }
    }

    /// The settings.
    pub fn config(&self) -> &ThrottleConfig {
        &self.config
    }

    fn interval(&mut self) -> u64 {
        let mean = self.config.refill_ms.max(1);
        mean / 2 + self.rng.next_u64() % (mean + 1)
    }

    fn refill(&mut self, now: u64) {
        while let Some(at) = self.next_refill {
            if at > now || self.tokens >= self.config.burst {
                break;
            }
            self.tokens += 1;
            self.next_refill = if self.tokens < self.config.burst {
                Some(at + self.interval())
            } else {
                None
            };
        }
    }

    /// Tokens available at `now`.
    pub fn available(&mut self, now: Timestamp) -> u32 {
        self.refill(now.millis());
        self.tokens
    }

    /// Takes a token if there is one: `true` lets the connection through.
    pub fn try_take(&mut self, now: Timestamp) -> bool {
        let now = now.millis();
        self.refill(now);
        if self.tokens == 0 {
            return false;
        }
        self.tokens -= 1;
        if self.next_refill.is_none() {
            self.next_refill = Some(now + self.interval());
        }
        true
    }

    /// When the next token comes back (`None` when the bucket is full).
    pub fn next_token_at(&self) -> Option<Timestamp> {
        self.next_refill.map(Timestamp)
    }
}
