//! The reply to EHLO (RFC 5321 §4.1.1.1): the server's domain and the service extensions it
//! offers.
//!
//! ```text
//! ehlo-ok-rsp  = ( "250" SP Domain [ SP ehlo-greet ] CRLF )
//!              / ( "250" "-" Domain [ SP ehlo-greet ] CRLF
//!                 *( "250" "-" ehlo-line CRLF )
//!                 "250" SP ehlo-line CRLF )
//! ehlo-line    = ehlo-keyword *( SP ehlo-param )
//! ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
//! ehlo-param   = 1*(%d33-126)
//! ```
//!
//! Keywords are matched without regard to case and exactly: `STARTTLSX` is an unknown keyword,
//! never STARTTLS. A known keyword whose parameters do not fit its grammar (`SIZE big`,
//! `STARTTLS now`) is kept as [`Capability::Other`] rather than guessed at, so a client never acts
//! on an extension the server did not clearly offer. The old `AUTH=LOGIN PLAIN` form (sent for
//! clients predating RFC 2554) is read as [`Capability::Auth`] with `legacy_form` set.
//!
//! ```
//! use smtp_core::ehlo::{Capability, EhloResponse};
//! use smtp_core::reply::ReplyConfig;
//!
//! let input = b"250-mx.example.net at your service\r\n250-SIZE 35882577\r\n\
//!               250-8BITMIME\r\n250-AUTH LOGIN PLAIN\r\n250 STARTTLS\r\n";
//! let (ehlo, _) = EhloResponse::parse(input, &ReplyConfig::default()).unwrap();
//! assert_eq!(ehlo.domain(), "mx.example.net");
//! assert_eq!(ehlo.size(), Some(Some(35882577)));
//! assert!(ehlo.has(&Capability::StartTls));
//! assert_eq!(ehlo.to_reply().unwrap().to_bytes(), input);
//! ```

use std::borrow::Cow;
use std::fmt;

use crate::reply::fast::{self, Framed};
use crate::reply::parse::LineCursor;
use crate::reply::{BuildError, Reply, ReplyBuilder, ReplyCode, ReplyConfig, ReplyError};
use crate::syntax::eq_folded;

#[cfg(test)]
mod tests;

