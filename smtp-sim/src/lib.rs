//! A fake receiving MX for integration tests.
//!
//! `smtp-sim` answers as real receivers do, following a [`scenario`]: ordered rules that match
//! on the SMTP step, addresses, HELO name, client address, message counters and seeded
//! probabilities, and that reply, delay, drop, close, accept, discard, or accept and then send a
//! report. Every accepted message is [captured](capture), every decision logged with the
//! classification a bounce classifier should reach, and everything is readable over an HTTP
//! [`api`].
//!
//! The [`server`] drives smtp-core's server session over tokio and asks the
//! [`sim::Simulator`] at every step; [`SmtpSim`] starts both on a loopback port for a test.

pub mod api;
pub mod capture;
pub mod dns;
pub mod embedded;
pub mod greylist;
pub mod identity;
pub mod internet;
pub mod persona;
pub mod ratelimit;
pub mod report;
pub mod rules;
pub mod scenario;
pub mod server;
pub mod sim;
pub mod throttle;
pub mod types;

pub use embedded::SmtpSim;

/// The simulator's own domain by default; the SES mailbox simulator addresses are answered on
/// it as on `simulator.amazonses.com`.
pub const DEFAULT_SIM_DOMAIN: &str = "smtp-sim.test";

/// The README's Rust examples, run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
