//! The connection driver: one [`ServerSession`] over one stream, answered by the simulator.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use smtp_core::address::{ForwardPath, ReversePath};
use smtp_core::command::Command;
use smtp_core::reply::{ReplyConfig, parse_reply};
use smtp_core::session::server::{Answer, ClientInfo, Event, ServerSession};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::Instant;

use super::lines::{ClientLines, PendingLines, reply_lines};
use super::listener::Shared;
use crate::capture::Direction;
use crate::internet::{header_from_domain, header_value};
use crate::rules::{Decision, Input, Outcome, Reply, SessionContext};
use crate::scenario::Step;
use crate::types::ClientIdentity;

/// A stream the driver can read, write and hand to rustls.
trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

type Io = Box<dyn Stream>;

/// First read buffer size: SMTP commands and small messages fit, and an idle connection holds
/// little (Postfix's smtp-sink reads through a 4 KiB buffer per connection).
const READ_SIZE_FIRST: usize = 2 * 1024;
/// The buffer doubles while reads fill it, up to this size (large messages, pipelined groups).
const READ_SIZE_MAX: usize = 64 * 1024;

/// What the loop does after an event.
enum Flow {
    Continue,
    /// Close the connection now, without a reply (a `drop` rule, a failed handshake).
    Drop,
    /// The server is shutting down: send 421 and close.
    Shutdown,
}

/// Serves one SMTP connection from `peer` until it ends. With `implicit_tls` the TLS handshake
/// comes first (port 465). Errors of the connection itself (reset, broken pipe) end it quietly;
/// they are returned for logging.
pub async fn serve_connection<S>(
    stream: S,
    peer: SocketAddr,
    shared: &Shared,
    implicit_tls: bool,
) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut io: Io = Box::new(stream);
    if implicit_tls {
        io = match Box::pin(handshake(io, shared)).await {
            Some(io) => io,
            None => return Ok(()),
        };
    }
    let config = shared.config.session_config(implicit_tls);
    let session = ServerSession::with_peer(config, peer, Instant::now().into_std());
    let mut conn = Connection {
        io,
        session,
        ctx: None,
        shared,
        peer,
        lines: ClientLines::default(),
        pending: PendingLines::default(),
        shutdown: shared.force.clone(),
    };
    let result = conn.run().await;
    conn.commit_transcript();
    if let Some(ctx) = &conn.ctx {
        shared.sim.close_session(ctx, shared.clock.now());
    }
    result
}

async fn handshake(io: Io, shared: &Shared) -> Option<Io> {
    let acceptor = shared.config.tls.as_ref()?.acceptor();
    let timeout = shared.config.tls_handshake_timeout;
    match tokio::time::timeout(timeout, acceptor.accept(io)).await {
        Ok(Ok(tls)) => Some(Box::new(tls)),
        _ => None,
    }
}

struct Connection<'a> {
    io: Io,
    session: ServerSession,
    ctx: Option<SessionContext>,
    shared: &'a Shared,
    peer: SocketAddr,
    lines: ClientLines,
    /// Transcript lines not yet handed to the simulator (they are, before each write).
    pending: PendingLines,
    shutdown: tokio::sync::watch::Receiver<bool>,
}

