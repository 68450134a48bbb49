//! The grammar rules of RFC 5321 §4.1.2 and §4.1.3 for paths, mailboxes, domains and address
//! literals, one parser per rule, over bytes; [`super`] holds the types they build.

use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{
    AddressLiteral, Domain, ForwardPath, Host, LocalPart, MAX_DOMAIN, MAX_LABEL, Mailbox, Path,
    ReversePath, SourceRoute,
};
use crate::error::ErrorKind;
use crate::syntax::{ATEXT, DCONTENT, LDH, ParseResult, QTEXT, Src, SynErr, span, utf8};

/// ```text
/// Domain     = sub-domain *("." sub-domain)
/// sub-domain = Let-dig [Ldh-str]
/// Ldh-str    = *( ALPHA / DIGIT / "-" ) Let-dig
/// ```
pub(crate) fn domain(input: &[u8]) -> ParseResult<'_, Domain<'_>> {
    domain_in(input, Src::NONE)
}

/// [`domain`], its text cut from `src`.
pub(crate) fn domain_in<'a>(input: &'a [u8], src: Src<'a>) -> ParseResult<'a, Domain<'a>> {
    let end = match plain_run(input, &DOMAIN_CLASS) {
        Some(n) if n <= MAX_LABEL => n,
        _ => domain_len(input)?,
    };
    let text = src.str(&input[..end]).map_err(|k| SynErr::at(input, k))?;
    Ok((&input[end..], Domain::checked(text)))
}

/// The length of the domain at the start of `input`, label by label: each label is the longest
/// run of `LDH` bytes, checked when it ends (not empty, no hyphen at either end, at most 63
/// octets when ASCII); a dot continues the domain only when a label byte follows it.
///
/// Out of line: [`plain_run`] answers for every domain of up to 63 octets that ends in a label
/// byte and has no empty label and no hyphen next to a dot, and this loop then gives the same
/// length (`domain_fast_path_agrees` checks it).
#[cold]
#[inline(never)]
pub(super) fn domain_len(input: &[u8]) -> Result<usize, nom::Err<SynErr<'_>>> {
    let len = input.len();
    let mut start = 0;
    let mut i = 0;
    let end = loop {
        while i < len && LDH[input[i] as usize] {
            i += 1;
        }
        let label = &input[start..i];
        let bad = match label {
            [] => true,
            [first, .., last] => *first == b'-' || *last == b'-',
            [only] => *only == b'-',
        };
        if bad || (label.len() > MAX_LABEL && label.is_ascii()) {
            return Err(SynErr::syntax(&input[start..]));
        }
        if i + 1 < len && input[i] == b'.' && LDH[input[i + 1] as usize] {
            i += 1;
            start = i;
        } else {
            break i;
        }
    };
    if end > MAX_DOMAIN {
        return Err(SynErr::syntax(input));
    }
    Ok(end)
}

/// Classes of [`plain_run`]: a word byte (a letter, digit or `UTF8-non-ascii` byte of a
/// domain; `atext` of a dot-string).
pub(super) const WORD: u8 = 1;
/// `-` inside a domain's label.
pub(super) const HYPHEN: u8 = 2;
/// `.` between labels or atoms.
pub(super) const DOT: u8 = 4;
/// Shift of the set of classes that may not come right before a byte of this class.
pub(super) const NOT_AFTER: u32 = 3;
/// Where a byte that follows a class it may not follow leaves its mark in `bad`: the classes
/// shifted by [`NOT_AFTER`] (the other bits of `bad` are noise from `ANY` and the shift).
pub(super) const FORBIDDEN: u8 = (WORD | HYPHEN | DOT) << NOT_AFTER;
/// Set in the class of every byte of the run (so a zero class is a byte outside it).
pub(super) const ANY: u8 = 0x80;

