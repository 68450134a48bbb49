//! The SMTP server: a tokio connection driver around smtp-core's sans-IO
//! [`ServerSession`](smtp_core::session::server::ServerSession), asking the
//! [`Simulator`](crate::sim::Simulator) at every step, and the listeners that feed it.
//!
//! - [`serve_connection`] drives one connection over any `AsyncRead + AsyncWrite` stream (tests
//!   use `tokio::io::duplex`): bytes read go to the session, its replies are written, its
//!   questions are answered from the simulator's decisions (after their delay), its deadlines
//!   run on tokio's clock, and STARTTLS upgrades the stream with rustls.
//! - [`spawn`] runs listeners (plain SMTP, optionally gated by the port-25
//!   [`throttle`](crate::throttle), and an implicit-TLS one) with a connection cap and a graceful
//!   shutdown.
//! - [`ReportDelivery`] delivers the outbox's reports by SMTP to a configured host.
//!
//! Time: the simulator's clock is tokio's [`Instant`](tokio::time::Instant) read through a
//! [`Clock`], so `#[tokio::test(start_paused = true)]` drives timeouts, rule delays and
//! greylisting alike. The driver never reads the system clock.
//!
//! Per connection the driver calls, in order: `identity_for_peer` (the PROXY header's source
//! when there is one) and `open_session` at the first client question; `decide` at connect,
//! HELO/EHLO, MAIL, RCPT, DATA, AUTH and the end of data (after setting `header_from`);
//! `store_message` before acknowledging a message (a full store answers `452 4.3.1`); the
//! identity change on XCLIENT; `transcript` for every line; `close_session` at the end.

mod clock;
mod config;
mod connection;
mod deliver;
mod lines;
mod listener;
mod tls;

#[cfg(test)]
mod tests;

pub use clock::Clock;
pub use config::{Accounts, ServerConfig};
pub use connection::serve_connection;
pub use deliver::{Attempt, ReportDelivery};
pub use listener::{Listener, ServerHandle, Shared, spawn};
pub use tls::{TlsError, TlsSetup};
