//! The rule engine: given a step and what the session knows, the decision of the scenario.
//!
//! The connection driver (once smtp-core's server session exists) calls, per connection:
//!
//! 1. [`Engine::open_session`] on accept, then [`Engine::decide`] with [`Input::Connect`];
//! 2. [`Engine::decide`] for each command the session would otherwise accept (HELO/EHLO, MAIL,
//!    RCPT, DATA, AUTH, others) and at the end of data; it waits [`Decision::delay`] and then
//!    carries out [`Decision::outcome`];
//! 3. [`SessionContext::reset_transaction`] on RSET and after the end of data.
//!
//! [`crate::sim::Simulator`] wraps these calls with the capture store and the event log.
//!
//! ```
//! use std::sync::Arc;
//! use smtp_sim::rules::{Engine, Input, Outcome};
//! use smtp_sim::scenario::default_scenario;
//! use smtp_sim::types::{ClientIdentity, SessionId, Timestamp};
//!
//! let scenario = Arc::new(default_scenario("sim.test").unwrap());
//! let mut engine = Engine::new(scenario, 7, "mx.sim.test");
//! let client = ClientIdentity::from_ip("192.0.2.1".parse().unwrap());
//! let mut s = engine.open_session(SessionId(1), client, Timestamp(0));
//! engine.decide(&mut s, Input::Mail { sender: "app@example.com" }, Timestamp(1));
//! let d = engine.decide(&mut s, Input::Rcpt { rcpt: "bounce@simulator.amazonses.com" }, Timestamp(2));
//! let Outcome::Refuse(reply) = d.outcome else { panic!() };
//! assert_eq!(reply.to_wire(), b"550 5.1.1 <bounce@simulator.amazonses.com>: Recipient address rejected: User unknown\r\n");
//! assert_eq!(d.rule.as_deref(), Some("ses-bounce"));
//! ```

mod counters;
mod decision;
mod engine;
mod session;

#[cfg(test)]
mod tests;

pub use counters::Counters;
pub use decision::{Decision, Input, Outcome, Reply};
pub use engine::{Engine, positive_code};
pub use session::{AcceptedRecipient, MessageNumber, PendingReport, SessionContext};
