//! DMARC (RFC 7489): the policy record at `_dmarc.<domain>` (falling back to the
//! organisational domain), and the check of SPF identifier alignment. DKIM signatures are not
//! verified by the simulator; a caller that knows a DKIM result passes it in.

use serde::Serialize;

use super::spf::SpfResult;
use super::world::{DnsError, World, normalize_name};

/// What the domain owner asks receivers to do with failing mail (`p=` / `sp=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DmarcPolicy {
    /// Monitor only.
    None,
    /// Treat as suspicious.
    Quarantine,
    /// Refuse.
    Reject,
}

/// Identifier alignment mode (`aspf=` / `adkim=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Alignment {
    /// Organisational domains must be equal (`r`, the default).
    Relaxed,
    /// Domains must be equal (`s`).
    Strict,
}

/// A parsed DMARC record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DmarcRecord {
    /// `p=`.
    pub policy: DmarcPolicy,
    /// `sp=` (defaults to `p=`).
    pub subdomain_policy: DmarcPolicy,
    /// `aspf=`.
    pub aspf: Alignment,
    /// `adkim=`.
    pub adkim: Alignment,
}

impl DmarcRecord {
    /// Parses `v=DMARC1; p=…; …`. `v` must come first and `p` must be present and valid
    /// (RFC 7489 §6.3, §6.6.3); unknown tags are ignored.
    pub fn parse(text: &str) -> Option<Self> {
        let mut tags = text.split(';').map(str::trim).filter(|t| !t.is_empty());
        let (v, version) = tags.next()?.split_once('=')?;
        if !v.trim().eq_ignore_ascii_case("v") || version.trim() != "DMARC1" {
            return None;
        }
        let mut policy = None;
        let mut subdomain_policy = None;
        let mut aspf = Alignment::Relaxed;
        let mut adkim = Alignment::Relaxed;
        for tag in tags {
            let Some((name, value)) = tag.split_once('=') else {
                continue;
            };
            let value = value.trim().to_ascii_lowercase();
            match name.trim().to_ascii_lowercase().as_str() {
                "p" => policy = Some(parse_policy(&value)?),
                "sp" => subdomain_policy = parse_policy(&value),
                "aspf" => aspf = parse_alignment(&value).unwrap_or(aspf),
                "adkim" => adkim = parse_alignment(&value).unwrap_or(adkim),
                _ => {}
            }
        }
        let policy = policy?;
        Some(DmarcRecord {
            policy,
            subdomain_policy: subdomain_policy.unwrap_or(policy),
            aspf,
            adkim,
        })
    }
}

fn parse_policy(value: &str) -> Option<DmarcPolicy> {
    match value {
        "none" => Some(DmarcPolicy::None),
        "quarantine" => Some(DmarcPolicy::Quarantine),
        "reject" => Some(DmarcPolicy::Reject),
        _ => None,
    }
}

fn parse_alignment(value: &str) -> Option<Alignment> {
    match value {
        "r" => Some(Alignment::Relaxed),
        "s" => Some(Alignment::Strict),
        _ => None,
    }
}

/// Public suffixes of two labels that the simulated world knows (the organisational domain is
/// one label below them). Everything else is treated as a one-label suffix: this is the simple
/// fallback, not the Public Suffix List.
const TWO_LABEL_SUFFIXES: &[&str] = &[
    "co.uk", "org.uk", "ac.uk", "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "com.au", "net.au",
    "com.br", "co.nz", "co.kr", "com.cn",
];

/// The organisational domain of `domain` (RFC 7489 §3.2), with the simple suffix table above.
pub fn org_domain(domain: &str) -> String {
    let domain = normalize_name(domain);
    let labels: Vec<&str> = domain.split('.').collect();
    let suffix_len = if labels.len() >= 2
        && TWO_LABEL_SUFFIXES.contains(&labels[labels.len() - 2..].join(".").as_str())
    {
        2
    } else {
        1
    };
    let keep = (suffix_len + 1).min(labels.len());
    labels[labels.len() - keep..].join(".")
}

/// The outcome of a DMARC check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DmarcResult {
    /// The RFC 5322.From domain checked.
    pub from_domain: String,
    /// Whether an aligned SPF or DKIM pass was found; `None` when the domain has no record.
    pub pass: Option<bool>,
    /// The policy that applies (`sp=` when the record was found at the organisational domain
    /// of a subdomain); `None` without a record.
    pub policy: Option<DmarcPolicy>,
}

impl DmarcResult {
    /// Whether the receiver should refuse the message: it failed and the policy is `reject`.
    pub fn reject(&self) -> bool {
        self.pass == Some(false) && self.policy == Some(DmarcPolicy::Reject)
    }
}

fn aligned(a: &str, b: &str, mode: Alignment) -> bool {
    let (a, b) = (normalize_name(a), normalize_name(b));
    match mode {
        Alignment::Strict => a == b,
        Alignment::Relaxed => org_domain(&a) == org_domain(&b),
    }
}

/// Looks up the policy of `from_domain` and checks alignment with the SPF result for
/// `spf_domain` (the MAIL FROM domain) and, if given, a DKIM pass for `dkim_pass_domain`.
/// A temporary DNS failure gives no record (receivers then apply no policy).
pub fn dmarc_check(
    world: &World,
    from_domain: &str,
    spf: (SpfResult, &str),
    dkim_pass_domain: Option<&str>,
) -> DmarcResult {
    let from_domain = normalize_name(from_domain);
    let find = |domain: &str| -> Option<DmarcRecord> {
        match world.txt(&format!("_dmarc.{domain}")) {
            Ok(records) => {
                let mut found = records.iter().filter_map(|r| DmarcRecord::parse(r));
                let first = found.next()?;
                // RFC 7489 §6.6.3: more than one record means no policy.
                found.next().is_none().then_some(first)
            }
            Err(DnsError::NxDomain | DnsError::TempFail) => None,
        }
    };
    let org = org_domain(&from_domain);
    let (record, at_org) = match find(&from_domain) {
        Some(r) => (Some(r), false),
        None if org != from_domain => (find(&org), true),
        None => (None, false),
    };
    let Some(record) = record else {
        return DmarcResult {
            from_domain,
            pass: None,
            policy: None,
        };
    };
    let spf_ok = spf.0 == SpfResult::Pass && aligned(spf.1, &from_domain, record.aspf);
    let dkim_ok = dkim_pass_domain.is_some_and(|d| aligned(d, &from_domain, record.adkim));
    DmarcResult {
        policy: Some(if at_org {
            record.subdomain_policy
        } else {
            record.policy
        }),
        pass: Some(spf_ok || dkim_ok),
        from_domain,
    }
}
