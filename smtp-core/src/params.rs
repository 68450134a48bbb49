//! ESMTP parameters of MAIL and RCPT (RFC 5321 §4.1.2 `Mail-parameters`, `Rcpt-parameters`).
//!
//! Known parameters are typed and accepted only on the verb they belong to (`NOTIFY` on MAIL is
//! [`ErrorKind::ParameterNotAllowed`], 555); a parameter given twice is
//! [`ErrorKind::DuplicateParameter`]; parameters this crate does not know are kept in `other`
//! (keyword and value, as written) so the caller decides. Keywords and enumerated values are
//! case-insensitive; writing uses the canonical upper case and a fixed order (known parameters
//! first, in the order of the struct fields, then `other` as received).
//!
//! ```text
//! Mail-parameters = esmtp-param *(SP esmtp-param)
//! Rcpt-parameters = esmtp-param *(SP esmtp-param)
//! esmtp-param     = esmtp-keyword ["=" esmtp-value]
//! ```

mod values;

pub use values::{
    AddrType, Body, ByMode, DateTime, DeliverBy, Hold, Keyword, MailAuth, Notify, Orcpt, Param,
    Ret, Value,
};

use crate::error::ErrorKind;
use crate::syntax::{ParseResult, Src, SynErr};
use crate::xtext::{XText, xtext_in};

/// `1*20DIGIT` as a number (SIZE, BDAT chunk sizes).
pub(crate) fn digits_u64(value: &[u8]) -> Option<u64> {
    values::digits(value, 20)
}

/// Longest ENVID, RFC 3461 §4.4.
const MAX_ENVID: usize = 100;

/// The parameters of `MAIL FROM:`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MailParams<'a> {
    /// `SIZE=` (RFC 1870): the declared message size in octets.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub size: Option<u64>,
    /// `BODY=` (RFC 6152, RFC 3030).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub body: Option<Body>,
    /// `SMTPUTF8` (RFC 6531).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "std::ops::Not::not"))]
    pub smtputf8: bool,
    /// `RET=` (RFC 3461).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub ret: Option<Ret>,
    /// `ENVID=` (RFC 3461), xtext of at most 100 characters.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub envid: Option<XText<'a>>,
    /// `AUTH=` (RFC 4954 §5).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub auth: Option<MailAuth<'a>>,
    /// `REQUIRETLS` (RFC 8689).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "std::ops::Not::not"))]
    pub requiretls: bool,
    /// `MT-PRIORITY=` (RFC 6710), -9..=9.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub mt_priority: Option<i8>,
    /// `HOLDFOR=` / `HOLDUNTIL=` (RFC 4865); giving both is an error.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub hold: Option<Hold<'a>>,
    /// `BY=` (RFC 2852).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub by: Option<DeliverBy>,
    /// Parameters this crate does not know, in the order received. Must not hold a keyword that
    /// is known on MAIL or RCPT.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Vec::is_empty"))]
    pub other: Vec<Param<'a>>,
}

/// The parameters of `RCPT TO:`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RcptParams<'a> {
    /// `NOTIFY=` (RFC 3461).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub notify: Option<Notify>,
    /// `ORCPT=` (RFC 3461, RFC 6533).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub orcpt: Option<Orcpt<'a>>,
    /// Parameters this crate does not know, in the order received. Must not hold a keyword that
    /// is known on MAIL or RCPT.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Vec::is_empty"))]
    pub other: Vec<Param<'a>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Known {
    Size,
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

/// Dispatches a keyword by a byte match on its upper-cased form.
fn known(keyword: &[u8]) -> Option<Known> {
    let mut buf = [0u8; 11];
    let upper = buf.get_mut(..keyword.len())?;
    for (d, s) in upper.iter_mut().zip(keyword) {
        *d = s.to_ascii_uppercase();
    }
    Some(match &*upper {
        b"SIZE" => Known::Size,
        b"BODY" => Known::Body,
        b"SMTPUTF8" => Known::Smtputf8,
        b"RET" => Known::Ret,
        b"ENVID" => Known::Envid,
        b"AUTH" => Known::Auth,
        b"REQUIRETLS" => Known::Requiretls,
        b"MT-PRIORITY" => Known::MtPriority,
        b"HOLDFOR" => Known::HoldFor,
        b"HOLDUNTIL" => Known::HoldUntil,
        b"BY" => Known::By,
        b"NOTIFY" => Known::Notify,
        b"ORCPT" => Known::Orcpt,
        _ => return None,
    })
}

