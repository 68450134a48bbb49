//! Crate-private building blocks of the grammar: the nom error type, the `ParseResult` alias and
//! byte classes of RFC 5321 §4.1.2 (as lookup tables, so the hot loops stay branch-light).

use nom::error::{ErrorKind as NomKind, ParseError as NomParseError};

use crate::error::ErrorKind;

/// The error the grammar rules return: the remaining input where the problem was found (its
/// length gives the offset) and, when a rule knows better than "syntax", what was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SynErr<'a> {
    pub(crate) input: &'a [u8],
    pub(crate) kind: Option<ErrorKind>,
}

// Both constructors are cold and out of line: a rule's error paths then sit apart from its
// success path, which keeps the hot code of the command parser together.
impl<'a> SynErr<'a> {
    #[cold]
    #[inline(never)]
    pub(crate) fn at(input: &'a [u8], kind: ErrorKind) -> nom::Err<Self> {
        nom::Err::Error(SynErr {
            input,
            kind: Some(kind),
        })
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn syntax(input: &'a [u8]) -> nom::Err<Self> {
        nom::Err::Error(SynErr { input, kind: None })
    }
}

impl<'a> NomParseError<&'a [u8]> for SynErr<'a> {
    fn from_error_kind(input: &'a [u8], _kind: NomKind) -> Self {
        SynErr { input, kind: None }
    }

    fn append(_input: &'a [u8], _kind: NomKind, other: Self) -> Self {
        other
    }

    fn or(self, other: Self) -> Self {
        // Keep the error that got further: it names the real problem.
        if other.input.len() <= self.input.len() {
            other
        } else {
            self
        }
    }
}

/// Result of a grammar rule over bytes.
pub(crate) type ParseResult<'a, O> = nom::IResult<&'a [u8], O, SynErr<'a>>;

/// A 256-entry byte class built at compile time from a predicate over `b`.
macro_rules! table {
    (|$b:ident| $pred:expr) => {{
        let mut t = [false; 256];
        let mut i = 0;
        while i < 256 {
            let $b = i as u8;
            t[i] = $pred;
            i += 1;
        }
        t
    }};
}

const fn is_atext_ascii(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'/'
                | b'='
                | b'?'
                | b'^'
                | b'_'
                | b'`'
                | b'{'
                | b'|'
                | b'}'
                | b'~'
        )
}

/// `atext` (RFC 5322 §3.2.3) plus `UTF8-non-ascii` bytes (RFC 6531 §3.3); UTF-8 validity is
/// checked once over the whole token.
pub(crate) static ATEXT: [bool; 256] = table!(|b| is_atext_ascii(b) || b >= 0x80);
/// `qtextSMTP = %d32-33 / %d35-91 / %d93-126` plus `UTF8-non-ascii`.
pub(crate) static QTEXT: [bool; 256] =
    table!(|b| matches!(b, 32..=33 | 35..=91 | 93..=126) || b >= 0x80);
/// Letters, digits, `-` and `UTF8-non-ascii` (the bytes of a sub-domain; U-labels allowed here
/// and checked against the SMTPUTF8 rule later).
pub(crate) static LDH: [bool; 256] =
    table!(|b| b.is_ascii_alphanumeric() || b == b'-' || b >= 0x80);
/// `dcontent = %d33-90 / %d94-126`.
pub(crate) static DCONTENT: [bool; 256] = table!(|b| matches!(b, 33..=90 | 94..=126));
/// `esmtp-value = 1*(%d33-60 / %d62-126)` plus `UTF8-non-ascii` (RFC 6531 §3.3).
pub(crate) static ESMTP_VALUE: [bool; 256] =
    table!(|b| matches!(b, 33..=60 | 62..=126) || b >= 0x80);
/// Printable text: `VCHAR / SP` plus `UTF8-non-ascii` (the argument of VRFY, EXPN, HELP, NOOP
/// and of unknown verbs).
pub(crate) static TEXT: [bool; 256] = table!(|b| matches!(b, 32..=126) || b >= 0x80);