/// A service extension offered in the EHLO reply.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Capability<'a> {
    // The variants that own nothing come first: dropping a capability is then one compare.
    /// `SIZE [max]` (RFC 1870): the largest message accepted, if the server says.
    Size(Option<u64>),
    /// `8BITMIME` (RFC 6152).
    EightBitMime,
    /// `SMTPUTF8` (RFC 6531).
    SmtpUtf8,
    /// `PIPELINING` (RFC 2920).
    Pipelining,
    /// `CHUNKING` (RFC 3030): the BDAT command.
    Chunking,
    /// `BINARYMIME` (RFC 3030).
    BinaryMime,
    /// `DSN` (RFC 3461).
    Dsn,
    /// `STARTTLS` (RFC 3207).
    StartTls,
    /// `ENHANCEDSTATUSCODES` (RFC 2034).
    EnhancedStatusCodes,
    /// `REQUIRETLS` (RFC 8689).
    RequireTls,
    /// `DELIVERBY [min-by-time]` (RFC 2852).
    DeliverBy(Option<u64>),
    /// `FUTURERELEASE max-future-release-interval max-future-release-date-time` (RFC 4865).
    /// `ETRN` (RFC 1985).
    Etrn,
    /// `VRFY` (RFC 5321).
    Vrfy,
    /// `EXPN` (RFC 5321).
    Expn,
    /// `HELP` (RFC 5321).
    Help,
    /// `AUTH mech…` (RFC 4954), or the old `AUTH=mech…` form when `legacy_form` is set.
    Auth {
        /// The SASL mechanisms, as written.
        mechanisms: Vec<Cow<'a, str>>,
        /// Written `AUTH=…` rather than `AUTH …`.
        legacy_form: bool,
    },
    /// `MT-PRIORITY [profile]` (RFC 6710), e.g. `MIXER`, `STANAG4406`, `NSEP`.
    MtPriority(Option<Cow<'a, str>>),
    /// Boxed: the extension is rare, and the box keeps every capability small.
    FutureRelease(Box<ReleaseLimits<'a>>),
    /// `XCLIENT attr…` (Postfix): the attributes the client may set.
    Xclient(Vec<Cow<'a, str>>),
    /// `XFORWARD attr…` (Postfix): the attributes the client may forward.
    Xforward(Vec<Cow<'a, str>>),
    /// Any other line, or a known keyword with parameters that do not fit it, as written.
    Other(Extension<'a>),
}

/// The limits of `FUTURERELEASE` (RFC 4865).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReleaseLimits<'a> {
    /// The longest HOLDFOR accepted, in seconds.
    pub max_interval: u64,
    /// The latest HOLDUNTIL accepted, as written (RFC 3339 date-time).
    pub max_datetime: Cow<'a, str>,
}

/// A capability line kept as written ([`Capability::Other`]): one text, split into keyword and
/// parameters on access, so that a capability stays small (32 bytes) to store and copy.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Extension<'a> {
    line: Cow<'a, str>,
}

impl<'a> Extension<'a> {
    /// The line `keyword [SP params]`. A `keyword` that holds a space is read back up to it.
    pub fn new(keyword: impl Into<Cow<'a, str>>, params: Option<&str>) -> Self {
        let keyword = keyword.into();
        let line = match params {
            None => keyword,
            Some(p) => Cow::Owned(format!("{keyword} {p}")),
        };
        Extension { line }
    }

    /// The whole line as written.
    pub fn line(&self) -> &str {
        &self.line
    }

    /// The first word of the line.
    pub fn keyword(&self) -> &str {
        split_at_space(&self.line).0
    }

    /// Everything after the first space, if there is one.
    pub fn params(&self) -> Option<&str> {
        split_at_space(&self.line).1
    }

    /// The same line owning its text.
    pub fn into_owned(self) -> Extension<'static> {
        Extension {
            line: Cow::Owned(self.line.into_owned()),
        }
    }
}

impl<'a> Capability<'a> {
    /// Reads one capability line (`ehlo-line`). A keyword alone is the common case, read here;
    /// the rest in [`parse_general`](Self::parse_general).
    #[inline]
    fn parse(line: &'a str) -> Self {
        let (keyword, params) = split_at_space(line);
        if params.is_none() {
            let kw = keyword.as_bytes();
            let is = |name: &[u8]| eq_folded(kw, name);
            let first = kw.first().map_or(0, u8::to_ascii_uppercase);
            let bare = match (kw.len(), first) {
                (8, b'8') if is(b"8BITMIME") => Some(Capability::EightBitMime),
                (8, b'S') if is(b"SMTPUTF8") => Some(Capability::SmtpUtf8),
                (10, b'P') if is(b"PIPELINING") => Some(Capability::Pipelining),
                (8, b'C') if is(b"CHUNKING") => Some(Capability::Chunking),
                (10, b'B') if is(b"BINARYMIME") => Some(Capability::BinaryMime),
                (3, b'D') if is(b"DSN") => Some(Capability::Dsn),
                (8, b'S') if is(b"STARTTLS") => Some(Capability::StartTls),
                (19, b'E') if is(b"ENHANCEDSTATUSCODES") => Some(Capability::EnhancedStatusCodes),
                (10, b'R') if is(b"REQUIRETLS") => Some(Capability::RequireTls),
                _ => None,
            };
            if let Some(capability) = bare {
                return capability;
            }
        } else if let Some(p) = params
            && eq_folded(keyword.as_bytes(), b"SIZE")
            && let Some(n) = short_number(p)
        {
            // `SIZE limit`, offered by nearly every server: its number read without the
            // general parse's word split.
            return Capability::Size(Some(n));
        }
        Self::parse_general(line, keyword, params)
    }

    /// Reads a capability line split at its first space.
    #[inline(never)]
    fn parse_general(line: &'a str, keyword: &'a str, params: Option<&'a str>) -> Self {
        let other = || {
            Capability::Other(Extension {
                line: Cow::Borrowed(line),
            })
        };
        let words = || {
            params
                .into_iter()
                .flat_map(|p| p.split(' '))
                .filter(|w| !w.is_empty())
        };
        let list = || words().map(Cow::Borrowed).collect::<Vec<_>>();
        if keyword.len() >= 5 && keyword.as_bytes()[..5].eq_ignore_ascii_case(b"AUTH=") {
            let first = Some(&keyword[5..]).filter(|m| !m.is_empty());
            return Capability::Auth {
                mechanisms: first
                    .into_iter()
                    .chain(words())
                    .map(Cow::Borrowed)
                    .collect(),
                legacy_form: true,
            };
        }
        let bare = |cap: Capability<'a>| if params.is_none() { cap } else { other() };
        // 1*DIGIT that fits in a u64.
        let number = |w: &str| -> Option<u64> {
            if w.is_empty() {
                return None;
            }
            w.bytes().try_fold(0u64, |n, b| {
                let digit = b.wrapping_sub(b'0');
                if digit > 9 {
                    return None;
                }
                n.checked_mul(10)?.checked_add(u64::from(digit))
            })
        };
        let kw = keyword.as_bytes();
        let is = |name: &[u8]| eq_folded(kw, name);
        // By length and first letter, then the whole keyword without regard to case.
        let Some(first) = kw.first().map(u8::to_ascii_uppercase) else {
            return other();
        };
        match (kw.len(), first) {
            (4, b'S') if is(b"SIZE") => match params.map(exactly::<1>) {
                None => Capability::Size(None),
                Some(Some([n])) => number(n).map_or_else(other, |n| Capability::Size(Some(n))),
                _ => other(),
            },
            (4, b'A') if is(b"AUTH") => Capability::Auth {
                mechanisms: list(),
                legacy_form: false,
            },
            (8, b'8') if is(b"8BITMIME") => bare(Capability::EightBitMime),
            (8, b'S') if is(b"SMTPUTF8") => bare(Capability::SmtpUtf8),
            (10, b'P') if is(b"PIPELINING") => bare(Capability::Pipelining),
            (8, b'C') if is(b"CHUNKING") => bare(Capability::Chunking),
            (10, b'B') if is(b"BINARYMIME") => bare(Capability::BinaryMime),
            (3, b'D') if is(b"DSN") => bare(Capability::Dsn),
            (8, b'S') if is(b"STARTTLS") => bare(Capability::StartTls),
            (19, b'E') if is(b"ENHANCEDSTATUSCODES") => bare(Capability::EnhancedStatusCodes),
            (10, b'R') if is(b"REQUIRETLS") => bare(Capability::RequireTls),
            (4, b'E') if is(b"ETRN") => bare(Capability::Etrn),
            (4, b'V') if is(b"VRFY") => bare(Capability::Vrfy),
            (4, b'E') if is(b"EXPN") => bare(Capability::Expn),
            (4, b'H') if is(b"HELP") => bare(Capability::Help),
            (9, b'D') if is(b"DELIVERBY") => match params.map(exactly::<1>) {
                None => Capability::DeliverBy(None),
                Some(Some([n])) => number(n).map_or_else(other, |n| Capability::DeliverBy(Some(n))),
                _ => other(),
            },
            (11, b'M') if is(b"MT-PRIORITY") => match params.map(exactly::<1>) {
                None => Capability::MtPriority(None),
                Some(Some([profile])) => Capability::MtPriority(Some(Cow::Borrowed(profile))),
                _ => other(),
            },
            (13, b'F') if is(b"FUTURERELEASE") => match params.and_then(exactly::<2>) {
                Some([interval, datetime]) => number(interval).map_or_else(other, |max_interval| {
                    Capability::FutureRelease(Box::new(ReleaseLimits {
                        max_interval,
                        max_datetime: Cow::Borrowed(datetime),
                    }))
                }),
                _ => other(),
            },
            (7, b'X') if is(b"XCLIENT") => Capability::Xclient(list()),
            (8, b'X') if is(b"XFORWARD") => Capability::Xforward(list()),
            _ => other(),
        }
    }

    /// The same capability owning its text.
    pub fn into_owned(self) -> Capability<'static> {
        let own = |c: Cow<'a, str>| Cow::Owned(c.into_owned());
        let own_all = |v: Vec<Cow<'a, str>>| v.into_iter().map(own).collect();
        match self {
            Capability::Size(n) => Capability::Size(n),
            Capability::Auth {
                mechanisms,
                legacy_form,
            } => Capability::Auth {
                mechanisms: own_all(mechanisms),
                legacy_form,
            },
            Capability::EightBitMime => Capability::EightBitMime,
            Capability::SmtpUtf8 => Capability::SmtpUtf8,
            Capability::Pipelining => Capability::Pipelining,
            Capability::Chunking => Capability::Chunking,
            Capability::BinaryMime => Capability::BinaryMime,
            Capability::Dsn => Capability::Dsn,
            Capability::StartTls => Capability::StartTls,
            Capability::EnhancedStatusCodes => Capability::EnhancedStatusCodes,
            Capability::RequireTls => Capability::RequireTls,
            Capability::DeliverBy(n) => Capability::DeliverBy(n),
            Capability::MtPriority(p) => Capability::MtPriority(p.map(own)),
            Capability::FutureRelease(limits) => {
                Capability::FutureRelease(Box::new(ReleaseLimits {
                    max_interval: limits.max_interval,
                    max_datetime: own(limits.max_datetime),
                }))
            }
            Capability::Etrn => Capability::Etrn,
            Capability::Vrfy => Capability::Vrfy,
            Capability::Expn => Capability::Expn,
            Capability::Help => Capability::Help,
            Capability::Xclient(a) => Capability::Xclient(own_all(a)),
            Capability::Xforward(a) => Capability::Xforward(own_all(a)),
            Capability::Other(extension) => Capability::Other(extension.into_owned()),
        }
    }
}

