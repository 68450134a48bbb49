//! The parameters of `MAIL FROM:`.

use std::borrow::Cow;

use super::values::{self, Body, ByMode, DateTime, DeliverBy, Hold, MailAuth, Param, Ret};
use super::{
    Known, OTHER, esmtp_params, find, known, no_value, pairs, rebuilt, repeated, typed,
    unknown_params, whole_xtext, write_list, write_param,
};
use crate::error::{ErrorKind, InvalidValue};
use crate::syntax::{ParseResult, Src, SynErr};
use crate::xtext::XText;

/// Longest ENVID, RFC 3461 §4.4.
const MAX_ENVID: usize = 100;

/// The parameters of `MAIL FROM:`, as received; see the [module docs](super).
///
/// ```
/// use smtp_core::params::{Body, MailParams};
///
/// let p = MailParams::try_from("size=1000 BODY=8BITMIME ENVID=QQ314159 X-TAG=a").unwrap();
/// assert_eq!((p.size(), p.body()), (Some(1000), Some(Body::EightBitMime)));
/// assert_eq!(p.envid().unwrap().as_str(), "QQ314159");
/// assert_eq!(p.other().next().unwrap().keyword.as_str(), "X-TAG");
/// assert_eq!(p.as_str(), "size=1000 BODY=8BITMIME ENVID=QQ314159 X-TAG=a");
/// let mut canonical = Vec::new();
/// p.write_to(&mut canonical);
/// assert_eq!(canonical, b" SIZE=1000 BODY=8BITMIME ENVID=QQ314159 X-TAG=a");
///
/// let built = MailParams::default().with_size(1000).with_body(Body::EightBitMime);
/// assert_eq!(built.as_str(), "SIZE=1000 BODY=8BITMIME");
/// ```
#[derive(Debug, Clone, Default)]
pub struct MailParams<'a> {
    /// The list as received, without the space before it.
    list: Cow<'a, str>,
    /// The [`Known`] bits of the parameters in the list, and [`OTHER`].
    present: u16,
    body: Option<Body>,
    ret: Option<Ret>,
    /// MT-PRIORITY, when `present` says so.
    mt_priority: i8,
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
    let mut present = 0u16;
    let list = esmtp_params(input, src, |p| {
        let Some(k) = known(p.keyword) else {
            if present & OTHER != 0 && repeated(input, &p) {
                return Err(SynErr::at(p.at, ErrorKind::DuplicateParameter));
            }
            present |= OTHER;
            return Ok(());
        };
        match k {
            Known::Size => {
                typed(&p, |v| values::digits(v, 20))?;
            }
            Known::Body => out.body = Some(typed(&p, Body::parse)?),
            Known::Smtputf8 | Known::Requiretls => no_value(&p)?,
            Known::Ret => out.ret = Some(typed(&p, Ret::parse)?),
            Known::Envid => {
                typed(&p, |v| {
                    (whole_xtext(v) && v.len() <= MAX_ENVID).then_some(())
                })?;
            }
            Known::Auth => typed(&p, |v| (v == b"<>" || whole_xtext(v)).then_some(()))?,
            Known::MtPriority => out.mt_priority = typed(&p, values::mt_priority)?,
            Known::HoldFor => {
                typed(&p, |v| u32::try_from(values::digits(v, 9)?).ok())?;
                if present & Known::HoldUntil.bit() != 0 {
                    return Err(SynErr::at(p.at, ErrorKind::ConflictingParameters));
                }
            }
            Known::HoldUntil => {
                typed(&p, |v| match values::date_time(v) {
                    Ok((b"", _)) => Some(()),
                    _ => None,
                })?;
                if present & Known::HoldFor.bit() != 0 {
                    return Err(SynErr::at(p.at, ErrorKind::ConflictingParameters));
                }
            }
            Known::By => {
                typed(&p, values::deliver_by)?;
            }
            Known::Notify | Known::Orcpt => {
                return Err(SynErr::at(p.at, ErrorKind::ParameterNotAllowed));
            }
        }
        if present & k.bit() != 0 {
            return Err(SynErr::at(p.at, ErrorKind::DuplicateParameter));
        }
        present |= k.bit();
        Ok(())
    })?;
    out.present = present;
    out.list = Cow::Borrowed(list);
    Ok((&input[input.len()..], ()))
}