/// One `esmtp-param`: the keyword, and the value with its position when there is one.
struct RawParam<'a> {
    at: &'a [u8],
    keyword: Keyword<'a>,
    value: Option<(&'a [u8], values::Value<'a>)>,
}

/// ```text
/// esmtp-param = esmtp-keyword ["=" esmtp-value]
/// ```
#[inline(always)]
fn esmtp_param<'a>(input: &'a [u8], src: Src<'a>) -> ParseResult<'a, RawParam<'a>> {
    let (rest, keyword) = values::esmtp_keyword_in(input, src)?;
    match rest.strip_prefix(b"=") {
        Some(v) => {
            let (rest, value) = values::esmtp_value_in(v, src)?;
            Ok((
                rest,
                RawParam {
                    at: input,
                    keyword,
                    value: Some((&v[..v.len() - rest.len()], value)),
                },
            ))
        }
        None => Ok((
            rest,
            RawParam {
                at: input,
                keyword,
                value: None,
            },
        )),
    }
}

/// Runs `each` over `*(SP esmtp-param)` until the input ends.
#[inline(always)]
fn esmtp_params<'a>(
    mut input: &'a [u8],
    src: Src<'a>,
    mut each: impl FnMut(RawParam<'a>) -> Result<(), nom::Err<SynErr<'a>>>,
) -> ParseResult<'a, ()> {
    while !input.is_empty() {
        let Some(after_sp) = input.strip_prefix(b" ") else {
            return Err(SynErr::syntax(input));
        };
        let (rest, param) = esmtp_param(after_sp, src)?;
        each(param)?;
        input = rest;
    }
    Ok((input, ()))
}

fn set<'a, T>(slot: &mut Option<T>, value: T, at: &'a [u8]) -> Result<(), nom::Err<SynErr<'a>>> {
    if slot.is_some() {
        return Err(SynErr::at(at, ErrorKind::DuplicateParameter));
    }
    *slot = Some(value);
    Ok(())
}

fn flag<'a>(slot: &mut bool, p: &RawParam<'a>) -> Result<(), nom::Err<SynErr<'a>>> {
    if let Some((v, _)) = p.value {
        return Err(SynErr::at(v, ErrorKind::InvalidParameterValue));
    }
    if *slot {
        return Err(SynErr::at(p.at, ErrorKind::DuplicateParameter));
    }
    *slot = true;
    Ok(())
}

fn other<'a>(list: &mut Vec<Param<'a>>, p: RawParam<'a>) -> Result<(), nom::Err<SynErr<'a>>> {
    let kw = p.keyword.as_str();
    if list
        .iter()
        .any(|o| o.keyword.as_str().eq_ignore_ascii_case(kw))
    {
        return Err(SynErr::at(p.at, ErrorKind::DuplicateParameter));
    }
    list.push(Param {
        keyword: p.keyword,
        value: p.value.map(|(_, v)| v),
    });
    Ok(())
}

/// The value of a parameter that must have one, checked by `parse`.
fn typed<'a, T>(
    p: &RawParam<'a>,
    parse: impl FnOnce(&'a [u8]) -> Option<T>,
) -> Result<T, nom::Err<SynErr<'a>>> {
    let Some((v, _)) = p.value else {
        return Err(SynErr::at(p.at, ErrorKind::InvalidParameterValue));
    };
    parse(v).ok_or_else(|| SynErr::at(v, ErrorKind::InvalidParameterValue))
}

fn whole_xtext<'a>(v: &'a [u8], src: Src<'a>) -> Option<XText<'a>> {
    match xtext_in(v, src) {
        Ok((rest, x)) if rest.is_empty() && !x.is_empty() => Some(x),
        _ => None,
    }
}

