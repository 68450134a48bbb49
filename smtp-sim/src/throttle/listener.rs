//! The gate applied to a TCP listener.

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::time::Instant;

use super::{Gate, ThrottleConfig, ThrottleMode};
use crate::types::Timestamp;

/// Linux queues backlog + 1 completed connections; a dummy connection that does not complete
/// within this time means the queue is full.
const DUMMY_CONNECT_TIMEOUT: Duration = Duration::from_millis(200);
/// More than the kernel will queue with a backlog of 1: filling stops at the first timeout.
const MAX_DUMMIES: usize = 4;
/// Ungreeted connections held at once (the oldest is closed beyond this).
const MAX_HELD: usize = 1024;

/// A listener that serves connections while its [`Gate`] has tokens.
#[derive(Debug)]
pub struct GatedListener {
    listener: TcpListener,
    local: SocketAddr,
    gate: Gate,
    epoch: Instant,
    /// Client halves of the dummy connections, by their local address.
    dummies: BTreeMap<SocketAddr, TcpStream>,
    held: Vec<TcpStream>,
}

impl GatedListener {
    /// Binds `addr` with a backlog of 1 (tokio's `TcpListener::bind` would use 1024). The gate's
    /// clock starts now (tokio's clock, so paused time works for the no-greeting mode).
    pub fn bind(addr: SocketAddr, config: ThrottleConfig, seed: u64) -> io::Result<Self> {
        let socket = if addr.is_ipv4() {
            TcpSocket::new_v4()?
        } else {
            TcpSocket::new_v6()?
        };
        socket.set_reuseaddr(true)?;
        socket.bind(addr)?;
        let listener = socket.listen(1)?;
        let local = listener.local_addr()?;
        Ok(GatedListener {
            listener,
            local,
            gate: Gate::new(config, seed),
            epoch: Instant::now(),
            dummies: BTreeMap::new(),
            held: Vec::new(),
        })
    }

    /// The address clients connect to.
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// Connections accepted but never greeted so far (no-greeting mode).
    pub fn held(&self) -> usize {
        self.held.len()
    }

    fn now(&self) -> Timestamp {
        Timestamp(u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX))
    }

    /// The next connection to serve. Connections the gate refuses never come out of here: in
    /// silent mode they are never accepted, in no-greeting mode they are held open in silence.
    pub async fn accept(&mut self) -> io::Result<(TcpStream, SocketAddr)> {
        loop {
            match self.gate.config().mode {
                ThrottleMode::NoGreeting => {
                    let (stream, peer) = self.listener.accept().await?;
                    if self.gate.try_take(self.now()) {
                        return Ok((stream, peer));
                    }
                    if self.held.len() >= MAX_HELD {
                        self.held.remove(0);
                    }
                    self.held.push(stream);
                }
                ThrottleMode::Silent => {
                    if self.gate.available(self.now()) == 0 {
                        self.fill_queue().await;
                        let wait = self
                            .gate
                            .next_token_at()
                            .map(|t| t.millis().saturating_sub(self.now().millis()))
                            .unwrap_or(0);
                        tokio::time::sleep(Duration::from_millis(wait.max(1))).await;
                        continue;
                    }
                    let (stream, peer) = self.listener.accept().await?;
                    if self.dummies.remove(&peer).is_some() {
                        continue; // both halves dropped here
                    }
                    if !self.gate.try_take(self.now()) {
                        // The token went between the check and the accept: not served.
                        drop(stream);
                        continue;
                    }
                    if self.gate.available(self.now()) == 0 {
                        self.fill_queue().await;
                    }
                    return Ok((stream, peer));
                }
            }
        }
    }

    /// Fills the accept queue with dummy connections until one does not complete.
    async fn fill_queue(&mut self) {
        while self.dummies.len() < MAX_DUMMIES {
            match tokio::time::timeout(DUMMY_CONNECT_TIMEOUT, TcpStream::connect(self.local)).await
            {
                Ok(Ok(stream)) => match stream.local_addr() {
                    Ok(addr) => {
                        self.dummies.insert(addr, stream);
                    }
                    Err(_) => break,
                },
                _ => break,
            }
        }
    }
}
