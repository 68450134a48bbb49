//! SMTP replies (RFC 5321 §4.2): the three-digit code, one or more lines of text, and the
//! enhanced status code (RFC 2034) that each line may start with.
//!
//! ```text
//! Reply-line = *( Reply-code "-" [ textstring ] CRLF )
//!              Reply-code [ SP textstring ] CRLF
//! Reply-code = %x32-35 %x30-35 %x30-39
//! textstring = 1*(%d09 / %d32-126)     ; widened to UTF-8 by RFC 6531
//! ```
//!
//! Parsing is streaming and zero-copy: [`parse_reply`] reads one reply from the start of a buffer
//! and says [`ReplyError::Incomplete`] when the buffer ends inside it, whatever the split; the
//! [`Reply`] it returns borrows its text from the buffer until [`Reply::into_owned`]. A reply
//! writes back ([`Reply::write_to`]) to exactly the bytes it was read from. [`ReplyReader`] keeps
//! the buffer for a caller that reads from a socket, and consumes an over-long line to its end
//! instead of buffering it. [`ReplyBuilder`] makes replies for servers, folding long text.
//!
//! ```
//! use smtp_core::reply::{parse_reply, ReplyConfig};
//!
//! let input = b"550-5.1.1 The email account that you tried to reach does not exist.\r\n\
//!               550 5.1.1 https://support.google.com/mail/?p=NoSuchUser x1 - gsmtp\r\n";
//! let (reply, rest) = parse_reply(input, &ReplyConfig::default()).unwrap();
//! assert!(rest.is_empty());
//! assert_eq!(reply.code().get(), 550);
//! assert_eq!(reply.status().unwrap().to_string(), "5.1.1");
//! assert_eq!(reply.lines()[1].message(), "https://support.google.com/mail/?p=NoSuchUser x1 - gsmtp");
//! assert_eq!(reply.to_bytes(), input);
//! ```

use std::borrow::Cow;
use std::fmt;

use crate::status::EnhancedStatus;

mod builder;
pub(crate) mod fast;
pub(crate) mod parse;
mod reader;
#[cfg(test)]
mod tests;

pub use builder::{BuildError, ReplyBuilder};
pub use parse::{ReplyConfig, ReplyError, StatusCheck, parse_reply};
pub use reader::ReplyReader;

/// A reply code: three digits, the first 2 to 5 and the second 0 to 5 (RFC 5321 §4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReplyCode(u16);

/// The number is not a reply code (RFC 5321 §4.2: `%x32-35 %x30-35 %x30-39`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidReplyCode(pub u16);

impl fmt::Display for InvalidReplyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is not a reply code (three digits, the first 2 to 5, the second 0 to 5)",
            self.0
        )
    }
}

impl std::error::Error for InvalidReplyCode {}

/// What the first digit of a reply code says (RFC 5321 §4.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReplyClass {
    /// `2yz`: the requested action has been completed.
    PositiveCompletion,
    /// `3yz`: accepted, the server waits for more (354 after DATA, 334 during AUTH).
    PositiveIntermediate,
    /// `4yz`: not accepted now; the same command may succeed later.
    TransientNegative,
    /// `5yz`: not accepted; do not repeat the same command.
    PermanentNegative,
}

impl ReplyCode {
    /// `220` service ready (the greeting).
    pub const SERVICE_READY: ReplyCode = ReplyCode(220);
    /// `221` closing the transmission channel.
    pub const CLOSING: ReplyCode = ReplyCode(221);
    /// `250` requested action completed.
    pub const OK: ReplyCode = ReplyCode(250);
    /// `354` start mail input.
    pub const START_MAIL_INPUT: ReplyCode = ReplyCode(354);
    /// `421` service not available, closing the channel.
    pub const SERVICE_NOT_AVAILABLE: ReplyCode = ReplyCode(421);
    /// `500` syntax error, command unrecognized (also: line too long).
    pub const SYNTAX_ERROR: ReplyCode = ReplyCode(500);
    /// `501` syntax error in parameters or arguments.
    pub const PARAMETER_SYNTAX_ERROR: ReplyCode = ReplyCode(501);
    /// `550` mailbox unavailable.
    pub const MAILBOX_UNAVAILABLE: ReplyCode = ReplyCode(550);

