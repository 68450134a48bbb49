//! Reading a reply from bytes: framing each line within the line limit, then the grammar of the
//! line, then the checks that span lines (same code, status class).

use std::borrow::Cow;
use std::fmt;

use nom::branch::alt;
use nom::character::streaming::{char, satisfy};
use nom::combinator::value;
use nom::{IResult, Parser};

use super::{Reply, ReplyCode, ReplyLine};
use crate::status::EnhancedStatus;

type ParseResult<'a, O> = IResult<&'a [u8], O>;

/// What to do with an enhanced status code whose class disagrees with the reply code
/// (`250 5.1.1 …`, RFC 3463 §2: "the class sub-code … must match the reply code's first digit").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusCheck {
    /// Strict (the default): the reply is an error, [`ReplyError::StatusMismatch`].
    #[default]
    Reject,
    /// Lenient: the reply is returned with the status as written; [`Reply::mismatched_status`]
    /// tells the caller, who can log it. Useful when reading logs of misbehaving servers.
    Report,
}

/// Limits and strictness for reading replies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyConfig {
    /// The longest reply line, CRLF included. Default 512, the minimum every implementation must
    /// accept (RFC 5321 §4.5.3.1.5); a client talking to servers with long texts may raise it.
    pub max_line_len: usize,
    /// The most lines in one reply. Default 100: RFC 5321 sets no limit, and a multi-line EHLO
    /// reply of a large server has about 20; the limit bounds what a reader buffers
    /// (`max_lines × max_line_len`).
    pub max_lines: usize,
    /// What to do with an enhanced status code of the wrong class.
    pub status_check: StatusCheck,
}

impl Default for ReplyConfig {
    fn default() -> Self {
        ReplyConfig {
            max_line_len: 512,
            max_lines: 100,
            status_check: StatusCheck::Reject,
        }
    }
}

/// Why bytes are not (yet) a reply. Offsets count from the start of the input given to
/// [`parse_reply`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplyError {
    /// The input ends inside the reply: read more and parse again from the same start.
    Incomplete,
    /// A line has no LF within `limit` bytes of its start (`offset`).
    LineTooLong {
        /// Where the line starts.
        offset: usize,
        /// The configured limit, CRLF included.
        limit: usize,
    },
    /// The reply goes on past `limit` lines; `offset` is where the first extra line starts.
    TooManyLines {
        /// Where the extra line starts.
        offset: usize,
        /// The configured limit.
        limit: usize,
    },
    /// The line does not start with a reply code (three digits: 2-5, 0-5, 0-9).
    InvalidCode {
        /// The first byte that cannot be part of a reply code.
        offset: usize,
    },
    /// The code is followed by something other than `-`, a space or CRLF.
    InvalidSeparator {
        /// The byte after the code.
        offset: usize,
    },
    /// The text holds a control character or is not UTF-8.
    InvalidText {
        /// The first byte that is not text.
        offset: usize,
    },
    /// The line ends with a bare LF instead of CRLF.
    MissingCr {
        /// The LF.
        offset: usize,
    },
    /// A line of a multi-line reply has another code than the first line.
    CodeChanged {
        /// Where the line with the other code starts.
        offset: usize,
        /// The code of the first line.
        expected: ReplyCode,
        /// The code of this line.
        found: ReplyCode,
    },
    /// An enhanced status code disagrees with the reply code's class (see [`StatusCheck`]).
    StatusMismatch {
        /// Where the status code starts.
        offset: usize,
        /// The reply code.
        code: ReplyCode,
        /// The status code.
        status: EnhancedStatus,
    },
}

impl ReplyError {
    /// The byte offset the error refers to, if it is not [`ReplyError::Incomplete`].
    pub fn offset(&self) -> Option<usize> {
        match *self {
            ReplyError::Incomplete => None,
            ReplyError::LineTooLong { offset, .. }
            | ReplyError::TooManyLines { offset, .. }
            | ReplyError::InvalidCode { offset }
            | ReplyError::InvalidSeparator { offset }
            | ReplyError::InvalidText { offset }
            | ReplyError::MissingCr { offset }
            | ReplyError::CodeChanged { offset, .. }
            | ReplyError::StatusMismatch { offset, .. } => Some(offset),
        }
    }
}

