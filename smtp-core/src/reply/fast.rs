//! The fast path for the common case, a complete and well-formed reply: every line is framed
//! first, then the text of the whole reply is checked at once (one pass for control characters,
//! one UTF-8 validation) instead of line by line.
//!
//! Anything unusual — a partial reply, a bare code line, any error, more lines than
//! [`MAX_LINES`] — makes [`frame`] return `None`, and the line-by-line reader of `parse.rs`,
//! which knows every error and its offset, reads the input instead. So the fast path only has to
//! be right about the replies it accepts: it accepts exactly the replies the line-by-line reader
//! accepts without error, with the same lines (the proptests and the differential test compare
//! both on every input they make).

use std::borrow::Cow;

use super::parse::{ReplyConfig, StatusCheck};
use super::{Reply, ReplyCode, ReplyLine};

#[cfg(test)]
mod tests;

/// The most lines the fast path frames (a large EHLO reply has about 20); longer replies take
/// the line-by-line path.
const MAX_LINES: usize = 32;

/// A complete reply whose framing and text were checked: the code, and where each line ends.
pub(crate) struct Framed<'a> {
    /// The reply's bytes, from the first code to the last LF, checked to be UTF-8.
    text: &'a str,
    /// The input after the reply.
    rest: &'a [u8],
    code: ReplyCode,
    /// Where each line's LF is in `text`.
    ends: [u32; MAX_LINES],
    count: usize,
}

/// Frames the reply at the start of `input` if it is complete and every line is
/// `code ( "-" / SP ) textstring CRLF` with the same code within the limits of `config`, and its
/// text holds no control character and is UTF-8. `None` otherwise: the caller then reads the
/// input line by line.
#[inline]
pub(crate) fn frame<'a>(input: &'a [u8], config: &ReplyConfig) -> Option<Framed<'a>> {
    let digits = *input.first_chunk::<3>()?;
    let code = ReplyCode::from_digits(digits)?;
    let max_lines = config.max_lines.min(MAX_LINES);
    let mut ends = [0; MAX_LINES];
    let mut count = 0;
    let mut pos: usize = 0;
    loop {
        if count == max_lines {
            return None;
        }
        let lf = find_lf(&input[pos..], config.max_line_len)?;
        // The shortest line this path takes is `250 ` CRLF: code, separator, CR.
        let [d0, d1, d2, separator, .., b'\r'] = input[pos..pos + lf] else {
            return None;
        };
        if [d0, d1, d2] != digits {
            return None;
        }
        let last = match separator {
            b'-' => false,
            b' ' => true,
            _ => return None,
        };
        ends[count] = u32::try_from(pos + lf).ok()?;
        count += 1;
        pos += lf + 1;
        if last {
            break;
        }
    }
    let bytes = &input[..pos];
    // Each line has one CR and one LF; any other control character is in a text.
    // Counted without branches in byte lanes, 128 bytes at a time, so that it vectorizes: the
    // bytes below SP, and DEL, less the tabs (a chunk's count fits a byte; the wrapping steps
    // between cancel out). 128, a multiple of the vector loop's step, leaves no bytes of a full
    // chunk to the scalar loop (with 255, 15 of each were): 2 238 rather than 2 355 instructions
    // for the 290-byte error reply of the benchmark.
    let controls: usize = bytes
        .chunks(128)
        .map(|chunk| {
            let n = chunk.iter().fold(0u8, |n, &b| {
                n.wrapping_add(u8::from(b < b' '))
                    .wrapping_add(u8::from(b == 0x7f))
                    .wrapping_sub(u8::from(b == b'\t'))
            });
            usize::from(n)
        })
        .sum();
    if controls != 2 * count {
        return None;
    }
    // Lines are joined by ASCII bytes, so the reply is UTF-8 exactly when every text is.
    let text = std::str::from_utf8(bytes).ok()?;
    Some(Framed {
        text,
        rest: &input[pos..],
        code,
        ends,
        count,
    })
}

