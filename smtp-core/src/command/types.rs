//! The argument types of the commands that are not paths or parameters.

use std::borrow::Cow;
use std::fmt;

use crate::address::{Domain, Host, domain};
use crate::syntax::{ATEXT, BASE64, ParseResult, Src, SynErr, TEXT, VERB, span, str_newtype, utf8};
use crate::xtext::{XText, xtext};

str_newtype!(
    /// Free text argument of VRFY, EXPN, HELP and NOOP: printable ASCII and UTF-8, spaces
    /// allowed inside, not empty, neither starting nor ending with a space.
    ///
    /// RFC 5321 writes `String = Atom / Quoted-string`; real clients send `VRFY john.smith` and
    /// `HELP MAIL FROM`, which Postfix accepts, so this is wider.
    Text,
    text
);

/// ```text
/// text = 1*( VCHAR / SP / UTF8-non-ascii )   ; no leading or trailing SP
/// ```
pub(crate) fn text(input: &[u8]) -> ParseResult<'_, Text<'_>> {
    let n = span(input, &TEXT);
    if n == 0 || input[0] == b' ' || input[n - 1] == b' ' {
        return Err(SynErr::syntax(input));
    }
    let s = utf8(&input[..n]).map_err(|k| SynErr::at(input, k))?;
    Ok((&input[n..], Text::checked(s)))
}

/// The name a client gives in HELO, EHLO or LHLO.
///
/// ```text
/// helo-name = Domain / address-literal          ; strict (RFC 5321 §4.1.1.1)
/// helo-name =/ text                             ; lenient: any text, as Postfix takes
/// ```
///
/// Strict mode takes only [`Host`]. Lenient mode also takes what real clients send and the
/// grammar refuses (`bad_host`, `mail.example.com.`, `-x-.example`, `[bogus literal]`), as Postfix
/// does without `reject_invalid_helo_hostname`, reporting
/// [`Deviation::InvalidHeloName`](super::Deviation::InvalidHeloName).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(untagged))]
pub enum HeloName<'a> {
    /// A domain or an address literal, as the grammar asks.
    Host(Host<'a>),
    /// Any other text (lenient mode only).
    Lenient(Text<'a>),
}

impl HeloName<'_> {
    /// Detaches the value from the input it borrows.
    pub fn into_owned(self) -> HeloName<'static> {
        match self {
            HeloName::Host(h) => HeloName::Host(h.into_owned()),
            HeloName::Lenient(t) => HeloName::Lenient(t.into_owned()),
        }
    }

    /// Writes the name as on the wire.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        match self {
            HeloName::Host(h) => h.write_to(out),
            HeloName::Lenient(t) => t.write_to(out),
        }
    }

    /// The name if it follows the grammar.
    pub fn host(&self) -> Option<&Host<'_>> {
        match self {
            HeloName::Host(h) => Some(h),
            HeloName::Lenient(_) => None,
        }
    }
}

impl<'a> From<Host<'a>> for HeloName<'a> {
    fn from(h: Host<'a>) -> Self {
        HeloName::Host(h)
    }
}

impl fmt::Display for HeloName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Vec::new();
        self.write_to(&mut out);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

str_newtype!(
    /// A SASL mechanism name (RFC 4422 §3.1), as written.
    ///
    /// ```text
    /// sasl-mech = 1*20mech-char
    /// mech-char = UPPER-ALPHA / DIGIT / HYPHEN / UNDERSCORE   ; lower case accepted
    /// ```
    Mechanism,
    mechanism
);

/// ```text
/// sasl-mech = 1*20mech-char
/// ```
pub(crate) fn mechanism(input: &[u8]) -> ParseResult<'_, Mechanism<'_>> {
    mechanism_in(input, Src::NONE)
}

/// [`mechanism`], its text cut from `src`.
#[inline(always)]
pub(crate) fn mechanism_in<'a>(input: &'a [u8], src: Src<'a>) -> ParseResult<'a, Mechanism<'a>> {
    // The verb bytes are the mech-chars: letters, digits, `-` and `_`.
    let n = span(input, &VERB);
    if n == 0 || n > 20 {
        return Err(SynErr::syntax(input));
    }
    let s = src.str(&input[..n]).map_err(|k| SynErr::at(input, k))?;
    Ok((&input[n..], Mechanism::checked(s)))
}

/// Base64 text that may hold credentials: its `Debug` (and serde form) print `<redacted>`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret<'a>(Cow<'a, str>);

impl<'a> Secret<'a> {
    /// The base64 text. Handle with care.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Detaches the value from the input it borrows.
    pub fn into_owned(self) -> Secret<'static> {
        Secret(Cow::Owned(self.0.into_owned()))
    }
}

