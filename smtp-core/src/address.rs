//! Paths, mailboxes, domains and address literals of RFC 5321 §4.1.2, kept lossless.
//!
//! A parsed value writes back byte-for-byte: quoted local parts keep their quotes and escapes,
//! address literals keep their spelling (`[IPv6:0::1]` stays as written, the parsed address is
//! there as well), a source route is kept (and, as RFC 5321 §4.1.1.3 says, meant to be ignored).
//! The null path `<>` and `<Postmaster>` are distinct variants.
//!
//! Non-ASCII (RFC 6531 U-labels and UTF-8 local parts) is accepted by these rules when it is valid
//! UTF-8; whether it is allowed (SMTPUTF8 requested, or lenient mode) is decided by the command
//! parser, which asks [`Mailbox::is_ascii`].

use std::borrow::Cow;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::error::{ErrorKind, InvalidValue};
use crate::syntax::{
    ATEXT, DCONTENT, LDH, ParseResult, QTEXT, Src, SynErr, span, str_newtype, utf8, whole,
};

/// Longest domain name, RFC 5321 §4.5.3.1.2.
const MAX_DOMAIN: usize = 255;
/// Longest label, RFC 1035 §2.3.4.
const MAX_LABEL: usize = 63;

str_newtype!(
    /// A domain name: A-labels, or U-labels where SMTPUTF8 allows them.
    ///
    /// ```text
    /// Domain     = sub-domain *("." sub-domain)
    /// sub-domain = Let-dig [Ldh-str]         ; RFC 6531: sub-domain =/ U-label
    /// ```
    Domain,
    domain
);

str_newtype!(
    /// The part of a mailbox before `@`, quotes and escapes kept as written.
    ///
    /// ```text
    /// Local-part = Dot-string / Quoted-string
    /// ```
    LocalPart,
    local_part
);

str_newtype!(
    /// A source route, `@one.example,@two.example`, kept as written and meant to be ignored
    /// (RFC 5321 §4.1.1.3, appendix C).
    ///
    /// ```text
    /// A-d-l     = At-domain *( "," At-domain )
    /// At-domain = "@" Domain
    /// ```
    SourceRoute,
    source_route
);

impl LocalPart<'_> {
    /// Whether the local part is a quoted string.
    pub fn is_quoted(&self) -> bool {
        self.0.starts_with('"')
    }

    /// The local part with quotes and quoted-pair escapes removed.
    pub fn unquoted(&self) -> Cow<'_, str> {
        if !self.is_quoted() {
            return Cow::Borrowed(&self.0);
        }
        let inner = &self.0[1..self.0.len() - 1];
        if !inner.contains('\\') {
            return Cow::Borrowed(inner);
        }
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                out.extend(chars.next());
            } else {
                out.push(c);
            }
        }
        Cow::Owned(out)
    }
}

/// An address literal such as `[192.0.2.1]`, `[IPv6:2001:db8::1]` or `[tag:content]`.
///
/// ```text
/// address-literal = "[" ( IPv4-address-literal / IPv6-address-literal /
///                         General-address-literal ) "]"
/// ```
///
/// Only the text is stored (the type stays as small as a domain, so a parsed command moves
/// cheaply); [`AddressLiteral::ip`] reads the address from it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AddressLiteral<'a> {
    raw: Cow<'a, str>,
}

impl<'a> AddressLiteral<'a> {
    /// The text between the brackets, as written.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The IP address, for IPv4 and IPv6 literals; `None` for a general literal.
    pub fn ip(&self) -> Option<IpAddr> {
        literal_ip(self.raw.as_bytes())
    }

    /// For a general literal `tag:content`, the tag and the content.
    pub fn general(&self) -> Option<(&str, &str)> {
        if self.ip().is_some() {
            return None;
        }
        self.raw.split_once(':')
    }

    /// Detaches the value from the input it borrows.
    pub fn into_owned(self) -> AddressLiteral<'static> {
        AddressLiteral {
            raw: Cow::Owned(self.raw.into_owned()),
        }
    }

    /// Writes the literal, brackets included.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        out.push(b'[');
        out.extend_from_slice(self.raw.as_bytes());
        out.push(b']');
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for AddressLiteral<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("AddressLiteral", 2)?;
        st.serialize_field("raw", &self.raw)?;
        st.serialize_field("ip", &self.ip())?;
        st.end()
    }
}

