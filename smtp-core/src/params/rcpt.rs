//! The parameters of `RCPT TO:`.

use std::borrow::Cow;

use super::values::{self, Keyword, Notify, Orcpt, Param, Value};
use super::{
    Known, OTHER, esmtp_params, find, known, pairs, rebuilt, repeated, typed, unknown_params,
    write_list, write_param,
};
use crate::error::{ErrorKind, InvalidValue};
use crate::syntax::{ParseResult, Src, SynErr};

/// The parameters of `RCPT TO:`, as received; see the [module docs](super).
///
/// ```
/// use smtp_core::params::{Notify, RcptParams};
///
/// let p = RcptParams::try_from("NOTIFY=failure,delay ORCPT=rfc822;bob@example.net").unwrap();
/// assert_eq!(p.notify(), Some(Notify::On { success: false, failure: true, delay: true }));
/// assert_eq!(p.orcpt().unwrap().address(), "bob@example.net");
/// ```
#[derive(Debug, Clone, Default)]
pub struct RcptParams<'a> {
    /// The list as received, without the space before it.
    list: Cow<'a, str>,
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
    let mut present = 0u16;
    let list = esmtp_params(input, src, |p| match known(p.keyword) {
        None => {
            if present & OTHER != 0 && repeated(input, &p) {
                return Err(SynErr::at(p.at, ErrorKind::DuplicateParameter));
            }
            present |= OTHER;
            Ok(())
        }
        Some(Known::Notify) => {
            let Some(v) = p.value else {
                return Err(SynErr::at(p.at, ErrorKind::InvalidParameterValue));
            };
            let notify = values::notify(v).map_err(|k| SynErr::at(v, k))?;
            let _ = notify;
            if present & Known::Notify.bit() != 0 {
                return Err(SynErr::at(p.at, ErrorKind::DuplicateParameter));
            }
            present |= Known::Notify.bit();
            Ok(())
        }
        Some(Known::Orcpt) => {
            typed(&p, |v| values::orcpt_ok(v).then_some(()))?;
            if present & Known::Orcpt.bit() != 0 {
                return Err(SynErr::at(p.at, ErrorKind::DuplicateParameter));
            }
            present |= Known::Orcpt.bit();
            Ok(())
        }
        Some(_) => Err(SynErr::at(p.at, ErrorKind::ParameterNotAllowed)),
    })?;
    out.list = Cow::Borrowed(list);
    Ok((&input[input.len()..], ()))
}

impl<'a> TryFrom<&'a str> for RcptParams<'a> {
    type Error = InvalidValue;

    /// Parses a parameter list as it follows the forward path, without the first space
    /// (`NOTIFY=NEVER`); empty for none.
    fn try_from(s: &'a str) -> Result<Self, Self::Error> {
        let invalid = InvalidValue {
            type_name: "RcptParams",
        };
        if s.starts_with(' ') {
            return Err(invalid);
        }
        let mut read = RcptParams::default();
        let line = format!(" {s}");
        if !s.is_empty() {
            rcpt_params(line.as_bytes(), Src::line(line.as_bytes()), &mut read)
                .map_err(|_| invalid)?;
        }
        // The values were read from the copy; keep the caller's text.
        Ok(RcptParams {
            list: Cow::Borrowed(s),
        })
    }
}

impl RcptParams<'static> {
    /// Checks a built list and takes it as the text.
    fn owned(list: String) -> Result<Self, InvalidValue> {
        RcptParams::try_from(list.as_str())?;
        Ok(RcptParams {
            list: Cow::Owned(list),
        })
    }
}