impl fmt::Display for ReplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplyError::Incomplete => f.write_str("incomplete reply"),
            ReplyError::LineTooLong { offset, limit } => {
                write!(f, "reply line at {offset} longer than {limit} octets")
            }
            ReplyError::TooManyLines { offset, limit } => {
                write!(f, "reply has more than {limit} lines (at {offset})")
            }
            ReplyError::InvalidCode { offset } => write!(f, "invalid reply code at {offset}"),
            ReplyError::InvalidSeparator { offset } => {
                write!(
                    f,
                    "expected '-', ' ' or CRLF after the reply code at {offset}"
                )
            }
            ReplyError::InvalidText { offset } => {
                write!(
                    f,
                    "control character or invalid UTF-8 in reply text at {offset}"
                )
            }
            ReplyError::MissingCr { offset } => write!(f, "bare LF ends reply line at {offset}"),
            ReplyError::CodeChanged {
                offset,
                expected,
                found,
            } => write!(
                f,
                "reply line at {offset} has code {found}, the reply started with {expected}"
            ),
            ReplyError::StatusMismatch {
                offset,
                code,
                status,
            } => write!(
                f,
                "enhanced status {status} at {offset} disagrees with reply code {code}"
            ),
        }
    }
}

impl std::error::Error for ReplyError {}

/// Reads one reply from the start of `input`, returning it and the input after it.
///
/// Says [`ReplyError::Incomplete`] while the input ends inside the reply, and never reads more
/// than `config.max_line_len` bytes of one line looking for its end, so the same input gives the
/// same result however it was split across reads. An error is reported as soon as the bytes at
/// hand show it, at the first wrong byte.
pub fn parse_reply<'a>(
    input: &'a [u8],
    config: &ReplyConfig,
) -> Result<(Reply<'a>, &'a [u8]), ReplyError> {
    if let Some(reply) = super::fast::frame(input, config).and_then(|framed| framed.reply(config)) {
        return Ok(reply);
    }
    parse_lines(input, config)
}

/// [`parse_reply`] without the fast path: reads the reply line by line, with the exact answer
/// for partial input and every error.
pub(crate) fn parse_lines<'a>(
    input: &'a [u8],
    config: &ReplyConfig,
) -> Result<(Reply<'a>, &'a [u8]), ReplyError> {
    let mut cursor = LineCursor::new(input, config);
    let mut lines = Vec::new();
    loop {
        let (code, line, last) = cursor.next_line()?;
        lines.push(line);
        if last {
            return Ok((Reply::from_parts(code, lines), cursor.rest()));
        }
    }
}

/// Reads the lines of one reply in order, with every check [`parse_reply`] makes, for callers
/// that consume lines as they come (the EHLO reader) instead of collecting them.
pub(crate) struct LineCursor<'a, 'c> {
    input: &'a [u8],
    config: &'c ReplyConfig,
    pos: usize,
    code: Option<ReplyCode>,
    count: usize,
}

impl<'a, 'c> LineCursor<'a, 'c> {
    pub(crate) fn new(input: &'a [u8], config: &'c ReplyConfig) -> Self {
        LineCursor {
            input,
            config,
            pos: 0,
            code: None,
            count: 0,
        }
    }

    /// The input after the lines read so far.
    pub(crate) fn rest(&self) -> &'a [u8] {
        &self.input[self.pos..]
    }

    /// The next line with the reply's code and whether it is the last line. Must not be called
    /// after the last line.
    pub(crate) fn next_line(&mut self) -> Result<(ReplyCode, ReplyLine<'a>, bool), ReplyError> {
        let (input, config, pos) = (self.input, self.config, self.pos);
        if self.count == config.max_lines {
            return Err(ReplyError::TooManyLines {
                offset: pos,
                limit: config.max_lines,
            });
        }
        let window_end = input.len().min(pos + config.max_line_len);
        let window = &input[pos..window_end];
        let lf = memchr::memchr(b'\n', window);
        let content = lf.map_or(window, |p| &window[..p]);
        let (body, has_cr) = match content.split_last() {
            Some((b'\r', body)) => (body, true),
            _ => (content, false),
        };
        let parsed = reply_line(body, pos, self.code, lf.is_some())?;
        let Some(lf) = lf else {
            return Err(if window.len() == config.max_line_len {
                ReplyError::LineTooLong {
                    offset: pos,
                    limit: config.max_line_len,
                }
            } else {
                ReplyError::Incomplete
            });
        };
        if !has_cr {
            return Err(ReplyError::MissingCr { offset: pos + lf });
        }
        let Some((code, last, text)) = parsed else {
            unreachable!("a complete line is parsed to the end");
        };
        let line = ReplyLine::from_text(text.map(Cow::Borrowed));
        if let Some(status) = line.status()
            && config.status_check == StatusCheck::Reject
            && !status.agrees_with_reply_code(code.get())
        {
            return Err(ReplyError::StatusMismatch {
                offset: pos + 4,
                code,
                status,
            });
        }
        self.code = Some(code);
        self.count += 1;
        self.pos = pos + lf + 1;
        Ok((code, line, last))
    }
}

/// A parsed line: its code, whether it is the last, and its text (`None` for the bare code).
type LineParts<'a> = (ReplyCode, bool, Option<&'a str>);

