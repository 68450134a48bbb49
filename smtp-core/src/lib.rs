//! SMTP codec and sans-IO protocol machinery.
//!
//! `smtp-core` reads and writes the SMTP wire format of RFC 5321 and its extensions. It does no
//! I/O, reads no clock and draws no random number: bytes go in, typed values come out, and every
//! parsed value writes back to the bytes it came from.

pub mod ehlo;
pub mod reply;
pub mod status;
