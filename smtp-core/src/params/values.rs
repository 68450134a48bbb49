//! The typed values of the ESMTP parameters, each with its grammar rule.

use std::borrow::Cow;

use crate::syntax::{ESMTP_VALUE, ParseResult, Src, SynErr, eq_folded, span, str_newtype, utf8};
use crate::xtext::XText;

/// `BODY=` (RFC 6152 8BITMIME, RFC 3030 BINARYMIME).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Body {
    /// `7BIT`.
    SevenBit,
    /// `8BITMIME`.
    EightBitMime,
    /// `BINARYMIME`.
    BinaryMime,
}

impl Body {
    /// The value as written on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Body::SevenBit => "7BIT",
            Body::EightBitMime => "8BITMIME",
            Body::BinaryMime => "BINARYMIME",
        }
    }

    pub(crate) fn parse(value: &[u8]) -> Option<Self> {
        let body = match value.len() {
            4 => Body::SevenBit,
            8 => Body::EightBitMime,
            10 => Body::BinaryMime,
            _ => return None,
        };
        eq_folded(value, body.as_str().as_bytes()).then_some(body)
    }
}

/// `RET=` (RFC 3461 §4.3): what a DSN returns of the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Ret {
    /// `FULL`: the whole message.
    Full,
    /// `HDRS`: the headers only.
    Hdrs,
}

impl Ret {
    /// The value as written on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Ret::Full => "FULL",
            Ret::Hdrs => "HDRS",
        }
    }

    pub(crate) fn parse(value: &[u8]) -> Option<Self> {
        [Ret::Full, Ret::Hdrs]
            .into_iter()
            .find(|r| eq_folded(value, r.as_str().as_bytes()))
    }
}

/// `AUTH=` on MAIL (RFC 4954 §5): the identity that submitted the message.
///
/// ```text
/// auth-param = "AUTH=" ( xtext / "<>" )
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum MailAuth<'a> {
    /// `<>`: the identity is unknown or not to be disclosed.
    Unknown,
    /// An identity in xtext.
    Identity(XText<'a>),
}

impl MailAuth<'_> {
    /// Detaches the value from the input it borrows.
    pub fn into_owned(self) -> MailAuth<'static> {
        match self {
            MailAuth::Unknown => MailAuth::Unknown,
            MailAuth::Identity(x) => MailAuth::Identity(x.into_owned()),
        }
    }
}

/// `NOTIFY=` (RFC 3461 §4.1): when the recipient's DSN is wanted.
///
/// ```text
/// notify-esmtp-value = "NEVER" / 1#notify-list-element
/// notify-list-element = "SUCCESS" / "FAILURE" / "DELAY"
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Notify {
    /// `NEVER`.
    Never,
    /// A non-empty set of conditions.
    On {
        /// `SUCCESS`.
        success: bool,
        /// `FAILURE`.
        failure: bool,
        /// `DELAY`.
        delay: bool,
    },
}

/// `HOLDFOR=` or `HOLDUNTIL=` (RFC 4865 FUTURERELEASE).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Hold<'a> {
    /// `HOLDFOR=` seconds (`1*9DIGIT`).
    For(u32),
    /// `HOLDUNTIL=` an RFC 3339 date-time.
    Until(DateTime<'a>),
}

impl Hold<'_> {
    /// Detaches the value from the input it borrows.
    pub fn into_owned(self) -> Hold<'static> {
        match self {
            Hold::For(s) => Hold::For(s),
            Hold::Until(d) => Hold::Until(d.into_owned()),
        }
    }
}

str_newtype!(
    /// An RFC 3339 `date-time`, checked for shape (`2025-01-31T23:59:60.5+01:00`), as written.
    DateTime,
    date_time
);

/// `BY=` (RFC 2852 DELIVERBY).
///
/// ```text
/// by-value = by-time ";" by-mode [ by-trace ]
/// by-time  = [ "-" / "+" ] 1*9digit
/// by-mode  = "N" / "R"
/// by-trace = "T"
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DeliverBy {
    /// Seconds from now (may be negative).
    pub time: i32,
    /// What to do when the time passes.
    pub mode: ByMode,
    /// Whether trace (`T`) was asked for.
    pub trace: bool,
}

/// The DELIVERBY mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ByMode {
    /// `N`: notify the sender, keep delivering.
    Notify,
    /// `R`: return the message.
    Return,
}

/// The address type of ORCPT.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum AddrType<'a> {
    /// `rfc822` (RFC 3461): the address in xtext.
    Rfc822,
    /// `utf-8` (RFC 6533): `\x{HEX}` escapes, or raw UTF-8 with SMTPUTF8.
    Utf8,
    /// Any other registered type (an atom), with its value as xtext.
    Other(Cow<'a, str>),
}

