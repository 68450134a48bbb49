//! SMTP commands (RFC 5321 §4.1.1 and the extensions), parsed from bytes and written back.
//!
//! [`parse_command`] takes the bytes received so far and answers with [`Decoded`]: a command and
//! the bytes it took, an error (with its reply and the bytes to skip), or "need more". The verb is
//! dispatched by a byte match, the line end found with memchr; nothing is allocated unless a
//! command carries parameters this crate does not know. For a connection, [`CommandDecoder`] adds
//! the bounded line buffer of [`crate::framing`].
//!
//! ```
//! use smtp_core::command::{parse_command, Command, CommandConfig, Decoded};
//!
//! let config = CommandConfig::default();
//! let Decoded::Complete { value, consumed } =
//!     parse_command(b"MAIL FROM:<a@b.example> SIZE=1000 BODY=8BITMIME\r\n", &config)
//! else {
//!     panic!("not parsed")
//! };
//! assert_eq!(consumed, 49);
//! let Command::Mail(mail) = &value.command else { panic!("not MAIL") };
//! assert_eq!(mail.params.size(), Some(1000));
//! let mut out = Vec::new();
//! value.command.write_to(&mut out);
//! assert_eq!(out, b"MAIL FROM:<a@b.example> SIZE=1000 BODY=8BITMIME\r\n");
//! ```

mod decoder;
mod parse;
mod types;

pub use decoder::CommandDecoder;
pub use parse::parse_command;
pub use types::{
    Attributes, Auth, EtrnNode, HeloName, InitialResponse, Mechanism, Secret, Text, Unknown,
};

use std::borrow::Cow;

use crate::address::{ForwardPath, ReversePath};
use crate::error::ParseError;
use crate::params::{MailParams, RcptParams};

/// Limits and strictness of the command parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandConfig {
    /// Accept what real clients send beyond the grammar (a space after `FROM:`, a path without
    /// angle brackets, trailing spaces, bare LF line ends, non-ASCII without SMTPUTF8, a HELO
    /// name outside the grammar), reporting
    /// each as a [`Deviation`]. Default: strict.
    pub lenient: bool,
    /// Longest command line in octets, CRLF included. Default 512: RFC 5321 §4.5.3.1.4.
    pub line_limit: usize,
    /// Whether the session already has SMTPUTF8 in force (the client sent `MAIL ... SMTPUTF8`
    /// for this transaction), so that RCPT may carry non-ASCII addresses. MAIL checks its own
    /// `SMTPUTF8` parameter. Default: false.
    pub smtputf8: bool,
}

impl Default for CommandConfig {
    fn default() -> Self {
        CommandConfig {
            lenient: false,
            line_limit: 512,
            smtputf8: false,
        }
    }
}

impl CommandConfig {
    /// The default limits, in lenient mode.
    pub fn lenient() -> Self {
        CommandConfig {
            lenient: true,
            ..CommandConfig::default()
        }
    }
}

/// A departure from the grammar that lenient mode tolerated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[repr(u8)]
pub enum Deviation {
    /// `MAIL FROM: <a@b>`: a space after the colon.
    SpaceAfterColon = 0,
    /// `MAIL FROM:a@b`: a path without angle brackets.
    MissingAngleBrackets = 1,
    /// Spaces before the line end.
    TrailingSpace = 2,
    /// A line ending in LF without CR.
    BareLineFeed = 3,
    /// A non-ASCII address or parameter without SMTPUTF8.
    NonAsciiWithoutSmtputf8 = 4,
    /// `HELO bad_host`: a HELO/EHLO/LHLO name that is neither a domain nor an address literal.
    InvalidHeloName = 5,
}

impl Deviation {
    const ALL: [Deviation; 6] = [
        Deviation::SpaceAfterColon,
        Deviation::MissingAngleBrackets,
        Deviation::TrailingSpace,
        Deviation::BareLineFeed,
        Deviation::NonAsciiWithoutSmtputf8,
        Deviation::InvalidHeloName,
    ];
}

/// The set of [`Deviation`]s seen on one line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Deviations(u8);