/// Reads `raw` (the text between the brackets) and checks it; `ip` is derived, so ignored.
#[cfg(feature = "serde")]
impl<'de, 'a> serde::Deserialize<'de> for AddressLiteral<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Raw {
            raw: String,
        }
        let Raw { raw } = Raw::deserialize(d)?;
        let text = format!("[{raw}]");
        AddressLiteral::try_from(text.as_str())
            .map(AddressLiteral::into_owned)
            .map_err(serde::de::Error::custom)
    }
}

impl<'a> TryFrom<&'a str> for AddressLiteral<'a> {
    type Error = InvalidValue;

    /// Parses a literal written with its brackets.
    fn try_from(s: &'a str) -> Result<Self, Self::Error> {
        whole(s, "AddressLiteral", address_literal)
    }
}

/// What follows the `@` of a mailbox (and what HELO/EHLO name): a domain or an address literal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Host<'a> {
    /// A domain name.
    Domain(Domain<'a>),
    /// An address literal.
    Literal(AddressLiteral<'a>),
}

impl Host<'_> {
    /// Detaches the value from the input it borrows.
    pub fn into_owned(self) -> Host<'static> {
        match self {
            Host::Domain(d) => Host::Domain(d.into_owned()),
            Host::Literal(l) => Host::Literal(l.into_owned()),
        }
    }

    /// Writes the host as on the wire.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        match self {
            Host::Domain(d) => d.write_to(out),
            Host::Literal(l) => l.write_to(out),
        }
    }

    /// Whether the host is all ASCII (an A-label domain or any literal).
    pub fn is_ascii(&self) -> bool {
        match self {
            Host::Domain(d) => d.as_str().is_ascii(),
            Host::Literal(_) => true,
        }
    }
}

/// `local-part@host`.
///
/// ```text
/// Mailbox = Local-part "@" ( Domain / address-literal )
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Mailbox<'a> {
    /// The local part, as written.
    pub local: LocalPart<'a>,
    /// The domain or address literal.
    pub host: Host<'a>,
}

impl Mailbox<'_> {
    /// Detaches the value from the input it borrows.
    pub fn into_owned(self) -> Mailbox<'static> {
        Mailbox {
            local: self.local.into_owned(),
            host: self.host.into_owned(),
        }
    }

    /// Writes `local@host`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        self.local.write_to(out);
        out.push(b'@');
        self.host.write_to(out);
    }

    /// Whether the mailbox is all ASCII; one that is not needs SMTPUTF8 (RFC 6531).
    pub fn is_ascii(&self) -> bool {
        self.local.as_str().is_ascii() && self.host.is_ascii()
    }
}

impl fmt::Display for Mailbox<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Vec::new();
        self.write_to(&mut out);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

/// `<[route:]mailbox>`.
///
/// ```text
/// Path = "<" [ A-d-l ":" ] Mailbox ">"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Path<'a> {
    /// The source route, if the client sent one.
    pub route: Option<SourceRoute<'a>>,
    /// The mailbox.
    pub mailbox: Mailbox<'a>,
}

impl Path<'_> {
    /// Detaches the value from the input it borrows.
    pub fn into_owned(self) -> Path<'static> {
        Path {
            route: self.route.map(SourceRoute::into_owned),
            mailbox: self.mailbox.into_owned(),
        }
    }

    /// Writes the path, angle brackets included.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        out.push(b'<');
        if let Some(route) = &self.route {
            route.write_to(out);
            out.push(b':');
        }
        self.mailbox.write_to(out);
        out.push(b'>');
    }
}

/// The argument of `MAIL FROM:`.
///
/// ```text
/// Reverse-path = Path / "<>"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ReversePath<'a> {
    /// `<>`: the null sender of bounces (RFC 5321 §4.5.5).
    Null,
    /// A sender path.
    Path(Path<'a>),
}

impl ReversePath<'_> {
    /// Detaches the value from the input it borrows.
    pub fn into_owned(self) -> ReversePath<'static> {
        match self {
            ReversePath::Null => ReversePath::Null,
            ReversePath::Path(p) => ReversePath::Path(p.into_owned()),
        }
    }

    /// Writes the path, angle brackets included.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        match self {
            ReversePath::Null => out.extend_from_slice(b"<>"),
            ReversePath::Path(p) => p.write_to(out),
        }
    }
}

