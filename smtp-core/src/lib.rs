//! SMTP codec and sans-IO protocol machinery.
//!
//! `smtp-core` reads and writes the SMTP wire format of RFC 5321 and its extensions. It does no
//! I/O, reads no clock and draws no random number: bytes go in, typed values come out, and every
//! parsed value writes back to the bytes it came from.

pub mod address;
pub mod command;
pub mod dsn;
pub mod ehlo;
pub mod error;
pub mod framing;
pub mod params;
pub mod reply;
pub mod session;
pub mod status;
pub mod transfer;
pub mod xtext;

mod syntax;

pub use error::{ErrorKind, ErrorReply, InvalidValue, ParseError};
