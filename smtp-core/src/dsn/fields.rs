//! Header-style fields of a delivery-status body: lines, unfolding, `type; value` pairs.

use std::borrow::Cow;
use std::fmt;

/// One `name: value` field, value unfolded and trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Field {
    /// The field name as written (`X-Postfix-Sender`).
    pub name: String,
    /// The value with line folds removed and outer white space trimmed.
    pub value: String,
}

/// A `type; value` field body: address, MTA name or diagnostic with its type kept.
///
/// ```text
/// address-type ";" generic-address      (Final-Recipient, Original-Recipient)
/// mta-name-type ";" mta-name            (Reporting-MTA, Remote-MTA, …)
/// diagnostic-type ";" *text             (Diagnostic-Code)
/// ```
///
/// A field written without a type (`Final-Recipient: user@example.org`) has `kind: None`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TypedValue {
    /// The type as written (`rfc822`, `dns`, `smtp`, `X-Unix`), `None` when absent.
    pub kind: Option<String>,
    /// The value after the `;`, trimmed.
    pub value: String,
}

impl TypedValue {
    /// Reads `type; value`. The part before the first `;` counts as a type only when it is an
    /// atom (letters, digits, `-`, `_`, `.`) of at most 32 characters; otherwise the whole text is
    /// the value (`550 5.1.1 unknown; see …`).
    pub fn parse(text: &str) -> TypedValue {
        let text = text.trim();
        if let Some((kind, value)) = text.split_once(';') {
            let kind = kind.trim();
            let is_atom = !kind.is_empty()
                && kind.len() <= 32
                && kind
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
            if is_atom {
                return TypedValue {
                    kind: Some(kind.to_string()),
                    value: value.trim().to_string(),
                };
            }
        }
        TypedValue {
            kind: None,
            value: text.to_string(),
        }
    }

    /// The value as a bare address: angle brackets and surrounding quotes removed.
    pub fn address(&self) -> &str {
        let v = self.value.trim();
        let v = v.strip_prefix('<').unwrap_or(v);
        let v = v.split('>').next().unwrap_or(v);
        v.trim().trim_matches(|c| c == '"' || c == '\'').trim()
    }
}

impl fmt::Display for TypedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Some(k) => write!(f, "{k}; {}", self.value),
            None => f.write_str(&self.value),
        }
    }
}

/// Splits text into lines at CRLF, LF or a lone CR.
pub(crate) fn lines(input: &str) -> impl Iterator<Item = &str> {
    let mut rest = input;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        match memchr::memchr2(b'\r', b'\n', rest.as_bytes()) {
            Some(i) => {
                let line = &rest[..i];
                let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = &rest[i + skip..];
                Some(line)
            }
            None => {
                let line = rest;
                rest = "";
                Some(line)
            }
        }
    })
}

/// A field as [`unfold`] reads it: the name borrowed from the input, the value too unless a
/// continuation line had to be appended to it.
#[derive(Debug)]
pub(crate) struct RawField<'a> {
    pub(crate) name: &'a str,
    pub(crate) value: Cow<'a, str>,
}

impl RawField<'_> {
    /// The value, trimmed and owned.
    pub(crate) fn into_value(self) -> String {
        self.value.into_owned()
    }

    /// The owned [`Field`].
    pub(crate) fn into_field(self) -> Field {
        Field {
            name: self.name.to_string(),
            value: self.value.into_owned(),
        }
    }
}

/// Unfolds the body into fields; `None` marks a blank line (a group boundary).
///
/// ```text
/// field        = field-name ":" unstructured CRLF
/// obs-FWS      = 1*WSP *(CRLF 1*WSP)      ; a line starting with WSP continues the field
/// ```
///
/// Lines that are neither a field nor a continuation are skipped. Values are trimmed; one that
/// fits on its line is borrowed from `input`, one that was folded is copied once.
pub(crate) fn unfold(input: &str) -> Vec<Option<RawField<'_>>> {
    let mut out: Vec<Option<RawField<'_>>> = Vec::with_capacity(16);
    for line in lines(input) {
        if line.trim().is_empty() {
            if !matches!(out.last(), Some(None)) {
                out.push(None);
            }
            continue;
        }
        // A continuation with nothing to continue is read as a field of its own.
        if line.starts_with([' ', '\t'])
            && let Some(Some(f)) = out.last_mut()
        {
            f.value.to_mut().push_str(line);
            continue;
        }
        if let Some(field) = field_line(line.trim_start()) {
            out.push(Some(field));
        }
    }
    for f in out.iter_mut().flatten() {
        match &mut f.value {
            Cow::Borrowed(v) => *v = v.trim(),
            // Trimmed in place: no second allocation.
            Cow::Owned(v) => {
                let end = v.trim_end().len();
                v.truncate(end);
                let start = v.len() - v.trim_start().len();
                v.drain(..start);
            }
        }
    }
    out
}

/// `field-name = 1*ftext` (printable ASCII except `:` and space), then `:`.
fn field_line(line: &str) -> Option<RawField<'_>> {
    let (name, value) = line.split_once(':')?;
    let name = name.trim_end();
    if name.is_empty()
        || name.len() > 64
        || !name.bytes().all(|b| b.is_ascii_graphic() && b != b':')
    {
        return None;
    }
    Some(RawField {
        name,
        value: Cow::Borrowed(value),
    })
}