/// ```text
/// Mail-parameters = esmtp-param *(SP esmtp-param)
/// ```
///
/// `input` is what follows the reverse path: empty, or `SP` and the parameters. The parameters
/// are written into `out` (empty before), in place: a parsed command is built where it lies. The
/// text is cut from `src`.
#[inline(always)]
pub(crate) fn mail_params<'a>(
    input: &'a [u8],
    src: Src<'a>,
    out: &mut MailParams<'a>,
) -> ParseResult<'a, ()> {
    esmtp_params(input, src, |p| {
        let Some(k) = known(p.keyword.as_str().as_bytes()) else {
            return other(&mut out.other, p);
        };
        match k {
            Known::Size => set(&mut out.size, typed(&p, |v| values::digits(v, 20))?, p.at),
            Known::Body => set(&mut out.body, typed(&p, Body::parse)?, p.at),
            Known::Smtputf8 => flag(&mut out.smtputf8, &p),
            Known::Ret => set(&mut out.ret, typed(&p, Ret::parse)?, p.at),
            Known::Envid => set(
                &mut out.envid,
                typed(&p, |v| {
                    whole_xtext(v, src).filter(|x| x.as_str().len() <= MAX_ENVID)
                })?,
                p.at,
            ),
            Known::Auth => {
                let auth = typed(&p, |v| {
                    if v == b"<>" {
                        Some(MailAuth::Unknown)
                    } else {
                        whole_xtext(v, src).map(MailAuth::Identity)
                    }
                })?;
                set(&mut out.auth, auth, p.at)
            }
            Known::Requiretls => flag(&mut out.requiretls, &p),
            Known::MtPriority => set(&mut out.mt_priority, typed(&p, values::mt_priority)?, p.at),
            Known::HoldFor | Known::HoldUntil => {
                let hold = if k == Known::HoldFor {
                    Hold::For(typed(&p, |v| u32::try_from(values::digits(v, 9)?).ok())?)
                } else {
                    Hold::Until(typed(&p, |v| match values::date_time(v) {
                        Ok((b"", d)) => Some(d),
                        _ => None,
                    })?)
                };
                match (&out.hold, &hold) {
                    (None, _) => {
                        out.hold = Some(hold);
                        Ok(())
                    }
                    (Some(Hold::For(_)), Hold::For(_)) | (Some(Hold::Until(_)), Hold::Until(_)) => {
                        Err(SynErr::at(p.at, ErrorKind::DuplicateParameter))
                    }
                    _ => Err(SynErr::at(p.at, ErrorKind::ConflictingParameters)),
                }
            }
            Known::By => set(&mut out.by, typed(&p, values::deliver_by)?, p.at),
            Known::Notify | Known::Orcpt => Err(SynErr::at(p.at, ErrorKind::ParameterNotAllowed)),
        }
    })
}

/// ```text
/// Rcpt-parameters = esmtp-param *(SP esmtp-param)
/// ```
///
/// `input` is what follows the forward path: empty, or `SP` and the parameters, written into
/// `out` (empty before) in place, the text cut from `src`.
#[inline(always)]
pub(crate) fn rcpt_params<'a>(
    input: &'a [u8],
    src: Src<'a>,
    out: &mut RcptParams<'a>,
) -> ParseResult<'a, ()> {
    esmtp_params(input, src, |p| match known(p.keyword.as_str().as_bytes()) {
        None => other(&mut out.other, p),
        Some(Known::Notify) => {
            let Some((v, _)) = p.value else {
                return Err(SynErr::at(p.at, ErrorKind::InvalidParameterValue));
            };
            let notify = values::notify(v).map_err(|k| SynErr::at(v, k))?;
            set(&mut out.notify, notify, p.at)
        }
        Some(Known::Orcpt) => set(&mut out.orcpt, typed(&p, values::orcpt)?, p.at),
        Some(_) => Err(SynErr::at(p.at, ErrorKind::ParameterNotAllowed)),
    })
}

fn write_param(out: &mut Vec<u8>, keyword: &str, value: Option<&[u8]>) {
    out.push(b' ');
    out.extend_from_slice(keyword.as_bytes());
    if let Some(v) = value {
        out.push(b'=');
        out.extend_from_slice(v);
    }
}

