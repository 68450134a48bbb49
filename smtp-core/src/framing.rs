//! A bounded line framer: bytes in, complete lines out, whatever the split across reads.
//!
//! [`LineFramer::next_line`] takes the bytes of one read and returns how many it consumed and,
//! when a line is complete, the line. A line that arrives whole in one read is borrowed from the
//! input (no copy); only a line split across reads is assembled in the framer's buffer, which
//! never holds more than the limit. A line longer than the limit (its line end included; 512
//! octets by default, RFC 5321 §4.5.3.1.4) is consumed up to its LF and reported as
//! [`ErrorKind::LineTooLong`] (`500 5.5.6`). Lines end in CRLF; a bare LF ends a line too (so a
//! stream can never get stuck), and is [`ErrorKind::BareLineFeed`] in strict mode, a line with
//! [`LineEnding::Lf`] in lenient mode.
//!
//! ```
//! use smtp_core::framing::LineFramer;
//!
//! let mut framer = LineFramer::new(512, false);
//! let (used, line) = framer.next_line(b"NOOP\r\nQU");
//! assert_eq!((used, line.unwrap().unwrap().content()), (6, &b"NOOP"[..]));
//! let (used, line) = framer.next_line(b"QU");
//! assert_eq!((used, line.is_none()), (2, true));
//! let (_, line) = framer.next_line(b"IT\r\n");
//! assert_eq!(line.unwrap().unwrap().content(), b"QUIT");
//! ```

use memchr::memchr;

use crate::error::{ErrorKind, ParseError};

/// The position of the first LF in `bytes`.
#[inline]
pub(crate) fn find_lf(bytes: &[u8]) -> Option<usize> {
    find_byte(bytes, b'\n')
}

/// The position of the first `needle` in `bytes`.
///
/// Lines and tokens are short: the first 64 bytes are searched eight at a time in a word (a
/// byte equal to the needle becomes zero after the XOR, and the lowest byte whose subtraction
/// borrows is the first zero), which costs less than setting up memchr's vector search;
/// memchr takes the rest. The last bytes of a short input are read as one word too, the last
/// eight (or, under eight bytes, the first and last four), so no byte loop with a
/// data-dependent end runs.
#[inline(always)]
pub(crate) fn find_byte(bytes: &[u8], needle: u8) -> Option<usize> {
    let len = bytes.len();
    let mut i = 0;
    while i < 64 {
        let Some(chunk) = bytes[i..].first_chunk::<8>() else {
            return byte_in_tail(bytes, i, needle);
        };
        if let Some(p) = byte_in_word(u64::from_le_bytes(*chunk), needle) {
            return Some(i + p);
        }
        i += 8;
    }
    if i == len {
        return None;
    }
    memchr(needle, &bytes[i..]).map(|p| i + p)
}

/// The index of the first `needle` byte of `word` (little-endian), if any.
#[inline(always)]
fn byte_in_word(word: u64, needle: u8) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let x = word ^ (ONES * u64::from(needle));
    // A borrow only runs upwards from a zero byte, so the lowest flag is exact.
    let found = x.wrapping_sub(ONES) & !x & HIGH;
    (found != 0).then(|| (found.trailing_zeros() / 8) as usize)
}

/// The first `needle` in `bytes[i..]`, fewer than eight bytes, where `bytes[..i]` has none.
#[inline(always)]
fn byte_in_tail(bytes: &[u8], i: usize, needle: u8) -> Option<usize> {
    let len = bytes.len();
    if i == len {
        return None;
    }
    if let Some(last) = bytes.last_chunk::<8>() {
        // The last eight bytes; the first 8 - (len - i) of them were searched already (no
        // needle, so no borrow from them either) and are shifted out.
        let shift = 8 * (8 - (len - i));
        // (The zeros shifted in could only match a zero needle, past the end: filtered.)
        return byte_in_word(u64::from_le_bytes(*last) >> shift, needle)
            .filter(|&p| p < len - i)
            .map(|p| i + p);
    }
    // Under eight bytes in all (i == 0): the first four and the last four, which overlap.
    match (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        (Some(head), Some(tail)) => {
            let word =
                u64::from(u32::from_le_bytes(*head)) | (u64::from(u32::from_le_bytes(*tail)) << 32);
            byte_in_word(word, needle).map(|p| if p < 4 { p } else { len - 4 + (p - 4) })
        }
        _ => bytes.iter().position(|&b| b == needle),
    }
}

