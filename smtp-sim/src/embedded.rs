//! The simulator inside a test: [`SmtpSim::builder`] starts it on an ephemeral loopback port.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use smtp_sim::SmtpSim;
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//!
//! let sim = SmtpSim::builder().seed(7).start().await.unwrap();
//! let mut tcp = tokio::net::TcpStream::connect(sim.smtp_addr()).await.unwrap();
//! let mut greeting = [0u8; 64];
//! let n = tcp.read(&mut greeting).await.unwrap();
//! assert!(greeting[..n].starts_with(b"220 mx.smtp-sim.test ESMTP"));
//! tcp.write_all(b"QUIT\r\n").await.unwrap();
//! sim.shutdown().await;
//! # }
//! ```

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use smtp_core::session::server::Config;
use tokio::net::TcpListener;

use crate::capture::{CapturedMessage, Event, OutboxEntry, StoreLimits, Transcript};
use crate::scenario::{Scenario, default_scenario};
use crate::server::{self, Clock, Listener, ReportDelivery, ServerConfig, ServerHandle, TlsSetup};
use crate::sim::{SimConfig, Simulator};
use crate::throttle::{GatedListener, ThrottleConfig};
use crate::types::Timestamp;

/// Sets up an embedded simulator; see [`SmtpSim::builder`].
#[derive(Debug)]
pub struct SmtpSimBuilder {
    scenario: Option<Scenario>,
    sim: SimConfig,
    server: ServerConfig,
    self_signed: bool,
    implicit_tls: bool,
    throttle: Option<ThrottleConfig>,
    api: bool,
    epoch: Option<Timestamp>,
    deliver_reports: Option<String>,
    report_retries: Option<Vec<Duration>>,
}

/// A simulator serving SMTP on loopback, for a test. Dropping it ends its sessions.
#[derive(Debug)]
pub struct SmtpSim {
    sim: Simulator,
    server: Option<ServerHandle>,
    smtp: SocketAddr,
    tls: Option<SocketAddr>,
    api: Option<SocketAddr>,
    api_stop: Option<tokio::sync::oneshot::Sender<()>>,
    certificate: Option<String>,
    delivery: Option<tokio::task::JoinHandle<()>>,
}

/// [`SmtpSim::wait_for_messages`] timed out; it holds the messages stored by then.
#[derive(Debug)]
pub struct WaitTimeout(pub Vec<CapturedMessage>);

impl std::fmt::Display for WaitTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "timed out with {} messages stored", self.0.len())
    }
}

impl std::error::Error for WaitTimeout {}

impl SmtpSim {
    /// A builder: the default scenario, seed 0, no TLS, no AUTH, no API.
    pub fn builder() -> SmtpSimBuilder {
        SmtpSimBuilder {
            scenario: None,
            sim: SimConfig::default(),
            server: ServerConfig::default(),
            self_signed: false,
            implicit_tls: false,
            throttle: None,
            api: false,
            epoch: None,
            deliver_reports: None,
            report_retries: None,
        }
    }

    /// The SMTP address (127.0.0.1 and an ephemeral port).
    pub fn smtp_addr(&self) -> SocketAddr {
        self.smtp
    }

    /// The implicit-TLS address, when asked for.
    pub fn implicit_tls_addr(&self) -> Option<SocketAddr> {
        self.tls
    }

    /// The HTTP API's address, when asked for.
    pub fn api_addr(&self) -> Option<SocketAddr> {
        self.api
    }

    /// The server certificate as PEM, when TLS is on (for the client to trust).
    pub fn certificate_pem(&self) -> Option<&str> {
        self.certificate.as_deref()
    }

    /// The simulator itself.
    pub fn simulator(&self) -> &Simulator {
        &self.sim
    }

    /// The stored messages, oldest first.
    pub fn messages(&self) -> Vec<CapturedMessage> {
        self.sim.with_capture(|c| c.store.iter().cloned().collect())
    }

    /// Waits until at least `n` messages are stored, for at most `timeout` (tokio time, so a
    /// paused clock makes it virtual).
    pub async fn wait_for_messages(
        &self,
        n: usize,
        timeout: Duration,
    ) -> Result<Vec<CapturedMessage>, WaitTimeout> {
        let Some(server) = &self.server else {
            return Err(WaitTimeout(self.messages()));
        };
        let mut stored = server.shared().stored();
        let wait = async {
            loop {
                if self.sim.with_capture(|c| c.store.len()) >= n {
                    return;
                }
                if stored.changed().await.is_err() {
                    std::future::pending::<()>().await;
                }
            }
        };
        match tokio::time::timeout(timeout, wait).await {
            Ok(()) => Ok(self.messages()),
            Err(_) => Err(WaitTimeout(self.messages())),
        }
    }

