//! ESMTP parameters of MAIL and RCPT (RFC 5321 §4.1.2 `Mail-parameters`, `Rcpt-parameters`).
//!
//! Known parameters are typed and accepted only on the verb they belong to (`NOTIFY` on MAIL is
//! [`ErrorKind::ParameterNotAllowed`], 555); a parameter given twice is
//! [`ErrorKind::DuplicateParameter`]; parameters this crate does not know are kept (keyword and
//! value, as written) so the caller decides. Keywords and enumerated values are
//! case-insensitive.
//!
//! A parameter list keeps its text as received (`as_str`, `write_as_received`: keyword case and
//! order kept). Every parameter is checked when the line is parsed; the frequent ones (SIZE,
//! BODY, SMTPUTF8, RET, REQUIRETLS, MT-PRIORITY, NOTIFY) are also stored decoded, the rare ones
//! (ENVID, AUTH, HOLDFOR/HOLDUNTIL, BY, ORCPT, unknown parameters) are read from the text when
//! asked for. That keeps a parsed command small, so it moves cheaply. Lists are built with the
//! `with_*` methods. Two lists are equal when they hold the same parameters with the same values
//! (unknown ones in the same order), however they were spelled; `write_to` writes the canonical
//! form: known parameters in upper case in a fixed order (that of the accessors), then the
//! unknown ones as received.
//!
//! ```text
//! Mail-parameters = esmtp-param *(SP esmtp-param)
//! Rcpt-parameters = esmtp-param *(SP esmtp-param)
//! esmtp-param     = esmtp-keyword ["=" esmtp-value]
//! ```

mod mail;
mod rcpt;
#[cfg(feature = "serde")]
mod serde_impl;
mod values;

pub use mail::MailParams;
pub use rcpt::RcptParams;
pub use values::{
    AddrType, Body, ByMode, DateTime, DeliverBy, Hold, Keyword, MailAuth, Notify, Orcpt, Param,
    Ret, Value,
};

pub(crate) use mail::mail_params;
pub(crate) use rcpt::rcpt_params;

use crate::error::ErrorKind;
use crate::syntax::{ESMTP_VALUE, ParseResult, Src, SynErr, eq_folded, span};
use crate::xtext::xtext_len;

/// `1*20DIGIT` as a number (SIZE, BDAT chunk sizes).
pub(crate) fn digits_u64(value: &[u8]) -> Option<u64> {
    values::digits(value, 20)
}

/// The parameters this crate knows; the discriminant is the bit of a presence set.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
enum Known {
    Size = 0,
    Body,
    Smtputf8,
    Ret,
    Envid,
    Auth,
    Requiretls,
    MtPriority,
    HoldFor,
    HoldUntil,
    By,
    Notify,
    Orcpt,
}

impl Known {
    const fn bit(self) -> u16 {
        1 << self as u8
    }
}

/// Presence bit of "at least one parameter this crate does not know".
const OTHER: u16 = 1 << 15;

/// Dispatches a keyword by its length, then one case-insensitive comparison; exact
/// (`SIZEX` is not `SIZE`).
#[inline(always)]
fn known(keyword: &[u8]) -> Option<Known> {
    let first = keyword.first()? | 0x20;
    let (name, kind): (&[u8], Known) = match (keyword.len(), first) {
        (2, b'b') => (b"BY", Known::By),
        (3, b'r') => (b"RET", Known::Ret),
        (4, b's') => (b"SIZE", Known::Size),
        (4, b'b') => (b"BODY", Known::Body),
        (4, b'a') => (b"AUTH", Known::Auth),
        (5, b'e') => (b"ENVID", Known::Envid),
        (5, b'o') => (b"ORCPT", Known::Orcpt),
        (6, b'n') => (b"NOTIFY", Known::Notify),
        (7, b'h') => (b"HOLDFOR", Known::HoldFor),
        (8, b's') => (b"SMTPUTF8", Known::Smtputf8),
        (9, b'h') => (b"HOLDUNTIL", Known::HoldUntil),
        (10, b'r') => (b"REQUIRETLS", Known::Requiretls),
        (11, b'm') => (b"MT-PRIORITY", Known::MtPriority),
        _ => return None,
    };
    eq_folded(keyword, name).then_some(kind)
}

/// One `esmtp-param` of a line: where it starts, the keyword, and the value if there is one.
struct RawParam<'a> {
    at: &'a [u8],
    keyword: &'a [u8],
    value: Option<&'a [u8]>,
}

/// `esmtp-keyword` bytes after the first: `ALPHA / DIGIT / "-"`.
static KEYWORD_TAIL: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric() || b == b'-';
        i += 1;
    }
    t
};