/// `Domain` bytes for [`plain_run`]: a hyphen may not follow a dot (or start the domain), a
/// dot may not follow a dot or a hyphen (or start it).
pub(super) static DOMAIN_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b == b'-' {
            ANY | HYPHEN | (DOT << NOT_AFTER)
        } else if b == b'.' {
            ANY | DOT | ((DOT | HYPHEN) << NOT_AFTER)
        } else if LDH[i] {
            ANY | WORD
        } else {
            0
        };
        i += 1;
    }
    t
};

/// `Dot-string` bytes for [`plain_run`]: a dot may not follow a dot (or start it).
pub(super) static DOT_STRING_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = if i == b'.' as usize {
            ANY | DOT | (DOT << NOT_AFTER)
        } else if ATEXT[i] {
            ANY | WORD
        } else {
            0
        };
        i += 1;
    }
    t
};

/// The fast path of `Domain` and `Dot-string`: the length of the longest run of bytes with a
/// class in `table`, when no byte of it follows one its class forbids (the start counts as a
/// dot) and it ends in a word byte; `None` otherwise (the label-by-label rule then answers,
/// with its errors and offsets).
///
/// One loop with one exit per token, where the label-by-label loop has one per label and
/// another per dot (each exit falls at a different byte for every token, so it is mostly
/// mispredicted).
#[inline(always)]
pub(super) fn plain_run(input: &[u8], table: &[u8; 256]) -> Option<usize> {
    let mut prev = DOT;
    let mut bad = 0u8;
    // Two bytes a turn; the turn that meets the end takes its first byte when that belongs,
    // without a branch. One test per turn: every class of a byte that belongs has `ANY`.
    let (pairs, tail) = input.as_chunks::<2>();
    for (k, &[b0, b1]) in pairs.iter().enumerate() {
        let (c0, c1) = (table[b0 as usize], table[b1 as usize]);
        if c0 & c1 & ANY == 0 {
            bad |= (prev << NOT_AFTER) & c0;
            let keep = c0 != 0;
            prev = if keep { c0 } else { prev };
            let i = 2 * k + usize::from(keep);
            return (bad & FORBIDDEN == 0 && prev & WORD != 0).then_some(i);
        }
        bad |= ((prev << NOT_AFTER) & c0) | ((c0 << NOT_AFTER) & c1);
        prev = c1;
    }
    let mut i = input.len() - tail.len();
    if let [b] = tail {
        let c = table[*b as usize];
        if c != 0 {
            bad |= (prev << NOT_AFTER) & c;
            prev = c;
            i += 1;
        }
    }
    (bad & FORBIDDEN == 0 && prev & WORD != 0).then_some(i)
}

/// ```text
/// Snum = 1*3DIGIT   ; representing a decimal integer value in the range 0 through 255
/// ```
pub(super) fn snum(input: &[u8]) -> Option<(u8, &[u8])> {
    let n = input
        .iter()
        .take(3)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if n == 0 {
        return None;
    }
    let value = input[..n]
        .iter()
        .fold(0u16, |v, &d| v * 10 + u16::from(d - b'0'));
    u8::try_from(value).ok().map(|v| (v, &input[n..]))
}

/// ```text
/// IPv4-address-literal = Snum 3("."  Snum)
/// ```
pub(super) fn ipv4_literal(input: &[u8]) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut rest = input;
    for (i, octet) in octets.iter_mut().enumerate() {
        if i > 0 {
            rest = rest.strip_prefix(b".")?;
        }
        let (value, after) = snum(rest)?;
        *octet = value;
        rest = after;
    }
    rest.is_empty().then_some(Ipv4Addr::from(octets))
}

/// ```text
/// IPv6-address-literal = "IPv6:" IPv6-addr
/// ```
///
/// `IPv6-addr` (full, compressed, and both with an IPv4 tail) is checked by the standard
/// library's parser, which accepts the same four forms.
pub(super) fn ipv6_literal(input: &[u8]) -> Option<Ipv6Addr> {
    let tail = input.get(5..)?;
    if !input[..5].eq_ignore_ascii_case(b"IPv6:") {
        return None;
    }
    if !tail
        .iter()
        .all(|b| b.is_ascii_hexdigit() || *b == b':' || *b == b'.')
    {
        return None;
    }
    std::str::from_utf8(tail).ok()?.parse().ok()
}

