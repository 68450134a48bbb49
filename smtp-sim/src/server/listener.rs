//! Listeners: accept connections up to a cap, serve each in its own task, shut down gracefully.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use super::clock::Clock;
use super::config::ServerConfig;
use super::connection::serve_connection;
use crate::sim::Simulator;
use crate::throttle::GatedListener;

/// How long the `421` to a connection over the cap may take to write.
const REFUSAL_WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// After the forced 421s, how long to wait for the sessions to end.
const FORCED_EXIT_WAIT: Duration = Duration::from_secs(5);

/// What every connection shares: the simulator, the settings, the clock and the shutdown
/// signal.
#[derive(Debug)]
pub struct Shared {
    /// The simulator that decides.
    pub sim: Simulator,
    /// The server's settings.
    pub config: Arc<ServerConfig>,
    /// The simulator's clock.
    pub clock: Clock,
    /// Turns true when sessions under way must end now (421 and close).
    pub(crate) force: watch::Receiver<bool>,
    /// Counts the messages stored by this server (for waiting on them).
    pub(crate) stored: watch::Sender<u64>,
}

impl Shared {
    /// Settings for [`serve_connection`] used on its own (tests over in-memory pipes); the
    /// returned sender forces shutdown when it sends `true`.
    pub fn new(sim: Simulator, config: ServerConfig, clock: Clock) -> (Self, watch::Sender<bool>) {
        let (force_tx, force) = watch::channel(false);
        let (stored, _) = watch::channel(0);
        let shared = Shared {
            sim,
            config: config.shared(),
            clock,
            force,
            stored,
        };
        (shared, force_tx)
    }

    /// A receiver that sees each message stored.
    pub fn stored(&self) -> watch::Receiver<u64> {
        self.stored.subscribe()
    }
}

/// A socket to accept SMTP connections on.
#[derive(Debug)]
pub enum Listener {
    /// A plain listener.
    Tcp(TcpListener),
    /// A listener behind the port-25 throttle gate.
    Gated(Box<GatedListener>),
    /// An implicit-TLS listener (port 465 style): the handshake comes before the greeting.
    ImplicitTls(TcpListener),
}

impl Listener {
    /// The address clients connect to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        match self {
            Listener::Tcp(l) | Listener::ImplicitTls(l) => l.local_addr(),
            Listener::Gated(l) => Ok(l.local_addr()),
        }
    }

    async fn accept(&mut self) -> io::Result<(TcpStream, SocketAddr)> {
        match self {
            Listener::Tcp(l) | Listener::ImplicitTls(l) => l.accept().await,
            Listener::Gated(l) => l.accept().await,
        }
    }
}

/// Sessions under way, and a wake-up when the last one ends.
#[derive(Debug, Default)]
struct Active {
    count: AtomicUsize,
    idle: Notify,
}

impl Active {
    async fn wait_idle(&self) {
        loop {
            let idle = self.idle.notified();
            if self.count.load(Ordering::SeqCst) == 0 {
                return;
            }
            idle.await;
        }
    }
}

/// Ends a session's count when dropped (also when its task panics).
struct Slot(Arc<Active>);

impl Drop for Slot {
    fn drop(&mut self) {
        if self.0.count.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

/// Running listeners.
#[derive(Debug)]
pub struct ServerHandle {
    shared: Arc<Shared>,
    addrs: Vec<SocketAddr>,
    drain: watch::Sender<bool>,
    force: watch::Sender<bool>,
    active: Arc<Active>,
    accept_loops: Vec<JoinHandle<()>>,
}

/// Serves `listeners` for `sim` until [`ServerHandle::shutdown`].
pub fn spawn(
    sim: Simulator,
    config: ServerConfig,
    clock: Clock,
    listeners: Vec<Listener>,
) -> io::Result<ServerHandle> {
    let (shared, force) = Shared::new(sim, config, clock);
    let shared = Arc::new(shared);
    let (drain, _) = watch::channel(false);
    let active = Arc::new(Active::default());
    let mut addrs = Vec::new();
    let mut accept_loops = Vec::new();
    for listener in listeners {
        addrs.push(listener.local_addr()?);
        accept_loops.push(tokio::spawn(accept_loop(
            listener,
            Arc::clone(&shared),
            Arc::clone(&active),
            drain.subscribe(),
        )));
    }
    Ok(ServerHandle {
        shared,
        addrs,
        drain,
        force,
        active,
        accept_loops,
    })
}

async fn accept_loop(
    mut listener: Listener,
    shared: Arc<Shared>,
    active: Arc<Active>,
    mut drain: watch::Receiver<bool>,
) {
    let implicit_tls = matches!(listener, Listener::ImplicitTls(_));
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = drain.wait_for(|d| *d) => return,
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Out of descriptors and the like: wait a little rather than spin.
                tracing::warn!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let cap = shared.config.max_connections;
        if active.count.fetch_add(1, Ordering::SeqCst) >= cap {
            drop(Slot(Arc::clone(&active)));
            let line = format!(
                "421 4.7.0 {} Error: too many connections\r\n",
                shared.config.session.domain
            );
            tokio::spawn(refuse(stream, line));
            continue;
        }
        let slot = Slot(Arc::clone(&active));
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let _slot = slot;
            if let Err(e) = serve_connection(stream, peer, &shared, implicit_tls).await {
                tracing::debug!("connection from {peer}: {e}");
            }
        });
    }
}

async fn refuse(mut stream: TcpStream, line: String) {
    let _ = tokio::time::timeout(REFUSAL_WRITE_TIMEOUT, async {
        stream.write_all(line.as_bytes()).await?;
        stream.shutdown().await
    })
    .await;
}

impl ServerHandle {
    /// The addresses listened on, in the order the listeners were given.
    pub fn local_addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    /// What the connections share.
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Sessions under way.
    pub fn active_sessions(&self) -> usize {
        self.active.count.load(Ordering::SeqCst)
    }

    /// Stops accepting, lets sessions under way finish for the configured grace period, then
    /// sends the rest `421 4.3.2` and closes them.
    pub async fn shutdown(self) {
        let _ = self.drain.send(true);
        for task in &self.accept_loops {
            task.abort();
        }
        let grace = self.shared.config.shutdown_grace;
        if tokio::time::timeout(grace, self.active.wait_idle())
            .await
            .is_err()
        {
            let _ = self.force.send(true);
            let _ = tokio::time::timeout(FORCED_EXIT_WAIT, self.active.wait_idle()).await;
        }
    }

    /// Ends every session now (421) and stops accepting, without waiting.
    pub fn abort(&self) {
        let _ = self.drain.send(true);
        let _ = self.force.send(true);
        for task in &self.accept_loops {
            task.abort();
        }
    }
}