impl<'a> TryFrom<&'a str> for MailParams<'a> {
    type Error = InvalidValue;

    /// Parses a parameter list as it follows the reverse path, without the first space
    /// (`SIZE=1000 BODY=8BITMIME`); empty for none.
    fn try_from(s: &'a str) -> Result<Self, Self::Error> {
        let invalid = InvalidValue {
            type_name: "MailParams",
        };
        if s.starts_with(' ') {
            return Err(invalid);
        }
        let mut read = MailParams::default();
        let line = format!(" {s}");
        if !s.is_empty() {
            mail_params(line.as_bytes(), Src::line(line.as_bytes()), &mut read)
                .map_err(|_| invalid)?;
        }
        // The values were read from the copy; keep the caller's text.
        Ok(MailParams {
            list: Cow::Borrowed(s),
            ..read.detached()
        })
    }
}

impl MailParams<'static> {
    /// Checks a built list and takes it as the text.
    fn owned(list: String) -> Result<Self, InvalidValue> {
        let read = MailParams::try_from(list.as_str())?.detached();
        Ok(MailParams {
            list: Cow::Owned(list),
            ..read
        })
    }
}

impl MailParams<'_> {
    /// The decoded values without the text.
    fn detached(&self) -> MailParams<'static> {
        MailParams {
            list: Cow::Borrowed(""),
            present: self.present,
            body: self.body,
            ret: self.ret,
            mt_priority: self.mt_priority,
        }
    }

    fn has(&self, k: Known) -> bool {
        self.present & k.bit() != 0
    }

    /// The value of a present rare parameter, read from the list.
    fn value_of(&self, k: Known) -> Option<&str> {
        if !self.has(k) {
            return None;
        }
        find(&self.list, k).flatten()
    }

    /// `SIZE=` (RFC 1870): the declared message size in octets.
    pub fn size(&self) -> Option<u64> {
        self.value_of(Known::Size)
            .and_then(|v| values::digits(v.as_bytes(), 20))
    }

    /// `BODY=` (RFC 6152, RFC 3030).
    pub fn body(&self) -> Option<Body> {
        self.body
    }

    /// `SMTPUTF8` (RFC 6531).
    pub fn smtputf8(&self) -> bool {
        self.has(Known::Smtputf8)
    }

    /// `RET=` (RFC 3461).
    pub fn ret(&self) -> Option<Ret> {
        self.ret
    }

    /// `ENVID=` (RFC 3461), xtext of at most 100 characters.
    pub fn envid(&self) -> Option<XText<'_>> {
        self.value_of(Known::Envid).map(XText::checked)
    }

    /// `AUTH=` (RFC 4954 §5).
    pub fn auth(&self) -> Option<MailAuth<'_>> {
        self.value_of(Known::Auth).map(|v| match v {
            "<>" => MailAuth::Unknown,
            _ => MailAuth::Identity(XText::checked(v)),
        })
    }

    /// `REQUIRETLS` (RFC 8689).
    pub fn requiretls(&self) -> bool {
        self.has(Known::Requiretls)
    }

    /// `MT-PRIORITY=` (RFC 6710), -9..=9.
    pub fn mt_priority(&self) -> Option<i8> {
        self.has(Known::MtPriority).then_some(self.mt_priority)
    }

    /// `HOLDFOR=` / `HOLDUNTIL=` (RFC 4865); giving both is an error.
    pub fn hold(&self) -> Option<Hold<'_>> {
        if let Some(v) = self.value_of(Known::HoldFor) {
            return values::digits(v.as_bytes(), 9)
                .and_then(|s| u32::try_from(s).ok())
                .map(Hold::For);
        }
        self.value_of(Known::HoldUntil)
            .map(|v| Hold::Until(DateTime::checked(v)))
    }

    /// `BY=` (RFC 2852).
    pub fn by(&self) -> Option<DeliverBy> {
        self.value_of(Known::By)
            .and_then(|v| values::deliver_by(v.as_bytes()))
    }

    /// The parameters this crate does not know, in the order received.
    pub fn other(&self) -> impl Iterator<Item = Param<'_>> {
        let any = self.present & OTHER != 0;
        unknown_params(if any { &self.list } else { "" })
    }

    /// Every parameter, known or not, as written and in the order received.
    pub fn iter(&self) -> impl Iterator<Item = Param<'_>> {
        pairs(&self.list).map(|(k, v)| Param {
            keyword: values::Keyword::checked(k),
            value: v.map(values::Value::checked),
        })
    }

    /// The list as received (or built), without the space before it.
    pub fn as_str(&self) -> &str {
        &self.list
    }

    /// Whether no parameter is set.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Detaches the value from the input it borrows.
    pub fn into_owned(self) -> MailParams<'static> {
        MailParams {
            list: Cow::Owned(self.list.into_owned()),
            present: self.present,
            body: self.body,
            ret: self.ret,
            mt_priority: self.mt_priority,
        }
    }

    /// Writes the list as received (or built), preceded by a space (nothing when it is empty).
    pub fn write_as_received(&self, out: &mut Vec<u8>) {
        write_list(&self.list, out);
    }

    /// Writes each parameter in its canonical form, preceded by a space (nothing when there is
    /// none): the known ones in the order of the accessors, then the unknown ones as received.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        if let Some(size) = self.size() {
            write_param(out, "SIZE", Some(size.to_string().as_bytes()));
        }
        if let Some(body) = self.body() {
            write_param(out, "BODY", Some(body.as_str().as_bytes()));
        }
        if self.smtputf8() {
            write_param(out, "SMTPUTF8", None);
        }
        if let Some(ret) = self.ret() {
            write_param(out, "RET", Some(ret.as_str().as_bytes()));
        }
        if let Some(envid) = self.envid() {
            write_param(out, "ENVID", Some(envid.as_str().as_bytes()));
        }
        match self.auth() {
            Some(MailAuth::Unknown) => write_param(out, "AUTH", Some(b"<>")),
            Some(MailAuth::Identity(x)) => write_param(out, "AUTH", Some(x.as_str().as_bytes())),
            None => {}
        }
        if self.requiretls() {
            write_param(out, "REQUIRETLS", None);
        }
        if let Some(p) = self.mt_priority() {
            write_param(out, "MT-PRIORITY", Some(p.to_string().as_bytes()));
        }
        match self.hold() {
            Some(Hold::For(s)) => write_param(out, "HOLDFOR", Some(s.to_string().as_bytes())),
            Some(Hold::Until(d)) => write_param(out, "HOLDUNTIL", Some(d.as_str().as_bytes())),
            None => {}
        }
        if let Some(by) = self.by() {
            write_param(out, "BY", Some(by_value(by).as_bytes()));
        }
        for p in self.other() {
            out.push(b' ');
            p.write_to(out);
        }
    }

    /// The list with the parameters of `kinds` removed and `keyword[=value]` added, checked.
    fn with(
        &self,
        kinds: &[Known],
        keyword: &str,
        value: Option<&str>,
    ) -> Result<MailParams<'static>, InvalidValue> {
        let drop = |k: &str| known(k.as_bytes()).is_some_and(|k| kinds.contains(&k));
        MailParams::owned(rebuilt(&self.list, drop, keyword, value))
    }

    /// With `SIZE=size` (replacing any SIZE), at the end.
    pub fn with_size(self, size: u64) -> MailParams<'static> {
        self.with(&[Known::Size], "SIZE", Some(&size.to_string()))
            .expect("any u64 is a valid SIZE")
    }

    /// With `BODY=` (replacing any BODY), at the end.
    pub fn with_body(self, body: Body) -> MailParams<'static> {
        self.with(&[Known::Body], "BODY", Some(body.as_str()))
            .expect("a Body is a valid BODY")
    }

    /// With `SMTPUTF8` (once), at the end.
    pub fn with_smtputf8(self) -> MailParams<'static> {
        self.with(&[Known::Smtputf8], "SMTPUTF8", None)
            .expect("SMTPUTF8 is valid")
    }

    /// With `RET=` (replacing any RET), at the end.
    pub fn with_ret(self, ret: Ret) -> MailParams<'static> {
        self.with(&[Known::Ret], "RET", Some(ret.as_str()))
            .expect("a Ret is a valid RET")
    }

    /// With `REQUIRETLS` (once), at the end.
    pub fn with_requiretls(self) -> MailParams<'static> {
        self.with(&[Known::Requiretls], "REQUIRETLS", None)
            .expect("REQUIRETLS is valid")
    }

    /// With `ENVID=` (replacing any ENVID); fails for an empty one or one over 100 characters.
    pub fn with_envid(self, envid: &XText<'_>) -> Result<MailParams<'static>, InvalidValue> {
        self.with(&[Known::Envid], "ENVID", Some(envid.as_str()))
    }

    /// With `AUTH=` (replacing any AUTH); fails for an empty identity.
    pub fn with_auth(self, auth: &MailAuth<'_>) -> Result<MailParams<'static>, InvalidValue> {
        let v = match auth {
            MailAuth::Unknown => "<>",
            MailAuth::Identity(x) => x.as_str(),
        };
        self.with(&[Known::Auth], "AUTH", Some(v))
    }

    /// With `MT-PRIORITY=` (replacing any); fails outside -9..=9.
    pub fn with_mt_priority(self, priority: i8) -> Result<MailParams<'static>, InvalidValue> {
        self.with(
            &[Known::MtPriority],
            "MT-PRIORITY",
            Some(&priority.to_string()),
        )
    }

    /// With `HOLDFOR=` or `HOLDUNTIL=` (replacing either); fails for more than 9 digits.
    pub fn with_hold(self, hold: &Hold<'_>) -> Result<MailParams<'static>, InvalidValue> {
        let kinds = [Known::HoldFor, Known::HoldUntil];
        match hold {
            Hold::For(s) => self.with(&kinds, "HOLDFOR", Some(&s.to_string())),
            Hold::Until(d) => self.with(&kinds, "HOLDUNTIL", Some(d.as_str())),
        }
    }

    /// With `BY=` (replacing any BY); fails for a time of more than 9 digits.
    pub fn with_by(self, by: DeliverBy) -> Result<MailParams<'static>, InvalidValue> {
        self.with(&[Known::By], "BY", Some(&by_value(by)))
    }

    /// With a parameter this crate does not know (replacing one of the same keyword, any
    /// case); fails for a keyword known on MAIL or RCPT.
    pub fn with_param(self, param: &Param<'_>) -> Result<MailParams<'static>, InvalidValue> {
        let keyword = param.keyword.as_str();
        if known(keyword.as_bytes()).is_some() {
            return Err(InvalidValue {
                type_name: "MailParams",
            });
        }
        let drop = |k: &str| k.eq_ignore_ascii_case(keyword);
        let value = param.value.as_ref().map(|v| v.as_str());
        MailParams::owned(rebuilt(&self.list, drop, keyword, value))
    }
}

/// `by-value` of a DeliverBy, canonical.
fn by_value(by: DeliverBy) -> String {
    let mode = match by.mode {
        ByMode::Notify => "N",
        ByMode::Return => "R",
    };
    let trace = if by.trace { "T" } else { "" };
    format!("{};{mode}{trace}", by.time)
}

/// Same parameters with the same values (unknown ones in the same order), however spelled.
impl PartialEq for MailParams<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.present == other.present
            && self.size() == other.size()
            && self.body == other.body
            && self.ret == other.ret
            && self.mt_priority() == other.mt_priority()
            && self.envid() == other.envid()
            && self.auth() == other.auth()
            && self.hold() == other.hold()
            && self.by() == other.by()
            && self.other().eq(other.other())
    }
}

impl Eq for MailParams<'_> {}

impl std::hash::Hash for MailParams<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.present.hash(state);
        self.size().hash(state);
        self.body.hash(state);
        self.ret.hash(state);
        self.mt_priority().hash(state);
        self.envid().hash(state);
        self.auth().hash(state);
        self.hold().hash(state);
        self.by().hash(state);
        for p in self.other() {
            p.hash(state);
        }
    }
}