impl fmt::Display for Capability<'_> {
    /// The capability line as a server writes it: keyword in upper case, parameters separated
    /// by one space; [`Capability::Other`] exactly as it was read.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, keyword: &str, items: &[Cow<'_, str>]| {
            f.write_str(keyword)?;
            items.iter().try_for_each(|i| write!(f, " {i}"))
        };
        match self {
            Capability::Size(None) => f.write_str("SIZE"),
            Capability::Size(Some(n)) => write!(f, "SIZE {n}"),
            Capability::Auth {
                mechanisms,
                legacy_form: false,
            } => list(f, "AUTH", mechanisms),
            Capability::Auth {
                mechanisms,
                legacy_form: true,
            } => {
                f.write_str("AUTH=")?;
                for (i, m) in mechanisms.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    f.write_str(m)?;
                }
                Ok(())
            }
            Capability::EightBitMime => f.write_str("8BITMIME"),
            Capability::SmtpUtf8 => f.write_str("SMTPUTF8"),
            Capability::Pipelining => f.write_str("PIPELINING"),
            Capability::Chunking => f.write_str("CHUNKING"),
            Capability::BinaryMime => f.write_str("BINARYMIME"),
            Capability::Dsn => f.write_str("DSN"),
            Capability::StartTls => f.write_str("STARTTLS"),
            Capability::EnhancedStatusCodes => f.write_str("ENHANCEDSTATUSCODES"),
            Capability::RequireTls => f.write_str("REQUIRETLS"),
            Capability::DeliverBy(None) => f.write_str("DELIVERBY"),
            Capability::DeliverBy(Some(n)) => write!(f, "DELIVERBY {n}"),
            Capability::MtPriority(None) => f.write_str("MT-PRIORITY"),
            Capability::MtPriority(Some(p)) => write!(f, "MT-PRIORITY {p}"),
            Capability::FutureRelease(limits) => write!(
                f,
                "FUTURERELEASE {} {}",
                limits.max_interval, limits.max_datetime
            ),
            Capability::Etrn => f.write_str("ETRN"),
            Capability::Vrfy => f.write_str("VRFY"),
            Capability::Expn => f.write_str("EXPN"),
            Capability::Help => f.write_str("HELP"),
            Capability::Xclient(attrs) => list(f, "XCLIENT", attrs),
            Capability::Xforward(attrs) => list(f, "XFORWARD", attrs),
            Capability::Other(extension) => f.write_str(extension.line()),
        }
    }
}

