//! Checks the internet sections of a scenario and compiles them into an
//! [`InternetConfig`](crate::internet::InternetConfig). Every problem is collected with its path.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use super::error::Path;
use super::file::ScenarioFile;
use super::internet_file::{CheckKind, SpfSetup, ThrottleFile};
use super::pattern::IpPattern;
use crate::dns::normalize_name;
use crate::greylist::GreylistConfig;
use crate::internet::{Check, DomainPolicy, InternetConfig, SenderProfile, default_zone_reason};
use crate::persona::MailboxState;
use crate::ratelimit::{Counted, Limit, Scope};
use crate::throttle::ThrottleConfig;
use crate::types::ClientIdentity;

type Problems = Vec<(Path, String)>;

fn ip(text: &str, path: Path, problems: &mut Problems) -> Option<IpAddr> {
    match text.parse::<IpAddr>() {
        Ok(ip) => Some(ip.to_canonical()),
        Err(_) => {
            problems.push((path, format!("expected an IP address (found {text:?})")));
            None
        }
    }
}

fn throttle(t: &ThrottleFile, path: Path, problems: &mut Problems) -> Option<ThrottleConfig> {
    if t.burst == 0 {
        problems.push((path.key("burst"), "expected a burst of at least 1".into()));
    }
    if t.refill_s == 0 {
        problems.push((path.key("refill_s"), "expected at least 1 second".into()));
    }
    (t.burst > 0 && t.refill_s > 0).then_some(ThrottleConfig {
        burst: t.burst,
        refill_ms: t.refill_s.saturating_mul(1000),
        mode: t.mode,
    })
}

