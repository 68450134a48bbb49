//! Message transfer: the bytes between the end of the `DATA` or `BDAT` command and the reply.
//!
//! Framing comes before any grammar: these receivers split the byte stream into "message" and
//! "what follows" (pipelined commands) before the command parser sees it again.
//!
//! - [`DataReceiver`] reads the text after a `354` reply: it removes dot-stuffing, ends only at
//!   `CRLF "." CRLF` (RFC 5321 §4.1.1.4; the `CRLF` that ends the `DATA` command counts, so an
//!   empty message is just `".\r\n"`), applies a [`LineEndPolicy`] to bare LF and bare CR, and
//!   enforces a size limit. None of the published SMTP smuggling end-of-data variants
//!   (`"\n.\n"`, `"\r\n.\r\r\n"`, ...) ends the data.
//! - [`BdatReceiver`] reads RFC 3030 `BDAT` chunks: exactly the announced number of octets,
//!   binary-safe, accumulated across chunks until `LAST`.
//! - [`DotStuffer`] is the client side: message bytes in, `DATA` wire bytes out, ending with
//!   `CRLF "." CRLF`.
//!
//! All three are sans-IO: input slices of any size go in, output goes to a [`DataSink`] (a
//! `Vec<u8>` or anything else that takes bytes), and the receivers return how many input bytes
//! they consumed, so that the caller hands the rest to the command parser. Feeding the same input
//! in one slice or split at any points gives the same output and the same consumed counts.
//!
//! ```
//! use smtp_core::transfer::{DataConfig, DataReceiver, DataStatus};
//!
//! let wire = b"Subject: hi\r\n\r\n..leading dot\r\n.\r\nQUIT\r\n";
//! let mut receiver = DataReceiver::new(DataConfig::default());
//! let mut message = Vec::new();
//! let DataStatus::Done { consumed, outcome } = receiver.feed(wire, &mut message) else {
//!     panic!("the end of data is in the input");
//! };
//! assert_eq!(message, b"Subject: hi\r\n\r\n.leading dot\r\n");
//! assert_eq!(&wire[consumed..], b"QUIT\r\n"); // for the command parser
//! assert_eq!(outcome.unwrap().size, message.len() as u64);
//! ```

mod bdat;
mod data;
mod error;
mod stuff;

#[cfg(test)]
mod tests;

pub use bdat::{BdatReceiver, BdatStatus};
pub use data::{DataConfig, DataReceiver, DataStatus, DataSummary, LineEndPolicy};
pub use error::{TransferError, TransferReply};
pub use stuff::{DotStuffer, dot_stuff};

/// Where received (or stuffed) message bytes go.
///
/// Receivers write slices of their input straight into the sink, so a `Vec<u8>` sink costs one
/// copy of the message and no other allocation.
pub trait DataSink {
    /// Appends `bytes` to the message.
    fn write(&mut self, bytes: &[u8]);

    /// The sink as a `Vec<u8>` to append to, if it is one. The [`DataReceiver`] then copies plain
    /// text into it while checking it (one pass over the data instead of a check and a copy);
    /// other sinks get the same octets through [`write`](Self::write). The default is `None`.
    #[inline]
    fn as_vec_mut(&mut self) -> Option<&mut Vec<u8>> {
        None
    }
}

impl DataSink for Vec<u8> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }

    #[inline]
    fn as_vec_mut(&mut self) -> Option<&mut Vec<u8>> {
        Some(self)
    }
}

/// A sink that drops everything: for a session that rejects a message but must read it to its end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Discard;

impl DataSink for Discard {
    #[inline]
    fn write(&mut self, _bytes: &[u8]) {}
}
