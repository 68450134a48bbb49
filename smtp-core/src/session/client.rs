//! The client side of an SMTP session, sans-IO: the mirror image of
//! [`ServerSession`](super::server::ServerSession).
//!
//! The session waits for the greeting, sends EHLO (HELO when EHLO is refused), reads the typed
//! capabilities, then sends each message given to [`send`](ClientSession::send): MAIL, the RCPTs
//! and DATA (dot-stuffed by [`DotStuffer`]) or BDAT, pipelined when the server offers PIPELINING.
//! Each message ends in a [`ClientEvent::Delivery`] with the typed reply to every command, so
//! that a caller (or the bounce classifier) sees the outcome per recipient. A `421` ends the
//! session at any step.
//!
//! ```
//! use std::time::Instant;
//! use smtp_core::session::client::{ClientConfig, ClientEvent, ClientSession, Outgoing};
//!
//! let now = Instant::now();
//! let mut client = ClientSession::new(ClientConfig::default(), now);
//! client.send(Outgoing::new("a@example.org", &["b@example.net"], b"Hi\r\n".to_vec()).unwrap());
//! client.handle_input(b"220 mx.example.net ESMTP\r\n", now);
//! assert_eq!(client.poll_transmit().unwrap(), b"EHLO localhost\r\n");
//! client.handle_input(b"250-mx.example.net\r\n250 PIPELINING\r\n", now);
//! assert_eq!(
//!     client.poll_transmit().unwrap(),
//!     b"MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n"
//! );
//! client.handle_input(b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 Go\r\n", now);
//! assert_eq!(client.poll_transmit().unwrap(), b"Hi\r\n.\r\n");
//! client.handle_input(b"250 2.0.0 Ok: queued\r\n", now);
//! let delivered = std::iter::from_fn(|| client.poll_event())
//!     .any(|e| matches!(e, ClientEvent::Delivery(d) if d.delivered()));
//! assert!(delivered);
//! ```

mod types;

#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::time::Instant;

use crate::address::{Domain, ForwardPath, Host};
use crate::command::{Command, Mail, Rcpt};
use crate::ehlo::{Capability, EhloResponse};
use crate::params::{Body, MailParams, RcptParams};
use crate::reply::{Reply, ReplyClass, ReplyReader};
use crate::transfer::DotStuffer;

pub use types::{ClientClose, ClientConfig, ClientEvent, Delivery, Outgoing};

/// The reply a sent command waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Greeting,
    Ehlo,
    Helo,
    Mail,
    Rcpt(usize),
    Data,
    DataEnd,
    Bdat,
    Rset,
    Quit,
}

/// The message in flight.
#[derive(Debug)]
struct Current {
    message: Outgoing,
    delivery: Delivery,
    accepted: usize,
    pipelined: bool,
    chunked: bool,
}

/// An SMTP client session; see the [module docs](self).
///
/// Poll order after each `handle_*`, [`send`](Self::send) or [`quit`](Self::quit): drain
/// [`poll_transmit`](Self::poll_transmit), then [`poll_event`](Self::poll_event), then read
/// [`poll_timeout`](Self::poll_timeout); close the connection once
/// [`is_closed`](Self::is_closed) and nothing is left to transmit.
#[derive(Debug)]
pub struct ClientSession {
    config: ClientConfig,
    reader: ReplyReader,
    out: Vec<u8>,
    events: VecDeque<ClientEvent>,
    /// Replies awaited, oldest first, with when their command was sent.
    pending: VecDeque<(Expect, Instant)>,
    capabilities: Option<EhloResponse<'static>>,
    ready: bool,
    queue: VecDeque<Outgoing>,
    next_id: usize,
    current: Option<Current>,
    quit: bool,
    closed: bool,
    /// The name for EHLO/HELO.
    helo: Host<'static>,
    /// The time of the last call that gave one.
    last_now: Instant,
}

impl ClientSession {
    /// A session on a new connection, waiting for the greeting.
    pub fn new(config: ClientConfig, now: Instant) -> Self {
        let reader = ReplyReader::new(config.reply.clone());
        let helo = Domain::try_from(config.helo_name.as_str())
            .map(|d| Host::Domain(d.into_owned()))
            .unwrap_or_else(|_| Host::Domain(Domain::checked("localhost")));
        ClientSession {
            helo,
            last_now: now,
            config,
            reader,
            out: Vec::new(),
            events: VecDeque::new(),
            pending: VecDeque::from([(Expect::Greeting, now)]),
            capabilities: None,
            ready: false,
            queue: VecDeque::new(),
            next_id: 0,
            current: None,
            quit: false,
            closed: false,
        }
    }

