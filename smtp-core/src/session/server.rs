//! The server side of an SMTP session, sans-IO.
//!
//! ```
//! use std::time::Instant;
//! use smtp_core::session::server::{Answer, Config, Event, ServerSession};
//!
//! let start = Instant::now(); // the caller's clock; the session never reads one
//! let mut server = ServerSession::new(Config::default(), start);
//! assert!(matches!(server.poll_event(), Some(Event::Client(_))));
//! server.answer(Answer::Accept, start).unwrap();
//! assert!(server.poll_transmit().unwrap().starts_with(b"220 localhost ESMTP"));
//!
//! server.handle_input(b"EHLO client.example\r\n", start);
//! assert!(server.poll_transmit().unwrap().starts_with(b"250-localhost"));
//! server.handle_input(b"MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\n", start);
//! assert!(matches!(server.poll_event(), Some(Event::Hello { .. })));
//! assert!(matches!(server.poll_event(), Some(Event::Sender(_))));
//! server.answer(Answer::Accept, start).unwrap();
//! assert!(matches!(server.poll_event(), Some(Event::Recipient(_))));
//! server.answer(Answer::Accept, start).unwrap();
//! assert_eq!(server.poll_transmit().unwrap(), b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n");
//! ```

mod auth;
mod commands;
mod config;
mod events;
mod proxy;
mod state;
mod xclient;

#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::Instant;

use crate::command::{CommandConfig, CommandDecoder};
use crate::reply::{Reply, ReplyClass};

pub use auth::{AuthMechanism, Credentials, Password};
pub use config::{Config, Extensions, PipeliningPolicy};
pub use events::{Answer, ClientInfo, CloseReason, Event, Message, Origin, Violation};
pub use proxy::{ProxyError, ProxyHeader, parse_proxy_header, write_proxy_v2};

use state::{Phase, Question, Transaction};

/// An SMTP server session: the RFC 5321 state machine with its extensions, and no I/O.
///
/// # Driving it
///
/// - Bytes read from the connection go to [`handle_input`](Self::handle_input) with the current
///   time; when the deadline from [`poll_timeout`](Self::poll_timeout) passes, call
///   [`handle_timeout`](Self::handle_timeout).
/// - After each `handle_*`, [`answer`](Self::answer) or
///   [`tls_established`](Self::tls_established) call, poll in this order:
///   1. [`poll_transmit`](Self::poll_transmit) until `None`, writing every buffer to the
///      connection in order;
///   2. [`poll_event`](Self::poll_event) until `None`; a question event stops the session until
///      it is answered with [`answer`](Self::answer) (then poll again from 1);
///      [`Event::StartTls`] asks for the handshake (after the transmit of step 1);
///   3. [`poll_timeout`](Self::poll_timeout) for the next deadline (`None`: no timer, such as
///      while a question waits for its answer);
///   4. when [`is_closed`](Self::is_closed), close the connection.
/// - While [`wants_input`](Self::wants_input) is false (a question is pending), stop reading:
///   input given anyway is kept, not lost, and answered in order later.
///
/// Every command gets exactly one reply, in order, pipelined or not (RFC 2920); the only
/// unsolicited reply is a final `421` (timeout, too many errors) before the session closes.
#[derive(Debug)]
pub struct ServerSession {
    config: Config,
    phase: Phase,
    /// Input not yet processed: `inbuf[pos..]`.
    inbuf: Vec<u8>,
    pos: usize,
    decoder: CommandDecoder,
    out: Vec<u8>,
    events: VecDeque<Event>,
    question: Option<Question>,
    /// HELO/EHLO accepted: `Some(extended)`.
    hello: Option<bool>,
    tx: Transaction,
    client: ClientInfo,
    tls: bool,
    /// The login name of a successful AUTH (or XCLIENT LOGIN).
    authenticated: Option<String>,
    errors: u32,
    last_activity: Instant,
}