/// `ORCPT=` (RFC 3461 §4.2, RFC 6533 §3): the original recipient.
///
/// ```text
/// orcpt-parameter = "ORCPT=" original-recipient-address
/// original-recipient-address = addr-type ";" xtext
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Orcpt<'a> {
    addr_type: AddrType<'a>,
    address: Cow<'a, str>,
}

/// Checks the address against its type, as [`Orcpt::new`] does.
#[cfg(feature = "serde")]
impl<'de, 'a> serde::Deserialize<'de> for Orcpt<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Wire<'a> {
            addr_type: AddrType<'a>,
            address: String,
        }
        let w = Wire::deserialize(d)?;
        Orcpt::new(w.addr_type, &w.address)
            .map(Orcpt::into_owned)
            .map_err(serde::de::Error::custom)
    }
}

impl<'a> Orcpt<'a> {
    /// An ORCPT value, checked against the grammar of its address type.
    pub fn new(addr_type: AddrType<'a>, address: &'a str) -> Result<Self, crate::InvalidValue> {
        let bad = crate::InvalidValue { type_name: "Orcpt" };
        if let AddrType::Other(t) = &addr_type
            && (!is_atom(t.as_bytes())
                || t.eq_ignore_ascii_case("rfc822")
                || t.eq_ignore_ascii_case("utf-8"))
        {
            return Err(bad);
        }
        if !orcpt_address_ok(&addr_type, address.as_bytes()) {
            return Err(bad);
        }
        Ok(Orcpt {
            addr_type,
            address: Cow::Borrowed(address),
        })
    }

    /// The address type.
    pub fn addr_type(&self) -> &AddrType<'a> {
        &self.addr_type
    }

    /// The address, encoded as on the wire.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The address decoded: xtext `+XX` for `rfc822` and other types, `\x{HEX}` for `utf-8`.
    pub fn decoded(&self) -> Cow<'_, str> {
        match self.addr_type {
            AddrType::Utf8 => unescape_utf8_addr(&self.address),
            _ => match XText::checked(&self.address).decode() {
                Cow::Borrowed(_) => Cow::Borrowed(&self.address),
                Cow::Owned(bytes) => Cow::Owned(String::from_utf8_lossy(&bytes).into_owned()),
            },
        }
    }

    /// Detaches the value from the input it borrows.
    pub fn into_owned(self) -> Orcpt<'static> {
        Orcpt {
            addr_type: match self.addr_type {
                AddrType::Rfc822 => AddrType::Rfc822,
                AddrType::Utf8 => AddrType::Utf8,
                AddrType::Other(t) => AddrType::Other(Cow::Owned(t.into_owned())),
            },
            address: Cow::Owned(self.address.into_owned()),
        }
    }

    /// Writes `type;address`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(match &self.addr_type {
            AddrType::Rfc822 => b"rfc822",
            AddrType::Utf8 => b"utf-8",
            AddrType::Other(t) => t.as_bytes(),
        });
        out.push(b';');
        out.extend_from_slice(self.address.as_bytes());
    }
}

fn is_atom(b: &[u8]) -> bool {
    !b.is_empty()
        && b.iter()
            .all(|&c| crate::syntax::ATEXT[c as usize] && c.is_ascii())
}

/// `QCHAR = %x21-2a / %x2c-3c / %x3e-5b / %x5d-7e` (RFC 6533 §3).
const fn is_qchar(b: u8) -> bool {
    matches!(b, 0x21..=0x2a | 0x2c..=0x3c | 0x3e..=0x5b | 0x5d..=0x7e)
}

/// ```text
/// utf-8-addr-unitext  = 1*(QUCHAR / EmbeddedUnicodeChar)
/// EmbeddedUnicodeChar = %x5C.78 "{" HEXPOINT "}"
/// ```
fn orcpt_address_ok(addr_type: &AddrType<'_>, v: &[u8]) -> bool {
    if v.is_empty() {
        return false;
    }
    match addr_type {
        AddrType::Utf8 => {
            if std::str::from_utf8(v).is_err() {
                return false;
            }
            let mut i = 0;
            while i < v.len() {
                if v[i] == b'\\' {
                    let Some(rest) = v.get(i + 1..).and_then(|r| r.strip_prefix(b"x{")) else {
                        return false;
                    };
                    let n = rest
                        .iter()
                        .take_while(|b| matches!(b, b'0'..=b'9' | b'A'..=b'F'))
                        .count();
                    if !(2..=6).contains(&n) || rest.get(n) != Some(&b'}') {
                        return false;
                    }
                    i += 3 + n + 1;
                } else if is_qchar(v[i]) || v[i] >= 0x80 {
                    i += 1;
                } else {
                    return false;
                }
            }
            true
        }
        _ => crate::xtext::xtext_len(v) == Ok(v.len()),
    }
}

