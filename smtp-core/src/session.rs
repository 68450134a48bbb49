//! Sans-IO SMTP sessions: the protocol state machines of a server ([`server::ServerSession`])
//! and of a client ([`client::ClientSession`]).
//!
//! Neither reads a clock, opens a socket or draws a random number. The caller (a driver) gives
//! them the bytes it read and the current time (`handle_*`), then takes out what they produced
//! (`poll_*`): bytes to write, events to act on, and the next deadline. The same discipline as
//! quinn-proto: everything the protocol decides is decided inside; everything the application
//! decides (accept this client, this sender, this message?) goes out as an event and comes back
//! as an answer.

pub mod client;
pub mod server;

use crate::reply::{BuildError, Reply, ReplyBuilder, ReplyCode};
use crate::status::EnhancedStatus;

/// Builds a one-line (or folded) reply with an enhanced status code: a shorthand for
/// [`ReplyBuilder`].
///
/// ```
/// use smtp_core::session::reply;
///
/// let r = reply(550, "5.7.1", "Relaying denied").unwrap();
/// assert_eq!(r.to_bytes(), b"550 5.7.1 Relaying denied\r\n");
/// assert!(reply(250, "5.0.0", "mismatch").is_err());
/// ```
pub fn reply(code: u16, status: &str, text: &str) -> Result<Reply<'static>, BuildError> {
    let code = ReplyCode::new(code).map_err(|_| BuildError::StatusMismatch)?;
    let status: EnhancedStatus = status.parse().map_err(|_| BuildError::StatusMismatch)?;
    ReplyBuilder::new(code)
        .status(status)
        .text(text.to_owned())
        .build()
}

#[cfg(test)]
mod tests;