/// The bytes of a command verb: letters, digits, `-`, `_`.
pub(crate) static VERB: [bool; 256] =
    table!(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
/// `base64-char = ALPHA / DIGIT / "+" / "/"` (RFC 4954 §4).
pub(crate) static BASE64: [bool; 256] =
    table!(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');

/// The longest prefix whose bytes are all in `class`.
#[inline(always)]
pub(crate) fn span(input: &[u8], class: &[bool; 256]) -> usize {
    // Eight bytes per step while they all belong (one branch instead of eight), then one by one.
    let mut i = 0;
    while let Some(c) = input[i..].first_chunk::<8>() {
        let all = class[c[0] as usize]
            & class[c[1] as usize]
            & class[c[2] as usize]
            & class[c[3] as usize]
            & class[c[4] as usize]
            & class[c[5] as usize]
            & class[c[6] as usize]
            & class[c[7] as usize];
        if !all {
            break;
        }
        i += 8;
    }
    while i < input.len() && class[input[i] as usize] {
        i += 1;
    }
    i
}

/// Whether `bytes` are all ASCII, eight at a time.
#[inline]
pub(crate) fn is_ascii(bytes: &[u8]) -> bool {
    let (chunks, tail) = bytes.as_chunks::<8>();
    let high = chunks
        .iter()
        .fold(0u64, |acc, c| acc | u64::from_le_bytes(*c));
    // The last bytes: within the last eight when there are eight (read again, without a loop).
    let tail_high = match bytes.last_chunk::<8>() {
        Some(last) => u64::from_le_bytes(*last),
        None => tail.iter().fold(0u64, |acc, b| acc | u64::from(*b)),
    };
    (high | tail_high) & 0x8080_8080_8080_8080 == 0
}

/// Whether `token` is `name` (a constant of letters, digits, `-` and `=`) without regard to
/// case.
///
/// Compared a word at a time, two or three words that overlap: `(token ^ name) & mask` is zero
/// when every byte is equal, but for bit 5 (the case bit) of the bytes where `name` has a
/// letter. That is exact for any byte of `token`: only the other case of the same letter
/// differs from a letter in bit 5 alone. `name` is a constant, so its words and masks are folded
/// at compile time.
#[inline(always)]
pub(crate) fn eq_folded(token: &[u8], name: &[u8]) -> bool {
    let n = name.len();
    debug_assert!(
        name.iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'=')
    );
    if token.len() != n {
        return false;
    }
    #[inline(always)]
    fn w8(s: &[u8], i: usize) -> u64 {
        s[i..]
            .first_chunk::<8>()
            .map_or(0, |c| u64::from_le_bytes(*c))
    }
    #[inline(always)]
    fn w4(s: &[u8], i: usize) -> u64 {
        s[i..]
            .first_chunk::<4>()
            .map_or(0, |c| u64::from(u32::from_le_bytes(*c)))
    }
    // Bit 6 marks the letters among the name's bytes (digits, `-` and `=` lack it).
    let same = |t: u64, m: u64| (t ^ m) & !((m & 0x4040_4040_4040_4040) >> 1) == 0;
    match n {
        17..=24 => {
            same(w8(token, 0), w8(name, 0))
                && same(w8(token, 8), w8(name, 8))
                && same(w8(token, n - 8), w8(name, n - 8))
        }
        8..=16 => same(w8(token, 0), w8(name, 0)) && same(w8(token, n - 8), w8(name, n - 8)),
        4..=7 => same(w4(token, 0), w4(name, 0)) && same(w4(token, n - 4), w4(name, n - 4)),
        _ => token.eq_ignore_ascii_case(name),
    }
}

/// Checks that `bytes` are UTF-8, returning them as `str`.
#[inline]
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, ErrorKind> {
    std::str::from_utf8(bytes).map_err(|_| ErrorKind::InvalidUtf8)
}

/// Where the grammar rules take their text from: the whole line, validated as UTF-8 once, so that
/// each token is sliced from it instead of being validated on its own.
///
/// A line that is not valid UTF-8 (or a token not cut at character boundaries) falls back to
/// checking the token alone, so the errors and their offsets are those of per-token checking.
#[derive(Clone, Copy)]
pub(crate) struct Src<'a> {
    bytes: &'a [u8],
    text: Option<&'a str>,
}