/// ```text
/// address-literal = "[" ( IPv4-address-literal / IPv6-address-literal /
///                         General-address-literal ) "]"
/// General-address-literal = Standardized-tag ":" 1*dcontent
/// Standardized-tag = Ldh-str
/// ```
pub(crate) fn address_literal(input: &[u8]) -> ParseResult<'_, AddressLiteral<'_>> {
    let Some(inner_input) = input.strip_prefix(b"[") else {
        return Err(SynErr::syntax(input));
    };
    let n = span(inner_input, &DCONTENT);
    let inner = &inner_input[..n];
    let rest = &inner_input[n..];
    let Some(rest) = rest.strip_prefix(b"]") else {
        return Err(SynErr::syntax(rest));
    };
    let ok = ipv6_literal(inner).is_some()
        || (!(inner.len() >= 5 && inner[..5].eq_ignore_ascii_case(b"IPv6:"))
            && (ipv4_literal(inner).is_some() || general_literal(inner)));
    if !ok {
        return Err(SynErr::syntax(inner_input));
    }
    // DCONTENT is ASCII only, so this cannot fail.
    let raw = utf8(inner).map_err(|k| SynErr::at(inner_input, k))?;
    Ok((
        rest,
        AddressLiteral {
            raw: Cow::Borrowed(raw),
        },
    ))
}

/// ```text
/// General-address-literal = Standardized-tag ":" 1*dcontent
/// Standardized-tag = Ldh-str
/// ```
pub(super) fn general_literal(inner: &[u8]) -> bool {
    let tag_len = span(inner, &LDH);
    let tag = &inner[..tag_len];
    tag_len > 0
        && tag.is_ascii()
        && tag[tag_len - 1] != b'-'
        && inner.get(tag_len) == Some(&b':')
        && inner.len() > tag_len + 1
}

/// The address of an IPv4 or IPv6 literal's text (between the brackets, already checked).
pub(super) fn literal_ip(inner: &[u8]) -> Option<IpAddr> {
    if let Some(v6) = ipv6_literal(inner) {
        Some(IpAddr::V6(v6))
    } else {
        ipv4_literal(inner).map(IpAddr::V4)
    }
}

/// ```text
/// Domain / address-literal
/// ```
///
/// The text is cut from `src`.
#[inline(always)]
pub(crate) fn host_in<'a>(input: &'a [u8], src: Src<'a>) -> ParseResult<'a, Host<'a>> {
    if input.first() == Some(&b'[') {
        let (rest, literal) = address_literal(input)?;
        Ok((rest, Host::Literal(literal)))
    } else {
        let (rest, d) = domain_in(input, src)?;
        Ok((rest, Host::Domain(d)))
    }
}

/// ```text
/// Dot-string = Atom *("."  Atom)
/// Atom       = 1*atext
/// ```
#[inline(always)]
pub(super) fn dot_string(input: &[u8]) -> ParseResult<'_, &[u8]> {
    let i = match plain_run(input, &DOT_STRING_CLASS) {
        Some(n) => n,
        None => dot_string_len(input)?,
    };
    Ok((&input[i..], &input[..i]))
}

/// The length of the `Dot-string` at the start of `input`, atom by atom (a dot continues it
/// only when an `atext` byte follows). Out of line: [`plain_run`] answers for every dot-string
/// that does not end in a dot, with the same length (`dot_string_fast_path_agrees`).
#[cold]
#[inline(never)]
pub(super) fn dot_string_len(input: &[u8]) -> Result<usize, nom::Err<SynErr<'_>>> {
    let len = input.len();
    let mut i = 0;
    loop {
        let start = i;
        while i < len && ATEXT[input[i] as usize] {
            i += 1;
        }
        if i == start {
            return Err(SynErr::syntax(&input[start..]));
        }
        if i + 1 < len && input[i] == b'.' && ATEXT[input[i + 1] as usize] {
            i += 1;
        } else {
            break;
        }
    }
    Ok(i)
}