/// The argument of `RCPT TO:`.
///
/// ```text
/// ( "<Postmaster@" Domain ">" / "<Postmaster>" / Forward-path )
/// ```
///
/// `<Postmaster@domain>` is an ordinary [`Path`]; only the bare `<Postmaster>` (any case) is
/// [`ForwardPath::Postmaster`], which holds the spelling the client used.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ForwardPath<'a> {
    /// `<Postmaster>` with no domain (RFC 5321 §4.5.1), in the case the client wrote it.
    Postmaster(Cow<'a, str>),
    /// A recipient path.
    Path(Path<'a>),
}

/// Checks that `postmaster` is a spelling of `Postmaster`.
#[cfg(feature = "serde")]
impl<'de, 'a> serde::Deserialize<'de> for ForwardPath<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        enum Wire<'a> {
            Postmaster(String),
            Path(Path<'a>),
        }
        match Wire::deserialize(d)? {
            Wire::Postmaster(p) if p.eq_ignore_ascii_case("postmaster") => {
                Ok(ForwardPath::Postmaster(Cow::Owned(p)))
            }
            Wire::Postmaster(_) => Err(serde::de::Error::custom("not a spelling of Postmaster")),
            Wire::Path(p) => Ok(ForwardPath::Path(p)),
        }
    }
}

impl ForwardPath<'_> {
    /// Detaches the value from the input it borrows.
    pub fn into_owned(self) -> ForwardPath<'static> {
        match self {
            ForwardPath::Postmaster(p) => ForwardPath::Postmaster(Cow::Owned(p.into_owned())),
            ForwardPath::Path(p) => ForwardPath::Path(p.into_owned()),
        }
    }

    /// Writes the path, angle brackets included.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        match self {
            ForwardPath::Postmaster(p) => {
                out.push(b'<');
                out.extend_from_slice(p.as_bytes());
                out.push(b'>');
            }
            ForwardPath::Path(p) => p.write_to(out),
        }
    }

    /// Whether the path is all ASCII.
    pub fn is_ascii(&self) -> bool {
        match self {
            ForwardPath::Postmaster(_) => true,
            ForwardPath::Path(p) => p.mailbox.is_ascii(),
        }
    }
}

/// ```text
/// Domain     = sub-domain *("." sub-domain)
/// sub-domain = Let-dig [Ldh-str]
/// Ldh-str    = *( ALPHA / DIGIT / "-" ) Let-dig
/// ```
pub(crate) fn domain(input: &[u8]) -> ParseResult<'_, Domain<'_>> {
    domain_in(input, Src::NONE)
}

/// [`domain`], its text cut from `src`.
pub(crate) fn domain_in<'a>(input: &'a [u8], src: Src<'a>) -> ParseResult<'a, Domain<'a>> {
    let end = match plain_run(input, &DOMAIN_CLASS) {
        Some(n) if n <= MAX_LABEL => n,
        _ => domain_len(input)?,
    };
    let text = src.str(&input[..end]).map_err(|k| SynErr::at(input, k))?;
    Ok((&input[end..], Domain::checked(text)))
}

/// The length of the domain at the start of `input`, label by label: each label is the longest
/// run of `LDH` bytes, checked when it ends (not empty, no hyphen at either end, at most 63
/// octets when ASCII); a dot continues the domain only when a label byte follows it.
///
/// Out of line: [`plain_run`] answers for every domain of up to 63 octets that ends in a label
/// byte and has no empty label and no hyphen next to a dot, and this loop then gives the same
/// length (`domain_fast_path_agrees` checks it).
#[cold]
#[inline(never)]
fn domain_len(input: &[u8]) -> Result<usize, nom::Err<SynErr<'_>>> {
    let len = input.len();
    let mut start = 0;
    let mut i = 0;
    let end = loop {
        while i < len && LDH[input[i] as usize] {
            i += 1;
        }
        let label = &input[start..i];
        let bad = match label {
            [] => true,
            [first, .., last] => *first == b'-' || *last == b'-',
            [only] => *only == b'-',
        };
        if bad || (label.len() > MAX_LABEL && label.is_ascii()) {
            return Err(SynErr::syntax(&input[start..]));
        }
        if i + 1 < len && input[i] == b'.' && LDH[input[i + 1] as usize] {
            i += 1;
            start = i;
        } else {
            break i;
        }
    };
    if end > MAX_DOMAIN {
        return Err(SynErr::syntax(input));
    }
    Ok(end)
}