    /// The event log in memory.
    pub fn events(&self) -> Vec<Event> {
        self.sim
            .with_capture(|c| c.events.since(0).cloned().collect())
    }

    /// The reports owed to senders.
    pub fn outbox(&self) -> Vec<OutboxEntry> {
        self.sim.with_capture(|c| c.outbox.entries().to_vec())
    }

    /// The session transcripts kept.
    pub fn transcripts(&self) -> Vec<Transcript> {
        self.sim
            .with_capture(|c| c.transcripts.iter().cloned().collect())
    }

    /// Replaces the scenario for decisions from now on.
    pub fn replace_scenario(&self, scenario: Scenario) {
        self.sim.replace_scenario(scenario);
    }

    /// Forgets messages, transcripts, events and the outbox.
    pub fn clear(&self) {
        self.sim.clear();
    }

    /// Stops: no new connections, sessions under way get the grace period, then `421`.
    pub async fn shutdown(mut self) {
        if let Some(delivery) = self.delivery.take() {
            delivery.abort();
        }
        if let Some(stop) = self.api_stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.shutdown().await;
        }
    }
}

impl Drop for SmtpSim {
    fn drop(&mut self) {
        if let Some(server) = &self.server {
            server.abort();
        }
        if let Some(delivery) = &self.delivery {
            delivery.abort();
        }
    }
}

impl SmtpSimBuilder {
    /// The scenario (default: [`default_scenario`] on the simulator's domain).
    pub fn scenario(mut self, scenario: Scenario) -> Self {
        self.scenario = Some(scenario);
        self
    }

    /// The seed of every random draw.
    pub fn seed(mut self, seed: u64) -> Self {
        self.sim.seed = seed;
        self
    }

    /// The simulator's settings (host name, store limits, spool, event file); its `seed` is
    /// kept unless [`seed`](Self::seed) is called after.
    pub fn sim_config(mut self, config: SimConfig) -> Self {
        self.sim = config;
        self
    }

    /// How much the store keeps (a full store answers `452 4.3.1`).
    pub fn store_limits(mut self, limits: StoreLimits) -> Self {
        self.sim.limits = limits;
        self
    }

    /// Changes the session configuration (limits, timeouts, extensions).
    pub fn session(mut self, f: impl FnOnce(&mut Config)) -> Self {
        f(&mut self.server.session);
        self
    }

    /// Offers STARTTLS with a self-signed certificate for `localhost`, `127.0.0.1` and the
    /// host name, made at start ([`SmtpSim::certificate_pem`] gives it).
    pub fn starttls(mut self) -> Self {
        self.self_signed = true;
        self
    }

    /// Offers STARTTLS with this certificate.
    pub fn tls(mut self, tls: TlsSetup) -> Self {
        self.server.tls = Some(tls);
        self
    }

    /// Also listens for implicit TLS (port 465 style); needs [`starttls`](Self::starttls) or
    /// [`tls`](Self::tls).
    pub fn implicit_tls(mut self) -> Self {
        self.implicit_tls = true;
        self
    }

    /// Adds an AUTH PLAIN/LOGIN account (AUTH is offered once there is one, under TLS unless
    /// [`auth_without_tls`](Self::auth_without_tls)).
    pub fn account(mut self, user: &str, password: &str) -> Self {
        self.server.accounts.insert(user, password);
        self
    }

    /// Offers AUTH on plaintext connections too.
    pub fn auth_without_tls(mut self) -> Self {
        self.server.session.auth_requires_tls = false;
        self
    }

    /// Expects a PROXY protocol header before the greeting.
    pub fn proxy_protocol(mut self) -> Self {
        self.server.session.proxy_protocol = true;
        self
    }

    /// Lets clients send XCLIENT.
    pub fn xclient(mut self) -> Self {
        self.server.session.xclient = true;
        self
    }

    /// Connections served at once (default 100).
    pub fn max_connections(mut self, n: usize) -> Self {
        self.server.max_connections = n;
        self
    }

