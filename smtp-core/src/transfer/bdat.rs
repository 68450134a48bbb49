//! The `BDAT` receiver (RFC 3030 CHUNKING): counted octets, no stuffing, binary-safe.

use super::{DataSink, DataSummary, TransferError};

/// What [`BdatReceiver::feed`] found.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BdatStatus {
    /// No chunk is announced: nothing was consumed. Call [`BdatReceiver::begin_chunk`] after
    /// parsing a `BDAT` command.
    Idle,
    /// All the input was consumed and the chunk has more octets to come.
    Partial,
    /// A chunk without `LAST` is complete; the server replies to it (`250`, or the error's reply)
    /// and waits for the next `BDAT`.
    ChunkDone {
        /// Input octets consumed by this call; the rest belongs to the command parser.
        consumed: usize,
        /// `Err` once the message is refused; it stays refused until the `LAST` chunk.
        outcome: Result<(), TransferError>,
    },
    /// The `LAST` chunk is complete: the message is whole. The receiver is ready for a new
    /// message.
    MessageDone {
        /// Input octets consumed by this call; the rest belongs to the command parser.
        consumed: usize,
        /// The message's fate. On `Err`, the sink holds a truncated message: discard it.
        outcome: Result<DataSummary, TransferError>,
    },
}

/// Receives the chunks of a message sent with `BDAT` (RFC 3030).
///
/// For each `BDAT <size> [LAST]` command, call [`begin_chunk`](Self::begin_chunk), then
/// [`feed`](Self::feed) input until the chunk is done. Exactly `size` octets are taken, whatever
/// they hold: no dot-stuffing, no line-end checks. The size limit covers the whole message; when
/// a chunk would pass it, the chunk is still read (the client sends it anyway) but not written.
///
/// ```
/// use smtp_core::transfer::{BdatReceiver, BdatStatus};
///
/// let mut receiver = BdatReceiver::new(1_000);
/// let mut message = Vec::new();
/// receiver.begin_chunk(5, false);
/// assert!(matches!(receiver.feed(b"Hi\r\n.BDAT 3 LAST\r\n", &mut message),
///     BdatStatus::ChunkDone { consumed: 5, outcome: Ok(()) }));
/// receiver.begin_chunk(3, true);
/// let BdatStatus::MessageDone { consumed: 3, outcome } = receiver.feed(b"\r\n!", &mut message)
/// else { panic!() };
/// assert_eq!(outcome.unwrap().size, 8);
/// assert_eq!(message, b"Hi\r\n.\r\n!");
/// ```
#[derive(Debug, Clone)]
pub struct BdatReceiver {
    max_size: u64,
    /// Octets of the current chunk still to read, if a chunk is announced.
    remaining: Option<u64>,
    last: bool,
    size: u64,
    error: Option<TransferError>,
}

impl BdatReceiver {
    /// A receiver for messages of at most `max_size` octets.
    pub fn new(max_size: u64) -> Self {
        Self {
            max_size,
            remaining: None,
            last: false,
            size: 0,
            error: None,
        }
    }

    /// Announces the next chunk: `size` octets, the last one if `last`.
    ///
    /// A chunk announced before the previous one was read replaces it (the caller should not do
    /// that: the wire holds the old chunk's octets).
    pub fn begin_chunk(&mut self, size: u64, last: bool) {
        if self.error.is_none() && self.size.saturating_add(size) > self.max_size {
            self.error = Some(TransferError::TooBig {
                limit: self.max_size,
            });
        }
        self.remaining = Some(size);
        self.last = last;
    }

    /// Octets of the current chunk still to be read (0 between chunks).
    pub fn chunk_remaining(&self) -> u64 {
        self.remaining.unwrap_or(0)
    }

    /// Forgets the message so far (after `RSET`, or a refused transaction).
    pub fn reset(&mut self) {
        *self = Self::new(self.max_size);
    }

    /// Reads the current chunk's octets from `input`, writing them to `sink` unless the message
    /// is refused.
    pub fn feed<S: DataSink + ?Sized>(&mut self, input: &[u8], sink: &mut S) -> BdatStatus {
        let Some(remaining) = self.remaining else {
            return BdatStatus::Idle;
        };
        let take = usize::try_from(remaining).map_or(input.len(), |r| r.min(input.len()));
        if self.error.is_none() {
            sink.write(&input[..take]);
            self.size += take as u64;
        }
        let remaining = remaining - take as u64;
        if remaining > 0 {
            self.remaining = Some(remaining);
            return BdatStatus::Partial;
        }
        self.remaining = None;
        if !self.last {
            return BdatStatus::ChunkDone {
                consumed: take,
                outcome: self.error.map_or(Ok(()), Err),
            };
        }
        let outcome = match self.error {
            Some(error) => Err(error),
            None => Ok(DataSummary {
                size: self.size,
                ..DataSummary::default()
            }),
        };
        self.reset();
        BdatStatus::MessageDone {
            consumed: take,
            outcome,
        }
    }
}

#[cfg(test)]
mod tests;
