//! The simulator's shared state: the rule engine, the capture store, transcripts, the event log
//! and the outbox, behind one cloneable handle. This is what the connection driver calls, and
//! what the HTTP API reads.

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::capture::{
    Capture, CaptureError, CapturedRecipient, Direction, Disposition, Envelope, Event, EventKind,
    EventLog, MessageStore, NewMessage, Outbox, OutboxEntry, OutboxState, Spool, StoreLimits,
    Transcripts,
};
use crate::report::{Original, Reporter, Request};
use crate::rules::{Decision, Engine, Input, Outcome, SessionContext, positive_code};
use crate::scenario::{Scenario, Step};
use crate::types::{ClientIdentity, MessageId, SessionId, Timestamp};

/// How the simulator is set up.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// The name it gives itself in replies (`{hostname}`).
    pub hostname: String,
    /// Its own domain, on which the SES simulator addresses are answered too.
    pub sim_domain: String,
    /// The seed of every random draw.
    pub seed: u64,
    /// How much the store keeps.
    pub limits: StoreLimits,
    /// A folder to spool messages to.
    pub spool: Option<PathBuf>,
    /// A file to append the event log to (JSON lines).
    pub event_file: Option<PathBuf>,
    /// Transcripts kept (the most recent sessions). Default 1,000.
    pub max_transcripts: usize,
    /// Events kept in memory for the API. Default 100,000 (the file keeps all).
    pub max_events: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            hostname: "mx.smtp-sim.test".into(),
            sim_domain: crate::DEFAULT_SIM_DOMAIN.into(),
            seed: 0,
            limits: StoreLimits::default(),
            spool: None,
            event_file: None,
            max_transcripts: 1_000,
            max_events: 100_000,
        }
    }
}

/// A handle on a running simulator; clones share the same state.
#[derive(Debug, Clone)]
pub struct Simulator {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: SimConfig,
    engine: Mutex<Engine>,
    capture: Mutex<Capture>,
    next_session: AtomicU64,
}