    /// A reply code from its number, if it is one.
    pub const fn new(code: u16) -> Result<Self, InvalidReplyCode> {
        let (first, second) = (code / 100, code / 10 % 10);
        if first >= 2 && first <= 5 && second <= 5 {
            Ok(ReplyCode(code))
        } else {
            Err(InvalidReplyCode(code))
        }
    }

    /// Reads the three digits of a code.
    pub const fn from_digits(digits: [u8; 3]) -> Option<Self> {
        let [a, b, c] = digits;
        if matches!(a, b'2'..=b'5') && matches!(b, b'0'..=b'5') && c.is_ascii_digit() {
            Some(ReplyCode(
                (a - b'0') as u16 * 100 + (b - b'0') as u16 * 10 + (c - b'0') as u16,
            ))
        } else {
            None
        }
    }

    /// The number, 200 to 559.
    pub const fn get(self) -> u16 {
        self.0
    }

    /// What the first digit says.
    pub const fn class(self) -> ReplyClass {
        match self.0 / 100 {
            2 => ReplyClass::PositiveCompletion,
            3 => ReplyClass::PositiveIntermediate,
            4 => ReplyClass::TransientNegative,
            _ => ReplyClass::PermanentNegative,
        }
    }

    /// The three ASCII digits.
    pub const fn digits(self) -> [u8; 3] {
        [
            b'0' + (self.0 / 100) as u8,
            b'0' + (self.0 / 10 % 10) as u8,
            b'0' + (self.0 % 10) as u8,
        ]
    }
}

impl fmt::Display for ReplyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl TryFrom<u16> for ReplyCode {
    type Error = InvalidReplyCode;

    fn try_from(code: u16) -> Result<Self, Self::Error> {
        Self::new(code)
    }
}

/// One line of a reply, without its code, separator and CRLF.
///
/// The text is `None` only for a last line written as the bare code (`250` CRLF); `250 ` CRLF and
/// `250-` CRLF have the empty text. The enhanced status code is read from the start of the text
/// when it is followed by a space or ends the text (`250 2.1.5 Ok`, `250 2.0.0`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReplyLine<'a> {
    text: Option<Cow<'a, str>>,
    status: Option<EnhancedStatus>,
    /// Length of the status code and the space after it, when there is a status.
    status_len: u8,
}

impl<'a> ReplyLine<'a> {
    /// A line with the given text (already checked to be a textstring by the caller).
    #[inline]
    pub(crate) fn from_text(text: Option<Cow<'a, str>>) -> Self {
        let (status, status_len) = match text.as_deref().and_then(line_status) {
            Some((status, len)) => (Some(status), len),
            None => (None, 0),
        };
        ReplyLine {
            text,
            status,
            status_len,
        }
    }

    /// The whole text after the separator, status code included; `None` for a bare `250`.
    pub fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }

    /// Takes the text out of the line.
    pub(crate) fn into_text(self) -> Option<Cow<'a, str>> {
        self.text
    }

    /// The text as stored, to borrow from for the reply's lifetime.
    pub(crate) fn text_cow(&self) -> Option<&Cow<'a, str>> {
        self.text.as_ref()
    }

    /// The enhanced status code the text starts with, if any.
    pub fn status(&self) -> Option<EnhancedStatus> {
        self.status
    }

    /// The text after the enhanced status code (and the space after it).
    pub fn message(&self) -> &str {
        self.text
            .as_deref()
            .map_or("", |t| &t[usize::from(self.status_len)..])
    }

    /// The same line owning its text.
    pub fn into_owned(self) -> ReplyLine<'static> {
        ReplyLine {
            text: self.text.map(|t| Cow::Owned(t.into_owned())),
            status: self.status,
            status_len: self.status_len,
        }
    }
}

