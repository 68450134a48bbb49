//! The internet's behaviour around the simulator: receiver checks against the simulated DNS
//! (block lists, reverse names, SPF, DMARC), greylisting, rate limits and the personas of
//! recipient domains, consulted by the rule engine before the scenario's rules.
//!
//! Per connection, the rule engine calls [`Internet::decide`] at every step (it does so from
//! [`crate::rules::Engine::decide`]); a `Some` answer decides the step, `None` leaves it to the
//! scenario's rules. The order at each step is: a refusal owed from connect time (a connection
//! rate limit whose persona answers later), then the checks in scenario order, then message
//! and recipient rate limits, then the recipient's mailbox as its domain's persona answers.
//!
//! Which persona answers: at RCPT and later, the persona of the recipient's domain (at DATA and
//! end of data, of the first accepted recipient); before, the scenario's `persona` (the
//! listener's). A check fires at the step its persona gives for the situation, unless the check
//! names its own `step`; a check whose step has already passed when the recipient's persona is
//! learnt (Yahoo refuses listed clients at MAIL) fires at RCPT.

mod model;
#[cfg(test)]
mod tests;

pub use model::{Check, DomainPolicy, InternetConfig, SenderProfile, default_zone_reason};

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::capture::ReportKind;
use crate::dns::{DnsError, dmarc_check, spf_for_mail_from};
use crate::greylist::{Greylist, Verdict as GreyVerdict};
use crate::identity::{GivenName, given_name};
use crate::persona::{Act, Answer, Persona, ReplyText, Situation, Vars, fill};
use crate::ratelimit::RateLimits;
use crate::rules::{Decision, Input, Outcome, PendingReport, SessionContext};
use crate::scenario::{CheckKind, Expectation, Scenario, Step};
use crate::types::{ClientIdentity, SessionId, Timestamp};

/// An answer of the internet layer: the decision, and the report it owes once the message is
/// stored (au's accept-then-bounce).
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The decision, as the rule engine gives it.
    pub decision: Decision,
    /// A report to queue for the recipient concerned.
    pub report: Option<PendingReport>,
}

/// A refusal owed at a later step.
#[derive(Debug, Clone)]
struct Owed {
    rule: String,
    answer: Answer,
}

/// What a failing check found.
struct Failure {
    situation: Situation,
    temporary: bool,
    zone: String,
    reason: String,
}

impl Failure {
    fn of(situation: Situation) -> Self {
        Failure {
            situation,
            temporary: false,
            zone: String::new(),
            reason: String::new(),
        }
    }
}

/// The internet's state: greylist, rate-limit buckets and refusals owed.
#[derive(Debug, Clone)]
pub struct Internet {
    scenario: Arc<Scenario>,
    seed: u64,
    hostname: String,
    greylist: Greylist,
    limits: RateLimits,
    owed: BTreeMap<SessionId, Owed>,
}

impl Internet {
    /// The internet of `scenario`; `seed` draws the trace ids in replies.
    pub fn new(scenario: Arc<Scenario>, seed: u64, hostname: impl Into<String>) -> Self {
        let net = scenario.internet();
        Internet {
            greylist: Greylist::new(net.greylist.clone()),
            limits: RateLimits::new(net.limits.clone()),
            scenario,
            seed,
            hostname: hostname.into(),
            owed: BTreeMap::new(),
        }
    }

    /// Takes a new scenario. Greylist state is kept when its settings are unchanged; rate-limit
    /// buckets start full again.
    pub fn replace_scenario(&mut self, scenario: Arc<Scenario>) {
        let net = scenario.internet();
        if net.greylist != *self.greylist.config() {
            self.greylist = Greylist::new(net.greylist.clone());
        }
        self.limits = RateLimits::new(net.limits.clone());
        self.scenario = scenario;
    }

    fn config(&self) -> &InternetConfig {
        self.scenario.internet()
    }

    /// The identity of a connection from `peer` (socket peer, or PROXY header source).
    pub fn identity_for_peer(&self, peer: IpAddr) -> ClientIdentity {
        self.config().identities.for_peer(peer)
    }

    /// The connection closed: it no longer counts toward concurrency limits.
    pub fn disconnect(&mut self, session: &SessionContext) {
        self.limits.disconnect(session.client.ip);
        self.owed.remove(&session.id);
    }

    /// A message of this session was stored: it counts toward greylisting's auto-whitelist.
    pub fn delivered(&mut self, session: &SessionContext) {
        self.greylist.record_delivery(session.client.ip);
    }

    fn persona_of(&self, rcpt: Option<&str>) -> Persona {
        rcpt.and_then(|r| self.domain_policy(r))
            .map_or(self.config().persona, |d| d.persona)
    }

