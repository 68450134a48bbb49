//! The simulator's clock, on tokio's time.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

use crate::types::Timestamp;

/// Maps tokio's [`Instant`] to the simulator's [`Timestamp`]s: the timestamp given at
/// creation, plus the tokio time elapsed since. Under paused time the clock moves only when
/// tokio's does.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    origin: Instant,
    base: Timestamp,
}

impl Clock {
    /// A clock that reads `base` now.
    pub fn starting_at(base: Timestamp) -> Self {
        Clock {
            origin: Instant::now(),
            base,
        }
    }

    /// A clock that starts at the system's wall-clock time (read once, here).
    pub fn from_system_time() -> Self {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
            .as_millis();
        Self::starting_at(Timestamp(u64::try_from(ms).unwrap_or(u64::MAX)))
    }

    /// The timestamp of `at`.
    pub fn timestamp_at(&self, at: Instant) -> Timestamp {
        let elapsed = at.saturating_duration_since(self.origin).as_millis();
        Timestamp(
            self.base
                .millis()
                .saturating_add(u64::try_from(elapsed).unwrap_or(u64::MAX)),
        )
    }

    /// The timestamp now.
    pub fn now(&self) -> Timestamp {
        self.timestamp_at(Instant::now())
    }
}