/// An enhanced status code at the start of a text, with the length it takes including the one
/// space after it; the code must end the text or be followed by a space (RFC 2034 §4).
#[inline]
fn line_status(text: &str) -> Option<(EnhancedStatus, u8)> {
    // Most lines that have no status fail here, before the full parse.
    if text.as_bytes().get(1) != Some(&b'.') {
        return None;
    }
    let (status, len) = EnhancedStatus::parse_prefix(text.as_bytes())?;
    match text.as_bytes().get(len) {
        None => Some((status, len as u8)),
        Some(b' ') => Some((status, len as u8 + 1)),
        Some(_) => None,
    }
}

/// A whole reply: a code and one or more lines.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reply<'a> {
    code: ReplyCode,
    lines: Vec<ReplyLine<'a>>,
}

impl<'a> Reply<'a> {
    /// A reply from its parts; `lines` must not be empty, and a text of `None` is allowed only
    /// on the last line (elsewhere it is written as an empty continuation line, `250-`).
    pub(crate) fn from_parts(code: ReplyCode, lines: Vec<ReplyLine<'a>>) -> Self {
        debug_assert!(!lines.is_empty());
        Reply { code, lines }
    }

    /// The reply code, the same on every line.
    pub fn code(&self) -> ReplyCode {
        self.code
    }

    /// The lines, in order; never empty.
    pub fn lines(&self) -> &[ReplyLine<'a>] {
        &self.lines
    }

    /// Whether the reply has more than one line.
    pub fn is_multiline(&self) -> bool {
        self.lines.len() > 1
    }

    /// The enhanced status code of the reply: that of the first line that has one.
    pub fn status(&self) -> Option<EnhancedStatus> {
        self.lines.iter().find_map(ReplyLine::status)
    }

    /// The first line whose enhanced status code disagrees with the reply code's class
    /// (`250 5.1.1`), with its index. [`parse_reply`] rejects such a reply unless configured
    /// with [`StatusCheck::Report`], which keeps it and leaves the check to this method.
    pub fn mismatched_status(&self) -> Option<(usize, EnhancedStatus)> {
        self.lines.iter().enumerate().find_map(|(i, line)| {
            line.status
                .filter(|s| !s.agrees_with_reply_code(self.code.get()))
                .map(|s| (i, s))
        })
    }

    /// The messages of all lines (text after the status code) joined by a space, as a client
    /// would log them.
    pub fn message(&self) -> String {
        let mut out = String::new();
        for (i, line) in self.lines.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(line.message());
        }
        out
    }

    /// Writes the reply in wire form: each line as code, `-` (or a space on the last line),
    /// text and CRLF; a last line without text as the bare code.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        let digits = self.code.digits();
        let last = self.lines.len() - 1;
        for (i, line) in self.lines.iter().enumerate() {
            out.extend_from_slice(&digits);
            match (&line.text, i == last) {
                (None, true) => {}
                (None, false) => out.push(b'-'),
                (Some(text), is_last) => {
                    out.push(if is_last { b' ' } else { b'-' });
                    out.extend_from_slice(text.as_bytes());
                }
            }
            out.extend_from_slice(b"\r\n");
        }
    }

    /// The reply in wire form.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_to(&mut out);
        out
    }

    /// The same reply owning its text.
    pub fn into_owned(self) -> Reply<'static> {
        Reply {
            code: self.code,
            lines: self.lines.into_iter().map(ReplyLine::into_owned).collect(),
        }
    }
}

impl fmt::Display for Reply<'_> {
    /// The wire form without the last CRLF, lines joined by CRLF.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.to_bytes();
        let text = String::from_utf8_lossy(&bytes[..bytes.len() - 2]);
        f.write_str(&text)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Reply<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Reply", 3)?;
        s.serialize_field("code", &self.code.get())?;
        s.serialize_field("status", &self.status())?;
        let lines: Vec<Option<&str>> = self.lines.iter().map(ReplyLine::text).collect();
        s.serialize_field("lines", &lines)?;
        s.end()
    }
}
