//! xtext (RFC 3461 §4): the encoding of ENVID, ORCPT, `AUTH=` and the XCLIENT/XFORWARD values.
//!
//! ```text
//! xtext   = *( xchar / hexchar )
//! xchar   = any ASCII CHAR between "!" (33) and "~" (126) inclusive, except for "+" and "="
//! hexchar = ASCII "+" immediately followed by two upper case hexadecimal digits
//! ```
//!
//! ```
//! use smtp_core::xtext::XText;
//!
//! let x = XText::encode(b"a+b=c d");
//! assert_eq!(x.as_str(), "a+2Bb+3Dc+20d");
//! assert_eq!(x.decode().as_ref(), b"a+b=c d");
//! ```

use std::borrow::Cow;

use crate::syntax::{ParseResult, Src, SynErr, str_newtype};

str_newtype!(
    /// Text in xtext encoding, as on the wire; [`XText::decode`] gives the bytes it stands for.
    XText,
    xtext
);

const fn is_xchar(b: u8) -> bool {
    matches!(b, 33..=126) && b != b'+' && b != b'='
}

const fn is_upper_hex(b: u8) -> bool {
    matches!(b, b'0'..=b'9' | b'A'..=b'F')
}

fn hex_value(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        _ => b - b'A' + 10,
    }
}

/// ```text
/// xtext = *( xchar / hexchar )
/// ```
///
/// Takes the longest xtext at the start of `input` (possibly empty); a `+` not followed by two
/// upper-case hex digits is an error, not the end of the text.
pub(crate) fn xtext(input: &[u8]) -> ParseResult<'_, XText<'_>> {
    xtext_in(input, Src::NONE)
}

/// [`xtext`], its text cut from `src`.
#[inline]
pub(crate) fn xtext_in<'a>(input: &'a [u8], src: Src<'a>) -> ParseResult<'a, XText<'a>> {
    let i = xtext_len(input).map_err(|at| SynErr::syntax(&input[at..]))?;
    // Only ASCII was taken.
    let text = src.str(&input[..i]).map_err(|_| SynErr::syntax(input))?;
    Ok((&input[i..], XText::checked(text)))
}

/// The length of the longest xtext at the start of `input`, or the position of a `+` not
/// followed by two upper-case hex digits.
#[inline]
pub(crate) fn xtext_len(input: &[u8]) -> Result<usize, usize> {
    let mut i = 0;
    loop {
        i += crate::syntax::span(&input[i..], &XCHAR);
        if input.get(i) != Some(&b'+') {
            return Ok(i);
        }
        match input.get(i + 1..i + 3) {
            Some([h, l]) if is_upper_hex(*h) && is_upper_hex(*l) => i += 3,
            _ => return Err(i),
        }
    }
}

/// `xchar`, as a byte class.
static XCHAR: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = is_xchar(i as u8);
        i += 1;
    }
    t
};

impl XText<'_> {
    /// Encodes any bytes as xtext: `+`, `=`, and bytes outside 33..=126 become `+XX`.
    pub fn encode(bytes: &[u8]) -> XText<'static> {
        let mut out = String::with_capacity(bytes.len());
        for &b in bytes {
            if is_xchar(b) {
                out.push(char::from(b));
            } else {
                out.push('+');
                out.push(char::from(b"0123456789ABCDEF"[usize::from(b >> 4)]));
                out.push(char::from(b"0123456789ABCDEF"[usize::from(b & 15)]));
            }
        }
        XText(Cow::Owned(out))
    }

    /// The bytes the text stands for; borrowed when there is nothing to decode.
    pub fn decode(&self) -> Cow<'_, [u8]> {
        let raw = self.0.as_bytes();
        if !raw.contains(&b'+') {
            return Cow::Borrowed(raw);
        }
        let mut out = Vec::with_capacity(raw.len());
        let mut i = 0;
        while i < raw.len() {
            if raw[i] == b'+' {
                out.push(hex_value(raw[i + 1]) << 4 | hex_value(raw[i + 2]));
                i += 3;
            } else {
                out.push(raw[i]);
                i += 1;
            }
        }
        Cow::Owned(out)
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_answers() {
        let cases: [(&str, Option<&[u8]>); 7] = [
            ("abc", Some(b"abc")),
            ("a+2Bb", Some(b"a+b")),
            ("+3D+20", Some(b"= ")),
            ("", Some(b"")),
            ("a+2b", None),
            ("a+2", None),
            ("a=b", None),
        ];
        for (input, expected) in cases {
            let got = XText::try_from(input).ok().map(|x| x.decode().into_owned());
            assert_eq!(got.as_deref(), expected, "{input:?}");
        }
    }

    proptest! {
        #[test]
        fn encode_decode_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let x = XText::encode(&bytes);
            let decoded = x.decode();
            prop_assert_eq!(decoded.as_ref(), &bytes[..]);
            prop_assert_eq!(XText::try_from(x.as_str()).unwrap(), x.clone());
        }
    }
}
