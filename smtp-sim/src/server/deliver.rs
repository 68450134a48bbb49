//! Delivery of the outbox by SMTP: reports (bounces, auto-replies, complaints) go to a configured
//! host, so that a real sending MTA under test receives them, with the null envelope sender
//! reports use (RFC 5321 §4.5.5). smtp-core's [`ClientSession`] speaks the protocol; this module
//! only moves its bytes and records each outcome in the outbox
//! ([`Sent`](crate::capture::OutboxState::Sent) or
//! [`Failed`](crate::capture::OutboxState::Failed), with the host's reply or the error).
//!
//! Each batch of reports built since the last one goes over one connection, together with the
//! reports due for another attempt. A report refused for good (a `5xx` reply) fails at once; a
//! temporary failure (a `4xx` reply, no connection, a connection that ended early) is tried
//! again after each wait of [`ReportDelivery::retries`] in turn (by default 1 s, then 4 s),
//! and fails after the last. Meanwhile the report stays
//! [`Sending`](crate::capture::OutboxState::Sending), its `delivery` saying what the last
//! attempt met and when the next comes.

use std::io;
use std::time::Duration;

use smtp_core::reply::Reply;
use smtp_core::session::client::{ClientConfig, ClientEvent, ClientSession, Delivery, Outgoing};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::sim::Simulator;

/// Longest wait for the TCP connection to the host. Postfix's `smtp_connect_timeout` is 30 s.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// The waits before each further attempt after a temporary failure. Postfix waits minutes to
/// hours (`minimal_backoff_time` 300 s); a test harness wants its report within seconds.
const DEFAULT_RETRIES: [Duration; 2] = [Duration::from_secs(1), Duration::from_secs(4)];

/// How one attempt to deliver a report ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// The host took it; its reply.
    Sent(String),
    /// Refused for good (`5xx`, or an address that cannot be sent to); the reply or the error.
    Refused(String),
    /// A temporary failure (`4xx`, no connection, the connection ended early): worth another
    /// try; the reply or the error.
    Deferred(String),
}

/// A report waiting for its next attempt.
struct Retry {
    id: u64,
    to: String,
    content: Vec<u8>,
    /// Attempts made so far.
    attempts: usize,
    at: Instant,
}

/// Where and how reports are delivered.
#[derive(Debug, Clone)]
pub struct ReportDelivery {
    /// The host, as `host:port` (a name is looked up at each batch).
    pub target: String,
    /// The name sent with EHLO (the simulator's host name).
    pub helo: String,
    /// The waits before each further attempt after a temporary failure (1 s, then 4 s); empty:
    /// one attempt only.
    pub retries: Vec<Duration>,
}

impl ReportDelivery {
    /// Delivery to `target` (`host:port`), introducing itself as `helo`.
    pub fn new(target: impl Into<String>, helo: impl Into<String>) -> Self {
        ReportDelivery {
            target: target.into(),
            helo: helo.into(),
            retries: DEFAULT_RETRIES.to_vec(),
        }
    }

    /// The waits before each further attempt after a temporary failure, in turn.
    pub fn with_retries(mut self, retries: Vec<Duration>) -> Self {
        self.retries = retries;
        self
    }

    /// Starts the delivery task: it delivers what is built now, then again each time `stored`
    /// changes (a message was stored, so a report may have been built) and when a report is
    /// due for another attempt. It ends when the sender of `stored` is gone (reports waiting
    /// for another attempt stay [`Sending`](crate::capture::OutboxState::Sending)); abort it
    /// to stop sooner.
    pub fn spawn(self, sim: Simulator, mut stored: watch::Receiver<u64>) -> JoinHandle<()> {
        tokio::spawn(async move {
            let mut waiting: Vec<Retry> = Vec::new();
            loop {
                stored.borrow_and_update();
                let now = Instant::now();
                let mut batch: Vec<(u64, String, Vec<u8>)> = sim.claim_reports();
                let mut attempts = vec![0; batch.len()];
                let (due, later): (Vec<Retry>, Vec<Retry>) =
                    waiting.drain(..).partition(|r| r.at <= now);
                waiting = later;
                for r in due {
                    batch.push((r.id, r.to, r.content));
                    attempts.push(r.attempts);
                }
                if !batch.is_empty() {
                    let outcomes = self.deliver(&batch).await;
                    for (((id, to, content), made), outcome) in
                        batch.into_iter().zip(attempts).zip(outcomes)
                    {
                        let (sent, detail) = match outcome {
                            Attempt::Sent(reply) => (true, reply),
                            Attempt::Refused(why) => (false, why),
                            Attempt::Deferred(why) => match self.retries.get(made) {
                                Some(&wait) => {
                                    tracing::debug!("report r{id} deferred: {why}");
                                    let note = format!(
                                        "attempt {}: {why}; next attempt in {} ms",
                                        made + 1,
                                        wait.as_millis()
                                    );
                                    sim.report_deferred(id, note);
                                    waiting.push(Retry {
                                        id,
                                        to,
                                        content,
                                        attempts: made + 1,
                                        at: Instant::now() + wait,
                                    });
                                    continue;
                                }
                                None => (false, why),
                            },
                        };
                        if sent {
                            tracing::debug!("report r{id} delivered: {detail}");
                        } else {
                            tracing::warn!("report r{id} not delivered: {detail}");
                        }
                        sim.report_delivered(id, sent, detail);
                    }
                }
                let next = waiting.iter().map(|r| r.at).min();
                let retry = async {
                    match next {
                        Some(at) => tokio::time::sleep_until(at).await,
                        None => std::future::pending().await,
                    }
                };
                tokio::select! {
                    changed = stored.changed() => if changed.is_err() {
                        return;
                    },
                    () = retry => {}
                }
            }
        })
    }