impl Deviations {
    /// Adds a deviation.
    pub fn insert(&mut self, d: Deviation) {
        self.0 |= 1 << d as u8;
    }

    /// Whether `d` was seen.
    pub fn contains(self, d: Deviation) -> bool {
        self.0 & (1 << d as u8) != 0
    }

    /// Whether the line followed the grammar.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The deviations seen, in declaration order.
    pub fn iter(self) -> impl Iterator<Item = Deviation> {
        Deviation::ALL
            .into_iter()
            .filter(move |d| self.contains(*d))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Deviations {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// A parsed command line: the command and what lenient mode tolerated in it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Parsed<'a> {
    /// The command.
    pub command: Command<'a>,
    /// Deviations from the grammar (always empty in strict mode).
    pub deviations: Deviations,
}

/// The answer of [`parse_command`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded<T> {
    /// No complete line yet (and the limit not reached): read more and call again with all the
    /// bytes not yet consumed.
    Incomplete,
    /// A value, and the number of bytes it took (its line end included).
    Complete {
        /// The value.
        value: T,
        /// Bytes taken from the input.
        consumed: usize,
    },
    /// A rejected line, and the number of bytes to skip. For [`crate::ErrorKind::LineTooLong`]
    /// with no line end in sight, `consumed` is all the input and the rest of the line is still
    /// to be discarded; [`CommandDecoder`] does that.
    Invalid {
        /// What was wrong; `error.reply()` is the reply to send.
        error: ParseError,
        /// Bytes to skip.
        consumed: usize,
    },
}

/// `MAIL FROM:<reverse-path> [parameters]`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Mail<'a> {
    /// The sender, or the null path.
    pub from: ReversePath<'a>,
    /// The parameters.
    pub params: MailParams<'a>,
}

/// `RCPT TO:<forward-path> [parameters]`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Rcpt<'a> {
    /// The recipient.
    pub to: ForwardPath<'a>,
    /// The parameters.
    pub params: RcptParams<'a>,
}