/// Why bytes or a reply are not an EHLO response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EhloError {
    /// The bytes are not a reply (or not yet a whole one: [`ReplyError::Incomplete`]).
    Reply(ReplyError),
    /// The reply is not 250: the server refused EHLO, and the caller should read the reply.
    NotOk {
        /// The reply code.
        code: ReplyCode,
    },
    /// The first line does not start with the server's domain.
    MissingDomain {
        /// Where the domain should be (after the code and separator).
        offset: usize,
    },
    /// A reply could not be written from the response.
    Build(BuildError),
}

impl fmt::Display for EhloError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EhloError::Reply(e) => write!(f, "EHLO response: {e}"),
            EhloError::NotOk { code } => write!(f, "EHLO refused with {code}"),
            EhloError::MissingDomain { offset } => {
                write!(f, "EHLO response has no domain at {offset}")
            }
            EhloError::Build(e) => write!(f, "EHLO response: {e}"),
        }
    }
}

impl std::error::Error for EhloError {}

impl From<ReplyError> for EhloError {
    fn from(e: ReplyError) -> Self {
        EhloError::Reply(e)
    }
}

/// A positive EHLO response: the domain the server names itself with, the rest of its first
/// line, and the capabilities in the order offered.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EhloResponse<'a> {
    domain: Cow<'a, str>,
    greeting: Option<Cow<'a, str>>,
    capabilities: Vec<Capability<'a>>,
}

