//! The rule engine: first matching rule wins; no rule means accept. Deterministic: the same
//! scenario, seed and inputs give the same decisions. No clock and no global randomness: time
//! is passed in and draws come from the session's seeded stream.

use std::sync::Arc;
use std::time::Duration;

use super::counters::Counters;
use super::decision::{Decision, Input, Outcome, Reply};
use super::session::{AcceptedRecipient, PendingReport, SessionContext};
use crate::internet::Internet;
use crate::scenario::{AcceptText, Action, Placeholder, ReplyTemplate, Rule, Scenario, Step};
use crate::types::{ClientIdentity, SessionId, Timestamp};

/// Decides how the simulator answers.
#[derive(Debug, Clone)]
pub struct Engine {
    scenario: Arc<Scenario>,
    seed: u64,
    hostname: String,
    counters: Counters,
    internet: Internet,
}

/// What a rule's conditions are matched against at one step.
struct Facts<'a> {
    step: Step,
    rcpt: Option<&'a str>,
}

impl Engine {
    /// An engine for `scenario`, drawing from `seed`; `hostname` fills `{hostname}`.
    pub fn new(scenario: Arc<Scenario>, seed: u64, hostname: impl Into<String>) -> Self {
        let hostname = hostname.into();
        Engine {
            internet: Internet::new(Arc::clone(&scenario), seed, hostname.clone()),
            scenario,
            seed,
            hostname,
            counters: Counters::default(),
        }
    }

    /// The scenario in force.
    pub fn scenario(&self) -> &Arc<Scenario> {
        &self.scenario
    }

    /// Replaces the scenario; counters go on (they count messages, not rules).
    pub fn replace_scenario(&mut self, scenario: Arc<Scenario>) {
        self.internet.replace_scenario(Arc::clone(&scenario));
        self.scenario = scenario;
    }

    /// The internet's state (greylist, rate limits): the driver calls
    /// [`Internet::identity_for_peer`], [`Internet::disconnect`] and [`Internet::delivered`].
    pub fn internet(&mut self) -> &mut Internet {
        &mut self.internet
    }

    /// The message counters.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Starts a session. Session ids must be unique within a run for the draws of two
    /// sessions to be independent.
    pub fn open_session(
        &self,
        id: SessionId,
        client: ClientIdentity,
        now: Timestamp,
    ) -> SessionContext {
        SessionContext::new(id, client, now, self.seed)
    }

    /// Decides the answer to `input` and updates the session: HELO records the name, MAIL
    /// starts a transaction and counts the message, an accepted RCPT joins the transaction.
    /// The internet layer ([`Internet::decide`]: checks, greylisting, rate limits, personas)
    /// answers first; when it has no answer, the scenario's rules do.
    pub fn decide(
        &mut self,
        session: &mut SessionContext,
        input: Input<'_>,
        now: Timestamp,
    ) -> Decision {
        match input {
            Input::Helo { name } => {
                session.reset_transaction();
                session.helo = Some(name.to_owned());
            }
            Input::Mail { sender } => {
                session.reset_transaction();
                session.sender = Some(sender.to_owned());
                session.message = Some(self.counters.next_message(session.client.ip));
            }
            _ => {}
        }
        if let Some(verdict) = self.internet.decide(session, &input, now) {
            self.after(session, &verdict.decision, verdict.report);
            return verdict.decision;
        }
        let step = input.step();
        let own_rcpt = match input {
            Input::Rcpt { rcpt } => Some(rcpt),
            _ => None,
        };
        let scenario = Arc::clone(&self.scenario);
        for rule in scenario.rules() {
            if !rule.step.covers(step) {
                continue;
            }
            let facts = Facts {
                step,
                rcpt: own_rcpt,
            };
            if let Some(rcpt) = self.matches(rule, session, &facts) {
                return self.apply(rule, session, step, rcpt);
            }
        }
        let decision = Decision {
            step,
            rule: None,
            outcome: Outcome::Accept(None),
            delay: Duration::ZERO,
            expect: None,
            rcpt: own_rcpt.map(str::to_owned),
        };
        self.after(session, &decision, None);
        decision
    }

