//! Message counters: for the whole run and per client address. They only count up (saturating),
//! and each client's count moves only with its own messages.

use std::collections::BTreeMap;
use std::net::IpAddr;

use super::session::MessageNumber;

/// Messages seen (counted at each `MAIL FROM` the engine is asked about).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counters {
    run: u64,
    per_client: BTreeMap<IpAddr, u64>,
}

impl Counters {
    /// Counts a new message of `client` and returns its numbers.
    pub fn next_message(&mut self, client: IpAddr) -> MessageNumber {
        self.run = self.run.saturating_add(1);
        let count = self.per_client.entry(client).or_insert(0);
        *count = count.saturating_add(1);
        MessageNumber {
            run: self.run,
            client: *count,
        }
    }

    /// The numbers the next message of `client` would get, without counting it.
    pub fn peek(&self, client: IpAddr) -> MessageNumber {
        MessageNumber {
            run: self.run.saturating_add(1),
            client: self.client(client).saturating_add(1),
        }
    }

    /// Messages counted for the whole run.
    pub fn run(&self) -> u64 {
        self.run
    }

    /// Messages counted for one client.
    pub fn client(&self, client: IpAddr) -> u64 {
        self.per_client.get(&client).copied().unwrap_or(0)
    }
}
