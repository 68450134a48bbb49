//! What the server does with each command, and with the caller's answers.

use memchr::memchr_iter;

use crate::command::{Auth, Command, Mail, Rcpt};
use crate::ehlo::{Capability, EhloResponse};
use crate::framing::LineFramer;
use crate::params::Body;
use crate::reply::ReplyClass;
use crate::transfer::{BdatReceiver, BdatStatus, DataConfig, DataReceiver, DataStatus, Discard};

use super::auth::{self, Step};
use super::events::{Answer, CloseReason, Event, Message, Origin, Violation};
use super::proxy::{ProxyError, parse_proxy_header};
use super::state::{Phase, Question, Transaction};
use super::{PipeliningPolicy, ServerSession, xclient};

const OK: &[u8] = b"250 2.0.0 Ok\r\n";
const SENDER_OK: &[u8] = b"250 2.1.0 Ok\r\n";
const RECIPIENT_OK: &[u8] = b"250 2.1.5 Ok\r\n";
const QUEUED: &[u8] = b"250 2.0.0 Ok: queued\r\n";
const AUTH_OK: &[u8] = b"235 2.7.0 Authentication successful\r\n";
const START_DATA: &[u8] = b"354 End data with <CR><LF>.<CR><LF>\r\n";
const START_TLS: &[u8] = b"220 2.0.0 Ready to start TLS\r\n";
const BYE: &[u8] = b"221 2.0.0 Bye\r\n";
const VRFY: &[u8] = b"252 2.0.0 Send some mail, I'll try my best\r\n";
const HELP: &[u8] = b"214 2.0.0 Commands and their syntax: RFC 5321\r\n";
const UNRECOGNIZED: &[u8] = b"500 5.5.2 Error: command not recognized\r\n";
const NOT_IMPLEMENTED: &[u8] = b"502 5.5.1 Error: command not implemented\r\n";
const NEED_HELO: &[u8] = b"503 5.5.1 Error: send HELO/EHLO first\r\n";
const NEED_EHLO: &[u8] = b"503 5.5.1 Error: send EHLO first\r\n";
const NESTED_MAIL: &[u8] = b"503 5.5.1 Error: nested MAIL command\r\n";
const NEED_MAIL: &[u8] = b"503 5.5.1 Error: need MAIL command\r\n";
const NEED_RCPT: &[u8] = b"503 5.5.1 Error: need RCPT command\r\n";
const NO_RECIPIENTS: &[u8] = b"554 5.5.1 Error: no valid recipients\r\n";
const IN_TRANSACTION: &[u8] = b"503 5.5.1 Error: MAIL transaction in progress\r\n";
const BDAT_UNDER_WAY: &[u8] = b"503 5.5.1 Error: BDAT transfer in progress\r\n";
const BINARY_NEEDS_BDAT: &[u8] = b"503 5.5.1 Error: BODY=BINARYMIME requires BDAT\r\n";
const REFUSED_SERVICE: &[u8] = b"503 5.5.1 Error: service refused, send QUIT\r\n";
const TOO_MANY_RECIPIENTS: &[u8] = b"452 4.5.3 Error: too many recipients\r\n";
const TOO_BIG: &[u8] = b"552 5.3.4 Message size exceeds fixed limit\r\n";
const LONG_TEXT_LINE: &[u8] =
    b"550 5.5.6 Message refused: text line too long (RFC 5321 4.5.3.1.6)\r\n";
const TLS_ACTIVE: &[u8] = b"503 5.5.1 Error: TLS already active\r\n";
const AUTH_OFF: &[u8] = b"502 5.5.1 Error: authentication not enabled\r\n";
const AUTH_NEEDS_TLS: &[u8] =
    b"538 5.7.11 Encryption required for requested authentication mechanism\r\n";