/// [`ServerSession::answer`] was called with no question pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoQuestion;

impl std::fmt::Display for NoQuestion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("no question is waiting for an answer")
    }
}

impl std::error::Error for NoQuestion {}

impl ServerSession {
    /// A session for a new connection whose peer address the caller does not give.
    pub fn new(config: Config, now: Instant) -> Self {
        Self::start(config, ClientInfo::default(), now)
    }

    /// A session for a new connection from `peer`.
    pub fn with_peer(config: Config, peer: SocketAddr, now: Instant) -> Self {
        let client = ClientInfo {
            addr: Some(peer.ip()),
            port: Some(peer.port()),
            ..ClientInfo::default()
        };
        Self::start(config, client, now)
    }

    fn start(config: Config, client: ClientInfo, now: Instant) -> Self {
        let decoder = CommandDecoder::new(Self::command_config(&config, false));
        let tls = config.implicit_tls;
        let proxy = config.proxy_protocol;
        let mut session = ServerSession {
            config,
            phase: Phase::Greeting,
            inbuf: Vec::new(),
            pos: 0,
            decoder,
            out: Vec::new(),
            events: VecDeque::new(),
            question: None,
            hello: None,
            tx: Transaction::default(),
            client,
            tls,
            authenticated: None,
            errors: 0,
            last_activity: now,
        };
        if proxy {
            session.phase = Phase::Proxy;
        } else {
            session.ask_client();
        }
        session
    }

    fn command_config(config: &Config, smtputf8: bool) -> CommandConfig {
        CommandConfig {
            lenient: config.lenient,
            line_limit: config.command_line_limit,
            smtputf8,
        }
    }

    /// Takes bytes read from the connection.
    pub fn handle_input(&mut self, input: &[u8], now: Instant) {
        if self.is_closed() {
            return;
        }
        self.last_activity = now;
        if self.phase == Phase::Tls {
            // Plaintext after STARTTLS, before the handshake: never a command.
            self.events
                .push_back(Event::Violation(Violation::PlaintextAfterStartTls {
                    discarded: input.len(),
                }));
            return;
        }
        self.inbuf.extend_from_slice(input);
        self.advance();
    }

    /// Tells the session the time; past the deadline it sends `421 4.4.2` and closes.
    pub fn handle_timeout(&mut self, now: Instant) {
        if let Some(deadline) = self.poll_timeout()
            && now >= deadline
        {
            let text = format!(
                "421 4.4.2 {} Error: timeout exceeded\r\n",
                self.config.domain
            );
            self.out.extend_from_slice(text.as_bytes());
            self.close(CloseReason::Timeout);
        }
    }

    /// Answers the pending question [`Event`].
    pub fn answer(&mut self, answer: Answer, now: Instant) -> Result<(), NoQuestion> {
        let question = self.question.take().ok_or(NoQuestion)?;
        self.last_activity = now;
        self.resolve(question, answer);
        self.advance();
        Ok(())
    }

    /// The TLS handshake after [`Event::StartTls`] succeeded: the session starts over from
    /// before EHLO (RFC 3207 §4.2), with TLS in force.
    pub fn tls_established(&mut self, now: Instant) {
        if self.phase != Phase::Tls {
            return;
        }
        self.last_activity = now;
        self.tls = true;
        self.reset_to_greeted();
        self.phase = Phase::Command;
        self.advance();
    }

    /// Ends the session now, without a reply (for instance when the TLS handshake failed).
    pub fn close_now(&mut self) {
        if !self.is_closed() {
            self.close(CloseReason::Closed);
        }
    }

