//! Making replies: code, optional enhanced status code, text folded to the line limit.

use std::borrow::Cow;
use std::fmt;

use super::{Reply, ReplyCode, ReplyLine};
use crate::status::EnhancedStatus;

/// Builds a reply as a server sends it.
///
/// Each [`text`](Self::text) starts a new line; a text too long for one line is folded at spaces
/// into several, each repeating the code and the enhanced status code, as Gmail and Postfix do
/// (`550-5.1.1 …` / `550 5.1.1 …`). A word longer than a whole line is cut.
///
/// ```
/// use smtp_core::reply::{ReplyBuilder, ReplyCode};
/// use smtp_core::status::EnhancedStatus;
///
/// let reply = ReplyBuilder::new(ReplyCode::MAILBOX_UNAVAILABLE)
///     .status("5.1.1".parse().unwrap())
///     .text("The email account that you tried to reach does not exist.")
///     .max_line_len(40)
///     .build()
///     .unwrap();
/// assert_eq!(
///     reply.to_bytes(),
///     b"550-5.1.1 The email account that you\r\n\
///       550-5.1.1 tried to reach does not\r\n\
///       550 5.1.1 exist.\r\n"
/// );
/// ```
#[derive(Debug, Clone)]
pub struct ReplyBuilder<'a> {
    code: ReplyCode,
    status: Option<EnhancedStatus>,
    texts: Vec<Cow<'a, str>>,
    max_line_len: usize,
}

/// Why a reply cannot be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// A text holds a control character (CR, LF, …) other than HT.
    InvalidText {
        /// Which text, in the order given.
        text: usize,
        /// The byte offset of the character in that text.
        offset: usize,
    },
    /// The enhanced status code's class disagrees with the reply code (RFC 3463 §2).
    StatusMismatch,
    /// The line limit leaves no room for text after the code and status.
    LimitTooSmall,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::InvalidText { text, offset } => {
                write!(f, "control character in reply text {text} at {offset}")
            }
            BuildError::StatusMismatch => {
                f.write_str("enhanced status class disagrees with the reply code")
            }
            BuildError::LimitTooSmall => f.write_str("line limit leaves no room for text"),
        }
    }
}

impl std::error::Error for BuildError {}

impl<'a> ReplyBuilder<'a> {
    /// A reply with this code, no status, no text, and the 512-octet line limit of RFC 5321
    /// §4.5.3.1.5.
    pub fn new(code: ReplyCode) -> Self {
        ReplyBuilder {
            code,
            status: None,
            texts: Vec::new(),
            max_line_len: 512,
        }
    }

    /// Puts this enhanced status code at the start of every line.
    pub fn status(mut self, status: EnhancedStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Adds a text, starting on a new line and folded as needed.
    pub fn text(mut self, text: impl Into<Cow<'a, str>>) -> Self {
        self.texts.push(text.into());
        self
    }

    /// Adds texts, each starting on a new line.
    pub fn lines<I, T>(mut self, lines: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<Cow<'a, str>>,
    {
        self.texts.extend(lines.into_iter().map(Into::into));
        self
    }

    /// The longest line to write, CRLF included.
    pub fn max_line_len(mut self, max: usize) -> Self {
        self.max_line_len = max;
        self
    }

    /// The reply.
    pub fn build(&self) -> Result<Reply<'static>, BuildError> {
        if let Some(status) = self.status
            && !status.agrees_with_reply_code(self.code.get())
        {
            return Err(BuildError::StatusMismatch);
        }
        let prefix = self.status.map(|s| format!("{s} ")).unwrap_or_default();
        // code + separator + status + CRLF
        let room = self
            .max_line_len
            .checked_sub(4 + prefix.len() + 2)
            .filter(|room| *room > 0)
            .ok_or(BuildError::LimitTooSmall)?;
        let mut lines = Vec::new();
        for (index, text) in self.texts.iter().enumerate() {
            if let Some(offset) = text
                .bytes()
                .position(|b| (b < b' ' && b != b'\t') || b == 0x7f)
            {
                return Err(BuildError::InvalidText {
                    text: index,
                    offset,
                });
            }
            for chunk in fold(text, room) {
                lines.push(ReplyLine::from_text(Some(Cow::Owned(format!(
                    "{prefix}{chunk}"
                )))));
            }
        }
        if lines.is_empty() {
            let text = self.status.map(|s| Cow::Owned(s.to_string()));
            lines.push(ReplyLine::from_text(text));
        }
        let reply = Reply::from_parts(self.code, lines);
        if reply.mismatched_status().is_some() {
            // The text itself starts with a status code of the wrong class.
            return Err(BuildError::StatusMismatch);
        }
        Ok(reply)
    }
}

/// Splits a text into pieces of at most `room` bytes, breaking at spaces (the space at a break
/// is dropped) and cutting, at a character boundary, a word longer than `room`.
fn fold(text: &str, room: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while rest.len() > room {
        // The last space at or before `room` ends the piece; the space itself is dropped.
        let cut = rest.as_bytes()[..=room]
            .iter()
            .rposition(|&b| b == b' ')
            .filter(|&at| at > 0);
        match cut {
            Some(at) => {
                pieces.push(&rest[..at]);
                rest = &rest[at + 1..];
            }
            None => {
                let mut at = room;
                while !rest.is_char_boundary(at) {
                    at -= 1;
                }
                if at == 0 {
                    // A character wider than the room: take it whole rather than loop.
                    at = rest.chars().next().map_or(rest.len(), char::len_utf8);
                }
                pieces.push(&rest[..at]);
                rest = &rest[at..];
            }
        }
    }
    pieces.push(rest);
    pieces
}