    /// Queues a message; its [`Delivery`] carries the position in the order of the calls.
    pub fn send(&mut self, message: Outgoing) {
        self.queue.push_back(message);
        self.next_step(None);
    }

    /// Sends QUIT once the queued messages are done.
    pub fn quit(&mut self) {
        self.quit = true;
        self.next_step(None);
    }

    /// Takes bytes read from the connection.
    pub fn handle_input(&mut self, input: &[u8], now: Instant) {
        if self.closed {
            return;
        }
        self.last_now = now;
        self.reader.push(input);
        loop {
            let reply = match self.reader.next_reply() {
                None => break,
                Some(Ok(reply)) => reply.into_owned(),
                Some(Err(_)) => return self.close(ClientClose::ProtocolError),
            };
            self.on_reply(reply, now);
            if self.closed {
                return;
            }
        }
    }

    /// Tells the session the time: past the deadline of the oldest awaited reply it closes.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.last_now = now;
        if self.poll_timeout().is_some_and(|deadline| now >= deadline) {
            self.close(ClientClose::Timeout);
        }
    }

    /// Bytes to write to the connection.
    #[must_use]
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        (!self.out.is_empty()).then(|| std::mem::take(&mut self.out))
    }

    /// The next event.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<ClientEvent> {
        self.events.pop_front()
    }

    /// The deadline of the oldest awaited reply (RFC 5321 §4.5.3.2), if one is awaited.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.closed {
            return None;
        }
        let (expect, sent) = self.pending.front()?;
        let c = &self.config;
        let wait = match expect {
            Expect::Greeting => c.greeting_timeout,
            Expect::Rcpt(_) => c.rcpt_timeout,
            Expect::Data => c.data_initiation_timeout,
            Expect::DataEnd | Expect::Bdat => c.data_termination_timeout,
            _ => c.command_timeout,
        };
        Some(*sent + wait)
    }

    /// Whether the session is over.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// The server's EHLO capabilities, once known.
    pub fn capabilities(&self) -> Option<&EhloResponse<'static>> {
        self.capabilities.as_ref()
    }

    fn offers(&self, capability: &Capability<'_>) -> bool {
        self.capabilities
            .as_ref()
            .is_some_and(|c| c.has(capability))
    }

    fn write(&mut self, command: &Command<'_>, expect: Expect, now: Instant) {
        command.write_to(&mut self.out);
        self.pending.push_back((expect, now));
    }

    fn close(&mut self, reason: ClientClose) {
        self.closed = true;
        self.pending.clear();
        self.events.push_back(ClientEvent::Closed(reason));
    }

    fn on_reply(&mut self, reply: Reply<'static>, now: Instant) {
        let Some((expect, _)) = self.pending.pop_front() else {
            return self.close(match reply.code().get() {
                421 => ClientClose::ServiceClosing(reply),
                _ => ClientClose::ProtocolError,
            });
        };
        let positive = reply.code().class() == ReplyClass::PositiveCompletion;
        if reply.code().get() == 421 && expect != Expect::Quit {
            if let Some(current) = self.current.take() {
                self.events
                    .push_back(ClientEvent::Delivery(current.delivery));
            }
            return self.close(ClientClose::ServiceClosing(reply));
        }
        let host = || self.helo.clone();
        match expect {
            Expect::Greeting if positive => {
                self.events.push_back(ClientEvent::Greeting(reply));
                self.write(&Command::Ehlo(host().into()), Expect::Ehlo, now);
            }
            Expect::Ehlo if positive => {
                self.capabilities = EhloResponse::from_reply(&reply)
                    .ok()
                    .map(EhloResponse::into_owned);
                self.become_ready(now);
            }
            Expect::Ehlo => self.write(&Command::Helo(host().into()), Expect::Helo, now),
            Expect::Helo if positive => self.become_ready(now),
            Expect::Greeting | Expect::Helo => {
                self.write(&Command::Quit, Expect::Quit, now);
                self.events
                    .push_back(ClientEvent::Closed(ClientClose::Refused(reply)));
                self.closed = true;
            }
            Expect::Mail => {
                if let Some(c) = self.current.as_mut() {
                    c.delivery.mail = Some(reply);
                }
                self.next_step(Some(now));
            }
            Expect::Rcpt(i) => {
                if let Some(c) = self.current.as_mut() {
                    c.accepted += usize::from(positive);
                    c.delivery.recipients[i].1 = Some(reply);
                }
                self.next_step(Some(now));
            }
            Expect::Data if reply.code().get() == 354 => {
                if let Some(c) = self.current.as_ref() {
                    let mut stuffer = DotStuffer::new();
                    // No accepted recipient (a pipelined DATA the server took anyway): send the
                    // empty message to end the data (RFC 2920 §3.1).
                    if c.accepted > 0 {
                        stuffer.write(&c.message.data, &mut self.out);
                    }
                    stuffer.finish(&mut self.out);
                }
                self.pending.push_back((Expect::DataEnd, now));
            }
            Expect::Data | Expect::DataEnd | Expect::Bdat => {
                if let Some(c) = self.current.as_mut() {
                    c.delivery.data = Some(reply);
                }
                self.next_step(Some(now));
            }
            Expect::Rset => self.next_step(Some(now)),
            Expect::Quit => self.close(ClientClose::Quit),
        }
    }

    fn become_ready(&mut self, now: Instant) {
        self.ready = true;
        self.events
            .push_back(ClientEvent::Ready(self.capabilities.clone()));
        self.next_step(Some(now));
    }

    /// Sends what comes next once the replies awaited are in.
    fn next_step(&mut self, now: Option<Instant>) {
        if self.closed || !self.ready || !self.pending.is_empty() {
            return;
        }
        // Commands sent from `send`/`quit` take the time of the last call that gave one.
        let now = now.unwrap_or(self.last_now);
        if let Some(mut current) = self.current.take() {
            let d = &current.delivery;
            let mail_ok = d
                .mail
                .as_ref()
                .is_some_and(|r| r.code().class() == ReplyClass::PositiveCompletion);
            let unsent = d.recipients.iter().position(|(_, r)| r.is_none());
            if !current.pipelined && mail_ok && d.data.is_none() {
                if let Some(i) = unsent {
                    let rcpt = rcpt_command(&current.delivery.recipients[i].0);
                    self.current = Some(current);
                    return self.write(&rcpt, Expect::Rcpt(i), now);
                }
                if current.accepted > 0 {
                    current.pipelined = true; // the data step is the last one
                    self.send_data(&current, now);
                    self.current = Some(current);
                    return;
                }
            }
            // A transaction that did not end in a delivered message may still be open on the
            // server (MAIL accepted, DATA refused or never sent): reset it.
            let open = mail_ok && !d.delivered();
            self.events
                .push_back(ClientEvent::Delivery(current.delivery));
            if open {
                return self.write(&Command::Rset, Expect::Rset, now);
            }
        }
        if let Some(message) = self.queue.pop_front() {
            return self.start(message, now);
        }
        if self.quit {
            self.quit = false;
            self.write(&Command::Quit, Expect::Quit, now);
        }
    }

    fn start(&mut self, message: Outgoing, now: Instant) {
        let pipelined = self.config.pipelining && self.offers(&Capability::Pipelining);
        let chunked = self.offers(&Capability::Chunking)
            && (self.config.chunking || message.body == Some(Body::BinaryMime));
        let size = self
            .capabilities
            .as_ref()
            .and_then(|c| c.size())
            .map(|_| message.data.len() as u64);
        let mut params = MailParams::default();
        if let Some(size) = size {
            params = params.with_size(size);
        }
        if let Some(body) = message.body {
            params = params.with_body(body);
        }
        if message.smtputf8 {
            params = params.with_smtputf8();
        }
        let mail = Command::Mail(Mail {
            from: message.from.clone(),
            params,
        });
        self.write(&mail, Expect::Mail, now);
        let delivery = Delivery {
            id: self.next_id,
            mail: None,
            recipients: message
                .recipients
                .iter()
                .map(|r| (r.clone(), None))
                .collect(),
            data: None,
        };
        self.next_id += 1;
        let current = Current {
            message,
            delivery,
            accepted: 0,
            pipelined,
            chunked,
        };
        if pipelined {
            for (i, (to, _)) in current.delivery.recipients.iter().enumerate() {
                rcpt_command(to).write_to(&mut self.out);
                self.pending.push_back((Expect::Rcpt(i), now));
            }
            self.send_data(&current, now);
        }
        self.current = Some(current);
    }

    fn send_data(&mut self, current: &Current, now: Instant) {
        if current.chunked {
            let size = current.message.data.len() as u64;
            self.write(&Command::Bdat { size, last: true }, Expect::Bdat, now);
            self.out.extend_from_slice(&current.message.data);
        } else {
            self.write(&Command::Data, Expect::Data, now);
        }
    }
}

fn rcpt_command(to: &ForwardPath<'static>) -> Command<'static> {
    Command::Rcpt(Rcpt {
        to: to.clone(),
        params: RcptParams::default(),
    })
}