    fn domain_policy(&self, rcpt: &str) -> Option<&DomainPolicy> {
        let domain = rcpt.rsplit_once('@')?.1.to_ascii_lowercase();
        self.config().domains.get(&domain)
    }

    /// The answer of the internet at this step, if it has one. `now` is the simulator's clock.
    pub fn decide(
        &mut self,
        session: &SessionContext,
        input: &Input<'_>,
        now: Timestamp,
    ) -> Option<Verdict> {
        let step = input.step();
        if step == Step::Auth || step.is_free_command() {
            return None;
        }
        let rcpt = match input {
            Input::Rcpt { rcpt } => Some(*rcpt),
            _ => session.recipients.first().map(|r| r.address.as_str()),
        };
        let rcpt = rcpt.filter(|_| step >= Step::Rcpt);
        if step == Step::Connect
            && let Err(limited) = self.limits.connect(session.client.ip, now)
        {
            let situation = Situation::RateLimited(limited.counted);
            let answer = self.config().persona.answer(situation);
            if answer.step > Step::Connect {
                let owed = Owed {
                    rule: limited.limit,
                    answer,
                };
                self.owed.insert(session.id, owed);
            } else {
                return self.verdict(session, step, None, &limited.limit, answer, None, None);
            }
        }
        if let Some(owed) = self.owed.get(&session.id)
            && owed.answer.step <= step
        {
            let owed = self.owed.remove(&session.id)?;
            return self.verdict(session, step, rcpt, &owed.rule, owed.answer, None, None);
        }
        let persona = self.persona_of(rcpt);
        let scenario = Arc::clone(&self.scenario);
        for check in &scenario.internet().checks {
            let Some(kind_situation) = situation_of(check.kind) else {
                continue;
            };
            let at = check.step.unwrap_or(persona.answer(kind_situation).step);
            let fires = at == step || (step == Step::Rcpt && at < Step::Rcpt);
            if !fires {
                continue;
            }
            if let Some(failure) = self.failing(check, session, rcpt, now) {
                let mut answer = persona.answer(failure.situation);
                answer.step = step;
                // Postfix answers a temporary lookup failure with 450, whatever the code.
                let permanent = reply_code(&answer) >= 500 || check.code.is_some_and(|c| c >= 500);
                let code = if failure.temporary && permanent {
                    Some(450)
                } else {
                    check.code
                };
                return self.verdict(session, step, rcpt, &check.id, answer, code, Some(&failure));
            }
        }
        let ip = session.client.ip;
        let sender = session.sender.clone().unwrap_or_default();
        match input {
            Input::Mail { sender } => {
                if let Err(l) = self.limits.message(ip, sender, now) {
                    let answer = self
                        .config()
                        .persona
                        .answer(Situation::RateLimited(l.counted));
                    return self.verdict(session, step, None, &l.limit, answer, None, None);
                }
            }
            Input::Rcpt { rcpt } => {
                if let Err(l) = self.limits.recipient(ip, &sender, rcpt, now) {
                    let answer = persona.answer(Situation::RateLimited(l.counted));
                    return self.verdict(session, step, Some(rcpt), &l.limit, answer, None, None);
                }
                let policy = self.domain_policy(rcpt)?;
                let local = rcpt.rsplit_once('@').map_or(*rcpt, |(l, _)| l);
                let state = policy.mailbox(local);
                let answer = policy.persona.answer(Situation::Mailbox(state));
                if answer.step == Step::Rcpt {
                    let rule = mailbox_rule(policy.persona, state);
                    return self.verdict(session, step, Some(rcpt), &rule, answer, None, None);
                }
            }
            Input::EndOfData => {
                for r in &session.recipients {
                    let Some(policy) = self.domain_policy(&r.address) else {
                        continue;
                    };
                    let local = r
                        .address
                        .rsplit_once('@')
                        .map_or(r.address.as_str(), |(l, _)| l);
                    let state = policy.mailbox(local);
                    let answer = policy.persona.answer(Situation::Mailbox(state));
                    if answer.step == Step::EndOfData && answer.act != Act::Accept {
                        let rule = mailbox_rule(policy.persona, state);
                        let address = r.address.clone();
                        return self.verdict(
                            session,
                            step,
                            Some(&address),
                            &rule,
                            answer,
                            None,
                            None,
                        );
                    }
                }
            }
            _ => {}
        }
        None
    }