/// An SMTP command.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(
    feature = "serde",
    serde(tag = "verb", content = "args", rename_all = "UPPERCASE")
)]
pub enum Command<'a> {
    /// `HELO SP Domain` (RFC 5321; an address literal is accepted as real clients send one;
    /// lenient mode takes any text, see [`HeloName`]).
    Helo(HeloName<'a>),
    /// `EHLO SP ( Domain / address-literal )`.
    Ehlo(HeloName<'a>),
    /// `LHLO SP ( Domain / address-literal )` (RFC 2033).
    Lhlo(HeloName<'a>),
    /// `MAIL FROM:`.
    Mail(Mail<'a>),
    /// `RCPT TO:`.
    Rcpt(Rcpt<'a>),
    /// `DATA`.
    Data,
    /// `BDAT SP chunk-size [SP end-marker]` (RFC 3030).
    Bdat {
        /// Octets in the chunk.
        size: u64,
        /// `LAST`: the final chunk.
        last: bool,
    },
    /// `RSET`.
    Rset,
    /// `NOOP [SP String]`.
    Noop(Option<Text<'a>>),
    /// `QUIT`.
    Quit,
    /// `VRFY SP String`.
    Vrfy(Text<'a>),
    /// `EXPN SP String`.
    Expn(Text<'a>),
    /// `HELP [SP String]`.
    Help(Option<Text<'a>>),
    /// `STARTTLS` (RFC 3207).
    StartTls,
    /// `AUTH SP mechanism [SP initial-response]` (RFC 4954).
    Auth(Auth<'a>),
    /// `ETRN SP [ "@" / "#" ] node` (RFC 1985).
    Etrn(EtrnNode<'a>),
    /// `XCLIENT SP attribute=value ...` (Postfix).
    Xclient(Attributes<'a>),
    /// `XFORWARD SP attribute=value ...` (Postfix).
    Xforward(Attributes<'a>),
    /// A verb this crate does not know, passed through.
    Unknown(Unknown<'a>),
}

impl Command<'_> {
    /// The verb, upper case (for an unknown verb, as written).
    pub fn verb(&self) -> Cow<'_, str> {
        Cow::Borrowed(match self {
            Command::Helo(_) => "HELO",
            Command::Ehlo(_) => "EHLO",
            Command::Lhlo(_) => "LHLO",
            Command::Mail(_) => "MAIL",
            Command::Rcpt(_) => "RCPT",
            Command::Data => "DATA",
            Command::Bdat { .. } => "BDAT",
            Command::Rset => "RSET",
            Command::Noop(_) => "NOOP",
            Command::Quit => "QUIT",
            Command::Vrfy(_) => "VRFY",
            Command::Expn(_) => "EXPN",
            Command::Help(_) => "HELP",
            Command::StartTls => "STARTTLS",
            Command::Auth(_) => "AUTH",
            Command::Etrn(_) => "ETRN",
            Command::Xclient(_) => "XCLIENT",
            Command::Xforward(_) => "XFORWARD",
            Command::Unknown(u) => return Cow::Borrowed(u.verb()),
        })
    }

    /// Detaches the command from the input it borrows.
    pub fn into_owned(self) -> Command<'static> {
        match self {
            Command::Helo(h) => Command::Helo(h.into_owned()),
            Command::Ehlo(h) => Command::Ehlo(h.into_owned()),
            Command::Lhlo(h) => Command::Lhlo(h.into_owned()),
            Command::Mail(m) => Command::Mail(Mail {
                from: m.from.into_owned(),
                params: m.params.into_owned(),
            }),
            Command::Rcpt(r) => Command::Rcpt(Rcpt {
                to: r.to.into_owned(),
                params: r.params.into_owned(),
            }),
            Command::Data => Command::Data,
            Command::Bdat { size, last } => Command::Bdat { size, last },
            Command::Rset => Command::Rset,
            Command::Noop(t) => Command::Noop(t.map(Text::into_owned)),
            Command::Quit => Command::Quit,
            Command::Vrfy(t) => Command::Vrfy(t.into_owned()),
            Command::Expn(t) => Command::Expn(t.into_owned()),
            Command::Help(t) => Command::Help(t.map(Text::into_owned)),
            Command::StartTls => Command::StartTls,
            Command::Auth(a) => Command::Auth(a.into_owned()),
            Command::Etrn(e) => Command::Etrn(e.into_owned()),
            Command::Xclient(a) => Command::Xclient(a.into_owned()),
            Command::Xforward(a) => Command::Xforward(a.into_owned()),
            Command::Unknown(u) => Command::Unknown(u.into_owned()),
        }
    }

    /// Writes the command line, `CRLF` included.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.verb().as_bytes());
        match self {
            Command::Helo(h) | Command::Ehlo(h) | Command::Lhlo(h) => {
                out.push(b' ');
                h.write_to(out);
            }
            Command::Mail(m) => {
                out.extend_from_slice(b" FROM:");
                m.from.write_to(out);
                m.params.write_to(out);
            }
            Command::Rcpt(r) => {
                out.extend_from_slice(b" TO:");
                r.to.write_to(out);
                r.params.write_to(out);
            }
            Command::Data | Command::Rset | Command::Quit | Command::StartTls => {}
            Command::Bdat { size, last } => {
                out.push(b' ');
                out.extend_from_slice(size.to_string().as_bytes());
                if *last {
                    out.extend_from_slice(b" LAST");
                }
            }
            Command::Noop(t) | Command::Help(t) => {
                if let Some(t) = t {
                    out.push(b' ');
                    t.write_to(out);
                }
            }
            Command::Vrfy(t) | Command::Expn(t) => {
                out.push(b' ');
                t.write_to(out);
            }
            Command::Auth(a) => a.write_args(out),
            Command::Etrn(e) => {
                out.push(b' ');
                e.write_to(out);
            }
            Command::Xclient(a) | Command::Xforward(a) => {
                out.push(b' ');
                a.write_to(out);
            }
            Command::Unknown(u) => u.write_args(out),
        }
        out.extend_from_slice(b"\r\n");
    }

    /// The command line as bytes, `CRLF` included.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_to(&mut out);
        out
    }
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
