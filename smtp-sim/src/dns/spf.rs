//! SPF evaluation (RFC 7208) against the simulated [`World`]: `check_host()` with the
//! mechanisms `all`, `include`, `a`, `mx`, `ptr`, `ip4`, `ip6`, `exists`, the `redirect`
//! modifier, macros, and the processing limits of §4.6.4 (10 DNS-querying terms, 10 MX and PTR
//! names per mechanism, 2 void lookups). `exp=` is accepted but never expanded: a receiver
//! reply carries its own text.

use std::net::IpAddr;

use serde::Serialize;

use super::spf_macro::{MacroContext, MacroError, expand, split_sender};
use super::world::{DnsError, World, normalize_name};
use crate::scenario::IpPattern;

/// RFC 7208 §4.6.4: terms that cause DNS queries, at most 10 per evaluation.
const MAX_DNS_TERMS: u32 = 10;
/// RFC 7208 §4.6.4: void lookups (NXDOMAIN or no answer), at most 2 (the recommended default).
const MAX_VOID_LOOKUPS: u32 = 2;
/// RFC 7208 §4.6.4: MX hosts of one `mx` term, and PTR names of one `ptr` term, at most 10.
const MAX_NAMES_PER_TERM: usize = 10;

/// The result of an SPF evaluation (RFC 7208 §2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpfResult {
    /// No SPF record, or no domain to check.
    None,
    /// The domain makes no assertion (`?`, or nothing matched).
    Neutral,
    /// The client is authorised.
    Pass,
    /// The client is not authorised (`-`).
    Fail,
    /// Probably not authorised (`~`).
    Softfail,
    /// A temporary DNS failure.
    Temperror,
    /// The record could not be interpreted, or a limit was exceeded.
    Permerror,
}

impl SpfResult {
    /// The name as in `Received-SPF:` headers.
    pub fn name(self) -> &'static str {
        match self {
            SpfResult::None => "none",
            SpfResult::Neutral => "neutral",
            SpfResult::Pass => "pass",
            SpfResult::Fail => "fail",
            SpfResult::Softfail => "softfail",
            SpfResult::Temperror => "temperror",
            SpfResult::Permerror => "permerror",
        }
    }
}

/// Evaluates the MAIL FROM identity as RFC 7208 §2.4 says: the sender's domain, or for the null
/// sender `postmaster@<helo>`. Returns the domain checked and the result.
pub fn spf_for_mail_from(
    world: &World,
    ip: IpAddr,
    sender: &str,
    helo: &str,
) -> (String, SpfResult) {
    let sender = if sender.is_empty() {
        format!("postmaster@{helo}")
    } else {
        sender.to_owned()
    };
    let domain = normalize_name(split_sender(&sender).1);
    let result = check_host(world, ip, &domain, &sender, helo);
    (domain, result)
}

/// RFC 7208 §4: `check_host(<ip>, <domain>, <sender>)`.
pub fn check_host(world: &World, ip: IpAddr, domain: &str, sender: &str, helo: &str) -> SpfResult {
    let mut eval = Eval {
        world,
        ip: ip.to_canonical(),
        sender,
        helo,
        dns_terms: 0,
        voids: 0,
    };
    match eval.check(&normalize_name(domain)) {
        Ok(result) => result,
        Err(abort) => abort.result(),
    }
}

/// An evaluation that stops early.
#[derive(Debug, Clone, Copy)]
enum Abort {
    Temp,
    Perm,
}

impl Abort {
    fn result(self) -> SpfResult {
        match self {
            Abort::Temp => SpfResult::Temperror,
            Abort::Perm => SpfResult::Permerror,
        }
    }
}

impl From<MacroError> for Abort {
    fn from(_: MacroError) -> Self {
        Abort::Perm
    }
}

struct Eval<'a> {
    world: &'a World,
    ip: IpAddr,
    sender: &'a str,
    helo: &'a str,
    dns_terms: u32,
    voids: u32,
}

/// A parsed directive: qualifier and mechanism (RFC 7208 §4.6.1).
#[derive(Debug)]
struct Directive<'r> {
    qualifier: SpfResult,
    mechanism: Mechanism<'r>,
}