impl MailParams<'_> {
    /// Detaches the value from the input it borrows.
    pub fn into_owned(self) -> MailParams<'static> {
        MailParams {
            size: self.size,
            body: self.body,
            smtputf8: self.smtputf8,
            ret: self.ret,
            envid: self.envid.map(XText::into_owned),
            auth: self.auth.map(MailAuth::into_owned),
            requiretls: self.requiretls,
            mt_priority: self.mt_priority,
            hold: self.hold.map(Hold::into_owned),
            by: self.by,
            other: self.other.into_iter().map(Param::into_owned).collect(),
        }
    }

    /// Writes each parameter preceded by a space (nothing when there is none).
    pub fn write_to(&self, out: &mut Vec<u8>) {
        if let Some(size) = self.size {
            write_param(out, "SIZE", Some(size.to_string().as_bytes()));
        }
        if let Some(body) = self.body {
            write_param(out, "BODY", Some(body.as_str().as_bytes()));
        }
        if self.smtputf8 {
            write_param(out, "SMTPUTF8", None);
        }
        if let Some(ret) = self.ret {
            write_param(out, "RET", Some(ret.as_str().as_bytes()));
        }
        if let Some(envid) = &self.envid {
            write_param(out, "ENVID", Some(envid.as_str().as_bytes()));
        }
        match &self.auth {
            Some(MailAuth::Unknown) => write_param(out, "AUTH", Some(b"<>")),
            Some(MailAuth::Identity(x)) => write_param(out, "AUTH", Some(x.as_str().as_bytes())),
            None => {}
        }
        if self.requiretls {
            write_param(out, "REQUIRETLS", None);
        }
        if let Some(p) = self.mt_priority {
            write_param(out, "MT-PRIORITY", Some(p.to_string().as_bytes()));
        }
        match &self.hold {
            Some(Hold::For(s)) => write_param(out, "HOLDFOR", Some(s.to_string().as_bytes())),
            Some(Hold::Until(d)) => write_param(out, "HOLDUNTIL", Some(d.as_str().as_bytes())),
            None => {}
        }
        if let Some(by) = self.by {
            let mode = match by.mode {
                ByMode::Notify => "N",
                ByMode::Return => "R",
            };
            let trace = if by.trace { "T" } else { "" };
            write_param(
                out,
                "BY",
                Some(format!("{};{mode}{trace}", by.time).as_bytes()),
            );
        }
        for p in &self.other {
            out.push(b' ');
            p.write_to(out);
        }
    }

    /// Whether no parameter is set.
    pub fn is_empty(&self) -> bool {
        *self == MailParams::default()
    }
}

impl RcptParams<'_> {
    /// Detaches the value from the input it borrows.
    pub fn into_owned(self) -> RcptParams<'static> {
        RcptParams {
            notify: self.notify,
            orcpt: self.orcpt.map(Orcpt::into_owned),
            other: self.other.into_iter().map(Param::into_owned).collect(),
        }
    }

    /// Writes each parameter preceded by a space (nothing when there is none).
    pub fn write_to(&self, out: &mut Vec<u8>) {
        match self.notify {
            Some(Notify::Never) => write_param(out, "NOTIFY", Some(b"NEVER")),
            Some(Notify::On {
                success,
                failure,
                delay,
            }) => {
                let list: Vec<&str> =
                    [(success, "SUCCESS"), (failure, "FAILURE"), (delay, "DELAY")]
                        .into_iter()
                        .filter_map(|(on, name)| on.then_some(name))
                        .collect();
                write_param(out, "NOTIFY", Some(list.join(",").as_bytes()));
            }
            None => {}
        }
        if let Some(orcpt) = &self.orcpt {
            out.extend_from_slice(b" ORCPT=");
            orcpt.write_to(out);
        }
        for p in &self.other {
            out.push(b' ');
            p.write_to(out);
        }
    }

    /// Whether no parameter is set.
    pub fn is_empty(&self) -> bool {
        *self == RcptParams::default()
    }
}

#[cfg(test)]
mod tests;