impl<'a> Src<'a> {
    /// No line: every token is checked on its own.
    pub(crate) const NONE: Src<'static> = Src {
        bytes: &[],
        text: None,
    };

    /// The line the tokens are cut from, validated once.
    #[inline]
    pub(crate) fn line(bytes: &'a [u8]) -> Self {
        Src {
            bytes,
            text: std::str::from_utf8(bytes).ok(),
        }
    }

    /// The text of `line` from `from` on; `line[..from]` must be ASCII (a verb, `FROM:`).
    ///
    /// The check starts up to seven bytes earlier, inside that ASCII prefix, at an 8-byte
    /// aligned address when there is one: the standard library's check goes byte by byte until
    /// the input is word-aligned and a word at a time after, so a short argument costs about
    /// half as much this way.
    #[inline(always)]
    pub(crate) fn line_from(line: &'a [u8], from: usize) -> Self {
        let back = ((line.as_ptr() as usize).wrapping_add(from) % 8).min(from);
        Src::line(&line[from - back..])
    }

    /// `token` (a sub-slice of the line) as text.
    #[inline(always)]
    pub(crate) fn str(self, token: &'a [u8]) -> Result<&'a str, ErrorKind> {
        if let Some(text) = self.text {
            // The token's position in the line; a token from elsewhere gives an out-of-range
            // position, which `get` refuses.
            let start = (token.as_ptr() as usize).wrapping_sub(self.bytes.as_ptr() as usize);
            // Two inlined splits rather than `str::get`, which is not inlined here.
            if let Some((_, s)) = start
                .checked_add(token.len())
                .and_then(|end| text.split_at_checked(end))
                .and_then(|(head, _)| head.split_at_checked(start))
            {
                debug_assert_eq!(s.as_bytes(), token);
                return Ok(s);
            }
        }
        utf8(token)
    }

    /// Checks that `token` (a sub-slice of the line) is text, as [`Src::str`] does.
    #[inline]
    pub(crate) fn check(self, token: &'a [u8]) -> Result<(), ErrorKind> {
        self.str(token).map(|_| ())
    }
}

/// Runs `rule` over all of `s`; anything left over, or a failure, is an [`InvalidValue`].
///
/// [`InvalidValue`]: crate::error::InvalidValue
pub(crate) fn whole<'a, T>(
    s: &'a str,
    type_name: &'static str,
    rule: impl FnOnce(&'a [u8]) -> ParseResult<'a, T>,
) -> Result<T, crate::error::InvalidValue> {
    match rule(s.as_bytes()) {
        Ok((b"", value)) => Ok(value),
        _ => Err(crate::error::InvalidValue { type_name }),
    }
}

/// Declares a validated newtype over `Cow<'a, str>`: private field, `as_str`, `into_owned`,
/// `TryFrom<&str>` through the grammar rule, `Display`, and serde as a plain string.
macro_rules! str_newtype {
    ($(#[$meta:meta])* $name:ident, $rule:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        #[cfg_attr(feature = "serde", serde(transparent))]
        pub struct $name<'a>(std::borrow::Cow<'a, str>);

        impl<'a> $name<'a> {
            /// The text, as on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Detaches the value from the input it borrows.
            pub fn into_owned(self) -> $name<'static> {
                $name(std::borrow::Cow::Owned(self.0.into_owned()))
            }

            /// Wraps text the grammar rule has already accepted.
            #[allow(dead_code)]
            pub(crate) fn checked(s: &'a str) -> Self {
                $name(std::borrow::Cow::Borrowed(s))
            }

            /// Writes the value as on the wire.
            pub fn write_to(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(self.0.as_bytes());
            }
        }

        impl<'a> TryFrom<&'a str> for $name<'a> {
            type Error = crate::error::InvalidValue;

            fn try_from(s: &'a str) -> Result<Self, Self::Error> {
                crate::syntax::whole(s, stringify!($name), $rule)
            }
        }

        /// Deserializes the text and checks it with the grammar rule, as `TryFrom` does.
        #[cfg(feature = "serde")]
        impl<'de, 'a> serde::Deserialize<'de> for $name<'a> {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(d)?;
                match $name::try_from(s.as_str()) {
                    Ok(v) => Ok(v.into_owned()),
                    Err(e) => Err(<D::Error as serde::de::Error>::custom(e)),
                }
            }
        }

        impl std::fmt::Display for $name<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