impl<'a> TryFrom<&'a str> for Secret<'a> {
    type Error = crate::InvalidValue;

    fn try_from(s: &'a str) -> Result<Self, Self::Error> {
        crate::syntax::whole(s, "Secret", |i| base64(i, Src::NONE))
    }
}

impl fmt::Debug for Secret<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Secret<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("<redacted>")
    }
}

/// ```text
/// base64 = *(4base64-char) [base64-terminal]   ; RFC 4954 §4, not empty here
/// ```
///
/// The text is cut from `src`.
#[inline(always)]
pub(crate) fn base64<'a>(input: &'a [u8], src: Src<'a>) -> ParseResult<'a, Secret<'a>> {
    let body = span(input, &BASE64);
    let pad = input[body..]
        .iter()
        .take(2)
        .take_while(|b| **b == b'=')
        .count();
    let n = body + pad;
    if body == 0 || !n.is_multiple_of(4) {
        return Err(SynErr::syntax(input));
    }
    let s = src.str(&input[..n]).map_err(|k| SynErr::at(input, k))?;
    Ok((&input[n..], Secret(Cow::Borrowed(s))))
}

/// The initial response of AUTH.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum InitialResponse<'a> {
    /// `=`: an empty initial response.
    Empty,
    /// Base64 data.
    Data(Secret<'a>),
}

/// `AUTH SP sasl-mech [SP initial-response]` (RFC 4954 §4).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Auth<'a> {
    /// The mechanism.
    pub mechanism: Mechanism<'a>,
    /// The initial response, if given.
    pub initial_response: Option<InitialResponse<'a>>,
}

impl Auth<'_> {
    /// Detaches the value from the input it borrows.
    pub fn into_owned(self) -> Auth<'static> {
        Auth {
            mechanism: self.mechanism.into_owned(),
            initial_response: self.initial_response.map(|r| match r {
                InitialResponse::Empty => InitialResponse::Empty,
                InitialResponse::Data(s) => InitialResponse::Data(s.into_owned()),
            }),
        }
    }

    pub(crate) fn write_args(&self, out: &mut Vec<u8>) {
        out.push(b' ');
        self.mechanism.write_to(out);
        match &self.initial_response {
            Some(InitialResponse::Empty) => out.extend_from_slice(b" ="),
            Some(InitialResponse::Data(s)) => {
                out.push(b' ');
                out.extend_from_slice(s.0.as_bytes());
            }
            None => {}
        }
    }
}

/// The node of ETRN (RFC 1985 §5).
///
/// ```text
/// etrn-arg = [ "@" / "#" ] ( domain / queue-name )
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum EtrnNode<'a> {
    /// `domain`: mail for that domain.
    Domain(Domain<'a>),
    /// `@domain`: mail for the domain and its subdomains.
    Subdomains(Domain<'a>),
    /// `#queue`: a named queue (an atom).
    Queue(Cow<'a, str>),
}

impl EtrnNode<'_> {
    /// Detaches the value from the input it borrows.
    pub fn into_owned(self) -> EtrnNode<'static> {
        match self {
            EtrnNode::Domain(d) => EtrnNode::Domain(d.into_owned()),
            EtrnNode::Subdomains(d) => EtrnNode::Subdomains(d.into_owned()),
            EtrnNode::Queue(q) => EtrnNode::Queue(Cow::Owned(q.into_owned())),
        }
    }

    /// Writes the node as on the wire.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        match self {
            EtrnNode::Domain(d) => d.write_to(out),
            EtrnNode::Subdomains(d) => {
                out.push(b'@');
                d.write_to(out);
            }
            EtrnNode::Queue(q) => {
                out.push(b'#');
                out.extend_from_slice(q.as_bytes());
            }
        }
    }
}

/// ```text
/// etrn-arg = [ "@" / "#" ] ( domain / queue-name )
/// ```
pub(crate) fn etrn_node(input: &[u8]) -> ParseResult<'_, EtrnNode<'_>> {
    match input.first() {
        Some(b'@') => {
            let (rest, d) = domain(&input[1..])?;
            Ok((rest, EtrnNode::Subdomains(d)))
        }
        Some(b'#') => {
            let n = input[1..]
                .iter()
                .take_while(|b| b.is_ascii() && ATEXT[**b as usize])
                .count();
            if n == 0 {
                return Err(SynErr::syntax(&input[1..]));
            }
            let q = utf8(&input[1..=n]).map_err(|k| SynErr::at(input, k))?;
            Ok((&input[1 + n..], EtrnNode::Queue(Cow::Borrowed(q))))
        }
        _ => {
            let (rest, d) = domain(input)?;
            Ok((rest, EtrnNode::Domain(d)))
        }
    }
}

/// The attribute list of XCLIENT or XFORWARD, as written; [`Attributes::iter`] gives the
/// `(name, value)` pairs. Values are xtext; names are those Postfix defines for the verb
/// (checked when parsing).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Attributes<'a>(Cow<'a, str>);