    /// Bytes to write to the connection, in order.
    #[must_use]
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        if self.out.is_empty() {
            None
        } else {
            Some(std::mem::take(&mut self.out))
        }
    }

    /// The next event.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When [`handle_timeout`](Self::handle_timeout) is next due, if a timer runs.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.question.is_some() {
            return None;
        }
        let wait = match self.phase {
            Phase::Proxy => self.config.greeting_timeout,
            Phase::Command | Phase::Rejected | Phase::Auth(_) | Phase::Tls => {
                self.config.command_timeout
            }
            Phase::Data(_) | Phase::Bdat { .. } => self.config.data_block_timeout,
            Phase::Greeting | Phase::Closed => return None,
        };
        Some(self.last_activity + wait)
    }

    /// Whether the session wants more input (no question pending, not closed).
    pub fn wants_input(&self) -> bool {
        self.question.is_none() && !self.is_closed()
    }

    /// Whether the session is over.
    pub fn is_closed(&self) -> bool {
        self.phase == Phase::Closed
    }

    /// The client as the session knows it (after PROXY and XCLIENT).
    pub fn client(&self) -> &ClientInfo {
        &self.client
    }

    /// Whether TLS is in force.
    pub fn is_tls(&self) -> bool {
        self.tls
    }

    /// The login name of a successful AUTH or XCLIENT LOGIN.
    pub fn authenticated(&self) -> Option<&str> {
        self.authenticated.as_deref()
    }

    /// Negative replies sent so far.
    pub fn error_count(&self) -> u32 {
        self.errors
    }

    /// Processes buffered input until it runs out, a question is asked, or the session waits.
    fn advance(&mut self) {
        // The limit is checked before each command, not only after one: an answer to a question
        // can be the error that reaches it, and then no further command may be read (or asked
        // about) before the session closes.
        while !self.close_at_error_limit()
            && self.question.is_none()
            && !matches!(self.phase, Phase::Closed | Phase::Tls)
        {
            if !self.step() {
                self.close_at_error_limit();
                break;
            }
        }
        if self.pos > 0 {
            self.inbuf.drain(..self.pos);
            self.pos = 0;
        }
    }

    /// Past the hard error limit, sends `421 4.7.0` and closes (as Postfix's
    /// `smtpd_hard_error_limit`); true when closed.
    fn close_at_error_limit(&mut self) -> bool {
        if self.errors >= self.config.hard_error_limit && !self.is_closed() {
            let text = format!(
                "421 4.7.0 {} Error: too many errors\r\n",
                self.config.domain
            );
            self.out.extend_from_slice(text.as_bytes());
            self.close(CloseReason::TooManyErrors);
        }
        self.is_closed()
    }

    /// Writes a reply the session decided.
    fn send(&mut self, line: &[u8]) {
        if matches!(line.first(), Some(b'4' | b'5')) {
            self.errors += 1;
        }
        self.out.extend_from_slice(line);
    }

    /// Writes a reply the caller gave; true when it accepts (2xx or 3xx).
    fn send_reply(&mut self, reply: &Reply<'_>) -> bool {
        reply.write_to(&mut self.out);
        match reply.code().class() {
            ReplyClass::PositiveCompletion | ReplyClass::PositiveIntermediate => true,
            _ => {
                self.errors += 1;
                if reply.code().get() == 421 {
                    self.close(CloseReason::Refused);
                }
                false
            }
        }
    }

    fn close(&mut self, reason: CloseReason) {
        self.phase = Phase::Closed;
        self.question = None;
        self.inbuf.clear();
        self.pos = 0;
        self.events.push_back(Event::Closed(reason));
    }

    fn ask(&mut self, question: Question, event: Event) {
        self.question = Some(question);
        self.events.push_back(event);
    }

    fn ask_client(&mut self) {
        self.phase = Phase::Greeting;
        self.ask(Question::Client, Event::Client(self.client.clone()));
    }

    /// Forgets HELO, the transaction and AUTH: the state right after the greeting.
    fn reset_to_greeted(&mut self) {
        self.hello = None;
        self.tx = Transaction::default();
        self.authenticated = None;
        self.decoder = CommandDecoder::new(Self::command_config(&self.config, false));
    }
}