/// Locks, going on after a panic elsewhere: every update below leaves the state consistent
/// before it can panic, so a poisoned lock holds nothing half-done.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Simulator {
    /// A simulator serving `scenario`. Fails if the spool folder or event file cannot be opened.
    pub fn new(config: SimConfig, scenario: Scenario) -> io::Result<Self> {
        let spool = config.spool.as_deref().map(Spool::open).transpose()?;
        let mut events = EventLog::new(config.max_events);
        if let Some(path) = &config.event_file {
            events = events.with_file(path)?;
        }
        let capture = Capture {
            store: MessageStore::new(config.limits, spool),
            transcripts: Transcripts::new(config.max_transcripts),
            events,
            outbox: Outbox::default(),
        };
        let engine = Engine::new(Arc::new(scenario), config.seed, config.hostname.clone());
        Ok(Simulator {
            inner: Arc::new(Inner {
                config,
                engine: Mutex::new(engine),
                capture: Mutex::new(capture),
                next_session: AtomicU64::new(0),
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &SimConfig {
        &self.inner.config
    }

    /// The scenario in force.
    pub fn scenario(&self) -> Arc<Scenario> {
        Arc::clone(lock(&self.inner.engine).scenario())
    }

    /// Replaces the scenario for decisions from now on.
    pub fn replace_scenario(&self, scenario: Scenario) {
        lock(&self.inner.engine).replace_scenario(Arc::new(scenario));
    }

    /// Reads what was captured.
    pub fn with_capture<R>(&self, f: impl FnOnce(&Capture) -> R) -> R {
        f(&lock(&self.inner.capture))
    }

    /// Takes the built reports for delivery (they turn
    /// [`Sending`](crate::capture::OutboxState::Sending)): each one's id, addressee and message.
    pub fn claim_reports(&self) -> Vec<(u64, String, Vec<u8>)> {
        lock(&self.inner.capture).outbox.claim_built()
    }

    /// Records how the delivery of report `id` ended (see [`Outbox::set_delivery`](crate::capture::Outbox::set_delivery)).
    pub fn report_delivered(&self, id: u64, sent: bool, detail: String) {
        lock(&self.inner.capture)
            .outbox
            .set_delivery(id, sent, detail);
    }

    /// Records a temporary failure to deliver report `id`, which stays
    /// [`Sending`](crate::capture::OutboxState::Sending) until its next attempt (see
    /// [`Outbox::note_attempt`](crate::capture::Outbox::note_attempt)).
    pub fn report_deferred(&self, id: u64, detail: String) {
        lock(&self.inner.capture).outbox.note_attempt(id, detail);
    }

    /// Forgets messages, transcripts, events in memory and the outbox.
    pub fn clear(&self) {
        lock(&self.inner.capture).clear();
    }

    /// A new connection: gives it a session id and starts its transcript.
    pub fn open_session(&self, client: ClientIdentity, now: Timestamp) -> SessionContext {
        let id = SessionId(self.inner.next_session.fetch_add(1, Ordering::Relaxed) + 1);
        lock(&self.inner.capture)
            .transcripts
            .open(id, client.clone(), now);
        lock(&self.inner.engine).open_session(id, client, now)
    }

    /// Adds a line to a session's transcript.
    pub fn transcript(
        &self,
        session: SessionId,
        now: Timestamp,
        direction: Direction,
        text: &[u8],
    ) {
        lock(&self.inner.capture)
            .transcripts
            .line(session, now, direction, text);
    }

    /// Adds lines to a session's transcript, under one lock.
    pub fn transcript_lines<'a>(
        &self,
        session: SessionId,
        lines: impl IntoIterator<Item = (Timestamp, Direction, &'a [u8])>,
    ) {
        let mut capture = lock(&self.inner.capture);
        for (at, direction, text) in lines {
            capture.transcripts.line(session, at, direction, text);
        }
    }

    /// Ends a session's transcript; the connection no longer counts toward concurrency limits.
    pub fn close_session(&self, session: &SessionContext, now: Timestamp) {
        lock(&self.inner.engine).internet().disconnect(session);
        lock(&self.inner.capture).transcripts.close(session.id, now);
    }

    /// The client of a session is now `identity` (XCLIENT): the old address no longer counts
    /// toward concurrency limits, the transaction and HELO name are forgotten. The driver then
    /// decides [`Input::Connect`] again for the new identity.
    pub fn change_identity(&self, session: &mut SessionContext, identity: ClientIdentity) {
        lock(&self.inner.engine).internet().disconnect(session);
        session.client = identity;
        session.helo = None;
        session.reset_transaction();
    }

    /// The identity of a connection from `peer` (the socket's peer address, or the source of a
    /// PROXY protocol header), from the scenario's `[[client]]` map.
    pub fn identity_for_peer(&self, peer: std::net::IpAddr) -> ClientIdentity {
        lock(&self.inner.engine).internet().identity_for_peer(peer)
    }

    /// Decides the answer to `input` and records the decision in the event log.
    pub fn decide(
        &self,
        session: &mut SessionContext,
        input: Input<'_>,
        now: Timestamp,
    ) -> Decision {
        let own_code = input.own_code();
        let decision = lock(&self.inner.engine).decide(session, input, now);
        let (kind, reply) = match &decision.outcome {
            Outcome::Accept(r) => (EventKind::Accepted, r.as_ref()),
            Outcome::Discard(r) => (EventKind::Discarded, r.as_ref()),
            Outcome::Refuse(r) => (EventKind::Refused, Some(r)),
            Outcome::Drop => (EventKind::Dropped, None),
            Outcome::Close(r) => (EventKind::Closed, Some(r)),
        };
        let code = match (&decision.outcome, reply) {
            (_, Some(r)) => Some(r.code),
            (Outcome::Drop, None) => None,
            (_, None) => Some(own_code.unwrap_or_else(|| positive_code(decision.step))),
        };
        let event = Event {
            seq: 0,
            at: now,
            session: session.id,
            client_ip: session.client.ip,
            step: decision.step,
            sender: session.sender.clone(),
            rcpt: decision.rcpt.clone(),
            kind,
            rule: decision.rule.clone(),
            code,
            status: reply.and_then(|r| r.status).map(|s| s.to_string()),
            text: reply.map(|r| r.lines.join("\n")),
            delay_ms: u64::try_from(decision.delay.as_millis()).unwrap_or(u64::MAX),
            expect: decision.expect,
            message: None,
        };
        lock(&self.inner.capture).events.record(event);
        decision
    }

    /// Stores the message of the current transaction after an accepting end-of-data decision,
    /// queues the reports its recipients' rules asked for, and ends the transaction. Only on
    /// `Ok` may the driver acknowledge the message; on `Err` it answers
    /// [`CaptureError::reply`] (452 4.3.1 when the store is full).
    pub fn store_message(
        &self,
        session: &mut SessionContext,
        end_of_data: &Decision,
        raw: Vec<u8>,
        now: Timestamp,
    ) -> Result<MessageId, CaptureError> {
        let sender = session.sender.clone().unwrap_or_default();
        let recipients: Vec<CapturedRecipient> = session
            .recipients
            .iter()
            .map(|r| CapturedRecipient {
                address: r.address.clone(),
                rule: r.rule.clone(),
                expect: r.expect,
                disposition: if r.discard {
                    Disposition::Discarded
                } else {
                    Disposition::Delivered
                },
            })
            .collect();
        let all_discarded = !recipients.is_empty()
            && recipients
                .iter()
                .all(|r| r.disposition == Disposition::Discarded);
        let new = NewMessage {
            session: session.id,
            client: session.client.clone(),
            helo: session.helo.clone(),
            envelope: Envelope {
                sender: sender.clone(),
                recipients,
            },
            raw,
            session_started: session.started,
            received: now,
            rule: end_of_data.rule.clone(),
            disposition: if all_discarded {
                Disposition::Discarded
            } else {
                Disposition::Delivered
            },
        };
        let base = Event {
            seq: 0,
            at: now,
            session: session.id,
            client_ip: session.client.ip,
            step: Step::EndOfData,
            sender: Some(sender.clone()),
            rcpt: None,
            kind: EventKind::Stored,
            rule: end_of_data.rule.clone(),
            code: None,
            status: None,
            text: None,
            delay_ms: 0,
            expect: end_of_data.expect,
            message: None,
        };
        let mut guard = lock(&self.inner.capture);
        let capture = &mut *guard;
        let id = match capture.store.insert(new) {
            Ok(id) => id,
            Err(e) => {
                let (code, status, text) = e.reply();
                capture.events.record(Event {
                    kind: EventKind::StoreRefused,
                    code: Some(code),
                    status: Some(status.to_string()),
                    text: Some(text.to_owned()),
                    ..base
                });
                return Err(e);
            }
        };
        capture.events.record(Event {
            message: Some(id),
            ..base.clone()
        });
        let reporter = Reporter::new(
            &self.inner.config.hostname,
            &self.inner.config.sim_domain,
            self.inner.config.seed,
        );
        for r in session.recipients.iter().filter(|r| !r.discard) {
            let Some(report) = &r.report else { continue };
            let Some(stored) = capture.store.get(id) else {
                continue;
            };
            let original = Original {
                raw: &stored.raw,
                sender: &sender,
                client: &stored.client,
                helo: stored.helo.as_deref(),
                arrival: stored.received,
                ret: session.ret,
                envid: session.envid.as_deref(),
            };
            // No report to the null sender, no auto-reply to an automatic message.
            if Reporter::check(report.kind, &original).is_err() {
                continue;
            }
            let request = Request {
                kind: report.kind,
                recipient: &r.address,
                orcpt: r.orcpt.as_deref(),
                status: report.status,
                text: report.text.as_deref(),
                step: report.step,
                persona: report.persona,
                now,
            };
            let entry = OutboxEntry {
                id: 0,
                kind: report.kind,
                to: sender.clone(),
                recipient: r.address.clone(),
                message: id,
                session: session.id,
                rule: report.rule.clone(),
                status: report.status.map(|s| s.to_string()),
                text: report.text.clone(),
                created: now,
                state: OutboxState::Pending,
                delivery: None,
                content: None,
            };
            let number = capture.outbox.next_id();
            let content = reporter.build(&original, &request, number).ok();
            if let Some(n) = capture.outbox.push(entry) {
                if let Some(content) = content {
                    capture.outbox.set_content(n, content);
                }
                capture.events.record(Event {
                    kind: EventKind::Reported,
                    rcpt: Some(r.address.clone()),
                    rule: report.rule.clone(),
                    expect: report.expect,
                    message: Some(id),
                    ..base.clone()
                });
            }
        }
        drop(guard);
        lock(&self.inner.engine).internet().delivered(session);
        session.reset_transaction();
        Ok(id)
    }
}