/// Whether `value` is a valid ORCPT value; the same check as [`orcpt`], on a value already
/// known to be UTF-8.
pub(crate) fn orcpt_ok(value: &[u8]) -> bool {
    let Some(semi) = value.iter().position(|&b| b == b';') else {
        return false;
    };
    let (t, v) = (&value[..semi], &value[semi + 1..]);
    let utf8 = eq_folded(t, b"utf-8");
    if eq_folded(t, b"rfc822") || (!utf8 && is_atom(t)) {
        !v.is_empty() && crate::xtext::xtext_len(v) == Ok(v.len())
    } else if utf8 {
        orcpt_address_ok(&AddrType::Utf8, v)
    } else {
        false
    }
}

fn unescape_utf8_addr(s: &str) -> Cow<'_, str> {
    if !s.contains("\\x{") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find("\\x{") {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 3..];
        let end = after.find('}').unwrap_or(after.len());
        let c = u32::from_str_radix(&after[..end], 16)
            .ok()
            .and_then(char::from_u32)
            .unwrap_or(char::REPLACEMENT_CHARACTER);
        out.push(c);
        rest = after.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// `addr-type ";" value` of ORCPT.
pub(crate) fn orcpt(value: &[u8]) -> Option<Orcpt<'_>> {
    let semi = value.iter().position(|&b| b == b';')?;
    let (t, v) = (&value[..semi], &value[semi + 1..]);
    let addr_type = if t.eq_ignore_ascii_case(b"rfc822") {
        AddrType::Rfc822
    } else if t.eq_ignore_ascii_case(b"utf-8") {
        AddrType::Utf8
    } else if is_atom(t) {
        AddrType::Other(Cow::Borrowed(std::str::from_utf8(t).ok()?))
    } else {
        return None;
    };
    if !orcpt_address_ok(&addr_type, v) {
        return None;
    }
    Some(Orcpt {
        addr_type,
        address: Cow::Borrowed(std::str::from_utf8(v).ok()?),
    })
}

/// `NOTIFY` value.
pub(crate) fn notify(value: &[u8]) -> Result<Notify, crate::ErrorKind> {
    use crate::ErrorKind::{ConflictingParameters, InvalidParameterValue};
    if eq_folded(value, b"NEVER") {
        return Ok(Notify::Never);
    }
    let (mut success, mut failure, mut delay) = (false, false, false);
    for item in value.split(|&b| b == b',') {
        let slot = if eq_folded(item, b"SUCCESS") {
            &mut success
        } else if eq_folded(item, b"FAILURE") {
            &mut failure
        } else if eq_folded(item, b"DELAY") {
            &mut delay
        } else if eq_folded(item, b"NEVER") {
            return Err(ConflictingParameters);
        } else {
            return Err(InvalidParameterValue);
        };
        if *slot {
            return Err(InvalidParameterValue);
        }
        *slot = true;
    }
    Ok(Notify::On {
        success,
        failure,
        delay,
    })
}

/// `1*N DIGIT` as a number.
pub(crate) fn digits(value: &[u8], max_len: usize) -> Option<u64> {
    if value.is_empty() || value.len() > max_len {
        return None;
    }
    // Up to 19 digits cannot overflow a u64; only 20 need the checked steps.
    let mut v = 0u64;
    for &d in value {
        let d = d.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d))?;
    }
    Some(v)
}

/// `[ "+" / "-" ] 1DIGIT` (RFC 6710 `priority-value`).
pub(crate) fn mt_priority(value: &[u8]) -> Option<i8> {
    let (neg, d) = match value {
        [b'+', d] => (false, *d),
        [b'-', d] => (true, *d),
        [d] => (false, *d),
        _ => return None,
    };
    let v = i8::try_from(digits(&[d], 1)?).ok()?;
    Some(if neg { -v } else { v })
}

/// `by-value`.
pub(crate) fn deliver_by(value: &[u8]) -> Option<DeliverBy> {
    let semi = value.iter().position(|&b| b == b';')?;
    let (time, mode) = (&value[..semi], &value[semi + 1..]);
    let (neg, num) = match time.first()? {
        b'-' => (true, &time[1..]),
        b'+' => (false, &time[1..]),
        _ => (false, time),
    };
    let n = i32::try_from(digits(num, 9)?).ok()?;
    let (mode, trace) = match mode {
        [m] => (*m, false),
        [m, b'T' | b't'] => (*m, true),
        _ => return None,
    };
    let mode = match mode {
        b'N' | b'n' => ByMode::Notify,
        b'R' | b'r' => ByMode::Return,
        _ => return None,
    };
    Some(DeliverBy {
        time: if neg { -n } else { n },
        mode,
        trace,
    })
}