/// The first LF in `bytes` if it is before `limit`, eight bytes at a time: reply lines are short,
/// and for them this is quicker than setting up memchr's vector search for each line. The search
/// stops at `limit`, so a line of the limit's length or more is not found.
#[inline]
fn find_lf(bytes: &[u8], limit: usize) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGHS: u64 = ONES << 7;
    const LFS: u64 = ONES * b'\n' as u64;
    // A high bit for each LF byte: a borrow can mark bytes above the first LF, never below it,
    // so the lowest mark is the first LF.
    let first = |word: [u8; 8]| {
        let word = u64::from_le_bytes(word) ^ LFS;
        let marks = word.wrapping_sub(ONES) & !word & HIGHS;
        (marks != 0).then(|| marks.trailing_zeros() as usize / 8)
    };
    // Only the bytes before the limit are searched: no test of the limit for each word.
    let bytes = &bytes[..bytes.len().min(limit)];
    let (words, tail) = bytes.as_chunks::<8>();
    let mut at = 0;
    for &word in words {
        if let Some(p) = first(word) {
            return Some(at + p);
        }
        at += 8;
    }
    // The last bytes, padded with zeros (which are not LF).
    let mut word = [0; 8];
    word[..tail.len()].copy_from_slice(tail);
    Some(at + first(word)?)
}

impl<'a> Framed<'a> {
    /// The reply code, the same on every line.
    pub(crate) fn code(&self) -> ReplyCode {
        self.code
    }

    /// The number of lines.
    pub(crate) fn count(&self) -> usize {
        self.count
    }

    /// The input after the reply.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.rest
    }

    /// The text of line `i` (after the code and separator, before CRLF).
    #[inline(always)]
    pub(crate) fn text(&self, i: usize) -> &'a str {
        let start = if i == 0 {
            0
        } else {
            self.ends[i - 1] as usize + 1
        };
        let text: &'a str = self.text;
        &text[start + 4..self.ends[i] as usize - 1]
    }

    /// The text of line `i`; `None` when it starts with a status code that disagrees with the
    /// reply code and `config` rejects that (the line-by-line reader then reports it).
    #[inline(always)]
    pub(crate) fn checked_text(&self, i: usize, config: &ReplyConfig) -> Option<&'a str> {
        let text = self.text(i);
        // Most lines have no status: the test `line_status` starts with, made here inline.
        if text.as_bytes().get(1) != Some(&b'.') {
            return Some(text);
        }
        match super::line_status(text) {
            Some((status, _))
                if config.status_check == StatusCheck::Reject
                    && !status.agrees_with_reply_code(self.code.get()) =>
            {
                None
            }
            _ => Some(text),
        }
    }

    /// The reply and the input after it; `None` when a status disagrees with the reply code and
    /// `config` rejects that.
    pub(crate) fn reply(&self, config: &ReplyConfig) -> Option<(Reply<'a>, &'a [u8])> {
        let mut lines: Vec<ReplyLine<'a>> = Vec::with_capacity(self.count);
        for i in 0..self.count {
            let text = self.text(i);
            // Lines of one reply usually repeat the status of the line before (`550-5.1.1 `):
            // when this one starts with the same six bytes, status and space, it has the same
            // status (the parse reads no further than that space; the sixth byte is checked to be
            // the space, as `5.1.10` ending a text also has six bytes), so it is not parsed again.
            // The status agreed with the reply code on the line before.
            if let Some(prev) = lines.last()
                && prev.status_len == 6
                && let Some(prev_text) = prev.text_cow()
                && prev_text.as_bytes()[5] == b' '
                && text.as_bytes().first_chunk::<6>() == prev_text.as_bytes().first_chunk::<6>()
            {
                let line = ReplyLine {
                    text: Some(Cow::Borrowed(text)),
                    status: prev.status,
                    status_len: 6,
                };
                lines.push(line);
                continue;
            }
            let line = ReplyLine::from_text(Some(Cow::Borrowed(text)));
            if let Some(status) = line.status()
                && config.status_check == StatusCheck::Reject
                && !status.agrees_with_reply_code(self.code.get())
            {
                return None;
            }
            lines.push(line);
        }
        Some((Reply::from_parts(self.code, lines), self.rest))
    }
}