/// ```text
/// Quoted-string   = DQUOTE *QcontentSMTP DQUOTE
/// QcontentSMTP    = qtextSMTP / quoted-pairSMTP
/// quoted-pairSMTP = %d92 %d32-126
/// ```
pub(crate) fn quoted_string(input: &[u8]) -> ParseResult<'_, &[u8]> {
    let Some(mut rest) = input.strip_prefix(b"\"") else {
        return Err(SynErr::syntax(input));
    };
    loop {
        rest = &rest[span(rest, &QTEXT)..];
        match rest {
            [b'\\', 32..=126, ..] => rest = &rest[2..],
            [b'"', ..] => {
                rest = &rest[1..];
                return Ok((rest, &input[..input.len() - rest.len()]));
            }
            _ => return Err(SynErr::syntax(rest)),
        }
    }
}

/// ```text
/// Local-part = Dot-string / Quoted-string
/// ```
#[inline(always)]
pub(crate) fn local_part(input: &[u8]) -> ParseResult<'_, LocalPart<'_>> {
    local_part_in(input, Src::NONE)
}

/// [`local_part`], its text cut from `src`.
#[inline(always)]
pub(super) fn local_part_in<'a>(input: &'a [u8], src: Src<'a>) -> ParseResult<'a, LocalPart<'a>> {
    let (rest, bytes) = if input.first() == Some(&b'"') {
        quoted_string(input)?
    } else {
        dot_string(input)?
    };
    let text = src.str(bytes).map_err(|k| SynErr::at(input, k))?;
    Ok((rest, LocalPart::checked(text)))
}

/// ```text
/// Mailbox = Local-part "@" ( Domain / address-literal )
/// ```
#[inline(always)]
pub(crate) fn mailbox<'a>(input: &'a [u8], src: Src<'a>) -> ParseResult<'a, Mailbox<'a>> {
    let (rest, local) = local_part_in(input, src)?;
    let Some(rest) = rest.strip_prefix(b"@") else {
        return Err(SynErr::syntax(rest));
    };
    let (rest, host) = host_in(rest, src)?;
    Ok((rest, Mailbox { local, host }))
}

/// ```text
/// A-d-l     = At-domain *( "," At-domain )
/// At-domain = "@" Domain
/// ```
pub(crate) fn source_route(input: &[u8]) -> ParseResult<'_, SourceRoute<'_>> {
    let mut rest = input;
    loop {
        let Some(after_at) = rest.strip_prefix(b"@") else {
            return Err(SynErr::syntax(rest));
        };
        rest = domain(after_at)?.0;
        match rest.strip_prefix(b",") {
            Some(after) => rest = after,
            None => break,
        }
    }
    let text = utf8(&input[..input.len() - rest.len()]).map_err(|k| SynErr::at(input, k))?;
    Ok((rest, SourceRoute::checked(text)))
}

/// The inside of a path, without the brackets: `[ A-d-l ":" ] Mailbox`; the text is cut from
/// `src`.
#[inline(always)]
pub(crate) fn path_body<'a>(input: &'a [u8], src: Src<'a>) -> ParseResult<'a, Path<'a>> {
    let (rest, route) = if input.first() == Some(&b'@') {
        let (rest, route) = source_route(input)?;
        let Some(rest) = rest.strip_prefix(b":") else {
            return Err(SynErr::syntax(rest));
        };
        (rest, Some(route))
    } else {
        (input, None)
    };
    let (rest, mailbox) = mailbox(rest, src)?;
    Ok((rest, Path { route, mailbox }))
}

/// ```text
/// Path = "<" [ A-d-l ":" ] Mailbox ">"
/// ```
#[inline(always)]
pub(super) fn path<'a>(input: &'a [u8], src: Src<'a>) -> ParseResult<'a, Path<'a>> {
    let Some(inner) = input.strip_prefix(b"<") else {
        return Err(SynErr::syntax(input));
    };
    let (rest, path) = path_body(inner, src)?;
    let Some(rest) = rest.strip_prefix(b">") else {
        return Err(SynErr::syntax(rest));
    };
    Ok((rest, path))
}