const AUTHENTICATED: &[u8] = b"503 5.5.1 Error: already authenticated\r\n";
const AUTH_LINE_TOO_LONG: &[u8] = b"500 5.5.6 Authentication response too long\r\n";
const XCLIENT_DENIED: &[u8] = b"550 5.7.0 Error: insufficient authorization\r\n";
const XCLIENT_BAD: &[u8] = b"501 5.5.4 Bad XCLIENT attribute value\r\n";
const SYNCHRONIZATION: &[u8] = b"554 5.5.0 Error: SMTP protocol synchronization\r\n";
/// RFC 4954 §4: an AUTH response line may be 12 288 octets.
const AUTH_LINE_LIMIT: usize = 12_288;

impl ServerSession {
    /// One unit of work in the current phase; false when it needs more input.
    pub(super) fn step(&mut self) -> bool {
        match self.phase {
            Phase::Proxy => self.step_proxy(),
            Phase::Command | Phase::Rejected => self.step_command(),
            Phase::Auth(_) => self.step_auth(),
            Phase::Data(_) => self.step_data(),
            Phase::Bdat { .. } => self.step_bdat(),
            Phase::Greeting | Phase::Tls | Phase::Closed => false,
        }
    }

    fn step_proxy(&mut self) -> bool {
        match parse_proxy_header(&self.inbuf[self.pos..]) {
            Ok((header, used)) => {
                self.pos += used;
                if let Some(source) = header.source {
                    self.client.addr = Some(source.ip());
                    self.client.port = Some(source.port());
                    self.client.origin = Origin::Proxy;
                }
                self.ask_client();
                true
            }
            Err(ProxyError::Incomplete) => false,
            Err(ProxyError::Invalid(why)) => {
                self.close(CloseReason::BadProxyHeader(why));
                false
            }
        }
    }

    fn step_command(&mut self) -> bool {
        let (used, item) = self.decoder.decode(&self.inbuf[self.pos..]);
        let item = item.map(|r| r.map(|parsed| parsed.command.into_owned()));
        self.pos += used;
        match item {
            None => false,
            Some(Err(error)) => {
                let mut line = Vec::new();
                error.reply().write_to(&mut line);
                self.send(&line);
                true
            }
            Some(Ok(command)) => {
                self.command(command);
                true
            }
        }
    }

