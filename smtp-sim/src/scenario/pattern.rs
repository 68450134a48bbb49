//! Patterns a rule matches against: globs on names and addresses, IP addresses and CIDR ranges.

use std::fmt;
use std::net::IpAddr;

/// A glob over text: `*` matches any run of characters (also none), `?` exactly one; every other
/// character matches itself. Compiled once, matched without allocating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    chars: Vec<char>,
    case_insensitive: bool,
}

/// Why a pattern does not compile: the text says what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError(pub String);

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Glob {
    /// Compiles a glob. It must be non-empty and hold no whitespace, control characters or
    /// brackets (character classes are not supported, and a bracket is never part of an address
    /// or a host name).
    pub fn new(pattern: &str, case_insensitive: bool) -> Result<Self, PatternError> {
        if pattern.is_empty() {
            return Err(PatternError("a non-empty pattern".into()));
        }
        if let Some(bad) = pattern
            .chars()
            .find(|c| c.is_whitespace() || c.is_control() || matches!(c, '[' | ']'))
        {
            return Err(PatternError(format!(
                "a pattern using only `*` and `?` as wildcards, without whitespace, control \
                 characters or brackets (found {bad:?})"
            )));
        }
        let chars = if case_insensitive {
            pattern.chars().flat_map(char::to_lowercase).collect()
        } else {
            pattern.chars().collect()
        };
        Ok(Glob {
            chars,
            case_insensitive,
        })
    }

    /// Whether `text` matches the whole glob.
    pub fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = if self.case_insensitive {
            text.chars().flat_map(char::to_lowercase).collect()
        } else {
            text.chars().collect()
        };
        glob_match(&self.chars, &text)
    }
}

/// Greedy matcher with one backtrack point (the last `*` seen): linear in practice and never
/// exponential.
fn glob_match(pattern: &[char], text: &[char]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// A pattern on a mailbox (`local@domain`): the local part is matched as written (RFC 5321
/// §2.4 lets it be case-sensitive), the domain without regard to case. A pattern without `@`
/// matches the whole address without regard to case; `<>` matches only the null sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressPattern {
    /// `local@domain` globs.
    Mailbox {
        /// Glob on the local part.
        local: Glob,
        /// Glob on the domain.
        domain: Glob,
    },
    /// A glob on the whole address.
    Whole(Glob),
    /// `<>`: the null reverse-path.
    Null,
}

impl AddressPattern {
    /// Compiles an address pattern.
    pub fn new(pattern: &str) -> Result<Self, PatternError> {
        if pattern == "<>" {
            return Ok(AddressPattern::Null);
        }
        match pattern.rsplit_once('@') {
            Some((local, domain)) => Ok(AddressPattern::Mailbox {
                local: Glob::new(local, false)
                    .map_err(|e| PatternError(format!("{e} before the `@`")))?,
                domain: Glob::new(domain, true)
                    .map_err(|e| PatternError(format!("{e} after the `@`")))?,
            }),
            None => Ok(AddressPattern::Whole(Glob::new(pattern, true)?)),
        }
    }

    /// Whether an address matches (the empty string stands for the null reverse-path).
    pub fn matches(&self, address: &str) -> bool {
        match self {
            AddressPattern::Null => address.is_empty(),
            AddressPattern::Whole(glob) => !address.is_empty() && glob.matches(address),
            AddressPattern::Mailbox { local, domain } => match address.rsplit_once('@') {
                Some((l, d)) => local.matches(l) && domain.matches(d),
                None => false,
            },
        }
    }
}

/// An IP address or a CIDR range (`192.0.2.7`, `10.0.0.0/8`, `2001:db8::/32`). IPv4-mapped IPv6
/// client addresses are compared as IPv4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpPattern {
    network: IpAddr,
    prefix: u8,
}