/// How a line ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    /// `CRLF`, as RFC 5321 §2.3.8 requires.
    CrLf,
    /// A bare `LF` (only in lenient mode).
    Lf,
}

/// A complete line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    raw: &'a [u8],
    ending: LineEnding,
}

impl<'a> Line<'a> {
    /// The line with its line end.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// The line without its line end.
    pub fn content(&self) -> &'a [u8] {
        let cut = match self.ending {
            LineEnding::CrLf => 2,
            LineEnding::Lf => 1,
        };
        &self.raw[..self.raw.len() - cut]
    }

    /// How the line ended.
    pub fn ending(&self) -> LineEnding {
        self.ending
    }
}

/// Splits a byte stream into lines of at most `limit` octets; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct LineFramer {
    limit: usize,
    lenient: bool,
    /// The start of a line split across reads (always shorter than `limit`).
    buf: Vec<u8>,
    /// `buf` held the line returned last; clear it on the next call.
    buf_returned: bool,
    /// Inside an over-long line: the octets seen so far.
    discarding: Option<usize>,
}

impl LineFramer {
    /// A framer for lines of at most `limit` octets (line end included; at least 2).
    /// `lenient` accepts bare LF line ends.
    pub fn new(limit: usize, lenient: bool) -> Self {
        LineFramer {
            limit: limit.max(2),
            lenient,
            buf: Vec::new(),
            buf_returned: false,
            discarding: None,
        }
    }

    /// The limit in octets.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Bytes of an incomplete line held (or, inside an over-long line, 0).
    pub fn buffered(&self) -> usize {
        if self.buf_returned { 0 } else { self.buf.len() }
    }

    /// Takes bytes from `input` up to the end of the next line.
    ///
    /// Returns the number of bytes consumed and, if a line was completed, the line or the error
    /// for it. When no line completes, all of `input` is consumed (kept, or discarded in an
    /// over-long line) and `None` returned: call again with the next read. Otherwise call again
    /// with `&input[consumed..]` until it returns `None`.
    pub fn next_line<'a>(
        &'a mut self,
        input: &'a [u8],
    ) -> (usize, Option<Result<Line<'a>, ParseError>>) {
        if self.buf_returned {
            self.buf.clear();
            self.buf_returned = false;
        }
        if let Some(seen) = self.discarding {
            return match memchr(b'\n', input) {
                Some(lf) => {
                    self.discarding = None;
                    let error =
                        ParseError::new(ErrorKind::LineTooLong { limit: self.limit }, self.limit);
                    let _ = seen;
                    (lf + 1, Some(Err(error)))
                }
                None => {
                    self.discarding = Some(seen.saturating_add(input.len()));
                    (input.len(), None)
                }
            };
        }
        let room = self.limit - self.buf.len();
        let window = &input[..input.len().min(room)];
        let Some(lf) = find_lf(window) else {
            if input.len() >= room {
                // No line end within the limit: drop what is held and discard to the LF.
                let seen = self.buf.len() + room;
                self.buf.clear();
                self.discarding = Some(seen);
                let (used, result) = self.next_line(&input[room..]);
                return (room + used, result);
            }
            self.buf.extend_from_slice(input);
            return (input.len(), None);
        };
        let consumed = lf + 1;
        let raw: &'a [u8] = if self.buf.is_empty() {
            &input[..consumed]
        } else {
            self.buf.extend_from_slice(&input[..consumed]);
            self.buf_returned = true;
            &self.buf
        };
        let crlf = raw.len() >= 2 && raw[raw.len() - 2] == b'\r';
        let line = if crlf {
            Ok(Line {
                raw,
                ending: LineEnding::CrLf,
            })
        } else if self.lenient {
            Ok(Line {
                raw,
                ending: LineEnding::Lf,
            })
        } else {
            Err(ParseError::new(ErrorKind::BareLineFeed, raw.len() - 1))
        };
        (consumed, Some(line))
    }
}

#[cfg(test)]
mod tests;
