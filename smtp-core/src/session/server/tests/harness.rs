//! A test driver: feeds a server session, answers its questions, records what it said.

use std::time::Instant;

use super::super::*;
use crate::reply::{ReplyConfig, ReplyReader};
use crate::session::reply;

/// How the driver answers questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Policy {
    Accept,
    RejectRecipients,
    RejectAuth,
    /// Refuse recipients whose address contains `deny`.
    DenyMarked,
}

pub(super) struct Driver {
    pub(super) session: ServerSession,
    pub(super) now: Instant,
    pub(super) policy: Policy,
    pub(super) transcript: Vec<u8>,
    pub(super) messages: Vec<Message>,
    pub(super) senders: usize,
    pub(super) clients: Vec<ClientInfo>,
    pub(super) credentials: Vec<Credentials>,
    pub(super) violations: Vec<Violation>,
    pub(super) starttls: usize,
    pub(super) closed: Option<CloseReason>,
}

impl Driver {
    /// A session whose greeting has been answered.
    pub(super) fn new(config: Config) -> Self {
        let mut d = Self::new_raw(config);
        d.pump();
        d
    }

    pub(super) fn with_peer(config: Config, peer: std::net::SocketAddr) -> Self {
        let mut d = Self::new_raw(config);
        d.session = ServerSession::with_peer(d.session.config.clone(), peer, d.now);
        d.pump();
        d
    }

    /// A session nobody has polled yet.
    pub(super) fn new_raw(config: Config) -> Self {
        let now = Instant::now();
        Driver {
            session: ServerSession::new(config, now),
            now,
            policy: Policy::Accept,
            transcript: Vec::new(),
            messages: Vec::new(),
            senders: 0,
            clients: Vec::new(),
            credentials: Vec::new(),
            violations: Vec::new(),
            starttls: 0,
            closed: None,
        }
    }

    pub(super) fn feed(&mut self, bytes: &[u8]) {
        self.session.handle_input(bytes, self.now);
        self.pump();
    }

    pub(super) fn pump(&mut self) {
        loop {
            while let Some(bytes) = self.session.poll_transmit() {
                self.transcript.extend_from_slice(&bytes);
            }
            let Some(event) = self.session.poll_event() else {
                break;
            };
            let answer = match event {
                Event::Client(c) => {
                    self.clients.push(c);
                    Some(Answer::Accept)
                }
                Event::Sender(_) => {
                    self.senders += 1;
                    Some(Answer::Accept)
                }
                Event::Recipient(r)
                    if self.policy == Policy::RejectRecipients
                        || (self.policy == Policy::DenyMarked
                            && format!("{:?}", r.to).contains("deny")) =>
                {
                    Some(Answer::Reply(reply(550, "5.1.1", "No such user").unwrap()))
                }
                Event::Recipient(_)
                | Event::HelloRequest { .. }
                | Event::DataRequest
                | Event::CommandRequest(_) => Some(Answer::Accept),
                Event::Message(m) => {
                    self.messages.push(m);
                    Some(Answer::Accept)
                }
                Event::Auth(c) => {
                    self.credentials.push(c);
                    Some(if self.policy == Policy::RejectAuth {
                        Answer::Reply(
                            reply(535, "5.7.8", "Authentication credentials invalid").unwrap(),
                        )
                    } else {
                        Answer::Accept
                    })
                }
                Event::Violation(v) => {
                    self.violations.push(v);
                    None
                }
                Event::StartTls => {
                    self.starttls += 1;
                    None
                }
                Event::Closed(reason) => {
                    self.closed = Some(reason);
                    None
                }
                Event::Hello { .. } => None,
            };
            if let Some(answer) = answer {
                self.session
                    .answer(answer, self.now)
                    .expect("a question was pending");
            }
        }
    }

    pub(super) fn closed(&self) -> bool {
        self.session.is_closed()
    }

    pub(super) fn closed_reason(&self) -> Option<CloseReason> {
        self.closed
    }

    /// The reply codes in the transcript (each reply once, multi-line or not).
    pub(super) fn codes(&self) -> Vec<u16> {
        let mut reader = ReplyReader::new(ReplyConfig::default());
        reader.push(&self.transcript);
        let mut codes = Vec::new();
        while let Some(reply) = reader.next_reply() {
            codes.push(reply.expect("the server writes valid replies").code().get());
        }
        assert_eq!(reader.buffered(), 0, "a reply is cut short");
        codes
    }

    /// Every reply is valid, with an enhanced status code of the right class past the greeting
    /// and EHLO; the session ends in step.
    pub(super) fn check_wellformed(&self) {
        let mut reader = ReplyReader::new(ReplyConfig::default());
        reader.push(&self.transcript);
        while let Some(reply) = reader.next_reply() {
            let reply = reply.expect("valid reply");
            if let Some(status) = reply.status() {
                assert!(status.agrees_with_reply_code(reply.code().get()));
            }
        }
        assert_eq!(reader.buffered(), 0);
    }
}
