//! A reply reader that owns the buffer: bytes from the socket go in, replies come out, and a bad
//! reply is consumed to its end rather than kept.

use super::{Reply, ReplyConfig, ReplyError, parse_reply};

/// Reads replies from a byte stream delivered in pieces of any size.
///
/// Call [`push`](Self::push) with each read, then [`next_reply`](Self::next_reply) until it
/// returns `None`. A reply borrows from the reader until the next call. After an error the
/// reader drops the rest of the bad reply — to the end of the line in error and then through the
/// reply's last line (the first line whose code is not followed by `-`) — as the bytes arrive,
/// so an over-long line is never buffered beyond the line limit. Error offsets count from the
/// start of the stream.
///
/// ```
/// use smtp_core::reply::{ReplyConfig, ReplyReader};
///
/// let mut reader = ReplyReader::new(ReplyConfig::default());
/// reader.push(b"250-mx.example.net\r\n250-PIPE");
/// assert!(reader.next_reply().is_none());
/// reader.push(b"LINING\r\n250 SIZE 1000\r\n");
/// let reply = reader.next_reply().unwrap().unwrap();
/// assert_eq!(reply.lines().len(), 3);
/// ```
#[derive(Debug, Clone)]
pub struct ReplyReader {
    config: ReplyConfig,
    buf: Vec<u8>,
    /// Bytes at the front of `buf` that the last reply was read from, dropped on the next call.
    consumed: usize,
    /// Stream offset of `buf[0]`.
    base: usize,
    skip: Option<Skip>,
    /// The error the last call returned, whose reply is to be dropped.
    failed: Option<ReplyError>,
}

/// Where the reader is while dropping a bad reply.
#[derive(Debug, Clone, Copy)]
struct Skip {
    /// Bytes of the current line dropped so far.
    col: usize,
    /// Whether the current line's code is followed by `-`, so the reply goes on after it.
    more: bool,
}

impl ReplyReader {
    /// A reader with the given limits.
    pub fn new(config: ReplyConfig) -> Self {
        ReplyReader {
            config,
            buf: Vec::new(),
            consumed: 0,
            base: 0,
            skip: None,
            failed: None,
        }
    }

    /// Adds bytes read from the stream.
    pub fn push(&mut self, bytes: &[u8]) {
        self.settle();
        let rest = self.skip_bad(bytes);
        self.buf.extend_from_slice(rest);
    }

    /// Bytes held and not yet read as a reply.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.consumed
    }

    /// The next reply, an error for a bad one, or `None` when more bytes are needed.
    pub fn next_reply(&mut self) -> Option<Result<Reply<'_>, ReplyError>> {
        self.settle();
        match parse_reply(&self.buf, &self.config) {
            Ok((reply, rest)) => {
                self.consumed = self.buf.len() - rest.len();
                Some(Ok(reply))
            }
            Err(ReplyError::Incomplete) => None,
            Err(error) => {
                // The bytes are dropped on the next call: the reply may borrow the buffer only
                // on the other path, but the borrow checker cannot see that.
                self.failed = Some(error);
                Some(Err(shift(error, self.base)))
            }
        }
    }

    /// Drops what the last call read: a reply, or the start of a bad reply, whose rest is then
    /// dropped as it arrives.
    fn settle(&mut self) {
        self.buf.drain(..self.consumed);
        self.base += self.consumed;
        self.consumed = 0;
        let Some(error) = self.failed.take() else {
            return;
        };
        let offset = error.offset().unwrap_or(0).min(self.buf.len());
        let line_start = memchr::memrchr(b'\n', &self.buf[..offset]).map_or(0, |p| p + 1);
        let tail = self.buf.split_off(line_start);
        self.base += self.buf.len();
        self.buf.clear();
        self.skip = Some(Skip {
            col: 0,
            more: false,
        });
        let rest = self.skip_bad(&tail);
        self.buf.extend_from_slice(rest);
    }

    /// Drops the bytes of a bad reply from the front of `bytes`, returning what follows it.
    /// While a reply is being dropped the buffer is empty, so `base` moves with what is dropped.
    fn skip_bad<'b>(&mut self, mut bytes: &'b [u8]) -> &'b [u8] {
        while let Some(skip) = &mut self.skip {
            let lf = memchr::memchr(b'\n', bytes);
            if skip.col <= 3 {
                let fourth = 3 - skip.col;
                if lf.is_none_or(|p| fourth < p) && fourth < bytes.len() {
                    skip.more = bytes[fourth] == b'-';
                }
            }
            match lf {
                None => {
                    skip.col += bytes.len();
                    self.base += bytes.len();
                    return &[];
                }
                Some(p) => {
                    self.base += p + 1;
                    bytes = &bytes[p + 1..];
                    if skip.more {
                        *skip = Skip {
                            col: 0,
                            more: false,
                        };
                    } else {
                        self.skip = None;
                    }
                }
            }
        }
        bytes
    }
}

/// The error with its offset moved from the buffer to the stream.
fn shift(error: ReplyError, by: usize) -> ReplyError {
    match error {
        ReplyError::Incomplete => error,
        ReplyError::LineTooLong { offset, limit } => ReplyError::LineTooLong {
            offset: offset + by,
            limit,
        },
        ReplyError::TooManyLines { offset, limit } => ReplyError::TooManyLines {
            offset: offset + by,
            limit,
        },
        ReplyError::InvalidCode { offset } => ReplyError::InvalidCode {
            offset: offset + by,
        },
        ReplyError::InvalidSeparator { offset } => ReplyError::InvalidSeparator {
            offset: offset + by,
        },
        ReplyError::InvalidText { offset } => ReplyError::InvalidText {
            offset: offset + by,
        },
        ReplyError::MissingCr { offset } => ReplyError::MissingCr {
            offset: offset + by,
        },
        ReplyError::CodeChanged {
            offset,
            expected,
            found,
        } => ReplyError::CodeChanged {
            offset: offset + by,
            expected,
            found,
        },
        ReplyError::StatusMismatch {
            offset,
            code,
            status,
        } => ReplyError::StatusMismatch {
            offset: offset + by,
            code,
            status,
        },
    }
}