/// Classes of [`plain_run`]: a word byte (a letter, digit or `UTF8-non-ascii` byte of a
/// domain; `atext` of a dot-string).
const WORD: u8 = 1;
/// `-` inside a domain's label.
const HYPHEN: u8 = 2;
/// `.` between labels or atoms.
const DOT: u8 = 4;
/// Shift of the set of classes that may not come right before a byte of this class.
const NOT_AFTER: u32 = 3;
/// Where a byte that follows a class it may not follow leaves its mark in `bad`: the classes
/// shifted by [`NOT_AFTER`] (the other bits of `bad` are noise from `ANY` and the shift).
const FORBIDDEN: u8 = (WORD | HYPHEN | DOT) << NOT_AFTER;
/// Set in the class of every byte of the run (so a zero class is a byte outside it).
const ANY: u8 = 0x80;

/// `Domain` bytes for [`plain_run`]: a hyphen may not follow a dot (or start the domain), a
/// dot may not follow a dot or a hyphen (or start it).
static DOMAIN_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b == b'-' {
            ANY | HYPHEN | (DOT << NOT_AFTER)
        } else if b == b'.' {
            ANY | DOT | ((DOT | HYPHEN) << NOT_AFTER)
        } else if LDH[i] {
            ANY | WORD
        } else {
            0
        };
        i += 1;
    }
    t
};

/// `Dot-string` bytes for [`plain_run`]: a dot may not follow a dot (or start it).
static DOT_STRING_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = if i == b'.' as usize {
            ANY | DOT | (DOT << NOT_AFTER)
        } else if ATEXT[i] {
            ANY | WORD
        } else {
            0
        };
        i += 1;
    }
    t
};

/// The fast path of `Domain` and `Dot-string`: the length of the longest run of bytes with a
/// class in `table`, when no byte of it follows one its class forbids (the start counts as a
/// dot) and it ends in a word byte; `None` otherwise (the label-by-label rule then answers,
/// with its errors and offsets).
///
/// One loop with one exit per token, where the label-by-label loop has one per label and
/// another per dot (each exit falls at a different byte for every token, so it is mostly
/// mispredicted).
#[inline(always)]
fn plain_run(input: &[u8], table: &[u8; 256]) -> Option<usize> {
    let mut prev = DOT;
    let mut bad = 0u8;
    // Two bytes a turn; the turn that meets the end takes its first byte when that belongs,
    // without a branch. One test per turn: every class of a byte that belongs has `ANY`.
    let (pairs, tail) = input.as_chunks::<2>();
    for (k, &[b0, b1]) in pairs.iter().enumerate() {
        let (c0, c1) = (table[b0 as usize], table[b1 as usize]);
        if c0 & c1 & ANY == 0 {
            bad |= (prev << NOT_AFTER) & c0;
            let keep = c0 != 0;
            prev = if keep { c0 } else { prev };
            let i = 2 * k + usize::from(keep);
            return (bad & FORBIDDEN == 0 && prev & WORD != 0).then_some(i);
        }
        bad |= ((prev << NOT_AFTER) & c0) | ((c0 << NOT_AFTER) & c1);
        prev = c1;
    }
    let mut i = input.len() - tail.len();
    if let [b] = tail {
        let c = table[*b as usize];
        if c != 0 {
            bad |= (prev << NOT_AFTER) & c;
            prev = c;
            i += 1;
        }
    }
    (bad & FORBIDDEN == 0 && prev & WORD != 0).then_some(i)
}

/// ```text
/// Snum = 1*3DIGIT   ; representing a decimal integer value in the range 0 through 255
/// ```
fn snum(input: &[u8]) -> Option<(u8, &[u8])> {
    let n = input
        .iter()
        .take(3)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if n == 0 {
        return None;
    }
    let value = input[..n]
        .iter()
        .fold(0u16, |v, &d| v * 10 + u16::from(d - b'0'));
    u8::try_from(value).ok().map(|v| (v, &input[n..]))
}