/// Attribute names of XCLIENT (Postfix `XCLIENT_README`).
pub(crate) const XCLIENT_NAMES: &[&str] = &[
    "NAME", "ADDR", "PORT", "PROTO", "HELO", "LOGIN", "DESTADDR", "DESTPORT",
];
/// Attribute names of XFORWARD (Postfix `XFORWARD_README`).
pub(crate) const XFORWARD_NAMES: &[&str] =
    &["NAME", "ADDR", "PORT", "PROTO", "HELO", "IDENT", "SOURCE"];

impl<'a> Attributes<'a> {
    /// Builds a list from pairs; each name must be one of `allowed` (any case) and each value
    /// non-empty xtext.
    pub fn from_pairs(
        pairs: &[(&str, &XText<'_>)],
        xforward: bool,
    ) -> Result<Attributes<'static>, crate::InvalidValue> {
        let allowed = if xforward {
            XFORWARD_NAMES
        } else {
            XCLIENT_NAMES
        };
        let mut s = String::new();
        for (i, (name, value)) in pairs.iter().enumerate() {
            if !allowed.iter().any(|a| a.eq_ignore_ascii_case(name)) || value.is_empty() {
                return Err(crate::InvalidValue {
                    type_name: "Attributes",
                });
            }
            if i > 0 {
                s.push(' ');
            }
            s.push_str(name);
            s.push('=');
            s.push_str(value.as_str());
        }
        if s.is_empty() {
            return Err(crate::InvalidValue {
                type_name: "Attributes",
            });
        }
        Ok(Attributes(Cow::Owned(s)))
    }

    /// The `(name, value)` pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, XText<'_>)> {
        self.0.split(' ').filter_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            Some((name, XText::checked(value)))
        })
    }

    /// The list as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Detaches the value from the input it borrows.
    pub fn into_owned(self) -> Attributes<'static> {
        Attributes(Cow::Owned(self.0.into_owned()))
    }

    /// Writes the list as on the wire.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.0.as_bytes());
    }
}

/// ```text
/// xclient-args = attribute-name "=" attribute-value *( SP attribute-name "=" attribute-value )
/// attribute-value = xtext
/// ```
pub(crate) fn attributes<'a>(input: &'a [u8], allowed: &[&str]) -> ParseResult<'a, Attributes<'a>> {
    let mut rest = input;
    loop {
        let n = rest
            .iter()
            .take_while(|b| b.is_ascii_alphabetic() || **b == b'_')
            .count();
        let name = &rest[..n];
        if n == 0
            || !allowed
                .iter()
                .any(|a| a.as_bytes().eq_ignore_ascii_case(name))
        {
            return Err(SynErr::syntax(rest));
        }
        let Some(value) = rest[n..].strip_prefix(b"=") else {
            return Err(SynErr::syntax(&rest[n..]));
        };
        let (after, x) = xtext(value)?;
        if x.is_empty() {
            return Err(SynErr::syntax(value));
        }
        rest = after;
        match rest {
            [b' ', next, ..] if next.is_ascii_alphabetic() => rest = &rest[1..],
            _ => break,
        }
    }
    let s = utf8(&input[..input.len() - rest.len()]).map_err(|k| SynErr::at(input, k))?;
    Ok((rest, Attributes(Cow::Borrowed(s))))
}

/// A command whose verb this crate does not know, passed through as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Unknown<'a> {
    verb: Cow<'a, str>,
    args: Option<Text<'a>>,
}

impl<'a> Unknown<'a> {
    /// An unknown command: the verb (letters, digits, `-`, `_`; not a verb this crate knows)
    /// and its arguments.
    pub fn new(verb: &'a str, args: Option<Text<'a>>) -> Result<Self, crate::InvalidValue> {
        let ok = !verb.is_empty()
            && verb.len() <= super::parse::MAX_VERB
            && verb.bytes().all(super::parse::is_verb_char)
            && super::parse::known_verb(verb.as_bytes()).is_none();
        if !ok {
            return Err(crate::InvalidValue {
                type_name: "Unknown",
            });
        }
        Ok(Unknown {
            verb: Cow::Borrowed(verb),
            args,
        })
    }

    /// The verb, as written.
    pub fn verb(&self) -> &str {
        &self.verb
    }

    /// The arguments, if any.
    pub fn args(&self) -> Option<&Text<'a>> {
        self.args.as_ref()
    }

    /// Detaches the value from the input it borrows.
    pub fn into_owned(self) -> Unknown<'static> {
        Unknown {
            verb: Cow::Owned(self.verb.into_owned()),
            args: self.args.map(Text::into_owned),
        }
    }

    pub(crate) fn write_args(&self, out: &mut Vec<u8>) {
        if let Some(a) = &self.args {
            out.push(b' ');
            a.write_to(out);
        }
    }
}