impl IpPattern {
    /// Parses an address or a range.
    pub fn new(pattern: &str) -> Result<Self, PatternError> {
        let expected = || {
            PatternError(format!(
                "an IP address or CIDR range such as 192.0.2.0/24 or 2001:db8::/32 (found {pattern:?})"
            ))
        };
        let (addr, prefix) = match pattern.split_once('/') {
            Some((addr, len)) => (addr, Some(len)),
            None => (pattern, None),
        };
        let network: IpAddr = addr.parse().map_err(|_| expected())?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(len) if !len.is_empty() && len.bytes().all(|b| b.is_ascii_digit()) => {
                match len.parse::<u8>() {
                    Ok(len) if len <= max => len,
                    _ => return Err(expected()),
                }
            }
            Some(_) => return Err(expected()),
        };
        Ok(IpPattern { network, prefix })
    }

    /// Whether `ip` is inside the range.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                prefix_eq(&net.octets(), &ip.octets(), self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                prefix_eq(&net.octets(), &ip.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

fn prefix_eq(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let (full, rest) = (usize::from(prefix / 8), prefix % 8);
    if a[..full] != b[..full] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    (a[full] & mask) == (b[full] & mask)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let cases = [
            ("*", "anything", false, true),
            ("bounce@*", "bounce@x", false, true),
            ("b?unce", "bounce", false, true),
            ("*.example.com", "mx.EXAMPLE.com", true, true),
            ("*.example.com", "example.com", true, false),
            ("a*b*c", "aXXbYYc", false, true),
            ("a*b*c", "aXXbYY", false, false),
            ("ABC", "abc", false, false),
            ("ABC", "abc", true, true),
            ("**", "", false, true),
        ];
        for (pattern, text, ci, expected) in cases {
            let glob = Glob::new(pattern, ci).unwrap();
            assert_eq!(glob.matches(text), expected, "{pattern} vs {text}");
        }
        for bad in ["", "a b", "[ab]", "x\ty"] {
            assert!(Glob::new(bad, true).is_err(), "{bad:?} should not compile");
        }
    }

    #[test]
    fn addresses() {
        let cases = [
            (
                "bounce@simulator.amazonses.com",
                "bounce@Simulator.AmazonSES.com",
                true,
            ),
            (
                "bounce@simulator.amazonses.com",
                "Bounce@simulator.amazonses.com",
                false,
            ),
            ("success+*@sim.test", "success+label@SIM.test", true),
            ("*@example.com", "a@b@example.com", true),
            ("postmaster", "PostMaster", true),
            ("postmaster", "", false),
            ("<>", "", true),
            ("<>", "a@b", false),
            ("*@*", "nodomain", false),
        ];
        for (pattern, address, expected) in cases {
            let p = AddressPattern::new(pattern).unwrap();
            assert_eq!(p.matches(address), expected, "{pattern} vs {address}");
        }
        assert!(AddressPattern::new("@x").is_err());
        assert!(AddressPattern::new("x@").is_err());
    }

    #[test]
    fn ip_ranges() {
        let cases = [
            ("10.0.0.0/8", "10.200.3.4", true),
            ("10.0.0.0/8", "11.0.0.1", false),
            ("192.0.2.7", "192.0.2.7", true),
            ("192.0.2.7", "192.0.2.8", false),
            ("192.0.2.0/25", "192.0.2.127", true),
            ("192.0.2.0/25", "192.0.2.128", false),
            ("0.0.0.0/0", "203.0.113.9", true),
            ("127.0.0.0/8", "::ffff:127.1.2.3", true),
            ("2001:db8::/32", "2001:db8:1::5", true),
            ("2001:db8::/32", "10.0.0.1", false),
        ];
        for (pattern, ip, expected) in cases {
            let p = IpPattern::new(pattern).unwrap();
            assert_eq!(
                p.contains(ip.parse().unwrap()),
                expected,
                "{pattern} vs {ip}"
            );
        }
        for bad in [
            "10.0.0.0/33",
            "10.0.0/8",
            "host.example",
            "::/129",
            "1.2.3.4/",
            "1.2.3.4/+8",
        ] {
            assert!(IpPattern::new(bad).is_err(), "{bad:?} should not parse");
        }
    }
}