impl<'a> EhloResponse<'a> {
    /// A response for a server to send: the domain, no greeting, no capabilities yet.
    pub fn new(domain: impl Into<Cow<'a, str>>) -> Self {
        EhloResponse {
            domain: domain.into(),
            greeting: None,
            capabilities: Vec::new(),
        }
    }

    /// Adds the text after the domain on the first line (`Hello client.example [192.0.2.1]`).
    pub fn with_greeting(mut self, greeting: impl Into<Cow<'a, str>>) -> Self {
        self.greeting = Some(greeting.into());
        self
    }

    /// Adds a capability line.
    pub fn with_capability(mut self, capability: Capability<'a>) -> Self {
        self.capabilities.push(capability);
        self
    }

    /// Reads an EHLO response from the start of `input`, returning it and the input after it.
    ///
    /// The whole reply is read (and its errors reported) before it is judged as an EHLO
    /// response, as [`parse_reply`](crate::reply::parse_reply) followed by [`from_reply`](Self::from_reply) would.
    pub fn parse(input: &'a [u8], config: &ReplyConfig) -> Result<(Self, &'a [u8]), EhloError> {
        if let Some(framed) = fast::frame(input, config)
            && let Some(ehlo) = Self::from_framed(&framed, config)
        {
            return Ok((ehlo, framed.rest()));
        }
        Self::parse_lines(input, config)
    }