    /// How long sessions may go on after [`SmtpSim::shutdown`] (default 10 s).
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.server.shutdown_grace = grace;
        self
    }

    /// Turns off the sessions' idle timeouts: needed by tests that run real sockets under
    /// `#[tokio::test(start_paused = true)]`, where tokio moves its paused clock to the next
    /// timer each time the runtime waits for the network (see
    /// [`ServerConfig::idle_timeouts`](crate::server::ServerConfig::idle_timeouts)).
    pub fn without_idle_timeouts(mut self) -> Self {
        self.server.idle_timeouts = false;
        self
    }

    /// Puts the SMTP listener behind the port-25 throttle gate (default: the scenario's
    /// `[throttle]`, if any).
    pub fn throttle(mut self, config: ThrottleConfig) -> Self {
        self.throttle = Some(config);
        self
    }

    /// Also serves the HTTP API on an ephemeral loopback port.
    pub fn api(mut self) -> Self {
        self.api = true;
        self
    }

    /// Delivers the outbox's reports by SMTP to `target` (`host:port`, e.g. the sending MTA
    /// under test, or another simulator), with the null envelope sender; each report's
    /// outcome shows in [`SmtpSim::outbox`] (`state` sent or failed, `delivery` the host's
    /// reply or the error).
    pub fn deliver_reports(mut self, target: impl Into<String>) -> Self {
        self.deliver_reports = Some(target.into());
        self
    }

    /// The waits before each further attempt to deliver a report after a temporary failure
    /// (default 1 s, then 4 s; see [`ReportDelivery::retries`]).
    pub fn report_retries(mut self, retries: Vec<Duration>) -> Self {
        self.report_retries = Some(retries);
        self
    }

    /// The simulator's clock reads `epoch` at start (default: the system time), so that
    /// timestamps are the same from run to run.
    pub fn epoch(mut self, epoch: Timestamp) -> Self {
        self.epoch = Some(epoch);
        self
    }

    /// Binds the listeners and starts serving.
    pub async fn start(mut self) -> io::Result<SmtpSim> {
        let scenario = match self.scenario.take() {
            Some(s) => s,
            None => default_scenario(&self.sim.sim_domain).map_err(io::Error::other)?,
        };
        self.server.session.domain = self.sim.hostname.clone();
        if self.self_signed && self.server.tls.is_none() {
            let names = ["localhost", "127.0.0.1", self.sim.hostname.as_str()];
            let tls = TlsSetup::self_signed(&names).map_err(io::Error::other)?;
            self.server.tls = Some(tls);
        }
        let certificate = self
            .server
            .tls
            .as_ref()
            .map(|t| t.certificate_pem().to_owned());
        if self.implicit_tls && certificate.is_none() {
            return Err(io::Error::other("implicit TLS needs a certificate"));
        }
        // The builder's gate, else the scenario's `[throttle]`.
        let throttle = self.throttle.or(scenario.internet().throttle);
        let sim = Simulator::new(self.sim.clone(), scenario)?;
        let loopback: SocketAddr = ([127, 0, 0, 1], 0).into();
        let smtp = match throttle {
            Some(config) => Listener::Gated(Box::new(GatedListener::bind(
                loopback,
                config,
                self.sim.seed,
            )?)),
            None => Listener::Tcp(TcpListener::bind(loopback).await?),
        };
        let mut listeners = vec![smtp];
        if self.implicit_tls {
            listeners.push(Listener::ImplicitTls(TcpListener::bind(loopback).await?));
        }
        let clock = match self.epoch {
            Some(epoch) => Clock::starting_at(epoch),
            None => Clock::from_system_time(),
        };
        let server = server::spawn(sim.clone(), self.server, clock, listeners)?;
        let addrs = server.local_addrs().to_vec();
        let retries = self.report_retries;
        let delivery = self.deliver_reports.map(|target| {
            let mut delivery = ReportDelivery::new(target, self.sim.hostname.clone());
            if let Some(retries) = retries {
                delivery = delivery.with_retries(retries);
            }
            delivery.spawn(sim.clone(), server.shared().stored())
        });
        let (api, api_stop) = if self.api {
            let listener = TcpListener::bind(loopback).await?;
            let addr = listener.local_addr()?;
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            let state = crate::api::ApiState {
                sim: sim.clone(),
                smtp: Some(addrs[0]),
            };
            tokio::spawn(crate::api::serve(listener, state, async {
                let _ = stopped.await;
            }));
            (Some(addr), Some(stop))
        } else {
            (None, None)
        };
        Ok(SmtpSim {
            sim,
            server: Some(server),
            smtp: addrs[0],
            tls: addrs.get(1).copied(),
            api,
            api_stop,
            certificate,
            delivery,
        })
    }
}
