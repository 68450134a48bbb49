//! Delivery of the outbox by SMTP: reports (bounces, auto-replies, complaints) go to a configured
//! host, so that a real sending MTA under test receives them, with the null envelope sender
//! reports use (RFC 5321 §4.5.5). smtp-core's [`ClientSession`] speaks the protocol; this module
//! only moves its bytes and records each outcome in the outbox
//! ([`Sent`](crate::capture::OutboxState::Sent) or
//! [`Failed`](crate::capture::OutboxState::Failed), with the host's reply or the error).
//!
//! Each batch of reports built since the last one goes over one connection; a report is tried
//! once (a test that wants the bounce again replays the message).

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

/// Where and how reports are delivered.
#[derive(Debug, Clone)]
pub struct ReportDelivery {
    /// The host, as `host:port` (a name is looked up at each batch).
    pub target: String,
    /// The name sent with EHLO (the simulator's host name).
    pub helo: String,
}

impl ReportDelivery {
    /// Delivery to `target` (`host:port`), introducing itself as `helo`.
    pub fn new(target: impl Into<String>, helo: impl Into<String>) -> Self {
        ReportDelivery {
            target: target.into(),
            helo: helo.into(),
        }
    }

    /// Starts the delivery task: it delivers what is built now, then again each time `stored`
    /// changes (a message was stored, so a report may have been built). It ends when the
    /// sender of `stored` is gone; abort it to stop sooner.
    pub fn spawn(self, sim: Simulator, mut stored: watch::Receiver<u64>) -> JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                stored.borrow_and_update();
                let reports = sim.claim_reports();
                if !reports.is_empty() {
                    let outcomes = self.deliver(&reports).await;
                    for ((id, _, _), (sent, detail)) in reports.iter().zip(outcomes) {
                        if sent {
                            tracing::debug!("report r{id} delivered: {detail}");
                        } else {
                            tracing::warn!("report r{id} not delivered: {detail}");
                        }
                        sim.report_delivered(*id, sent, detail);
                    }
                }
                if stored.changed().await.is_err() {
                    return;
                }
            }
        })
    }

    /// Delivers `reports` (id, addressee, message) over one connection; one outcome per report,
    /// in order: whether the host took it, and its reply or the error.
    pub async fn deliver(&self, reports: &[(u64, String, Vec<u8>)]) -> Vec<(bool, String)> {
        let mut outcomes: Vec<Option<(bool, String)>> = vec![None; reports.len()];
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
                Err(_) => outcomes[i] = Some((false, format!("invalid address <{to}>"))),
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
            .map(|o| o.unwrap_or_else(|| (false, failure.clone())))
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

/// Whether the host took the message, and the reply that says so (or the first refusal).
fn outcome(d: &Delivery) -> (bool, String) {
    if d.delivered() {
        return (true, d.data.as_ref().map(one_line).unwrap_or_default());
    }
    let refusal = d
        .mail
        .iter()
        .chain(d.recipients.iter().filter_map(|(_, r)| r.as_ref()))
        .chain(d.data.iter())
        .find(|r| r.code().get() >= 400);
    let detail = refusal.map_or_else(|| "no reply".to_owned(), one_line);
    (false, detail)
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