    /// [`parse`](Self::parse) without the fast path: line by line, with the exact answer for
    /// partial input and every error.
    pub(crate) fn parse_lines(
        input: &'a [u8],
        config: &ReplyConfig,
    ) -> Result<(Self, &'a [u8]), EhloError> {
        let mut cursor = LineCursor::new(input, config);
        let (code, first, mut last) = cursor.next_line()?;
        let offset = if first.text().is_some() { 4 } else { 3 };
        // The cursor borrows every text from the input.
        let (domain, greeting) = match first.into_text() {
            Some(Cow::Borrowed(text)) => split_first_line(text),
            _ => ("", None),
        };
        let mut failed = if code != ReplyCode::OK {
            Some(EhloError::NotOk { code })
        } else if domain.is_empty() {
            Some(EhloError::MissingDomain { offset })
        } else {
            None
        };
        // Large servers offer about 15 extensions: one allocation in the common case.
        let mut capabilities = Vec::with_capacity(16);
        while !last {
            let (_, line, is_last) = cursor.next_line()?;
            last = is_last;
            if failed.is_none() {
                capabilities.push(match line.into_text() {
                    Some(Cow::Borrowed(text)) => Capability::parse(text),
                    Some(Cow::Owned(text)) => Capability::parse(&text).into_owned(),
                    None => Capability::parse(""),
                });
            }
        }
        if let Some(error) = failed.take() {
            return Err(error);
        }
        let ehlo = EhloResponse {
            domain: Cow::Borrowed(domain),
            greeting: greeting.map(Cow::Borrowed),
            capabilities,
        };
        Ok((ehlo, cursor.rest()))
    }

    /// The response in a framed reply; `None` when the reply is not a positive EHLO response or
    /// a line has a status of the wrong class, which the line-by-line path then reports.
    fn from_framed(framed: &Framed<'a>, config: &ReplyConfig) -> Option<Self> {
        if framed.code() != ReplyCode::OK {
            return None;
        }
        let (domain, greeting) = split_first_line(framed.checked_text(0, config)?);
        if domain.is_empty() {
            return None;
        }
        let mut capabilities = Vec::with_capacity(framed.count() - 1);
        for i in 1..framed.count() {
            capabilities.push(Capability::parse(framed.checked_text(i, config)?));
        }
        Some(EhloResponse {
            domain: Cow::Borrowed(domain),
            greeting: greeting.map(Cow::Borrowed),
            capabilities,
        })
    }

    /// Reads the capabilities of a parsed reply, borrowing its text where the reply borrows.
    pub fn from_reply(reply: &Reply<'a>) -> Result<Self, EhloError> {
        if reply.code() != ReplyCode::OK {
            return Err(EhloError::NotOk { code: reply.code() });
        }
        let mut lines = reply.lines().iter().map(|line| line.text_cow());
        let first = lines.next().flatten();
        let (domain, greeting) = match first.map(|t| borrow(t)) {
            Some(Text::Borrowed(text)) => {
                let (domain, greeting) = split_first_line(text);
                (Cow::Borrowed(domain), greeting.map(Cow::Borrowed))
            }
            Some(Text::Owned(text)) => {
                let (domain, greeting) = split_first_line(text);
                (
                    Cow::Owned(domain.to_owned()),
                    greeting.map(|g| Cow::Owned(g.to_owned())),
                )
            }
            None => ("".into(), None),
        };
        if domain.is_empty() {
            let offset = if first.is_some() { 4 } else { 3 };
            return Err(EhloError::MissingDomain { offset });
        }
        let capabilities = lines
            .map(|text| match text.map(|t| borrow(t)) {
                Some(Text::Borrowed(line)) => Capability::parse(line),
                Some(Text::Owned(line)) => Capability::parse(line).into_owned(),
                None => Capability::parse(""),
            })
            .collect();
        Ok(EhloResponse {
            domain,
            greeting,
            capabilities,
        })
    }

    /// The domain (or address literal) the server names itself with.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The rest of the first line after the domain.
    pub fn greeting(&self) -> Option<&str> {
        self.greeting.as_deref()
    }

    /// The capabilities, in the order offered.
    pub fn capabilities(&self) -> &[Capability<'a>] {
        &self.capabilities
    }