    /// The command after which pipelined input is improper, if `command` is one (RFC 2920
    /// §3.1: commands that end a group; any command when PIPELINING is not in force).
    fn ends_group(&self, command: &Command<'_>) -> Option<&'static str> {
        let pipelining = self.hello == Some(true) && self.config.extensions.pipelining;
        let verb = match command {
            // QUIT ends the session anyway; STARTTLS discards what follows; BDAT is followed by
            // its chunk.
            Command::Quit | Command::StartTls | Command::Bdat { .. } => return None,
            Command::Helo(_) => "HELO",
            Command::Ehlo(_) => "EHLO",
            Command::Lhlo(_) => "LHLO",
            Command::Data => "DATA",
            Command::Auth(_) => "AUTH",
            Command::Vrfy(_) => "VRFY",
            Command::Expn(_) => "EXPN",
            Command::Help(_) => "HELP",
            Command::Noop(_) => "NOOP",
            Command::Xclient(_) => "XCLIENT",
            Command::Etrn(_) => "ETRN",
            Command::Mail(_) if !pipelining => "MAIL",
            Command::Rcpt(_) if !pipelining => "RCPT",
            Command::Rset if !pipelining => "RSET",
            Command::Xforward(_) if !pipelining => "XFORWARD",
            Command::Unknown(_) if !pipelining => "unknown command",
            _ => return None,
        };
        Some(verb)
    }

    fn command(&mut self, command: Command<'static>) {
        if self.phase == Phase::Rejected {
            if command == Command::Quit {
                self.send(BYE);
                self.close(CloseReason::Quit);
            } else {
                self.send(REFUSED_SERVICE);
            }
            return;
        }
        if self.pos < self.inbuf.len()
            && let Some(after) = self.ends_group(&command)
        {
            self.events
                .push_back(Event::Violation(Violation::ImproperPipelining { after }));
            if self.config.improper_pipelining == PipeliningPolicy::Reject {
                self.send(SYNCHRONIZATION);
                self.close(CloseReason::ImproperPipelining);
                return;
            }
        }
        if self.config.ask_commands && Self::answered_by_session(&command) {
            let event = Event::CommandRequest(command.clone());
            return self.ask(Question::Command(command), event);
        }
        match command {
            Command::Helo(name) => self.hello(name, false),
            Command::Ehlo(name) => self.hello(name, true),
            Command::Mail(mail) => self.mail(mail),
            Command::Rcpt(rcpt) => self.rcpt(rcpt),
            Command::Data => self.data(),
            Command::Bdat { size, last } => self.bdat(size, last),
            Command::Quit => {
                self.send(BYE);
                self.close(CloseReason::Quit);
            }
            Command::StartTls => self.starttls(),
            Command::Auth(auth) => self.auth(auth),
            Command::Xclient(attributes) => match (self.config.xclient, self.tx.is_open()) {
                (false, _) => self.send(XCLIENT_DENIED),
                (true, true) => self.send(IN_TRANSACTION),
                (true, false) => match xclient::apply(&attributes, &self.client) {
                    Ok(client) => {
                        self.client = client;
                        self.reset_to_greeted();
                        self.authenticated = self.client.login.clone();
                        self.ask_client();
                    }
                    Err(_) => self.send(XCLIENT_BAD),
                },
            },
            other => self.own_answer(&other),
        }
    }

    /// Whether the session answers `command` by itself, with no question unless
    /// [`Config::ask_commands`](super::Config::ask_commands) is on.
    fn answered_by_session(command: &Command<'_>) -> bool {
        matches!(
            command,
            Command::Rset
                | Command::Noop(_)
                | Command::Vrfy(_)
                | Command::Expn(_)
                | Command::Help(_)
                | Command::Etrn(_)
                | Command::Xforward(_)
                | Command::Lhlo(_)
                | Command::Unknown(_)
        )
    }

    /// The session's own answer to a command it answers by itself (and its state change:
    /// RSET resets the transaction).
    fn own_answer(&mut self, command: &Command<'_>) {
        match command {
            Command::Rset => {
                self.reset_transaction();
                self.send(OK);
            }
            Command::Noop(_) => self.send(OK),
            Command::Vrfy(_) => self.send(VRFY),
            Command::Help(_) => self.send(HELP),
            Command::Unknown(_) => self.send(UNRECOGNIZED),
            _ => self.send(NOT_IMPLEMENTED),
        }
    }

    fn reset_transaction(&mut self) {
        self.tx = Transaction::default();
        self.decoder
            .set_config(Self::command_config(&self.config, false));
    }

    fn hello(&mut self, name: crate::command::HeloName<'static>, extended: bool) {
        if self.config.ask_hello {
            let event = Event::HelloRequest {
                name: name.clone(),
                extended,
            };
            return self.ask(Question::Hello(name, extended), event);
        }
        self.greet(name, extended);
    }

    /// Answers HELO/EHLO with `250` and starts over from a greeted state.
    fn greet(&mut self, name: crate::command::HeloName<'static>, extended: bool) {
        self.reset_transaction();
        self.hello = Some(extended);
        if extended {
            let reply = self.ehlo_reply();
            self.send(&reply);
        } else {
            let line = format!("250 {}\r\n", self.config.domain);
            self.send(line.as_bytes());
        }
        self.events.push_back(Event::Hello { name, extended });
    }

    fn ehlo_reply(&self) -> Vec<u8> {
        let config = &self.config;
        let ext = config.extensions;
        let auth_on = !config.auth_mechanisms.is_empty() && (self.tls || !config.auth_requires_tls);
        let mechanisms = config
            .auth_mechanisms
            .iter()
            .map(|m| m.as_str().into())
            .collect();
        let xclient = ["NAME", "ADDR", "PORT", "PROTO", "HELO", "LOGIN"];
        let offers = [
            (ext.pipelining, Capability::Pipelining),
            (ext.size, Capability::Size(Some(config.max_message_size))),
            (ext.starttls && !self.tls, Capability::StartTls),
            (
                auth_on,
                Capability::Auth {
                    mechanisms,
                    legacy_form: false,
                },
            ),
            (
                config.xclient,
                Capability::Xclient(xclient.iter().map(|a| (*a).into()).collect()),
            ),
            (ext.enhanced_status_codes, Capability::EnhancedStatusCodes),
            (ext.eight_bit_mime, Capability::EightBitMime),
            (ext.dsn, Capability::Dsn),
            (ext.smtputf8, Capability::SmtpUtf8),
            (ext.chunking, Capability::Chunking),
            (ext.chunking && ext.binary_mime, Capability::BinaryMime),
        ];
        let ehlo = offers
            .into_iter()
            .filter(|(on, _)| *on)
            .fold(EhloResponse::new(config.domain.as_str()), |e, (_, c)| {
                e.with_capability(c)
            });
        match ehlo.to_reply() {
            Ok(reply) => reply.to_bytes(),
            Err(_) => format!("250 {}\r\n", config.domain).into_bytes(),
        }
    }

    fn mail(&mut self, mail: Mail<'static>) {
        if self.hello.is_none() {
            return self.send(NEED_HELO);
        }
        if self.tx.is_open() {
            return self.send(NESTED_MAIL);
        }
        if let Some(refusal) = self.check_mail_params(&mail) {
            return self.send(&refusal);
        }
        self.ask(Question::Sender(mail.clone()), Event::Sender(mail));
    }

    /// The refusal for a MAIL parameter the session does not offer (`555 5.5.4`, RFC 5321
    /// §4.1.1.11), or a declared size past the limit (`552 5.3.4`, RFC 1870 §6.2).
    fn check_mail_params(&self, mail: &Mail<'_>) -> Option<Vec<u8>> {
        let ext = self.config.extensions;
        let esmtp = self.hello == Some(true);
        let p = &mail.params;
        let unsupported =
            |name: &str| Some(format!("555 5.5.4 Unsupported option: {name}\r\n").into_bytes());
        if let Some(size) = p.size() {
            if !(esmtp && ext.size) {
                return unsupported("SIZE");
            }
            if size > self.config.max_message_size {
                return Some(TOO_BIG.to_vec());
            }
        }
        let body_ok = match p.body() {
            None => true,
            Some(Body::SevenBit) => esmtp,
            Some(Body::EightBitMime) => esmtp && ext.eight_bit_mime,
            Some(Body::BinaryMime) => esmtp && ext.binary_mime && ext.chunking,
        };
        if !body_ok {
            return unsupported("BODY");
        }
        if p.smtputf8() && !(esmtp && ext.smtputf8) {
            return unsupported("SMTPUTF8");
        }
        if (p.ret().is_some() || p.envid().is_some()) && !(esmtp && ext.dsn) {
            return unsupported("RET/ENVID");
        }
        if p.auth().is_some() && !esmtp {
            return unsupported("AUTH");
        }
        if p.requiretls() || p.mt_priority().is_some() || p.hold().is_some() || p.by().is_some() {
            return unsupported("REQUIRETLS/MT-PRIORITY/HOLDFOR/BY");
        }
        if let Some(param) = p.other().next() {
            return unsupported(param.keyword.as_str());
        }
        None
    }

    fn rcpt(&mut self, rcpt: Rcpt<'static>) {
        if !self.tx.is_open() {
            return self.send(NEED_MAIL);
        }
        if self.tx.bdat.is_some() {
            return self.send(BDAT_UNDER_WAY);
        }
        self.tx.rcpt_attempts += 1;
        if self.tx.rcpts.len() >= self.config.max_recipients {
            return self.send(TOO_MANY_RECIPIENTS);
        }
        let dsn = self.hello == Some(true) && self.config.extensions.dsn;
        if (rcpt.params.notify().is_some() || rcpt.params.orcpt().is_some()) && !dsn {
            return self.send(b"555 5.5.4 Unsupported option: NOTIFY/ORCPT\r\n");
        }
        if let Some(param) = rcpt.params.other().next() {
            let line = format!(
                "555 5.5.4 Unsupported option: {}\r\n",
                param.keyword.as_str()
            );
            return self.send(line.as_bytes());
        }
        self.ask(Question::Recipient(rcpt.clone()), Event::Recipient(rcpt));
    }

    /// Why the transaction cannot take message data now, if it cannot.
    fn data_refusal(&self) -> Option<&'static [u8]> {
        if !self.tx.is_open() {
            Some(NEED_MAIL)
        } else if self.tx.rcpts.is_empty() {
            Some(if self.tx.rcpt_attempts == 0 {
                NEED_RCPT
            } else {
                NO_RECIPIENTS
            })
        } else {
            None
        }
    }