pub(crate) use str_newtype;

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition `span` must agree with.
    fn naive(input: &[u8], class: &[bool; 256]) -> usize {
        input.iter().take_while(|&&b| class[b as usize]).count()
    }

    #[test]
    fn folded_compare_is_exact() {
        // Every EHLO keyword and parameter name, against tokens that differ from it in one byte by each single bit
        // (the case bit of a letter is the only change that keeps it equal), in length, or in case.
        let names: [&[u8]; 29] = [
            b"8BITMIME",
            b"AUTH",
            b"AUTH=",
            b"BINARYMIME",
            b"CHUNKING",
            b"DELIVERBY",
            b"DSN",
            b"ENHANCEDSTATUSCODES",
            b"ETRN",
            b"EXPN",
            b"FUTURERELEASE",
            b"HELP",
            b"MT-PRIORITY",
            b"PIPELINING",
            b"REQUIRETLS",
            b"SIZE",
            b"SMTPUTF8",
            b"STARTTLS",
            b"VRFY",
            b"XCLIENT",
            b"XFORWARD",
            b"X-EXPS",
            b"utf-8",
            b"rfc822",
            b"NEVER",
            b"SUCCESS",
            b"FAILURE",
            b"DELAY",
            b"MT-PRIORITY-X",
        ];
        let naive = |k: &[u8], n: &[u8]| k.eq_ignore_ascii_case(n);
        for name in names {
            let mut tokens = vec![
                name.to_vec(),
                name.to_ascii_lowercase(),
                name.to_ascii_uppercase(),
                name[1..].to_vec(),
            ];
            tokens.push([name, b"S"].concat());
            for i in 0..name.len() {
                for bit in 0..8 {
                    let mut t = name.to_vec();
                    t[i] ^= 1 << bit;
                    tokens.push(t);
                }
            }
            for t in &tokens {
                assert_eq!(
                    super::eq_folded(t, name),
                    naive(t, name),
                    "{:?} {:?}",
                    String::from_utf8_lossy(t),
                    String::from_utf8_lossy(name)
                );
            }
        }
    }

    #[test]
    fn span_stops_at_the_first_byte_outside_the_class() {
        // Every length past two words, the first outsider at every position (or none), and a
        // second outsider after it.
        for len in 0..40 {
            for at in (0..len).map(Some).chain([None]) {
                for second in (at.map_or(len, |a| a + 1)..len).map(Some).chain([None]) {
                    let mut bytes: Vec<u8> = (0..len).map(|i| b"ab-9Z"[i % 5]).collect();
                    for p in [at, second].into_iter().flatten() {
                        bytes[p] = [b'.', b' ', 0x80, b'>'][p % 4];
                    }
                    for class in [&LDH, &VERB, &TEXT, &ATEXT] {
                        assert_eq!(span(&bytes, class), naive(&bytes, class), "{bytes:?}");
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn span_agrees_with_take_while(
            bytes in proptest::collection::vec(
                proptest::sample::select(b"aZ09-_.@> \\\"=+/\x7f\x80\xc3\xff\r\n".to_vec()),
                0..70,
            )
        ) {
            for class in [
                &ATEXT, &QTEXT, &LDH, &DCONTENT, &ESMTP_VALUE, &TEXT, &VERB, &BASE64,
            ] {
                proptest::prop_assert_eq!(span(&bytes, class), naive(&bytes, class));
            }
        }
    }
}