    /// Whether `rule` matches; `Some(rcpt)` gives the recipient it matched (if any).
    fn matches(
        &self,
        rule: &Rule,
        session: &mut SessionContext,
        facts: &Facts<'_>,
    ) -> Option<Option<String>> {
        let c = &rule.conditions;
        let mut matched_rcpt = facts.rcpt.map(str::to_owned);
        if !c.rcpt.is_empty() {
            let candidates: Vec<&str> = match facts.rcpt {
                Some(r) => vec![r],
                None => session
                    .recipients
                    .iter()
                    .map(|r| r.address.as_str())
                    .collect(),
            };
            let hit = candidates
                .into_iter()
                .find(|addr| c.rcpt.iter().any(|p| p.matches(addr)))?;
            matched_rcpt = Some(hit.to_owned());
        }
        if !c.sender.is_empty() {
            let sender = session.sender.as_deref()?;
            if !c.sender.iter().any(|p| p.matches(sender)) {
                return None;
            }
        }
        if !c.helo.is_empty() {
            let helo = session.helo.as_deref()?;
            if !c.helo.iter().any(|g| g.matches(helo)) {
                return None;
            }
        }
        if !c.client.is_empty() && !c.client.iter().any(|p| p.contains(session.client.ip)) {
            return None;
        }
        if !c.subject.is_empty() {
            let subject = session.subject.as_deref()?;
            if !c.subject.iter().any(|g| g.matches(subject)) {
                return None;
            }
        }
        if let Some(limit) = c.larger_than
            && session.message_size? <= limit
        {
            return None;
        }
        if c.nth_message.is_some() || c.first_per_client.is_some() {
            let number = session
                .message
                .filter(|_| facts.step != Step::Connect && facts.step != Step::Helo)
                .unwrap_or_else(|| self.counters.peek(session.client.ip));
            if c.nth_message.is_some_and(|n| number.run != n) {
                return None;
            }
            if c.first_per_client.is_some_and(|n| number.client > n) {
                return None;
            }
        }
        // Drawn last, so a draw is taken only when everything else matched: the stream moves
        // with what the session did, not with rules that could not apply.
        if let Some(p) = c.probability
            && session.draw() >= p
        {
            return None;
        }
        Some(matched_rcpt)
    }

    fn apply(
        &self,
        rule: &Rule,
        session: &mut SessionContext,
        step: Step,
        rcpt: Option<String>,
    ) -> Decision {
        let render = |t: &ReplyTemplate| {
            self.render(t.code, t.status, &t.lines, rule, session, rcpt.as_deref())
        };
        let accept_text = |t: &Option<AcceptText>| {
            t.as_ref().map(|t| {
                self.render(
                    positive_code(step),
                    t.status,
                    &t.lines,
                    rule,
                    session,
                    rcpt.as_deref(),
                )
            })
        };
        let outcome = match &rule.action {
            Action::Reply(t) if t.code < 400 => Outcome::Accept(Some(render(t))),
            Action::Reply(t) => Outcome::Refuse(render(t)),
            Action::Accept { text, .. } => Outcome::Accept(accept_text(text)),
            Action::Discard { text } => Outcome::Discard(accept_text(text)),
            Action::Drop => Outcome::Drop,
            Action::Close(t) => Outcome::Close(render(t)),
        };
        let report = match &rule.action {
            Action::Accept {
                report: Some(r), ..
            } => Some(PendingReport {
                kind: r.kind,
                status: r.status,
                text: r
                    .text
                    .as_ref()
                    .map(|t| t.render(|p| self.value(p, rule, session, rcpt.as_deref()))),
                step,
                persona: r.persona,
                rule: Some(rule.id.clone()),
                expect: Some(rule.expect),
            }),
            _ => None,
        };
        let decision = Decision {
            step,
            rule: Some(rule.id.clone()),
            outcome,
            delay: rule.delay,
            expect: Some(rule.expect),
            rcpt,
        };
        self.after(session, &decision, report);
        decision
    }

    /// Updates the transaction after a decision: accepted recipients join it; a report asked
    /// at end of data applies to every recipient; a discard at end of data discards them all.
    fn after(
        &self,
        session: &mut SessionContext,
        decision: &Decision,
        report: Option<PendingReport>,
    ) {
        match decision.step {
            Step::Rcpt if decision.outcome.is_positive() => {
                session.recipients.push(AcceptedRecipient {
                    address: decision.rcpt.clone().unwrap_or_default(),
                    rule: decision.rule.clone(),
                    expect: decision.expect,
                    report,
                    discard: matches!(decision.outcome, Outcome::Discard(_)),
                    orcpt: None,
                });
            }
            Step::EndOfData => {
                let discard = matches!(decision.outcome, Outcome::Discard(_));
                for r in &mut session.recipients {
                    r.discard |= discard;
                    if r.report.is_none() {
                        r.report = report.clone();
                    }
                }
            }
            _ => {}
        }
    }

    fn render(
        &self,
        code: u16,
        status: Option<smtp_core::status::EnhancedStatus>,
        lines: &[crate::scenario::Template],
        rule: &Rule,
        session: &SessionContext,
        rcpt: Option<&str>,
    ) -> Reply {
        Reply {
            code,
            status,
            lines: lines
                .iter()
                .map(|t| t.render(|p| self.value(p, rule, session, rcpt)))
                .collect(),
        }
    }

    fn value(
        &self,
        p: Placeholder,
        rule: &Rule,
        session: &SessionContext,
        rcpt: Option<&str>,
    ) -> String {
        match p {
            Placeholder::Rcpt => rcpt.unwrap_or_default().to_owned(),
            Placeholder::Sender => session.sender.clone().unwrap_or_default(),
            Placeholder::ClientIp => session.client.ip.to_string(),
            Placeholder::Helo => session.helo.clone().unwrap_or_default(),
            Placeholder::Session => session.id.to_string(),
            Placeholder::Hostname => self.hostname.clone(),
            Placeholder::Rule => rule.id.clone(),
        }
    }
}

/// The code of a positive answer at each step (RFC 5321 §4.2.2, RFC 4954 for AUTH).
pub fn positive_code(step: Step) -> u16 {
    match step {
        Step::Connect => 220,
        Step::Data => 354,
        Step::Auth => 235,
        Step::Vrfy => 252,
        _ => 250,
    }
}
