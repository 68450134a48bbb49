//! The records of the simulated world, kept in ordered maps so that every answer (and every
//! iteration over answers) is the same from run to run.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use crate::scenario::IpPattern;

/// Why a lookup gave no records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DnsError {
    /// The name does not exist (RCODE 3). A name that exists without records of the type asked
    /// for answers `Ok` with no records instead (NODATA).
    NxDomain,
    /// A temporary failure (SERVFAIL or a timeout), declared for a name by the scenario.
    TempFail,
}

/// One entry of a DNS block list zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    /// The addresses listed.
    pub range: IpPattern,
    /// The zone's TXT record for them: the reason Postfix appends to its reply. `{client_ip}`
    /// stands for the address queried (rbldnsd's `$`).
    pub reason: String,
}

impl Listing {
    /// The reason text for `ip`.
    pub fn reason_for(&self, ip: IpAddr) -> String {
        self.reason.replace("{client_ip}", &ip.to_string())
    }
}

/// The simulated DNS. Names are stored lower-case without the trailing dot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct World {
    ptr: BTreeMap<IpAddr, Vec<String>>,
    addrs: BTreeMap<String, Vec<IpAddr>>,
    mx: BTreeMap<String, Vec<(u16, String)>>,
    txt: BTreeMap<String, Vec<String>>,
    tempfail: BTreeSet<String>,
    zones: BTreeMap<String, Vec<Listing>>,
}

/// Lower-cases a name and removes one trailing dot.
pub fn normalize_name(name: &str) -> String {
    name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase()
}

impl World {
    /// Adds a PTR record for `ip` (an IPv4-mapped IPv6 address counts as IPv4).
    pub fn add_ptr(&mut self, ip: IpAddr, name: &str) -> &mut Self {
        push_unique(
            self.ptr.entry(ip.to_canonical()).or_default(),
            normalize_name(name),
        );
        self
    }

    /// Adds an A (IPv4) or AAAA (IPv6) record.
    pub fn add_addr(&mut self, name: &str, ip: IpAddr) -> &mut Self {
        push_unique(
            self.addrs.entry(normalize_name(name)).or_default(),
            ip.to_canonical(),
        );
        self
    }

    /// Adds an MX record.
    pub fn add_mx(&mut self, name: &str, preference: u16, host: &str) -> &mut Self {
        push_unique(
            self.mx.entry(normalize_name(name)).or_default(),
            (preference, normalize_name(host)),
        );
        self
    }

    /// Adds a TXT record (SPF records, `_dmarc.` policies and DKIM keys are TXT records).
    pub fn add_txt(&mut self, name: &str, text: &str) -> &mut Self {
        push_unique(
            self.txt.entry(normalize_name(name)).or_default(),
            text.to_owned(),
        );
        self
    }

    /// Makes every lookup of `name` fail temporarily.
    pub fn add_tempfail(&mut self, name: &str) -> &mut Self {
        self.tempfail.insert(normalize_name(name));
        self
    }

    /// Lists `range` in the block list `zone` with the TXT `reason`.
    pub fn list(&mut self, zone: &str, range: IpPattern, reason: &str) -> &mut Self {
        self.zones
            .entry(normalize_name(zone))
            .or_default()
            .push(Listing {
                range,
                reason: reason.to_owned(),
            });
        self
    }

    /// Declares a block list zone with nothing listed (so that a check naming it is valid).
    pub fn add_zone(&mut self, zone: &str) -> &mut Self {
        self.zones.entry(normalize_name(zone)).or_default();
        self
    }

    /// Removes every listing of `ip` from every zone (a delisting).
    pub fn delist(&mut self, ip: IpAddr) -> &mut Self {
        for listings in self.zones.values_mut() {
            listings.retain(|l| !l.range.contains(ip));
        }
        self
    }

    /// Removes every PTR record of `ip`.
    pub fn remove_ptr(&mut self, ip: IpAddr) -> &mut Self {
        self.ptr.remove(&ip.to_canonical());
        self
    }

    /// Whether the zone is declared.
    pub fn has_zone(&self, zone: &str) -> bool {
        self.zones.contains_key(&normalize_name(zone))
    }

    fn exists(&self, name: &str) -> bool {
        self.addrs.contains_key(name) || self.mx.contains_key(name) || self.txt.contains_key(name)
    }

    fn answer<T: Clone>(
        &self,
        name: &str,
        map: &BTreeMap<String, Vec<T>>,
    ) -> Result<Vec<T>, DnsError> {
        let name = normalize_name(name);
        if self.tempfail.contains(&name) {
            return Err(DnsError::TempFail);
        }
        match map.get(&name) {
            Some(records) => Ok(records.clone()),
            None if self.exists(&name) => Ok(Vec::new()),
            None => Err(DnsError::NxDomain),
        }
    }

    /// The PTR names of `ip`, in the order they were added.
    pub fn ptr(&self, ip: IpAddr) -> Result<Vec<String>, DnsError> {
        let ip = ip.to_canonical();
        if self.tempfail.contains(&ip.to_string()) {
            return Err(DnsError::TempFail);
        }
        self.ptr.get(&ip).cloned().ok_or(DnsError::NxDomain)
    }

    /// The A records (`v6 = false`) or AAAA records (`v6 = true`) of `name`.
    pub fn addrs(&self, name: &str, v6: bool) -> Result<Vec<IpAddr>, DnsError> {
        let all = self.answer(name, &self.addrs)?;
        Ok(all.into_iter().filter(|ip| ip.is_ipv6() == v6).collect())
    }

    /// The MX records of `name`, sorted by preference.
    pub fn mx(&self, name: &str) -> Result<Vec<(u16, String)>, DnsError> {
        let mut records = self.answer(name, &self.mx)?;
        records.sort_by_key(|(preference, _)| *preference);
        Ok(records)
    }

    /// The TXT records of `name`.
    pub fn txt(&self, name: &str) -> Result<Vec<String>, DnsError> {
        self.answer(name, &self.txt)
    }

    /// The listing of `ip` in `zone`, if it is listed there (the first that covers it).
    pub fn dnsbl(&self, zone: &str, ip: IpAddr) -> Option<&Listing> {
        self.zones
            .get(&normalize_name(zone))?
            .iter()
            .find(|l| l.range.contains(ip))
    }

    /// The zones `ip` is listed in, in name order.
    pub fn listed_in(&self, ip: IpAddr) -> Vec<&str> {
        self.zones
            .iter()
            .filter(|(_, ls)| ls.iter().any(|l| l.range.contains(ip)))
            .map(|(zone, _)| zone.as_str())
            .collect()
    }
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}