#[derive(Debug)]
enum Mechanism<'r> {
    All,
    Include(&'r str),
    A(Option<&'r str>, Cidr),
    Mx(Option<&'r str>, Cidr),
    Ptr(Option<&'r str>),
    Ip(IpPattern),
    Exists(&'r str),
}

/// A dual CIDR length (`/24//64`).
#[derive(Debug, Clone, Copy)]
struct Cidr {
    v4: u8,
    v6: u8,
}

/// A parsed record: directives in order, and the `redirect=` target.
#[derive(Debug)]
struct Record<'r> {
    directives: Vec<Directive<'r>>,
    redirect: Option<&'r str>,
}

impl Eval<'_> {
    fn check(&mut self, domain: &str) -> Result<SpfResult, Abort> {
        if !valid_domain(domain) {
            return Ok(SpfResult::None);
        }
        let records = match self.world.txt(domain) {
            Ok(r) => r,
            Err(DnsError::TempFail) => return Err(Abort::Temp),
            Err(DnsError::NxDomain) => return Ok(SpfResult::None),
        };
        let spf: Vec<&String> = records.iter().filter(|r| is_spf_record(r)).collect();
        let text = match spf.as_slice() {
            [] => return Ok(SpfResult::None),
            [one] => one.as_str(),
            _ => return Err(Abort::Perm),
        };
        let record = parse_record(text).ok_or(Abort::Perm)?;
        for directive in &record.directives {
            if self.matches(&directive.mechanism, domain)? {
                return Ok(directive.qualifier);
            }
        }
        if let Some(target) = record.redirect {
            self.count_dns_term()?;
            let target = self.domain_spec(Some(target), domain)?;
            return match self.check(&target)? {
                SpfResult::None => Err(Abort::Perm),
                result => Ok(result),
            };
        }
        Ok(SpfResult::Neutral)
    }

    fn count_dns_term(&mut self) -> Result<(), Abort> {
        self.dns_terms += 1;
        if self.dns_terms > MAX_DNS_TERMS {
            Err(Abort::Perm)
        } else {
            Ok(())
        }
    }

    fn void(&mut self) -> Result<(), Abort> {
        self.voids += 1;
        if self.voids > MAX_VOID_LOOKUPS {
            Err(Abort::Perm)
        } else {
            Ok(())
        }
    }

    /// Expands a domain-spec (or takes `<domain>` when absent), shortened to 253 characters by
    /// dropping labels from the left (RFC 7208 §4.8, §7.3).
    fn domain_spec(&self, spec: Option<&str>, domain: &str) -> Result<String, Abort> {
        let Some(spec) = spec else {
            return Ok(domain.to_owned());
        };
        let ctx = MacroContext {
            sender: self.sender,
            domain,
            ip: self.ip,
            helo: self.helo,
        };
        let mut name = normalize_name(&expand(spec, &ctx)?);
        while name.len() > 253 {
            match name.split_once('.') {
                Some((_, rest)) => name = rest.to_owned(),
                None => return Err(Abort::Perm),
            }
        }
        Ok(name)
    }

    /// Addresses of `name` in the client's family, with void lookups counted.
    fn addrs(&mut self, name: &str) -> Result<Vec<IpAddr>, Abort> {
        match self.world.addrs(name, self.ip.is_ipv6()) {
            Err(DnsError::TempFail) => Err(Abort::Temp),
            Err(DnsError::NxDomain) => self.void().map(|_| Vec::new()),
            Ok(list) if list.is_empty() => self.void().map(|_| list),
            Ok(list) => Ok(list),
        }
    }

    fn in_cidr(&self, network: IpAddr, cidr: Cidr) -> bool {
        let prefix = if network.is_ipv4() { cidr.v4 } else { cidr.v6 };
        IpPattern::new(&format!("{network}/{prefix}")).is_ok_and(|p| p.contains(self.ip))
    }

    fn matches(&mut self, mechanism: &Mechanism<'_>, domain: &str) -> Result<bool, Abort> {
        match mechanism {
            Mechanism::All => Ok(true),
            Mechanism::Ip(range) => Ok(range.contains(self.ip)),
            Mechanism::Include(spec) => {
                self.count_dns_term()?;
                let target = self.domain_spec(Some(spec), domain)?;
                match self.check(&target)? {
                    SpfResult::Pass => Ok(true),
                    SpfResult::Fail | SpfResult::Softfail | SpfResult::Neutral => Ok(false),
                    SpfResult::Temperror => Err(Abort::Temp),
                    SpfResult::Permerror | SpfResult::None => Err(Abort::Perm),
                }
            }
            Mechanism::A(spec, cidr) => {
                self.count_dns_term()?;
                let target = self.domain_spec(*spec, domain)?;
                let addrs = self.addrs(&target)?;
                Ok(addrs.into_iter().any(|a| self.in_cidr(a, *cidr)))
            }
            Mechanism::Mx(spec, cidr) => {
                self.count_dns_term()?;
                let target = self.domain_spec(*spec, domain)?;
                let hosts = match self.world.mx(&target) {
                    Err(DnsError::TempFail) => return Err(Abort::Temp),
                    Err(DnsError::NxDomain) => return self.void().map(|_| false),
                    Ok(hosts) if hosts.is_empty() => return self.void().map(|_| false),
                    Ok(hosts) => hosts,
                };
                if hosts.len() > MAX_NAMES_PER_TERM {
                    return Err(Abort::Perm);
                }
                for (_, host) in hosts {
                    if self
                        .addrs(&host)?
                        .into_iter()
                        .any(|a| self.in_cidr(a, *cidr))
                    {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Mechanism::Ptr(spec) => {
                self.count_dns_term()?;
                let target = self.domain_spec(*spec, domain)?;
                let names = match self.world.ptr(self.ip) {
                    Ok(names) => names,
                    Err(DnsError::NxDomain) => return self.void().map(|_| false),
                    // RFC 7208 §5.5: a DNS error on the PTR lookup makes the mechanism not match.
                    Err(DnsError::TempFail) => return Ok(false),
                };
                for name in names.into_iter().take(MAX_NAMES_PER_TERM) {
                    let validated = matches!(
                        self.world.addrs(&name, self.ip.is_ipv6()),
                        Ok(addrs) if addrs.contains(&self.ip)
                    );
                    let under = name == target || name.ends_with(&format!(".{target}"));
                    if validated && under {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Mechanism::Exists(spec) => {
                self.count_dns_term()?;
                let target = self.domain_spec(Some(spec), domain)?;
                match self.world.addrs(&target, false) {
                    Err(DnsError::TempFail) => Err(Abort::Temp),
                    Ok(list) if !list.is_empty() => Ok(true),
                    _ => self.void().map(|_| false),
                }
            }
        }
    }
}

/// `record = version terms *SP`, `version = "v=spf1"` (case-insensitive, RFC 7208 §4.5).
fn is_spf_record(text: &str) -> bool {
    let Some(head) = text.get(..6) else {
        return false;
    };
    head.eq_ignore_ascii_case("v=spf1") && (text.len() == 6 || text.as_bytes()[6] == b' ')
}

/// A domain SPF can evaluate: multi-label, labels of 1 to 63 characters, at most 253 in all
/// (RFC 7208 §4.3).
fn valid_domain(domain: &str) -> bool {
    domain.len() <= 253
        && domain.contains('.')
        && domain.split('.').all(|l| !l.is_empty() && l.len() <= 63)
}

/// `terms = *( 1*SP ( directive / modifier ) )`. `None` on any syntax error (permerror): the
/// whole record is parsed before anything is evaluated (RFC 7208 §4.6).
fn parse_record(text: &str) -> Option<Record<'_>> {
    let mut record = Record {
        directives: Vec::new(),
        redirect: None,
    };
    let mut exp_seen = false;
    for term in text[6..].split(' ').filter(|t| !t.is_empty()) {
        if let Some((name, value)) = modifier(term) {
            match name.to_ascii_lowercase().as_str() {
                "redirect" if record.redirect.is_none() && !value.is_empty() => {
                    record.redirect = Some(value);
                }
                "exp" if !exp_seen && !value.is_empty() => exp_seen = true,
                "redirect" | "exp" => return None,
                _ => {} // unknown modifiers are ignored (RFC 7208 §6)
            }
            continue;
        }
        record.directives.push(directive(term)?);
    }
    // RFC 7208 §6.1: redirect is ignored when the record has an `all` mechanism.
    if record
        .directives
        .iter()
        .any(|d| matches!(d.mechanism, Mechanism::All))
    {
        record.redirect = None;
    }
    Some(record)
}

/// `modifier = name "=" macro-string`, `name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )`.
fn modifier(term: &str) -> Option<(&str, &str)> {
    let (name, value) = term.split_once('=')?;
    let mut chars = name.chars();
    let first = chars.next()?;
    let ok = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    ok.then_some((name, value))
}

/// `directive = [ qualifier ] mechanism`, `qualifier = "+" / "-" / "?" / "~"`.
fn directive(term: &str) -> Option<Directive<'_>> {
    let (qualifier, rest) = match term.as_bytes().first()? {
        b'+' => (SpfResult::Pass, &term[1..]),
        b'-' => (SpfResult::Fail, &term[1..]),
        b'~' => (SpfResult::Softfail, &term[1..]),
        b'?' => (SpfResult::Neutral, &term[1..]),
        _ => (SpfResult::Pass, term),
    };
    Some(Directive {
        qualifier,
        mechanism: mechanism(rest)?,
    })
}

/// ```text
/// mechanism = ( all / include / a / mx / ptr / ip4 / ip6 / exists )
/// a         = "a"  [ ":" domain-spec ] [ dual-cidr-length ]
/// mx        = "mx" [ ":" domain-spec ] [ dual-cidr-length ]
/// ptr       = "ptr" [ ":" domain-spec ]
/// ip4       = "ip4" ":" ip4-network [ ip4-cidr-length ]
/// ip6       = "ip6" ":" ip6-network [ ip6-cidr-length ]
/// include   = "include" ":" domain-spec
/// exists    = "exists" ":" domain-spec
/// ```
fn mechanism(text: &str) -> Option<Mechanism<'_>> {
    let (name, arg) = match text.find([':', '/']) {
        Some(at) => (&text[..at], Some(&text[at..])),
        None => (text, None),
    };
    match name.to_ascii_lowercase().as_str() {
        "all" if arg.is_none() => Some(Mechanism::All),
        "include" => Some(Mechanism::Include(spec_of(arg)??)),
        "exists" => Some(Mechanism::Exists(spec_of(arg)??)),
        "ptr" => Some(Mechanism::Ptr(spec_of(arg)?)),
        "a" | "mx" => {
            let (rest, cidr) = dual_cidr(arg.unwrap_or(""))?;
            let spec = spec_of((!rest.is_empty()).then_some(rest))?;
            if name.eq_ignore_ascii_case("a") {
                Some(Mechanism::A(spec, cidr))
            } else {
                Some(Mechanism::Mx(spec, cidr))
            }
        }
        "ip4" | "ip6" => {
            let network = arg?.strip_prefix(':')?;
            let addr = network.split('/').next()?;
            let v6 = name.eq_ignore_ascii_case("ip6");
            let parsed: IpAddr = addr.parse().ok()?;
            // ip4 takes a dotted quad only; ip6 takes an IPv6 address (which may embed IPv4).
            if parsed.is_ipv6() != v6 {
                return None;
            }
            if network.ends_with('/') {
                return None;
            }
            Some(Mechanism::Ip(IpPattern::new(network).ok()?))
        }
        _ => None,
    }
}

/// `[ ":" domain-spec ]`: `Some(None)` when absent, `None` when present but empty.
fn spec_of(arg: Option<&str>) -> Option<Option<&str>> {
    match arg {
        None => Some(None),
        Some(a) => a.strip_prefix(':').filter(|s| !s.is_empty()).map(Some),
    }
}

/// Splits `dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ]` off the end.
fn dual_cidr(text: &str) -> Option<(&str, Cidr)> {
    let mut rest = text;
    let mut cidr = Cidr { v4: 32, v6: 128 };
    if let Some((before, digits)) = split_length(rest, "//") {
        cidr.v6 = digits.parse().ok().filter(|n| *n <= 128)?;
        rest = before;
    }
    if let Some((before, digits)) = split_length(rest, "/") {
        cidr.v4 = digits.parse().ok().filter(|n| *n <= 32)?;
        rest = before;
    }
    if rest.ends_with('/') {
        return None;
    }
    Some((rest, cidr))
}

/// `…<sep>DIGITS` at the end of `text`: the part before and the digits (no leading zero).
fn split_length<'t>(text: &'t str, sep: &str) -> Option<(&'t str, &'t str)> {
    let digits_start = text.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let digits = &text[digits_start..];
    let before = text[..digits_start].strip_suffix(sep)?;
    if digits.is_empty() || (digits.len() > 1 && digits.starts_with('0')) {
        return None;
    }
    if sep == "/" && before.ends_with('/') {
        return None;
    }
    Some((before, digits))
}