    fn data(&mut self) {
        if let Some(refusal) = self.data_refusal() {
            return self.send(refusal);
        }
        if self.tx.bdat.is_some() {
            return self.send(BDAT_UNDER_WAY);
        }
        if self.tx.mail.as_ref().and_then(|m| m.params.body()) == Some(Body::BinaryMime) {
            return self.send(BINARY_NEEDS_BDAT);
        }
        if self.config.ask_data {
            return self.ask(Question::Data, Event::DataRequest);
        }
        self.send(START_DATA);
        self.start_data();
    }

    /// Reads message text from now on (the `354` has been sent).
    fn start_data(&mut self) {
        self.phase = Phase::Data(DataReceiver::new(DataConfig {
            bare_lf: self.config.bare_lf,
            bare_cr: self.config.bare_cr,
            max_size: self.config.max_message_size,
        }));
    }

    fn step_data(&mut self) -> bool {
        let Phase::Data(receiver) = &mut self.phase else {
            return false;
        };
        let input = &self.inbuf[self.pos..];
        // Room for what was read (no more: the client's SIZE is not trusted with memory), so
        // that the message grows once per read rather than by doubling.
        self.tx.data.reserve(input.len());
        let status = receiver.feed(input, &mut self.tx.data);
        let DataStatus::Done { consumed, outcome } = status else {
            self.pos = self.inbuf.len();
            return false;
        };
        self.pos += consumed;
        self.phase = Phase::Command;
        match outcome {
            Err(error) => {
                let line = format!("{}\r\n", error.reply());
                self.reset_transaction();
                self.send(line.as_bytes());
            }
            Ok(_)
                if self
                    .config
                    .text_line_limit
                    .is_some_and(|limit| has_long_line(&self.tx.data, limit)) =>
            {
                self.reset_transaction();
                self.send(LONG_TEXT_LINE);
            }
            Ok(summary) => self.ask_message(summary, false),
        }
        true
    }