/// ```text
/// date-time    = full-date "T" full-time              ; RFC 3339 §5.6
/// full-date    = date-fullyear "-" date-month "-" date-mday
/// full-time    = partial-time time-offset
/// partial-time = time-hour ":" time-minute ":" time-second [time-secfrac]
/// time-offset  = "Z" / time-numoffset
/// ```
pub(crate) fn date_time(input: &[u8]) -> ParseResult<'_, DateTime<'_>> {
    fn num(b: &[u8], at: usize, len: usize, max: u32) -> bool {
        b.get(at..at + len).is_some_and(|d| {
            d.iter().all(u8::is_ascii_digit)
                && d.iter().fold(0u32, |v, &c| v * 10 + u32::from(c - b'0')) <= max
        })
    }
    let b = input;
    let shape = num(b, 0, 4, 9999)
        && b.get(4) == Some(&b'-')
        && num(b, 5, 2, 12)
        && b.get(7) == Some(&b'-')
        && num(b, 8, 2, 31)
        && matches!(b.get(10), Some(b'T' | b't'))
        && num(b, 11, 2, 23)
        && b.get(13) == Some(&b':')
        && num(b, 14, 2, 59)
        && b.get(16) == Some(&b':')
        && num(b, 17, 2, 60);
    if !shape {
        return Err(SynErr::syntax(input));
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        let n = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return Err(SynErr::syntax(&input[i..]));
        }
        i += 1 + n;
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i += 1,
        Some(b'+' | b'-')
            if num(b, i + 1, 2, 23) && b.get(i + 3) == Some(&b':') && num(b, i + 4, 2, 59) =>
        {
            i += 6
        }
        _ => return Err(SynErr::syntax(&input[i..])),
    }
    let text = utf8(&input[..i]).map_err(|k| SynErr::at(input, k))?;
    Ok((&input[i..], DateTime::checked(text)))
}

str_newtype!(
    /// The keyword of an ESMTP parameter this crate does not know, as written.
    ///
    /// ```text
    /// esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
    /// ```
    Keyword,
    esmtp_keyword
);

str_newtype!(
    /// The value of an ESMTP parameter this crate does not know, as written.
    ///
    /// ```text
    /// esmtp-value = 1*(%d33-60 / %d62-126)      ; RFC 6531: / UTF8-non-ascii
    /// ```
    Value,
    esmtp_value
);

/// ```text
/// esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
/// ```
pub(crate) fn esmtp_keyword(input: &[u8]) -> ParseResult<'_, Keyword<'_>> {
    esmtp_keyword_in(input, Src::NONE)
}

/// [`esmtp_keyword`], its text cut from `src`.
#[inline(always)]
pub(crate) fn esmtp_keyword_in<'a>(input: &'a [u8], src: Src<'a>) -> ParseResult<'a, Keyword<'a>> {
    if !input.first().is_some_and(u8::is_ascii_alphanumeric) {
        return Err(SynErr::syntax(input));
    }
    let n = 1 + input[1..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
        .count();
    let text = src.str(&input[..n]).map_err(|k| SynErr::at(input, k))?;
    Ok((&input[n..], Keyword::checked(text)))
}

/// ```text
/// esmtp-value = 1*(%d33-60 / %d62-126)      ; RFC 6531: / UTF8-non-ascii
/// ```
pub(crate) fn esmtp_value(input: &[u8]) -> ParseResult<'_, Value<'_>> {
    esmtp_value_in(input, Src::NONE)
}

/// [`esmtp_value`], its text cut from `src`.
#[inline(always)]
pub(crate) fn esmtp_value_in<'a>(input: &'a [u8], src: Src<'a>) -> ParseResult<'a, Value<'a>> {
    let n = span(input, &ESMTP_VALUE);
    if n == 0 {
        return Err(SynErr::syntax(input));
    }
    let text = src.str(&input[..n]).map_err(|k| SynErr::at(input, k))?;
    Ok((&input[n..], Value::checked(text)))
}

/// An ESMTP parameter this crate does not know, kept for the caller to decide on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Param<'a> {
    /// The keyword, as written.
    pub keyword: Keyword<'a>,
    /// The value, if there was `=value`.
    pub value: Option<Value<'a>>,
}

impl Param<'_> {
    /// Detaches the value from the input it borrows.
    pub fn into_owned(self) -> Param<'static> {
        Param {
            keyword: self.keyword.into_owned(),
            value: self.value.map(Value::into_owned),
        }
    }

    /// Writes `keyword[=value]`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        self.keyword.write_to(out);
        if let Some(v) = &self.value {
            out.push(b'=');
            v.write_to(out);
        }
    }
}