    /// Whether `check` fails for this session; what it found.
    fn failing(
        &mut self,
        check: &Check,
        session: &SessionContext,
        rcpt: Option<&str>,
        now: Timestamp,
    ) -> Option<Failure> {
        let net = self.scenario.internet();
        let world = &net.world;
        let ip = session.client.ip;
        let helo = session
            .client
            .helo
            .as_deref()
            .or(session.helo.as_deref())
            .unwrap_or("");
        let sender = session.sender.as_deref();
        let temp = |situation| Failure {
            temporary: true,
            ..Failure::of(situation)
        };
        match check.kind {
            CheckKind::Dnsbl => check.zones.iter().find_map(|zone| {
                world.dnsbl(zone, ip).map(|listing| Failure {
                    zone: zone.clone(),
                    reason: listing.reason_for(ip),
                    ..Failure::of(Situation::Dnsbl)
                })
            }),
            CheckKind::ReverseName => match given_name(&session.client) {
                GivenName::Known(_) => None,
                GivenName::Unavailable => Some(Failure::of(Situation::NoReverseName)),
                GivenName::TempUnavailable => Some(temp(Situation::NoReverseName)),
                GivenName::Ask => match world.ptr(ip) {
                    Ok(names) if !names.is_empty() => None,
                    Err(DnsError::TempFail) => Some(temp(Situation::NoReverseName)),
                    _ => Some(Failure::of(Situation::NoReverseName)),
                },
            },
            CheckKind::Fcrdns => match given_name(&session.client) {
                GivenName::Known(_) => None,
                GivenName::Unavailable => Some(Failure::of(Situation::FcrdnsFailed)),
                GivenName::TempUnavailable => Some(temp(Situation::FcrdnsFailed)),
                GivenName::Ask => match world.ptr(ip) {
                    Err(DnsError::TempFail) => Some(temp(Situation::FcrdnsFailed)),
                    Ok(names)
                        if names.iter().any(|n| {
                            world.addrs(n, ip.is_ipv6()).is_ok_and(|a| a.contains(&ip))
                        }) =>
                    {
                        None
                    }
                    _ => Some(Failure::of(Situation::FcrdnsFailed)),
                },
            },
            CheckKind::SenderDomain => {
                let domain = sender?.rsplit_once('@')?.1;
                let mx = world.mx(domain);
                let a = world.addrs(domain, false);
                let aaaa = world.addrs(domain, true);
                if [&a, &aaaa]
                    .iter()
                    .any(|r| r.as_ref().is_ok_and(|v| !v.is_empty()))
                    || mx.as_ref().is_ok_and(|v| !v.is_empty())
                {
                    None
                } else if mx == Err(DnsError::TempFail) {
                    Some(temp(Situation::SenderDomainUnknown))
                } else {
                    Some(Failure::of(Situation::SenderDomainUnknown))
                }
            }
            CheckKind::Spf => {
                let (_, result) = spf_for_mail_from(world, ip, sender?, helo);
                (result == crate::dns::SpfResult::Fail).then(|| Failure::of(Situation::SpfFail))
            }
            CheckKind::RequireAuth => {
                let (_, result) = spf_for_mail_from(world, ip, sender?, helo);
                (result != crate::dns::SpfResult::Pass)
                    .then(|| Failure::of(Situation::Unauthenticated))
            }
            CheckKind::Dmarc => {
                let (spf_domain, result) = spf_for_mail_from(world, ip, sender?, helo);
                let from = session
                    .header_from
                    .clone()
                    .unwrap_or_else(|| spf_domain.clone());
                dmarc_check(world, &from, (result, &spf_domain), None)
                    .reject()
                    .then(|| Failure::of(Situation::DmarcReject))
            }
            CheckKind::Greylist => {
                let rcpt = rcpt?;
                match self.greylist.check(ip, sender.unwrap_or(""), rcpt, now) {
                    GreyVerdict::Defer { .. } => Some(Failure::of(Situation::Greylisted)),
                    GreyVerdict::Pass { .. } | GreyVerdict::Whitelisted => None,
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn verdict(
        &self,
        session: &SessionContext,
        step: Step,
        rcpt: Option<&str>,
        rule: &str,
        answer: Answer,
        code: Option<u16>,
        failure: Option<&Failure>,
    ) -> Option<Verdict> {
        let id = trace_id(self.seed, session.id, step, rcpt.unwrap_or(""));
        let sender = session.sender.clone().unwrap_or_default();
        let from_domain = session.header_from.clone().unwrap_or_else(|| {
            sender
                .rsplit_once('@')
                .map(|(_, d)| d.to_owned())
                .unwrap_or_default()
        });
        let vars = Vars {
            rcpt: rcpt.unwrap_or(""),
            sender: &sender,
            from_domain: &from_domain,
            client_ip: session.client.ip.to_string(),
            hostname: &self.hostname,
            zone: failure.map_or("", |f| f.zone.as_str()),
            reason: failure.map_or("", |f| f.reason.as_str()),
            id: &id,
        };
        let render = |text: &ReplyText| {
            let mut reply = text.render(&vars);
            if let Some(code) = code {
                reply.code = code;
                reply.status = reply.status.and_then(|s| {
                    let t = s.to_string();
                    format!("{}{}", code / 100, &t[1..]).parse().ok()
                });
            }
            reply
        };
        let mut report = None;
        let outcome = match answer.act {
            Act::Accept => return None,
            Act::Refuse(text) => {
                let reply = render(&text);
                if reply.code == 421 {
                    Outcome::Close(reply)
                } else {
                    Outcome::Refuse(reply)
                }
            }
            Act::Close(text) => Outcome::Close(render(&text)),
            Act::Discard => Outcome::Discard(None),
            Act::AcceptThenBounce { status, diagnostic } => {
                report = Some(PendingReport {
                    kind: ReportKind::Bounce,
                    status: status.parse().ok(),
                    text: Some(fill(diagnostic, &vars)),
                    step,
                    persona: Some(self.persona_of(rcpt)),
                    rule: Some(rule.to_owned()),
                    expect: Some(Expectation {
                        reason: answer.reason,
                        hard: answer.reason.hard_by_default(None),
                    }),
                });
                Outcome::Accept(None)
            }
        };
        let reply_code = match &outcome {
            Outcome::Refuse(r) | Outcome::Close(r) => Some(r.code),
            _ => None,
        };
        Some(Verdict {
            decision: Decision {
                step,
                rule: Some(rule.to_owned()),
                outcome,
                delay: Duration::ZERO,
                expect: Some(Expectation {
                    reason: answer.reason,
                    hard: answer.reason.hard_by_default(reply_code),
                }),
                rcpt: rcpt.map(str::to_owned),
            },
            report,
        })
    }
}

/// The value of the first header field `name` (any case) of a message, unfolded, as written
/// (encoded words are not decoded). Only the header is read (as bytes); the body, however long,
/// is not looked at.
pub fn header_value(raw: &[u8], name: &str) -> Option<String> {
    let mut value: Option<Vec<u8>> = None;
    for line in raw.split(|b| *b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break; // end of the header
        }
        match &mut value {
            Some(v) if line.starts_with(b" ") || line.starts_with(b"\t") => {
                v.extend_from_slice(line);
            }
            Some(_) => break,
            None => {
                if let Some(colon) = line.iter().position(|b| *b == b':')
                    && line[..colon]
                        .trim_ascii()
                        .eq_ignore_ascii_case(name.as_bytes())
                {
                    value = Some(line[colon + 1..].to_vec());
                }
            }
        }
    }
    Some(String::from_utf8_lossy(value?.trim_ascii()).into_owned())
}

/// The domain of the first `From:` header of a message (for [`SessionContext::header_from`]):
/// the address in angle brackets if there is one, else the whole value; `None` without one.
pub fn header_from_domain(raw: &[u8]) -> Option<String> {
    let value = header_value(raw, "from")?;
    let address = match (value.rfind('<'), value.rfind('>')) {
        (Some(a), Some(b)) if a < b => &value[a + 1..b],
        _ => value.trim(),
    };
    let domain = address.rsplit_once('@')?.1.trim();
    (!domain.is_empty()).then(|| domain.to_ascii_lowercase())
}

fn reply_code(answer: &Answer) -> u16 {
    match answer.act {
        Act::Refuse(t) | Act::Close(t) => t.code,
        _ => 250,
    }
}

/// The situation a check reports when it fails (its step is looked up with it).
fn situation_of(kind: CheckKind) -> Option<Situation> {
    Some(match kind {
        CheckKind::Dnsbl => Situation::Dnsbl,
        CheckKind::ReverseName => Situation::NoReverseName,
        CheckKind::Fcrdns => Situation::FcrdnsFailed,
        CheckKind::SenderDomain => Situation::SenderDomainUnknown,
        CheckKind::Spf => Situation::SpfFail,
        CheckKind::Dmarc => Situation::DmarcReject,
        CheckKind::RequireAuth => Situation::Unauthenticated,
        CheckKind::Greylist => Situation::Greylisted,
    })
}

fn mailbox_rule(persona: Persona, state: crate::persona::MailboxState) -> String {
    let state = serde_json::to_value(state)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    format!("{}.{state}", persona.name())
}

/// A trace id for reply texts (Gmail's `<id>`, Microsoft's host prefix): FNV-1a over the seed,
/// session, step and recipient, so that the same inputs give the same bytes.
fn trace_id(seed: u64, session: SessionId, step: Step, rcpt: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    eat(&seed.to_le_bytes());
    eat(&session.0.to_le_bytes());
    eat(step.name().as_bytes());
    eat(rcpt.as_bytes());
    format!("{h:016x}")
}