/// ```text
/// IPv4-address-literal = Snum 3("."  Snum)
/// ```
fn ipv4_literal(input: &[u8]) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut rest = input;
    for (i, octet) in octets.iter_mut().enumerate() {
        if i > 0 {
            rest = rest.strip_prefix(b".")?;
        }
        let (value, after) = snum(rest)?;
        *octet = value;
        rest = after;
    }
    rest.is_empty().then_some(Ipv4Addr::from(octets))
}

/// ```text
/// IPv6-address-literal = "IPv6:" IPv6-addr
/// ```
///
/// `IPv6-addr` (full, compressed, and both with an IPv4 tail) is checked by the standard
/// library's parser, which accepts the same four forms.
fn ipv6_literal(input: &[u8]) -> Option<Ipv6Addr> {
    let tail = input.get(5..)?;
    if !input[..5].eq_ignore_ascii_case(b"IPv6:") {
        return None;
    }
    if !tail
        .iter()
        .all(|b| b.is_ascii_hexdigit() || *b == b':' || *b == b'.')
    {
        return None;
    }
    std::str::from_utf8(tail).ok()?.parse().ok()
}

/// ```text
/// address-literal = "[" ( IPv4-address-literal / IPv6-address-literal /
///                         General-address-literal ) "]"
/// General-address-literal = Standardized-tag ":" 1*dcontent
/// Standardized-tag = Ldh-str
/// ```
pub(crate) fn address_literal(input: &[u8]) -> ParseResult<'_, AddressLiteral<'_>> {
    let Some(inner_input) = input.strip_prefix(b"[") else {
        return Err(SynErr::syntax(input));
    };
    let n = span(inner_input, &DCONTENT);
    let inner = &inner_input[..n];
    let rest = &inner_input[n..];
    let Some(rest) = rest.strip_prefix(b"]") else {
        return Err(SynErr::syntax(rest));
    };
    let ok = ipv6_literal(inner).is_some()
        || (!(inner.len() >= 5 && inner[..5].eq_ignore_ascii_case(b"IPv6:"))
            && (ipv4_literal(inner).is_some() || general_literal(inner)));
    if !ok {
        return Err(SynErr::syntax(inner_input));
    }
    // DCONTENT is ASCII only, so this cannot fail.
    let raw = utf8(inner).map_err(|k| SynErr::at(inner_input, k))?;
    Ok((
        rest,
        AddressLiteral {
            raw: Cow::Borrowed(raw),
        },
    ))
}

/// ```text
/// General-address-literal = Standardized-tag ":" 1*dcontent
/// Standardized-tag = Ldh-str
/// ```
fn general_literal(inner: &[u8]) -> bool {
    let tag_len = span(inner, &LDH);
    let tag = &inner[..tag_len];
    tag_len > 0
        && tag.is_ascii()
        && tag[tag_len - 1] != b'-'
        && inner.get(tag_len) == Some(&b':')
        && inner.len() > tag_len + 1
}

/// The address of an IPv4 or IPv6 literal's text (between the brackets, already checked).
fn literal_ip(inner: &[u8]) -> Option<IpAddr> {
    if let Some(v6) = ipv6_literal(inner) {
        Some(IpAddr::V6(v6))
    } else {
        ipv4_literal(inner).map(IpAddr::V4)
    }
}

/// ```text
/// Domain / address-literal
/// ```
///
/// The text is cut from `src`.
#[inline(always)]
pub(crate) fn host_in<'a>(input: &'a [u8], src: Src<'a>) -> ParseResult<'a, Host<'a>> {
    if input.first() == Some(&b'[') {
        let (rest, literal) = address_literal(input)?;
        Ok((rest, Host::Literal(literal)))
    } else {
        let (rest, d) = domain_in(input, src)?;
        Ok((rest, Host::Domain(d)))
    }
}

/// ```text
/// Dot-string = Atom *("."  Atom)
/// Atom       = 1*atext
/// ```
#[inline(always)]
fn dot_string(input: &[u8]) -> ParseResult<'_, &[u8]> {
    let i = match plain_run(input, &DOT_STRING_CLASS) {
        Some(n) => n,
        None => dot_string_len(input)?,
    };
    Ok((&input[i..], &input[..i]))
}