impl RcptParams<'_> {
    /// `NOTIFY=` (RFC 3461).
    pub fn notify(&self) -> Option<Notify> {
        find(&self.list, Known::Notify)
            .flatten()
            .and_then(|v| values::notify(v.as_bytes()).ok())
    }

    /// `ORCPT=` (RFC 3461, RFC 6533).
    pub fn orcpt(&self) -> Option<Orcpt<'_>> {
        find(&self.list, Known::Orcpt)
            .flatten()
            .and_then(|v| values::orcpt(v.as_bytes()))
    }

    /// The parameters this crate does not know, in the order received.
    pub fn other(&self) -> impl Iterator<Item = Param<'_>> {
        unknown_params(&self.list)
    }

    /// Every parameter, known or not, as written and in the order received.
    pub fn iter(&self) -> impl Iterator<Item = Param<'_>> {
        pairs(&self.list).map(|(k, v)| Param {
            keyword: Keyword::checked(k),
            value: v.map(Value::checked),
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
    pub fn into_owned(self) -> RcptParams<'static> {
        RcptParams {
            list: Cow::Owned(self.list.into_owned()),
        }
    }

    /// Writes the list as received (or built), preceded by a space (nothing when it is empty).
    pub fn write_as_received(&self, out: &mut Vec<u8>) {
        write_list(&self.list, out);
    }

    /// Writes each parameter in its canonical form, preceded by a space (nothing when there is
    /// none): NOTIFY, ORCPT, then the unknown ones as received.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        if let Some(notify) = self.notify() {
            write_param(out, "NOTIFY", Some(notify_value(notify).as_bytes()));
        }
        if let Some(orcpt) = self.orcpt() {
            out.extend_from_slice(b" ORCPT=");
            orcpt.write_to(out);
        }
        for p in self.other() {
            out.push(b' ');
            p.write_to(out);
        }
    }

    /// With `NOTIFY=` (replacing any NOTIFY), at the end; fails for an empty set.
    pub fn with_notify(self, notify: Notify) -> Result<RcptParams<'static>, InvalidValue> {
        let value = notify_value(notify);
        let drop = |k: &str| known(k.as_bytes()) == Some(Known::Notify);
        RcptParams::owned(rebuilt(&self.list, drop, "NOTIFY", Some(&value)))
    }

    /// With `ORCPT=` (replacing any ORCPT), at the end.
    pub fn with_orcpt(self, orcpt: &Orcpt<'_>) -> Result<RcptParams<'static>, InvalidValue> {
        let mut value = Vec::new();
        orcpt.write_to(&mut value);
        let value = String::from_utf8_lossy(&value);
        let drop = |k: &str| known(k.as_bytes()) == Some(Known::Orcpt);
        RcptParams::owned(rebuilt(&self.list, drop, "ORCPT", Some(&value)))
    }

    /// With a parameter this crate does not know (replacing one of the same keyword, any
    /// case); fails for a keyword known on MAIL or RCPT.
    pub fn with_param(self, param: &Param<'_>) -> Result<RcptParams<'static>, InvalidValue> {
        let keyword = param.keyword.as_str();
        if known(keyword.as_bytes()).is_some() {
            return Err(InvalidValue {
                type_name: "RcptParams",
            });
        }
        let drop = |k: &str| k.eq_ignore_ascii_case(keyword);
        let value = param.value.as_ref().map(|v| v.as_str());
        RcptParams::owned(rebuilt(&self.list, drop, keyword, value))
    }
}

/// The canonical NOTIFY value.
fn notify_value(notify: Notify) -> String {
    match notify {
        Notify::Never => "NEVER".to_string(),
        Notify::On {
            success,
            failure,
            delay,
        } => [(success, "SUCCESS"), (failure, "FAILURE"), (delay, "DELAY")]
            .into_iter()
            .filter_map(|(on, name)| on.then_some(name))
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// Same parameters with the same values (unknown ones in the same order), however spelled.
impl PartialEq for RcptParams<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.notify() == other.notify()
            && self.orcpt() == other.orcpt()
            && self.other().eq(other.other())
    }
}

impl Eq for RcptParams<'_> {}

impl std::hash::Hash for RcptParams<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.notify().hash(state);
        self.orcpt().hash(state);
        for p in self.other() {
            p.hash(state);
        }
    }
}
