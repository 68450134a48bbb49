//! What the server session tells its caller, and how the caller answers.

use std::net::IpAddr;

use crate::command::{Command, HeloName, Mail, Rcpt};
use crate::reply::Reply;
use crate::transfer::DataSummary;

use super::auth::Credentials;

/// Something the caller must know or decide.
///
/// The variants documented as **questions** stop the session until the caller calls
/// [`ServerSession::answer`](super::ServerSession::answer); the others are notices.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// **Question**: serve this client? Asked before the greeting (after the PROXY header, if
    /// any), and again after XCLIENT with the new identity. Accept sends the `220` greeting; a
    /// `5xx` reply makes the session answer `503` to everything but QUIT (RFC 5321 §3.1); a
    /// `421` closes.
    Client(ClientInfo),
    /// Notice: the client said HELO (`extended` false) or EHLO and was answered `250`.
    Hello {
        /// The name (or address literal) the client gave; in lenient mode, any text.
        name: HeloName<'static>,
        /// EHLO rather than HELO.
        extended: bool,
    },
    /// **Question** (only with [`Config::ask_hello`](super::Config::ask_hello)): answer this
    /// HELO (`extended` false) or EHLO? Accept sends the usual `250` reply (any `2xx` answer
    /// does; its text is not used, the EHLO reply lists the extensions) and then the
    /// [`Event::Hello`] notice; a refusal is sent as given and changes nothing.
    HelloRequest {
        /// The name (or address literal) the client gave; in lenient mode, any text.
        name: HeloName<'static>,
        /// EHLO rather than HELO.
        extended: bool,
    },
    /// **Question** (only with [`Config::ask_data`](super::Config::ask_data)): start the
    /// message data (`354` on accept, or the `3xx` reply given)? A refusal keeps the
    /// transaction open, as after any refused command.
    DataRequest,
    /// **Question** (only with [`Config::ask_commands`](super::Config::ask_commands)): answer
    /// this command, which the session would otherwise answer by itself: `RSET`, `NOOP`,
    /// `VRFY`, `EXPN`, `HELP`, `ETRN`, `XFORWARD`, `LHLO` or an unrecognized verb
    /// ([`Command::Unknown`]). It is asked only once the session's own checks passed (improper
    /// pipelining, a refused greeting). [`Answer::Accept`] sends the session's own reply
    /// (`250` to RSET and NOOP, `252` to VRFY, `214` to HELP, `502` to EXPN, ETRN, XFORWARD
    /// and LHLO, `500` to an unknown verb). [`Answer::Reply`] sends the reply given; `RSET`
    /// resets the transaction only when that reply is `2xx` (a refused RSET leaves it open, as
    /// for any refused command); a `421` closes the session; other commands change no state.
    CommandRequest(Command<'static>),
    /// **Question**: accept this sender (`250 2.1.0` on accept)?
    Sender(Mail<'static>),
    /// **Question**: accept this recipient (`250 2.1.5` on accept)?
    Recipient(Rcpt<'static>),
    /// **Question**: take responsibility for this message (`250 2.0.0` on accept)? Only whole
    /// messages that passed every protocol check are asked about.
    Message(Message),
    /// **Question**: are these credentials good (`235 2.7.0` on accept; the default refusal to
    /// give is `535 5.7.8`)?
    Auth(Credentials),
    /// Notice: the client asked for STARTTLS and the `220` is in the transmit queue. Write it,
    /// run the TLS handshake, then call
    /// [`tls_established`](super::ServerSession::tls_established). Plaintext that followed the
    /// command has been discarded.
    StartTls,
    /// Notice: the client broke the protocol in a way worth logging.
    Violation(Violation),
    /// Notice: the session is over; write what remains to transmit, then close the connection.
    Closed(CloseReason),
}

/// The caller's answer to a question [`Event`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Accept, with the session's usual reply.
    Accept,
    /// Answer with this reply: a `2xx` reply accepts with this text, any other refuses; `421`
    /// also closes the session.
    Reply(Reply<'static>),
}

/// Who the client is, as far as the session knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientInfo {
    /// The client's address: from the connection (see
    /// [`ServerSession::with_peer`](super::ServerSession::with_peer)), the PROXY header, or
    /// XCLIENT `ADDR`.
    pub addr: Option<IpAddr>,
    /// The client's port, when known.
    pub port: Option<u16>,
    /// The client's host name (XCLIENT `NAME`); `[UNAVAILABLE]` or `[TEMPUNAVAIL]` as sent when
    /// the client says the reverse lookup failed permanently or temporarily.
    pub name: Option<String>,
    /// The HELO name given by XCLIENT `HELO`.
    pub helo: Option<String>,
    /// `SMTP` or `ESMTP`, given by XCLIENT `PROTO`.
    pub proto: Option<String>,
    /// The login name given by XCLIENT `LOGIN` (or a successful AUTH).
    pub login: Option<String>,
    /// Where the identity comes from.
    pub origin: Origin,
}

/// Where a [`ClientInfo`] comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Origin {
    /// The connection itself.
    #[default]
    Connection,
    /// A PROXY protocol header.
    Proxy,
    /// An XCLIENT command.
    Xclient,
}

/// A message received whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// `MAIL FROM` as accepted.
    pub mail: Mail<'static>,
    /// The accepted recipients, in order.
    pub recipients: Vec<Rcpt<'static>>,
    /// The message, dot-unstuffed (DATA) or as sent (BDAT), without the end-of-data line.
    pub data: Vec<u8>,
    /// Size and bare line-end counts.
    pub summary: DataSummary,
    /// Received with BDAT rather than DATA.
    pub chunked: bool,
    /// The data holds octets above 127 although `MAIL` declared neither `BODY=8BITMIME` nor
    /// `BODY=BINARYMIME` (no `BODY`, or `BODY=7BIT`). RFC 6152 §3 forbids a client to send them;
    /// Postfix accepts such mail all the same (its `smtpd` does not look), and so does the session:
    /// what to do with it (refuse it, relay it only where 8BITMIME is offered, convert it) is the
    /// caller's choice when it answers the message.
    pub undeclared_8bit: bool,
}

/// A protocol violation worth logging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Violation {
    /// The client talked before the greeting (Postfix: "pregreet").
    TalkedBeforeGreeting,
    /// The client sent commands ahead without PIPELINING in force, or after a command that
    /// must end a group (RFC 2920 §3.1).
    ImproperPipelining {
        /// The command after which more input was waiting.
        after: &'static str,
    },
    /// Plaintext followed STARTTLS and was discarded (the CVE-2011-0411 class).
    PlaintextAfterStartTls {
        /// Octets discarded.
        discarded: usize,
    },
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CloseReason {
    /// The client said QUIT.
    Quit,
    /// A timeout passed (`421 4.4.2`).
    Timeout,
    /// Too many errors (`421 4.7.0`).
    TooManyErrors,
    /// Improper pipelining under [`PipeliningPolicy::Reject`](super::PipeliningPolicy::Reject).
    ImproperPipelining,
    /// The caller answered `421`.
    Refused,
    /// The PROXY header was not valid.
    BadProxyHeader(&'static str),
    /// The caller closed the session.
    Closed,
}