    /// Whether the server offers exactly this capability.
    pub fn has(&self, capability: &Capability<'_>) -> bool {
        self.capabilities.iter().any(|c| c == capability)
    }

    /// `Some(limit)` when SIZE is offered (`Some(None)` when without a limit).
    pub fn size(&self) -> Option<Option<u64>> {
        self.capabilities.iter().find_map(|c| match c {
            Capability::Size(n) => Some(*n),
            _ => None,
        })
    }

    /// The SASL mechanisms of every AUTH line, in order, without duplicates.
    pub fn auth_mechanisms(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for c in &self.capabilities {
            if let Capability::Auth { mechanisms, .. } = c {
                for m in mechanisms {
                    if !out.iter().any(|o| o.eq_ignore_ascii_case(m)) {
                        out.push(m);
                    }
                }
            }
        }
        out
    }

    /// The response as a 250 reply: the domain and greeting on the first line, then one line
    /// per capability. Lines are not folded.
    pub fn to_reply(&self) -> Result<Reply<'static>, EhloError> {
        if self.domain.is_empty() || self.domain.contains(' ') {
            return Err(EhloError::MissingDomain { offset: 4 });
        }
        let first = match &self.greeting {
            Some(g) => format!("{} {g}", self.domain),
            None => self.domain.to_string(),
        };
        ReplyBuilder::new(ReplyCode::OK)
            .text(first)
            .lines(self.capabilities.iter().map(|c| c.to_string()))
            .max_line_len(usize::MAX)
            .build()
            .map_err(EhloError::Build)
    }

    /// The same response owning its text.
    pub fn into_owned(self) -> EhloResponse<'static> {
        EhloResponse {
            domain: Cow::Owned(self.domain.into_owned()),
            greeting: self.greeting.map(|g| Cow::Owned(g.into_owned())),
            capabilities: self
                .capabilities
                .into_iter()
                .map(Capability::into_owned)
                .collect(),
        }
    }
}

/// The words of a parameter list (separated by one or more spaces), if there are exactly `N`.
fn exactly<const N: usize>(params: &str) -> Option<[&str; N]> {
    let mut rest = params;
    let mut out = [""; N];
    for slot in &mut out {
        let (word, after) = split_at_space(rest.trim_start_matches(' '));
        if word.is_empty() {
            return None;
        }
        *slot = word;
        rest = after.unwrap_or("");
    }
    rest.trim_start_matches(' ').is_empty().then_some(out)
}

/// `1*19DIGIT`: a number that cannot overflow a `u64`; anything else is left to the general
/// parse.
#[inline]
fn short_number(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 19 {
        return None;
    }
    text.bytes().try_fold(0u64, |n, b| {
        let digit = b.wrapping_sub(b'0');
        (digit <= 9).then(|| n * 10 + u64::from(digit))
    })
}

/// `Domain [ SP ehlo-greet ]`. The domain is often long (40 bytes and more): memchr finds the
/// space quicker than a byte loop.
fn split_first_line(text: &str) -> (&str, Option<&str>) {
    match memchr::memchr(b' ', text.as_bytes()) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    }
}

/// The text before the first space, and the text after it if there is a space. A byte loop:
/// the texts are short, and shorter than `str::split_once` is quick.
fn split_at_space(text: &str) -> (&str, Option<&str>) {
    match text.bytes().position(|b| b == b' ') {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    }
}

/// A reply line's text, with the lifetime of the reply when the reply borrows it.
enum Text<'a, 'b> {
    Borrowed(&'a str),
    Owned(&'b str),
}

/// Splits a stored text into the two cases, to borrow for `'a` where the reply borrows.
fn borrow<'a, 'b>(text: &'b Cow<'a, str>) -> Text<'a, 'b> {
    match text {
        Cow::Borrowed(s) => Text::Borrowed(s),
        Cow::Owned(s) => Text::Owned(s),
    }
}
