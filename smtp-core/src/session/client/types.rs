//! The client session's configuration, the messages it sends, and what it reports.

use std::time::Duration;

use crate::InvalidValue;
use crate::address::{ForwardPath, ReversePath, forward_path, reverse_path};
use crate::ehlo::EhloResponse;
use crate::params::Body;
use crate::reply::{Reply, ReplyClass, ReplyConfig};

/// Limits and choices of a [`ClientSession`](super::ClientSession).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// The name sent with EHLO/HELO. Default `localhost`.
    pub helo_name: String,
    /// Limits for reading replies (512-octet lines by default, RFC 5321 §4.5.3.1.5).
    pub reply: ReplyConfig,
    /// Pipeline MAIL, RCPT and DATA/BDAT when the server offers PIPELINING (RFC 2920). Default on.
    pub pipelining: bool,
    /// Send with BDAT when the server offers CHUNKING (RFC 3030); BINARYMIME messages always
    /// need it. Default off (DATA).
    pub chunking: bool,
    /// Waiting for the `220` greeting. Default 5 minutes, RFC 5321 §4.5.3.2.1.
    pub greeting_timeout: Duration,
    /// Waiting for the reply to EHLO, HELO, RSET, QUIT and MAIL. Default 5 minutes, RFC 5321
    /// §4.5.3.2.2 (MAIL).
    pub command_timeout: Duration,
    /// Waiting for the reply to RCPT. Default 5 minutes, RFC 5321 §4.5.3.2.3.
    pub rcpt_timeout: Duration,
    /// Waiting for the `354` after DATA. Default 2 minutes, RFC 5321 §4.5.3.2.4.
    pub data_initiation_timeout: Duration,
    /// Waiting for the reply after the end of data (or a BDAT chunk). Default 10 minutes,
    /// RFC 5321 §4.5.3.2.6.
    pub data_termination_timeout: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            helo_name: "localhost".to_owned(),
            reply: ReplyConfig::default(),
            pipelining: true,
            chunking: false,
            greeting_timeout: Duration::from_secs(5 * 60),
            command_timeout: Duration::from_secs(5 * 60),
            rcpt_timeout: Duration::from_secs(5 * 60),
            data_initiation_timeout: Duration::from_secs(2 * 60),
            data_termination_timeout: Duration::from_secs(10 * 60),
        }
    }
}

/// A message to send: envelope and content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// `MAIL FROM`.
    pub from: ReversePath<'static>,
    /// `RCPT TO`, in order.
    pub recipients: Vec<ForwardPath<'static>>,
    /// The message (header and body), line ends CRLF; dot-stuffing is the session's job.
    pub data: Vec<u8>,
    /// The `BODY=` parameter to send, if any.
    pub body: Option<Body>,
    /// Send `SMTPUTF8` with MAIL.
    pub smtputf8: bool,
}

impl Outgoing {
    /// A message from `from` (an address, or empty for the null path) to `recipients`.
    ///
    /// ```
    /// use smtp_core::session::client::Outgoing;
    ///
    /// let m = Outgoing::new("a@example.org", &["b@example.net"], b"Subject: hi\r\n\r\nhi\r\n".to_vec())
    ///     .unwrap();
    /// assert_eq!(m.recipients.len(), 1);
    /// assert!(Outgoing::new("a@", &[], Vec::new()).is_err());
    /// ```
    pub fn new(from: &str, recipients: &[&str], data: Vec<u8>) -> Result<Self, InvalidValue> {
        let invalid = InvalidValue { type_name: "Path" };
        let bracketed = |s: &str| format!("<{s}>");
        let from_text = bracketed(from);
        let from = match reverse_path(from_text.as_bytes()) {
            Ok((&[], path)) => path.into_owned(),
            _ => return Err(invalid),
        };
        let recipients = recipients
            .iter()
            .map(|r| {
                let text = bracketed(r);
                match forward_path(text.as_bytes()) {
                    Ok((&[], path)) => Ok(path.into_owned()),
                    _ => Err(invalid),
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(Outgoing {
            from,
            recipients,
            data,
            body: None,
            smtputf8: false,
        })
    }
}

/// The server's replies for one message: the typed outcome per recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The message's position among those given to
    /// [`send`](super::ClientSession::send), from 0.
    pub id: usize,
    /// The reply to MAIL.
    pub mail: Option<Reply<'static>>,
    /// Each recipient with the reply to its RCPT (`None` if it was not sent).
    pub recipients: Vec<(ForwardPath<'static>, Option<Reply<'static>>)>,
    /// The reply to the end of data (or the LAST BDAT chunk), or to a refused DATA.
    pub data: Option<Reply<'static>>,
}

impl Delivery {
    /// Whether the server took the message for the accepted recipients.
    pub fn delivered(&self) -> bool {
        self.data
            .as_ref()
            .is_some_and(|r| r.code().class() == ReplyClass::PositiveCompletion)
    }

    /// The recipients the server accepted (if the message was delivered, those it is
    /// responsible for).
    pub fn accepted(&self) -> impl Iterator<Item = &ForwardPath<'static>> {
        self.recipients
            .iter()
            .filter(|(_, r)| {
                r.as_ref()
                    .is_some_and(|r| r.code().class() == ReplyClass::PositiveCompletion)
            })
            .map(|(p, _)| p)
    }
}

/// What the client session reports.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientEvent {
    /// The greeting was `220`; EHLO follows.
    Greeting(Reply<'static>),
    /// The server answered EHLO with these capabilities (or, `None`, it only took HELO).
    Ready(Option<EhloResponse<'static>>),
    /// One message's outcome.
    Delivery(Delivery),
    /// The session is over.
    Closed(ClientClose),
}

/// Why a client session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientClose {
    /// QUIT was answered (or the server closed after it).
    Quit,
    /// The server refused the session (greeting or HELO not `2xx`); QUIT was sent.
    Refused(Reply<'static>),
    /// The server sent `421` (at any step).
    ServiceClosing(Reply<'static>),
    /// A reply did not come in time.
    Timeout,
    /// The server broke the protocol (a malformed reply, or a reply nobody asked for).
    ProtocolError,
}
