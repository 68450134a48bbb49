//! SPF macro expansion (RFC 7208 §7).

use std::net::IpAddr;

/// What macros expand from.
pub(super) struct MacroContext<'a> {
    /// `<sender>`: the MAIL FROM address (or `postmaster@<helo>`).
    pub(super) sender: &'a str,
    /// `<domain>`: the domain currently evaluated.
    pub(super) domain: &'a str,
    /// `<ip>`.
    pub(super) ip: IpAddr,
    /// The HELO/EHLO name.
    pub(super) helo: &'a str,
}

/// The macro string was malformed (a `permerror`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct MacroError;

/// Expands a macro-string.
///
/// ```text
/// macro-string     = *( macro-expand / macro-literal )
/// macro-expand     = ( "%{" macro-letter transformers *delimiter "}" ) / "%%" / "%_" / "%-"
/// macro-letter     = "s" / "l" / "o" / "d" / "i" / "p" / "h" / "c" / "r" / "t" / "v"
/// transformers     = *DIGIT [ "r" ]
/// delimiter        = "." / "-" / "+" / "," / "/" / "_" / "="
/// macro-literal    = %x21-24 / %x26-7E
/// ```
///
/// `c`, `r` and `t` are only allowed in `exp=` texts, which are never evaluated here, so they
/// are refused. `p` expands to `unknown` (RFC 7208 §7.3 discourages it).
pub(super) fn expand(text: &str, ctx: &MacroContext<'_>) -> Result<String, MacroError> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('%') {
        let literal = &rest[..at];
        check_literal(literal)?;
        out.push_str(literal);
        let after = &rest[at + 1..];
        match after.as_bytes().first() {
            Some(b'%') => {
                out.push('%');
                rest = &after[1..];
            }
            Some(b'_') => {
                out.push(' ');
                rest = &after[1..];
            }
            Some(b'-') => {
                out.push_str("%20");
                rest = &after[1..];
            }
            Some(b'{') => {
                let end = after.find('}').ok_or(MacroError)?;
                out.push_str(&expand_one(&after[1..end], ctx)?);
                rest = &after[end + 1..];
            }
            _ => return Err(MacroError),
        }
    }
    check_literal(rest)?;
    out.push_str(rest);
    Ok(out)
}

fn check_literal(text: &str) -> Result<(), MacroError> {
    if text
        .bytes()
        .all(|b| (0x21..=0x7e).contains(&b) && b != b'%')
    {
        Ok(())
    } else {
        Err(MacroError)
    }
}

/// One `%{…}` body: letter, transformers, delimiters.
fn expand_one(body: &str, ctx: &MacroContext<'_>) -> Result<String, MacroError> {
    let mut chars = body.chars();
    let letter = chars.next().ok_or(MacroError)?;
    let rest = chars.as_str();
    let digits_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let keep: Option<usize> = match &rest[..digits_end] {
        "" => None,
        d => Some(d.parse().map_err(|_| MacroError)?),
    };
    if keep == Some(0) {
        return Err(MacroError);
    }
    let mut rest = &rest[digits_end..];
    let reverse = if let Some(r) = rest.strip_prefix(['r', 'R']) {
        rest = r;
        true
    } else {
        false
    };
    if !rest.chars().all(|c| ".-+,/_=".contains(c)) {
        return Err(MacroError);
    }
    let delimiters = if rest.is_empty() { "." } else { rest };
    let value = value(letter.to_ascii_lowercase(), ctx)?;
    let mut parts: Vec<&str> = value.split(|c| delimiters.contains(c)).collect();
    if reverse {
        parts.reverse();
    }
    if let Some(n) = keep
        && n < parts.len()
    {
        parts.drain(..parts.len() - n);
    }
    let joined = parts.join(".");
    Ok(if letter.is_ascii_uppercase() {
        url_escape(&joined)
    } else {
        joined
    })
}

fn value(letter: char, ctx: &MacroContext<'_>) -> Result<String, MacroError> {
    let (local, domain) = split_sender(ctx.sender);
    Ok(match letter {
        's' => ctx.sender.to_owned(),
        'l' => local.to_owned(),
        'o' => domain.to_owned(),
        'd' => ctx.domain.to_owned(),
        'i' => dotted_ip(ctx.ip),
        'p' => "unknown".to_owned(),
        'v' => if ctx.ip.is_ipv4() { "in-addr" } else { "ip6" }.to_owned(),
        'h' => ctx.helo.to_owned(),
        _ => return Err(MacroError),
    })
}

/// The local part and domain of a sender; a sender without a local part is `postmaster`
/// (RFC 7208 §4.3).
pub(super) fn split_sender(sender: &str) -> (&str, &str) {
    match sender.rsplit_once('@') {
        Some(("", domain)) => ("postmaster", domain),
        Some((local, domain)) => (local, domain),
        None => ("postmaster", sender),
    }
}

/// `%{i}`: dotted quad, or 32 dot-separated nibbles for IPv6 (RFC 7208 §7.3).
fn dotted_ip(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let mut nibbles = Vec::with_capacity(32);
            for byte in v6.octets() {
                nibbles.push(format!("{:x}", byte >> 4));
                nibbles.push(format!("{:x}", byte & 0xf));
            }
            nibbles.join(".")
        }
    }
}

/// Upper-case macro letters URL-escape everything outside RFC 3986's unreserved set.
fn url_escape(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