/// Compiles the internet sections (an empty scenario gives the default: nothing checked).
pub(crate) fn compile(file: &ScenarioFile, problems: &mut Problems) -> InternetConfig {
    let mut net = InternetConfig {
        persona: file.persona.unwrap_or(crate::persona::Persona::Postfix),
        ..InternetConfig::default()
    };
    let root = Path::default();
    // [dns]
    if let Some(dns) = &file.dns {
        let path = root.key("dns");
        for (addr, name) in &dns.ptr {
            if let Some(a) = ip(addr, path.key("ptr").name(addr), problems) {
                net.world.add_ptr(a, name);
            }
        }
        for (name, addrs) in &dns.a {
            for (i, addr) in addrs.iter().enumerate() {
                if let Some(a) = ip(addr, path.key("a").name(name).index(i), problems) {
                    net.world.add_addr(name, a);
                }
            }
        }
        for (name, hosts) in &dns.mx {
            for (i, mx) in hosts.iter().enumerate() {
                match mx.split_once(' ').map(|(p, h)| (p.parse::<u16>(), h.trim())) {
                    Some((Ok(pref), host)) if !host.is_empty() => {
                        net.world.add_mx(name, pref, host);
                    }
                    _ => problems.push((
                        path.key("mx").name(name).index(i),
                        format!("expected \"<preference> <host>\" such as \"10 mx.example.com\" (found {mx:?})"),
                    )),
                }
            }
        }
        for (name, texts) in &dns.txt {
            for text in texts {
                net.world.add_txt(name, text);
            }
        }
        for name in &dns.tempfail {
            net.world.add_tempfail(name);
        }
    }
    // [dnsbl."zone"]
    for (zone, z) in &file.dnsbl {
        let path = root.key("dnsbl").name(zone);
        let zone = normalize_name(zone);
        net.world.add_zone(&zone);
        let reason = z
            .reason
            .clone()
            .unwrap_or_else(|| default_zone_reason(&zone).to_owned());
        for (i, range) in z.listed.iter().enumerate() {
            match IpPattern::new(range) {
                Ok(p) => {
                    net.world.list(&zone, p, &reason);
                }
                Err(e) => problems.push((path.key("listed").index(i), format!("expected {e}"))),
            }
        }
    }
    // [sender."name"]
    let mut spf_hosts: BTreeMap<String, Vec<(IpAddr, bool)>> = BTreeMap::new();
    for (name, s) in &file.sender {
        let path = root.key("sender").name(name);
        let Some(addr) = ip(&s.ip, path.key("ip"), problems) else {
            continue;
        };
        if let Some(ptr) = &s.ptr {
            net.world.add_ptr(addr, ptr);
            if s.forward_confirmed.unwrap_or(true) {
                net.world.add_addr(ptr, addr);
            }
        } else if s.forward_confirmed.is_some() {
            problems.push((
                path.key("forward_confirmed"),
                "expected a `ptr` to confirm".into(),
            ));
        }
        for zone in &s.listed {
            let zone = normalize_name(zone);
            let reason = file
                .dnsbl
                .iter()
                .find(|(z, _)| normalize_name(z) == zone)
                .and_then(|(_, z)| z.reason.clone())
                .unwrap_or_else(|| default_zone_reason(&zone).to_owned());
            let host = IpPattern::new(&addr.to_string()).expect("an address is a range");
            net.world.list(&zone, host, &reason);
        }
        let spf = s.spf.unwrap_or(SpfSetup::None);
        match (&s.domain, spf) {
            (_, SpfSetup::None) => {}
            (Some(domain), setup) => spf_hosts
                .entry(normalize_name(domain))
                .or_default()
                .push((addr, setup == SpfSetup::Pass)),
            (None, _) => problems.push((
                path.key("spf"),
                "expected a `domain` to publish SPF for".into(),
            )),
        }
        let throttle = s
            .throttle
            .as_ref()
            .and_then(|t| throttle(t, path.key("throttle"), problems));
        let identity = ClientIdentity {
            helo: s.helo.clone(),
            ..ClientIdentity::from_ip(addr)
        };
        net.senders.insert(
            name.clone(),
            SenderProfile {
                description: s.description.clone(),
                identity,
                throttle,
            },
        );
    }
    for (domain, hosts) in spf_hosts {
        if net.world.txt(&domain).is_ok_and(|t| {
            t.iter()
                .any(|r| r.to_ascii_lowercase().starts_with("v=spf1"))
        }) {
            problems.push((
                root.key("sender"),
                format!("expected `spf` only for a domain without an SPF record in [dns.txt] ({domain} has one)"),
            ));
            continue;
        }
        let terms: String = hosts
            .iter()
            .filter(|(_, pass)| *pass)
            .map(|(a, _)| {
                if a.is_ipv4() {
                    format!(" ip4:{a}")
                } else {
                    format!(" ip6:{a}")
                }
            })
            .collect();
        net.world.add_txt(&domain, &format!("v=spf1{terms} -all"));
    }
    // [[check]]
    let mut ids = BTreeSet::new();
    for (i, c) in file.check.iter().enumerate() {
        let path = root.key("check").index(i);
        let id = c.id.clone().unwrap_or_else(|| kind_name(c.kind).to_owned());
        if !ids.insert(id.clone()) {
            problems.push((
                path.key("id"),
                format!("expected a unique check id (`{id}` is used twice)"),
            ));
        }
        if c.kind == CheckKind::Dnsbl {
            if c.zones.is_empty() {
                problems.push((
                    path.key("zones"),
                    "expected at least one block list zone".into(),
                ));
            }
            for (z, zone) in c.zones.iter().enumerate() {
                if !net.world.has_zone(zone) {
                    problems.push((
                        path.key("zones").index(z),
                        format!("expected a zone declared in [dnsbl] or a sender's `listed` (found {zone:?})"),
                    ));
                }
            }
        } else if !c.zones.is_empty() {
            problems.push((
                path.key("zones"),
                "expected `zones` only for a `dnsbl` check".into(),
            ));
        }
        if let Some(code) = c.code
            && !(400..=559).contains(&code)
        {
            problems.push((
                path.key("code"),
                format!("expected a 4xx or 5xx code (found {code})"),
            ));
        }
        if let Some(step) = c.step.filter(|s| s.is_free_command()) {
            problems.push((
                path.key("step"),
                format!(
                    "expected a step of the mail transaction (connect to end_of_data), not `{}`",
                    step.name()
                ),
            ));
        }
        net.checks.push(Check {
            id,
            kind: c.kind,
            zones: c.zones.iter().map(|z| normalize_name(z)).collect(),
            step: c.step,
            code: c.code,
        });
    }
    // [greylist]
    if let Some(g) = &file.greylist {
        let d = GreylistConfig::default();
        let path = root.key("greylist").key("whitelist");
        let whitelist = g
            .whitelist
            .iter()
            .enumerate()
            .filter_map(|(i, range)| match IpPattern::new(range) {
                Ok(p) => Some(p),
                Err(e) => {
                    problems.push((path.index(i), format!("expected {e}")));
                    None
                }
            })
            .collect();
        net.greylist = GreylistConfig {
            delay_s: g.delay_s.unwrap_or(d.delay_s),
            retry_window_s: g.retry_window_s.unwrap_or(d.retry_window_s),
            max_age_s: g.max_age_s.unwrap_or(d.max_age_s),
            whitelist_after: g.whitelist_after.unwrap_or(d.whitelist_after),
            whitelist,
            ..d
        };
    }
    // [[rate_limit]]
    let mut limit_ids = BTreeSet::new();
    for (i, l) in file.rate_limit.iter().enumerate() {
        let path = root.key("rate_limit").index(i);
        if !limit_ids.insert(l.id.as_str()) {
            problems.push((
                path.key("id"),
                format!("expected a unique limit id (`{}` is used twice)", l.id),
            ));
        }
        if l.max == 0 {
            problems.push((path.key("max"), "expected at least 1".into()));
        }
        let connection = matches!(l.counted, Counted::Connections | Counted::Concurrent);
        if connection && l.scope != Scope::ClientIp {
            problems.push((
                path.key("scope"),
                "expected `client_ip` for connection limits".into(),
            ));
        }
        let per_ms = match (l.counted, l.per_s) {
            (Counted::Concurrent, None) => 0,
            (Counted::Concurrent, Some(_)) => {
                problems.push((
                    path.key("per_s"),
                    "expected no `per_s` for `concurrent`".into(),
                ));
                0
            }
            (_, Some(s)) if s > 0 => s.saturating_mul(1000),
            _ => {
                problems.push((path.key("per_s"), "expected `per_s` of at least 1".into()));
                0
            }
        };
        net.limits
            .push(Limit::new(&l.id, l.scope, l.counted, l.max, per_ms));
    }
    // [throttle]
    if let Some(t) = &file.throttle {
        net.throttle = throttle(t, root.key("throttle"), problems);
    }
    // [domain."name"]
    for (name, d) in &file.domain {
        net.domains.insert(
            normalize_name(name),
            DomainPolicy {
                persona: d.persona,
                default: d.default.unwrap_or(MailboxState::Exists),
                mailboxes: d
                    .mailboxes
                    .iter()
                    .map(|(k, v)| (k.to_ascii_lowercase(), *v))
                    .collect(),
            },
        );
    }
    // [[client]]
    for (i, c) in file.client.iter().enumerate() {
        let path = root.key("client").index(i);
        let mut identity = match (&c.sender, &c.ip) {
            (Some(s), None) => match net.senders.get(s) {
                Some(p) => p.identity.clone(),
                None => {
                    problems.push((
                        path.key("sender"),
                        format!("expected the name of a [sender] profile (found {s:?})"),
                    ));
                    continue;
                }
            },
            (None, Some(a)) => match ip(a, path.key("ip"), problems) {
                Some(a) => ClientIdentity::from_ip(a),
                None => continue,
            },
            _ => {
                problems.push((
                    path.clone(),
                    "expected exactly one of `sender` and `ip`".into(),
                ));
                continue;
            }
        };
        if c.name.is_some() {
            identity.name.clone_from(&c.name);
        }
        if c.helo.is_some() {
            identity.helo.clone_from(&c.helo);
        }
        if c.source == "default" {
            net.identities.set_default(identity);
        } else if let Some(source) = ip(&c.source, path.key("source"), problems) {
            net.identities.insert(source, identity);
        }
    }
    net
}

fn kind_name(kind: CheckKind) -> &'static str {
    match kind {
        CheckKind::Dnsbl => "dnsbl",
        CheckKind::ReverseName => "reverse_name",
        CheckKind::Fcrdns => "fcrdns",
        CheckKind::SenderDomain => "sender_domain",
        CheckKind::Spf => "spf",
        CheckKind::Dmarc => "dmarc",
        CheckKind::RequireAuth => "require_auth",
        CheckKind::Greylist => "greylist",
    }
}