/// Whether `input` starts with `<Postmaster>` (any case).
#[inline(always)]
pub(crate) fn is_postmaster(input: &[u8]) -> bool {
    input.len() >= 12
        && input[0] == b'<'
        && input[11] == b'>'
        && input[1..11].eq_ignore_ascii_case(b"postmaster")
}

/// A path to write into in place: no route, empty local part and domain, nothing owned.
pub(crate) fn placeholder_path() -> Path<'static> {
    Path {
        route: None,
        mailbox: Mailbox {
            local: LocalPart::checked(""),
            host: Host::Domain(Domain::checked("")),
        },
    }
}

/// [`path`], written into `out` (a [`placeholder_path`]) where it lies instead of being moved
/// out through each rule's result; returns the rest of the input.
#[inline(always)]
pub(crate) fn path_into<'a>(
    input: &'a [u8],
    src: Src<'a>,
    out: &mut Path<'a>,
) -> Result<&'a [u8], nom::Err<SynErr<'a>>> {
    let Some(inner) = input.strip_prefix(b"<") else {
        return Err(SynErr::syntax(input));
    };
    let rest = if inner.first() == Some(&b'@') {
        let (rest, route) = source_route(inner)?;
        let Some(rest) = rest.strip_prefix(b":") else {
            return Err(SynErr::syntax(rest));
        };
        out.route = Some(route);
        rest
    } else {
        inner
    };
    let (rest, local) = local_part_in(rest, src)?;
    out.mailbox.local = local;
    let Some(rest) = rest.strip_prefix(b"@") else {
        return Err(SynErr::syntax(rest));
    };
    let (rest, host) = host_in(rest, src)?;
    out.mailbox.host = host;
    let Some(rest) = rest.strip_prefix(b">") else {
        return Err(SynErr::syntax(rest));
    };
    Ok(rest)
}

/// ```text
/// Reverse-path = Path / "<>"
/// ```
#[inline(always)]
pub(crate) fn reverse_path(input: &[u8]) -> ParseResult<'_, ReversePath<'_>> {
    reverse_path_in(input, Src::NONE)
}

/// [`reverse_path`], its text cut from `src`.
#[inline(always)]
pub(crate) fn reverse_path_in<'a>(
    input: &'a [u8],
    src: Src<'a>,
) -> ParseResult<'a, ReversePath<'a>> {
    if let Some(rest) = input.strip_prefix(b"<>") {
        return Ok((rest, ReversePath::Null));
    }
    let (rest, p) = path(input, src)?;
    Ok((rest, ReversePath::Path(p)))
}

/// ```text
/// "<Postmaster@" Domain ">" / "<Postmaster>" / Forward-path
/// Forward-path = Path
/// ```
///
/// `<>` is rejected with [`ErrorKind::NullRecipient`].
#[inline(always)]
pub(crate) fn forward_path(input: &[u8]) -> ParseResult<'_, ForwardPath<'_>> {
    forward_path_in(input, Src::NONE)
}

/// [`forward_path`], its text cut from `src`.
#[inline(always)]
pub(crate) fn forward_path_in<'a>(
    input: &'a [u8],
    src: Src<'a>,
) -> ParseResult<'a, ForwardPath<'a>> {
    if input.starts_with(b"<>") {
        return Err(SynErr::at(input, ErrorKind::NullRecipient));
    }
    if is_postmaster(input) {
        let spelling = src.str(&input[1..11]).map_err(|k| SynErr::at(input, k))?;
        return Ok((
            &input[12..],
            ForwardPath::Postmaster(Cow::Borrowed(spelling)),
        ));
    }
    let (rest, p) = path(input, src)?;
    Ok((rest, ForwardPath::Path(p)))
}