    fn ask_message(&mut self, summary: crate::transfer::DataSummary, chunked: bool) {
        let tx = std::mem::take(&mut self.tx);
        self.reset_transaction();
        let Some(mail) = tx.mail else { return };
        let declared_8bit = matches!(
            mail.params.body(),
            Some(Body::EightBitMime | Body::BinaryMime)
        );
        let message = Message {
            undeclared_8bit: !declared_8bit && !tx.data.is_ascii(),
            mail,
            recipients: tx.rcpts,
            data: tx.data,
            summary,
            chunked,
        };
        self.ask(Question::Message, Event::Message(message));
    }

    fn bdat(&mut self, size: u64, last: bool) {
        let chunking = self.hello == Some(true) && self.config.extensions.chunking;
        let refusal = if chunking {
            self.data_refusal()
        } else {
            Some(NOT_IMPLEMENTED)
        };
        let mut receiver = match refusal {
            // The chunk is on the wire anyway: read it and drop it (RFC 3030 §2).
            Some(_) => BdatReceiver::new(u64::MAX),
            None => self
                .tx
                .bdat
                .take()
                .unwrap_or_else(|| BdatReceiver::new(self.config.max_message_size)),
        };
        receiver.begin_chunk(size, last);
        self.phase = Phase::Bdat {
            receiver: Box::new(receiver),
            size,
            refusal,
        };
    }