/// ```text
/// esmtp-param   = esmtp-keyword ["=" esmtp-value]
/// esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
/// esmtp-value   = 1*(%d33-60 / %d62-126)      ; RFC 6531: / UTF8-non-ascii
/// ```
#[inline(always)]
fn esmtp_param<'a>(input: &'a [u8], src: Src<'a>) -> ParseResult<'a, RawParam<'a>> {
    if !input.first().is_some_and(u8::is_ascii_alphanumeric) {
        return Err(SynErr::syntax(input));
    }
    let n = 1 + span(&input[1..], &KEYWORD_TAIL);
    let keyword = &input[..n];
    let rest = &input[n..];
    match rest.split_first() {
        Some((b'=', v)) => {
            let m = span(v, &ESMTP_VALUE);
            if m == 0 {
                return Err(SynErr::syntax(v));
            }
            let value = &v[..m];
            src.check(value).map_err(|k| SynErr::at(v, k))?;
            Ok((
                &v[m..],
                RawParam {
                    at: input,
                    keyword,
                    value: Some(value),
                },
            ))
        }
        _ => Ok((
            rest,
            RawParam {
                at: input,
                keyword,
                value: None,
            },
        )),
    }
}

/// Runs `each` over `*(SP esmtp-param)` until the input ends; returns the text of the list
/// (without the first space).
#[inline(always)]
fn esmtp_params<'a>(
    input: &'a [u8],
    src: Src<'a>,
    mut each: impl FnMut(RawParam<'a>) -> Result<(), nom::Err<SynErr<'a>>>,
) -> Result<&'a str, nom::Err<SynErr<'a>>> {
    let mut rest = input;
    while !rest.is_empty() {
        let Some(after_sp) = rest.strip_prefix(b" ") else {
            return Err(SynErr::syntax(rest));
        };
        let (after, param) = esmtp_param(after_sp, src)?;
        each(param)?;
        rest = after;
    }
    match input.split_first() {
        // Every token was checked, and the separators are ASCII: the whole is UTF-8.
        Some((_, list)) => src.str(list).map_err(|k| SynErr::at(input, k)),
        None => Ok(""),
    }
}

/// Whether the unknown parameter `p` repeats one (any case) that came before it in `list`,
/// the text starting at the list's first space.
fn repeated(list: &[u8], p: &RawParam<'_>) -> bool {
    let before = &list[..list.len() - p.at.len()];
    before
        .split(|&b| b == b' ')
        .map(|param| param.split(|&b| b == b'=').next().unwrap_or(param))
        .any(|k| k.eq_ignore_ascii_case(p.keyword))
}

/// The value of a parameter that must have one, checked by `parse`.
#[inline]
fn typed<'a, T>(
    p: &RawParam<'a>,
    parse: impl FnOnce(&'a [u8]) -> Option<T>,
) -> Result<T, nom::Err<SynErr<'a>>> {
    let Some(v) = p.value else {
        return Err(SynErr::at(p.at, ErrorKind::InvalidParameterValue));
    };
    parse(v).ok_or_else(|| SynErr::at(v, ErrorKind::InvalidParameterValue))
}

/// A parameter that takes no value.
#[inline]
fn no_value<'a>(p: &RawParam<'a>) -> Result<(), nom::Err<SynErr<'a>>> {
    match p.value {
        Some(v) => Err(SynErr::at(v, ErrorKind::InvalidParameterValue)),
        None => Ok(()),
    }
}

/// Whether all of `v` is non-empty xtext (which is ASCII, so it is text wherever it lies).
fn whole_xtext(v: &[u8]) -> bool {
    !v.is_empty() && xtext_len(v) == Ok(v.len())
}

/// The `(keyword, value)` pairs of a stored list (checked when it was parsed or built).
fn pairs(list: &str) -> impl Iterator<Item = (&str, Option<&str>)> {
    list.split(' ')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (p, None),
        })
}

/// The value (if any) of the known parameter `kind` in a stored list; `None` when absent.
fn find(list: &str, kind: Known) -> Option<Option<&str>> {
    pairs(list)
        .find(|(k, _)| known(k.as_bytes()) == Some(kind))
        .map(|(_, v)| v)
}

/// The parameters of a stored list that this crate does not know.
fn unknown_params(list: &str) -> impl Iterator<Item = Param<'_>> {
    pairs(list)
        .filter(|(k, _)| known(k.as_bytes()).is_none())
        .map(|(k, v)| Param {
            keyword: Keyword::checked(k),
            value: v.map(Value::checked),
        })
}

/// A stored list without the parameters `drop` picks, with `keyword[=value]` added at the end.
fn rebuilt(list: &str, drop: impl Fn(&str) -> bool, keyword: &str, value: Option<&str>) -> String {
    let mut out = String::with_capacity(list.len() + keyword.len() + 16);
    for param in list.split(' ').filter(|p| !p.is_empty()) {
        let k = param.split('=').next().unwrap_or(param);
        if !drop(k) {
            out.push_str(param);
            out.push(' ');
        }
    }
    out.push_str(keyword);
    if let Some(v) = value {
        out.push('=');
        out.push_str(v);
    }
    out
}

/// Writes ` keyword[=value]`.
fn write_param(out: &mut Vec<u8>, keyword: &str, value: Option<&[u8]>) {
    out.push(b' ');
    out.extend_from_slice(keyword.as_bytes());
    if let Some(v) = value {
        out.push(b'=');
        out.extend_from_slice(v);
    }
}

/// Writes ` list` (nothing for an empty list).
fn write_list(list: &str, out: &mut Vec<u8>) {
    if !list.is_empty() {
        out.push(b' ');
        out.extend_from_slice(list.as_bytes());
    }
}

#[cfg(test)]
mod tests;
