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
use std::net::IpAddr;

use crate::error::InvalidValue;
use crate::syntax::{str_newtype, whole};

mod grammar;

use grammar::literal_ip;
pub(crate) use grammar::{
    address_literal, domain, forward_path, forward_path_in, host_in, is_postmaster, local_part,
    path_body, path_into, placeholder_path, reverse_path, source_route,
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

#[cfg(test)]
mod tests;