/// The length of the `Dot-string` at the start of `input`, atom by atom (a dot continues it
/// only when an `atext` byte follows). Out of line: [`plain_run`] answers for every dot-string
/// that does not end in a dot, with the same length (`dot_string_fast_path_agrees`).
#[cold]
#[inline(never)]
fn dot_string_len(input: &[u8]) -> Result<usize, nom::Err<SynErr<'_>>> {
    let len = input.len();
    let mut i = 0;
    loop {
        let start = i;
        while i < len && ATEXT[input[i] as usize] {
            i += 1;
        }
        if i == start {
            return Err(SynErr::syntax(&input[start..]));
        }
        if i + 1 < len && input[i] == b'.' && ATEXT[input[i + 1] as usize] {
            i += 1;
        } else {
            break;
        }
    }
    Ok(i)
}

/// ```text
/// Quoted-string   = DQUOTE *QcontentSMTP DQUOTE
/// QcontentSMTP    = qtextSMTP / quoted-pairSMTP
/// quoted-pairSMTP = %d92 %d32-126
/// ```
pub(crate) fn quoted_string(input: &[u8]) -> ParseResult<'_, &[u8]> {
    let Some(mut rest) = input.strip_prefix(b"\"") else {
        return Err(SynErr::syntax(input));
    };
    loop {
        rest = &rest[span(rest, &QTEXT)..];
        match rest {
            [b'\\', 32..=126, ..] => rest = &rest[2..],
            [b'"', ..] => {
                rest = &rest[1..];
                return Ok((rest, &input[..input.len() - rest.len()]));
            }
            _ => return Err(SynErr::syntax(rest)),
        }
    }
}

/// ```text
/// Local-part = Dot-string / Quoted-string
/// ```
#[inline(always)]
pub(crate) fn local_part(input: &[u8]) -> ParseResult<'_, LocalPart<'_>> {
    local_part_in(input, Src::NONE)
}

/// [`local_part`], its text cut from `src`.
#[inline(always)]
fn local_part_in<'a>(input: &'a [u8], src: Src<'a>) -> ParseResult<'a, LocalPart<'a>> {
    let (rest, bytes) = if input.first() == Some(&b'"') {
        quoted_string(input)?
    } else {
        dot_string(input)?
    };
    let text = src.str(bytes).map_err(|k| SynErr::at(input, k))?;
    Ok((rest, LocalPart::checked(text)))
}

/// ```text
/// Mailbox = Local-part "@" ( Domain / address-literal )
/// ```
#[inline(always)]
pub(crate) fn mailbox<'a>(input: &'a [u8], src: Src<'a>) -> ParseResult<'a, Mailbox<'a>> {
    let (rest, local) = local_part_in(input, src)?;
    let Some(rest) = rest.strip_prefix(b"@") else {
        return Err(SynErr::syntax(rest));
    };
    let (rest, host) = host_in(rest, src)?;
    Ok((rest, Mailbox { local, host }))
}

/// ```text
/// A-d-l     = At-domain *( "," At-domain )
/// At-domain = "@" Domain
/// ```
pub(crate) fn source_route(input: &[u8]) -> ParseResult<'_, SourceRoute<'_>> {
    let mut rest = input;
    loop {
        let Some(after_at) = rest.strip_prefix(b"@") else {
            return Err(SynErr::syntax(rest));
        };
        rest = domain(after_at)?.0;
        match rest.strip_prefix(b",") {
            Some(after) => rest = after,
            None => break,
        }
    }
    let text = utf8(&input[..input.len() - rest.len()]).map_err(|k| SynErr::at(input, k))?;
    Ok((rest, SourceRoute::checked(text)))
}

/// The inside of a path, without the brackets: `[ A-d-l ":" ] Mailbox`; the text is cut from
/// `src`.
#[inline(always)]
pub(crate) fn path_body<'a>(input: &'a [u8], src: Src<'a>) -> ParseResult<'a, Path<'a>> {
    let (rest, route) = if input.first() == Some(&b'@') {
        let (rest, route) = source_route(input)?;
        let Some(rest) = rest.strip_prefix(b":") else {
            return Err(SynErr::syntax(rest));
        };
        (rest, Some(route))
    } else {
        (input, None)
    };
    let (rest, mailbox) = mailbox(rest, src)?;
    Ok((rest, Path { route, mailbox }))
}