    /// Delivers `reports` (id, addressee, message) over one connection, once; one outcome per
    /// report, in order.
    pub async fn deliver(&self, reports: &[(u64, String, Vec<u8>)]) -> Vec<Attempt> {
        let mut outcomes: Vec<Option<Attempt>> = vec![None; reports.len()];
        let mut client = ClientSession::new(
            ClientConfig {
                helo_name: self.helo.clone(),
                ..ClientConfig::default()
            },
            Instant::now().into_std(),
        );
        let mut queued = 0;
        for (i, (_, to, content)) in reports.iter().enumerate() {
            match Outgoing::new("", &[to.as_str()], content.clone()) {
                Ok(message) => {
                    client.send(message);
                    queued += 1;
                }
                Err(_) => outcomes[i] = Some(Attempt::Refused(format!("invalid address <{to}>"))),
            }
        }
        // The positions among the messages queued, back to the reports.
        let queued_index: Vec<usize> = (0..reports.len())
            .filter(|i| outcomes[*i].is_none())
            .collect();
        let result = if queued == 0 {
            Ok(Vec::new())
        } else {
            self.converse(&mut client, queued).await
        };
        let failure = match result {
            Ok(deliveries) => {
                for d in deliveries {
                    if let Some(&i) = queued_index.get(d.id) {
                        outcomes[i] = Some(outcome(&d));
                    }
                }
                "the connection ended before the reply".to_owned()
            }
            Err(e) => format!("{}: {e}", self.target),
        };
        outcomes
            .into_iter()
            .map(|o| o.unwrap_or_else(|| Attempt::Deferred(failure.clone())))
            .collect()
    }

    /// Runs the client session over a new connection until `n` deliveries are reported or
    /// the session ends.
    async fn converse(&self, client: &mut ClientSession, n: usize) -> io::Result<Vec<Delivery>> {
        let mut tcp = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(&self.target))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "connection timed out"))??;
        let mut deliveries = Vec::new();
        let mut buf = vec![0u8; 8192];
        let mut quit = false;
        loop {
            while let Some(out) = client.poll_transmit() {
                tcp.write_all(&out).await?;
            }
            while let Some(event) = client.poll_event() {
                if let ClientEvent::Delivery(d) = event {
                    deliveries.push(d);
                }
            }
            if deliveries.len() == n && !quit {
                quit = true;
                client.quit();
                continue;
            }
            if client.is_closed() {
                return Ok(deliveries);
            }
            let deadline = client.poll_timeout().map(Instant::from_std);
            let sleep = async {
                match deadline {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                read = tcp.read(&mut buf) => {
                    let read = read?;
                    if read == 0 {
                        return Ok(deliveries);
                    }
                    client.handle_input(&buf[..read], Instant::now().into_std());
                }
                () = sleep => client.handle_timeout(Instant::now().into_std()),
            }
        }
    }
}

/// Whether the host took the message, with the reply that says so; or the first refusal,
/// permanent (`5xx`) or not.
fn outcome(d: &Delivery) -> Attempt {
    if d.delivered() {
        return Attempt::Sent(d.data.as_ref().map(one_line).unwrap_or_default());
    }
    let refusal = d
        .mail
        .iter()
        .chain(d.recipients.iter().filter_map(|(_, r)| r.as_ref()))
        .chain(d.data.iter())
        .find(|r| r.code().get() >= 400);
    match refusal {
        Some(r) if r.code().get() >= 500 => Attempt::Refused(one_line(r)),
        Some(r) => Attempt::Deferred(one_line(r)),
        None => Attempt::Deferred("no reply".to_owned()),
    }
}

/// A reply on one line: its lines joined by a space, without line ends.
fn one_line(reply: &Reply<'_>) -> String {
    let bytes = reply.to_bytes();
    String::from_utf8_lossy(&bytes)
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join(" ")
}