impl Connection<'_> {
    async fn run(&mut self) -> io::Result<()> {
        let mut buf = vec![0u8; READ_SIZE_FIRST];
        loop {
            self.flush().await?;
            while let Some(event) = self.session.poll_event() {
                match self.on_event(event).await? {
                    Flow::Continue => {}
                    Flow::Drop => return Ok(()),
                    Flow::Shutdown => return self.shut_down().await,
                }
            }
            self.flush().await?;
            if self.session.is_closed() {
                let _ = self.io.shutdown().await;
                return Ok(());
            }
            let deadline = self
                .session
                .poll_timeout()
                .filter(|_| self.shared.config.idle_timeouts)
                .map(Instant::from_std);
            let sleep = async {
                match deadline {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                // Input that arrived counts, even if the deadline passed meanwhile.
                biased;
                read = self.io.read(&mut buf) => {
                    let n = read?;
                    if n == 0 {
                        // The client hung up.
                        self.note(b"connection closed by the client");
                        self.session.close_now();
                        return Ok(());
                    }
                    let input = &buf[..n];
                    // The lines of one read arrived together: one timestamp for them. Before
                    // the session is opened (a PROXY header), lines are split but not kept.
                    let keep = self.ctx.is_some();
                    let (now, pending) = (self.shared.clock.now(), &mut self.pending);
                    self.lines.feed(input, |line| {
                        if keep {
                            pending.push(now, Direction::Client, line);
                        }
                    });
                    self.session.handle_input(input, Instant::now().into_std());
                    if n == buf.len() && buf.len() < READ_SIZE_MAX {
                        // More may be waiting: read more at once next time.
                        buf.resize(buf.len() * 2, 0);
                    }
                }
                () = sleep => self.session.handle_timeout(Instant::now().into_std()),
                () = forced(self.shutdown.clone()) => return self.shut_down().await,
            }
        }
    }

    /// Writes what the session has to send, in one write. The loop calls it once the input
    /// read so far is processed, so the replies to a pipelined group go out together (RFC 2920
    /// §3.1: the server may buffer replies until it would wait for input), as Postfix does.
    async fn flush(&mut self) -> io::Result<()> {
        let mut batch = Vec::new();
        let now = self.shared.clock.now();
        while let Some(out) = self.session.poll_transmit() {
            for line in reply_lines(&out) {
                self.lines.server_code(line.get(..3).unwrap_or_default());
                if self.ctx.is_some() {
                    self.pending.push(now, Direction::Server, line);
                }
            }
            if batch.is_empty() {
                batch = out;
            } else {
                batch.extend_from_slice(&out);
            }
        }
        // The transcript has the replies before the client can act on them.
        self.commit_transcript();
        if !batch.is_empty() {
            self.io.write_all(&batch).await?;
            self.io.flush().await?;
        }
        Ok(())
    }

    async fn shut_down(&mut self) -> io::Result<()> {
        // The replies already made go out before the 421.
        self.flush().await?;
        let line = format!(
            "421 4.3.2 {} Error: service shutting down\r\n",
            self.shared.config.session.domain
        );
        self.transcript(Direction::Server, line.trim_end().as_bytes());
        self.commit_transcript();
        self.session.close_now();
        self.io.write_all(line.as_bytes()).await?;
        self.io.flush().await?;
        let _ = self.io.shutdown().await;
        Ok(())
    }

    /// Adds a line to the transcript (handed over with the next write).
    fn transcript(&mut self, direction: Direction, line: &[u8]) {
        if self.ctx.is_some() {
            self.pending.push(self.shared.clock.now(), direction, line);
        }
    }

    /// Hands the pending transcript lines to the simulator.
    fn commit_transcript(&mut self) {
        if let Some(ctx) = &self.ctx
            && !self.pending.is_empty()
        {
            self.shared
                .sim
                .transcript_lines(ctx.id, self.pending.iter());
        }
        self.pending.clear();
    }

    fn note(&mut self, text: &[u8]) {
        self.transcript(Direction::Note, text);
    }

    async fn on_event(&mut self, event: Event) -> io::Result<Flow> {
        match event {
            Event::Client(info) => {
                self.client(&info);
                self.ask(Input::Connect).await
            }
            Event::HelloRequest { name, .. } => {
                let mut wire = Vec::new();
                name.write_to(&mut wire);
                let name = String::from_utf8_lossy(&wire).into_owned();
                self.ask(Input::Helo { name: &name }).await
            }
            Event::Sender(mail) => {
                let sender = match &mail.from {
                    ReversePath::Null => String::new(),
                    ReversePath::Path(p) => p.mailbox.to_string(),
                };
                self.ask(Input::Mail { sender: &sender }).await
            }
            Event::Recipient(rcpt) => {
                let rcpt = match &rcpt.to {
                    ForwardPath::Postmaster(p) => p.to_string(),
                    ForwardPath::Path(p) => p.mailbox.to_string(),
                };
                self.ask(Input::Rcpt { rcpt: &rcpt }).await
            }
            Event::DataRequest => self.ask(Input::Data).await,
            Event::CommandRequest(command) => self.command(&command).await,
            Event::Message(message) => self.message(message.data).await,
            Event::Auth(credentials) => {
                let good = self
                    .shared
                    .config
                    .accounts
                    .check(&credentials.username, credentials.password.expose());
                if !good {
                    self.note(b"authentication failed");
                    let reply = core_reply(&Reply {
                        code: 535,
                        status: "5.7.8".parse().ok(),
                        lines: vec!["Error: authentication failed: authentication failure".into()],
                    });
                    self.answer(Answer::Reply(reply));
                    return Ok(Flow::Continue);
                }
                let mechanism = credentials.mechanism.as_str();
                self.ask(Input::Auth { mechanism }).await
            }
            Event::StartTls => {
                self.flush().await?;
                let io = std::mem::replace(&mut self.io, Box::new(tokio::io::empty()));
                match Box::pin(handshake(io, self.shared)).await {
                    Some(io) => {
                        self.io = io;
                        self.note(b"TLS established");
                        self.session.tls_established(Instant::now().into_std());
                        Ok(Flow::Continue)
                    }
                    None => {
                        self.note(b"TLS handshake failed");
                        self.session.close_now();
                        Ok(Flow::Drop)
                    }
                }
            }
            Event::Violation(v) => {
                self.note(format!("protocol violation: {v:?}").as_bytes());
                Ok(Flow::Continue)
            }
            Event::Closed(reason) => {
                self.note(format!("session closed: {reason:?}").as_bytes());
                Ok(Flow::Continue)
            }
            _ => Ok(Flow::Continue),
        }
    }

    /// The first client question opens the simulator's session; a later one (XCLIENT) changes
    /// its identity.
    fn client(&mut self, info: &ClientInfo) {
        let sim = &self.shared.sim;
        match &mut self.ctx {
            None => {
                let source = info.addr.unwrap_or(self.peer.ip());
                let identity = sim.identity_for_peer(source);
                self.ctx = Some(sim.open_session(identity, self.shared.clock.now()));
            }
            Some(ctx) => {
                let identity = ClientIdentity {
                    ip: info.addr.map_or(ctx.client.ip, |a| a.to_canonical()),
                    name: info.name.clone(),
                    helo: info.helo.clone(),
                };
                sim.change_identity(ctx, identity);
                self.note(b"identity changed by XCLIENT");
            }
        }
    }

    fn decide(&mut self, input: Input<'_>) -> Option<Decision> {
        let ctx = self.ctx.as_mut()?;
        Some(self.shared.sim.decide(ctx, input, self.shared.clock.now()))
    }

    /// Asks the simulator and carries out its decision.
    async fn ask(&mut self, input: Input<'_>) -> io::Result<Flow> {
        let Some(decision) = self.decide(input) else {
            return Ok(Flow::Drop);
        };
        if !self.pause(decision.delay).await {
            return Ok(Flow::Shutdown);
        }
        self.act(decision.outcome).await
    }

    /// A command the session would answer by itself (NOOP, RSET, VRFY, EXPN, HELP, unknown
    /// verbs): the scenario's rules at its step (and `any`) answer it. When no rule could, the
    /// session's own reply goes out and no decision is logged, so that a scenario without such
    /// rules behaves (and logs) as if the commands were never asked about.
    async fn command(&mut self, command: &Command<'_>) -> io::Result<Flow> {
        let mut wire = Vec::new();
        command.write_to(&mut wire);
        let line = String::from_utf8_lossy(&wire);
        let verb = line.split_ascii_whitespace().next().unwrap_or_default();
        let input = Input::Other { verb };
        let step = input.step();
        let consulted = self.ctx.is_some()
            && self
                .shared
                .sim
                .scenario()
                .rules()
                .iter()
                .any(|rule| rule.step.covers(step));
        let (positive, flow) = if consulted {
            let Some(decision) = self.decide(input) else {
                return Ok(Flow::Drop);
            };
            if !self.pause(decision.delay).await {
                return Ok(Flow::Shutdown);
            }
            let positive = decision.outcome.is_positive();
            (positive, self.act(decision.outcome).await?)
        } else {
            self.answer(Answer::Accept);
            (true, Flow::Continue)
        };
        // The session resets its transaction on a positive answer to RSET: so does the
        // simulator's view of it.
        if step == Step::Rset
            && positive
            && let Some(ctx) = self.ctx.as_mut()
        {
            ctx.reset_transaction();
        }
        Ok(flow)
    }

    /// Waits a rule's delay on tokio's clock; false when the server shuts down meanwhile.
    async fn pause(&mut self, delay: Duration) -> bool {
        if delay.is_zero() {
            return true;
        }
        // The replies made before the delayed one are not held back by it.
        if self.flush().await.is_err() {
            return true;
        }
        tokio::select! {
            () = tokio::time::sleep(delay) => true,
            () = forced(self.shutdown.clone()) => false,
        }
    }

    async fn act(&mut self, outcome: Outcome) -> io::Result<Flow> {
        let answer = match outcome {
            Outcome::Accept(None) | Outcome::Discard(None) => Answer::Accept,
            Outcome::Accept(Some(r)) | Outcome::Discard(Some(r)) | Outcome::Refuse(r) => {
                Answer::Reply(core_reply(&r))
            }
            Outcome::Close(r) => {
                self.answer(Answer::Reply(core_reply(&r)));
                // A close reply is a 421, which closes the session; make sure of it.
                self.session.close_now();
                return Ok(Flow::Continue);
            }
            Outcome::Drop => {
                // The replies to earlier commands go out; this one gets none.
                self.flush().await?;
                self.note(b"connection dropped by rule");
                self.session.close_now();
                return Ok(Flow::Drop);
            }
        };
        self.answer(answer);
        Ok(Flow::Continue)
    }

    /// Answers the pending question; the reply goes out with the next flush (the loop's,
    /// once the input read so far is processed).
    fn answer(&mut self, answer: Answer) {
        // A question is always pending here: the event that asked it was just polled.
        let _ = self.session.answer(answer, Instant::now().into_std());
    }

    /// The end of data: decide, store before acknowledging, answer.
    async fn message(&mut self, raw: Vec<u8>) -> io::Result<Flow> {
        if let Some(ctx) = self.ctx.as_mut() {
            ctx.header_from = header_from_domain(&raw);
            // Read only for a scenario that matches on it: the header walk is per message.
            ctx.subject = if self.shared.sim.scenario().reads_subject() {
                header_value(&raw, "subject")
            } else {
                None
            };
            ctx.message_size = Some(raw.len() as u64);
        }
        let Some(decision) = self.decide(Input::EndOfData) else {
            return Ok(Flow::Drop);
        };
        if !self.pause(decision.delay).await {
            return Ok(Flow::Shutdown);
        }
        if !decision.outcome.is_positive() {
            if let Some(ctx) = self.ctx.as_mut() {
                ctx.reset_transaction();
            }
            return self.act(decision.outcome).await;
        }
        let Some(ctx) = self.ctx.as_mut() else {
            return Ok(Flow::Drop);
        };
        let now = self.shared.clock.now();
        match self.shared.sim.store_message(ctx, &decision, raw, now) {
            Ok(_) => {
                self.shared.stored.send_modify(|n| *n += 1);
                self.act(decision.outcome).await
            }
            Err(e) => {
                ctx.reset_transaction();
                let (code, status, text) = e.reply();
                let reply = Reply {
                    code,
                    status: Some(status),
                    lines: vec![text.to_owned()],
                };
                self.answer(Answer::Reply(core_reply(&reply)));
                Ok(Flow::Continue)
            }
        }
    }
}

/// Completes when shutdown is forced (never, if the sender is gone without forcing it).
async fn forced(mut shutdown: tokio::sync::watch::Receiver<bool>) {
    if shutdown.wait_for(|forced| *forced).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// The simulator's reply as smtp-core's; a reply that does not parse (none should) becomes a
/// local-error 451.
fn core_reply(reply: &Reply) -> smtp_core::reply::Reply<'static> {
    let wire = reply.to_wire();
    match parse_reply(&wire, &ReplyConfig::default()) {
        Ok((parsed, _)) => parsed.into_owned(),
        Err(_) => {
            let fallback = b"451 4.3.0 Error: local error in processing\r\n";
            parse_reply(fallback, &ReplyConfig::default())
                .map(|(r, _)| r.into_owned())
                .unwrap_or_else(|_| unreachable!("the fallback reply parses"))
        }
    }
}