/// ```text
/// Path = "<" [ A-d-l ":" ] Mailbox ">"
/// ```
#[inline(always)]
fn path<'a>(input: &'a [u8], src: Src<'a>) -> ParseResult<'a, Path<'a>> {
    let Some(inner) = input.strip_prefix(b"<") else {
        return Err(SynErr::syntax(input));
    };
    let (rest, path) = path_body(inner, src)?;
    let Some(rest) = rest.strip_prefix(b">") else {
        return Err(SynErr::syntax(rest));
    };
    Ok((rest, path))
}

/// Whether `input` starts with `<Postmaster>` (any case).
#[inline(always)]
pub(crate) fn is_postmaster(input: &[u8]) -> bool {
    input.len() >= 12
        && input[0] == b'<'
        && input[11] == b'>'
        && input[1..11].eq_ignore_ascii_case(b"postmaster")
}

/// A path to write into in place: no route, empty local part and domain, nothing owned.
pub(crate) fn placeholder_path() -> Path<'static> {
    Path {
        route: None,
        mailbox: Mailbox {
            local: LocalPart::checked(""),
            host: Host::Domain(Domain::checked("")),
        },
    }
}

/// [`path`], written into `out` (a [`placeholder_path`]) where it lies instead of being moved
/// out through each rule's result; returns the rest of the input.
#[inline(always)]
pub(crate) fn path_into<'a>(
    input: &'a [u8],
    src: Src<'a>,
    out: &mut Path<'a>,
) -> Result<&'a [u8], nom::Err<SynErr<'a>>> {
    let Some(inner) = input.strip_prefix(b"<") else {
        return Err(SynErr::syntax(input));
    };
    let rest = if inner.first() == Some(&b'@') {
        let (rest, route) = source_route(inner)?;
        let Some(rest) = rest.strip_prefix(b":") else {
            return Err(SynErr::syntax(rest));
        };
        out.route = Some(route);
        rest
    } else {
        inner
    };
    let (rest, local) = local_part_in(rest, src)?;
    out.mailbox.local = local;
    let Some(rest) = rest.strip_prefix(b"@") else {
        return Err(SynErr::syntax(rest));
    };
    let (rest, host) = host_in(rest, src)?;
    out.mailbox.host = host;
    let Some(rest) = rest.strip_prefix(b">") else {
        return Err(SynErr::syntax(rest));
    };
    Ok(rest)
}

/// ```text
/// Reverse-path = Path / "<>"
/// ```
#[inline(always)]
pub(crate) fn reverse_path(input: &[u8]) -> ParseResult<'_, ReversePath<'_>> {
    reverse_path_in(input, Src::NONE)
}

/// [`reverse_path`], its text cut from `src`.
#[inline(always)]
pub(crate) fn reverse_path_in<'a>(
    input: &'a [u8],
    src: Src<'a>,
) -> ParseResult<'a, ReversePath<'a>> {
    if let Some(rest) = input.strip_prefix(b"<>") {
        return Ok((rest, ReversePath::Null));
    }
    let (rest, p) = path(input, src)?;
    Ok((rest, ReversePath::Path(p)))
}

/// ```text
/// "<Postmaster@" Domain ">" / "<Postmaster>" / Forward-path
/// Forward-path = Path
/// ```
///
/// `<>` is rejected with [`ErrorKind::NullRecipient`].
#[inline(always)]
pub(crate) fn forward_path(input: &[u8]) -> ParseResult<'_, ForwardPath<'_>> {
    forward_path_in(input, Src::NONE)
}

/// [`forward_path`], its text cut from `src`.
#[inline(always)]
pub(crate) fn forward_path_in<'a>(
    input: &'a [u8],
    src: Src<'a>,
) -> ParseResult<'a, ForwardPath<'a>> {
    if input.starts_with(b"<>") {
        return Err(SynErr::at(input, ErrorKind::NullRecipient));
    }
    if is_postmaster(input) {
        let spelling = src.str(&input[1..11]).map_err(|k| SynErr::at(input, k))?;
        return Ok((
            &input[12..],
            ForwardPath::Postmaster(Cow::Borrowed(spelling)),
        ));
    }
    let (rest, p) = path(input, src)?;
    Ok((rest, ForwardPath::Path(p)))
}

#[cfg(test)]
mod tests;