    fn step_bdat(&mut self) -> bool {
        let Phase::Bdat {
            receiver, refusal, ..
        } = &mut self.phase
        else {
            return false;
        };
        let input = &self.inbuf[self.pos..];
        let status = match refusal {
            Some(_) => receiver.feed(input, &mut Discard),
            None => {
                let chunk = usize::try_from(receiver.chunk_remaining()).unwrap_or(usize::MAX);
                self.tx.data.reserve(input.len().min(chunk));
                receiver.feed(input, &mut self.tx.data)
            }
        };
        let consumed = match status {
            BdatStatus::Idle | BdatStatus::Partial => {
                self.pos = self.inbuf.len();
                return false;
            }
            BdatStatus::ChunkDone { consumed, .. } | BdatStatus::MessageDone { consumed, .. } => {
                consumed
            }
        };
        self.pos += consumed;
        let Phase::Bdat {
            receiver,
            size,
            refusal,
        } = std::mem::replace(&mut self.phase, Phase::Command)
        else {
            return false;
        };
        if let Some(refusal) = refusal {
            self.send(refusal);
            return true;
        }
        match status {
            BdatStatus::ChunkDone {
                outcome: Ok(()), ..
            } => {
                self.tx.bdat = Some(*receiver);
                let line = format!("250 2.0.0 Ok: {size} octets received\r\n");
                self.send(line.as_bytes());
            }
            BdatStatus::MessageDone {
                outcome: Ok(summary),
                ..
            } => self.ask_message(summary, true),
            BdatStatus::ChunkDone {
                outcome: Err(error),
                ..
            }
            | BdatStatus::MessageDone {
                outcome: Err(error),
                ..
            } => {
                // RFC 3030 §2: the transaction failed; later chunks are read and refused.
                let line = format!("{}\r\n", error.reply());
                self.reset_transaction();
                self.send(line.as_bytes());
            }
            BdatStatus::Idle | BdatStatus::Partial => {}
        }
        true
    }

    fn starttls(&mut self) {
        if !self.config.extensions.starttls {
            return self.send(NOT_IMPLEMENTED);
        }
        if self.tls {
            return self.send(TLS_ACTIVE);
        }
        if self.tx.is_open() {
            return self.send(IN_TRANSACTION);
        }
        self.send(START_TLS);
        let discarded = self.inbuf.len() - self.pos;
        self.pos = self.inbuf.len();
        if discarded > 0 {
            self.events
                .push_back(Event::Violation(Violation::PlaintextAfterStartTls {
                    discarded,
                }));
        }
        self.phase = Phase::Tls;
        self.events.push_back(Event::StartTls);
    }

    fn auth(&mut self, auth: Auth<'static>) {
        let config = &self.config;
        let refusal = if config.auth_mechanisms.is_empty() {
            Some(AUTH_OFF)
        } else if self.hello != Some(true) {
            Some(NEED_EHLO)
        } else if config.auth_requires_tls && !self.tls {
            Some(AUTH_NEEDS_TLS)
        } else if self.authenticated.is_some() {
            Some(AUTHENTICATED)
        } else if self.tx.is_open() {
            Some(IN_TRANSACTION)
        } else {
            None
        };
        if let Some(refusal) = refusal {
            return self.send(refusal);
        }
        let step = auth::start(&auth, &self.config.auth_mechanisms);
        self.auth_step(step, None);
    }

    fn auth_step(&mut self, step: Step, framer: Option<LineFramer>) {
        match step {
            Step::Challenge(challenge, exchange) => {
                self.send(challenge);
                let framer =
                    framer.unwrap_or_else(|| LineFramer::new(AUTH_LINE_LIMIT, self.config.lenient));
                self.phase = Phase::Auth(Box::new((exchange, framer)));
            }
            Step::Done(credentials) => {
                self.ask(
                    Question::Auth(credentials.username.clone()),
                    Event::Auth(credentials),
                );
            }
            Step::Failed(reply) => self.send(reply),
        }
    }