/// Whether a line of a reply is the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Separator {
    /// `-`: more lines follow.
    Continue,
    /// A space: the last line, text follows.
    Last,
}

/// Parses a line body (the line without CRLF, or the part of it read so far when `complete` is
/// false). Returns the code, whether the line is the last, and the text once the line is
/// complete; `None` when the partial body is fine so far.
///
/// ```text
/// line-body = Reply-code ( "-" [ textstring ] / SP [ textstring ] / "" )
/// ```
#[inline]
fn reply_line(
    body: &[u8],
    start: usize,
    expected: Option<ReplyCode>,
    complete: bool,
) -> Result<Option<LineParts<'_>>, ReplyError> {
    let at = |rest: &[u8]| start + body.len() - rest.len();
    // Fast path for the common case; the grammar below gives the partial-input and error answers.
    let fast = match body.first_chunk::<3>() {
        Some(digits) => ReplyCode::from_digits(*digits).map(|code| (&body[3..], code)),
        None => None,
    };
    let (rest, code) = match fast.map_or_else(|| reply_code(body), Ok) {
        Ok(ok) => ok,
        Err(nom::Err::Incomplete(_)) if !complete => return Ok(None),
        Err(nom::Err::Incomplete(_)) => {
            return Err(ReplyError::InvalidCode { offset: at(&[]) });
        }
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
            return Err(ReplyError::InvalidCode {
                offset: at(e.input),
            });
        }
    };
    if let Some(expected) = expected
        && expected != code
    {
        return Err(ReplyError::CodeChanged {
            offset: start,
            expected,
            found: code,
        });
    }
    let fast = match rest.first() {
        Some(b'-') => Some((&rest[1..], Separator::Continue)),
        Some(b' ') => Some((&rest[1..], Separator::Last)),
        _ => None,
    };
    let (text_bytes, separator) = match fast.map_or_else(|| separator(rest), Ok) {
        Ok(ok) => ok,
        Err(nom::Err::Incomplete(_)) if !complete => return Ok(None),
        // The bare code: the last line, without text.
        Err(nom::Err::Incomplete(_)) => return Ok(Some((code, true, None))),
        Err(_) => return Err(ReplyError::InvalidSeparator { offset: at(rest) }),
    };
    let text = textstring(text_bytes, complete).map_err(|bad| ReplyError::InvalidText {
        offset: at(text_bytes) + bad,
    })?;
    Ok(text.map(|text| (code, separator == Separator::Last, Some(text))))
}

/// `Reply-code = %x32-35 %x30-35 %x30-39`
fn reply_code(input: &[u8]) -> ParseResult<'_, ReplyCode> {
    let (rest, (a, b, c)) = (
        satisfy(|c| ('2'..='5').contains(&c)),
        satisfy(|c| ('0'..='5').contains(&c)),
        satisfy(|c| c.is_ascii_digit()),
    )
        .parse(input)?;
    let digit = |c: char| c as u16 - u16::from(b'0');
    Ok((rest, ReplyCode(digit(a) * 100 + digit(b) * 10 + digit(c))))
}

/// `separator = "-" / SP` (the bare code, the third form, is the end of the line)
fn separator(input: &[u8]) -> ParseResult<'_, Separator> {
    alt((
        value(Separator::Continue, char('-')),
        value(Separator::Last, char(' ')),
    ))
    .parse(input)
}

/// `textstring = 1*(%d09 / %d32-126)`, widened to UTF-8 (RFC 6531 §3.7.4.1), and allowed empty
/// (`250 ` and `250-` are read as lines with empty text).
///
/// Returns the text when the body is complete, `None` when it is a valid start of a text, or the
/// position of the first byte that cannot be text.
#[inline]
fn textstring(input: &[u8], complete: bool) -> Result<Option<&str>, usize> {
    // Branch-free over the whole text so that it vectorizes; the position is looked for only
    // when something is wrong.
    let bad = input.iter().fold(false, |bad, &b| {
        bad | ((b < b' ' && b != b'\t') | (b == 0x7f))
    });
    let text = if bad {
        let at = input
            .iter()
            .position(|&b| (b < b' ' && b != b'\t') || b == 0x7f)
            .unwrap_or(input.len());
        // Check the UTF-8 before the control character first, so the error is the first bad byte.
        if let Err(e) = std::str::from_utf8(&input[..at]) {
            return Err(e.valid_up_to());
        }
        return Err(at);
    } else {
        input
    };
    match std::str::from_utf8(text) {
        Ok(text) if complete => Ok(Some(text)),
        Ok(_) => Ok(None),
        // A sequence cut by the end of a partial line may still be completed by the next read.
        Err(e) if !complete && e.error_len().is_none() => Ok(None),
        Err(e) => Err(e.valid_up_to()),
    }
}