    fn step_auth(&mut self) -> bool {
        let Phase::Auth(exchange) = &mut self.phase else {
            return false;
        };
        let (used, line) = exchange.1.next_line(&self.inbuf[self.pos..]);
        let line = line.map(|l| l.map(|l| l.content().to_vec()));
        self.pos += used;
        let Some(line) = line else { return false };
        let Phase::Auth(exchange) = std::mem::replace(&mut self.phase, Phase::Command) else {
            return false;
        };
        let (exchange, framer) = *exchange;
        match line {
            Ok(line) => self.auth_step(auth::respond(exchange, &line), Some(framer)),
            Err(error) if matches!(error.kind, crate::ErrorKind::LineTooLong { .. }) => {
                self.send(AUTH_LINE_TOO_LONG)
            }
            Err(_) => self.send(auth::BAD_BASE64),
        }
        true
    }

    /// Acts on the caller's answer to `question`.
    pub(super) fn resolve(&mut self, question: Question, answer: Answer) {
        match question {
            Question::Client => {
                if self.pos < self.inbuf.len() {
                    self.events
                        .push_back(Event::Violation(Violation::TalkedBeforeGreeting));
                    if self.config.improper_pipelining == PipeliningPolicy::Reject {
                        self.send(SYNCHRONIZATION);
                        return self.close(CloseReason::ImproperPipelining);
                    }
                }
                let greeting = format!("220 {} {}\r\n", self.config.domain, self.config.greeting);
                let served = match answer {
                    Answer::Accept => {
                        self.out.extend_from_slice(greeting.as_bytes());
                        true
                    }
                    Answer::Reply(reply) => self.send_reply(&reply),
                };
                if !self.is_closed() {
                    self.phase = if served {
                        Phase::Command
                    } else {
                        Phase::Rejected
                    };
                }
            }
            Question::Hello(name, extended) => match answer {
                Answer::Reply(reply)
                    if !matches!(
                        reply.code().class(),
                        ReplyClass::PositiveCompletion | ReplyClass::PositiveIntermediate
                    ) =>
                {
                    self.send_reply(&reply);
                }
                _ => self.greet(name, extended),
            },
            Question::Data => {
                if self.accept_or(answer, START_DATA) {
                    self.start_data();
                }
            }
            Question::Sender(mail) => {
                if self.accept_or(answer, SENDER_OK) {
                    let smtputf8 = mail.params.smtputf8();
                    self.decoder
                        .set_config(Self::command_config(&self.config, smtputf8));
                    self.tx.mail = Some(mail);
                }
            }
            Question::Recipient(rcpt) => {
                if self.accept_or(answer, RECIPIENT_OK) {
                    self.tx.rcpts.push(rcpt);
                }
            }
            Question::Message => {
                self.accept_or(answer, QUEUED);
            }
            Question::Command(command) => match answer {
                Answer::Accept => self.own_answer(&command),
                Answer::Reply(reply) => {
                    let positive = reply.code().class() == ReplyClass::PositiveCompletion;
                    self.send_reply(&reply);
                    if positive && command == Command::Rset {
                        self.reset_transaction();
                    }
                }
            },
            Question::Auth(login) => {
                if self.accept_or(answer, AUTH_OK) {
                    self.authenticated = Some(login);
                }
            }
        }
    }

    fn accept_or(&mut self, answer: Answer, accept: &[u8]) -> bool {
        match answer {
            Answer::Accept => {
                self.send(accept);
                true
            }
            Answer::Reply(reply) => self.send_reply(&reply) && !self.is_closed(),
        }
    }
}

/// Whether a line of `data` is longer than `limit` octets, its CRLF included.
fn has_long_line(data: &[u8], limit: usize) -> bool {
    let mut start = 0;
    for lf in memchr_iter(b'\n', data) {
        if lf + 1 - start > limit {
            return true;
        }
        start = lf + 1;
    }
    start < data.len() && data.len() - start + 2 > limit
}
