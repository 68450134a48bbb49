//! The server session's limits and policies, each default with where it comes from.

use std::time::Duration;

use crate::transfer::LineEndPolicy;

use super::auth::AuthMechanism;

/// Limits, offered extensions and policies of a [`ServerSession`](super::ServerSession).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The server's name in the greeting, the EHLO reply and the 421 replies.
    /// Default `localhost`.
    pub domain: String,
    /// The text after the domain in the `220` greeting. Default `ESMTP`.
    pub greeting: String,
    /// Longest command line, CRLF included. Default 512 octets, RFC 5321 §4.5.3.1.4.
    pub command_line_limit: usize,
    /// Longest text line of a message received with `DATA`, CRLF included; `None` for no limit.
    /// A longer line refuses the message with `550 5.5.6`. Default 1000 octets, RFC 5321
    /// §4.5.3.1.6. (Not applied to `BDAT`, which may carry BINARYMIME.)
    pub text_line_limit: Option<usize>,
    /// Largest message in octets: a larger `SIZE=` at MAIL, or more data, gets `552 5.3.4`.
    /// Default 10 240 000, Postfix's `message_size_limit`.
    pub max_message_size: u64,
    /// Recipients per message; the next one gets `452 4.5.3`. Default 100, the minimum RFC 5321
    /// §4.5.3.1.8 asks servers to accept.
    pub max_recipients: usize,
    /// Negative replies (4xx/5xx) before the session sends `421 4.7.0` and closes. Default 20,
    /// Postfix's `smtpd_hard_error_limit`.
    pub hard_error_limit: u32,
    /// Waiting for a PROXY protocol header before the greeting. Default 5 minutes, the initial
    /// `220` wait of RFC 5321 §4.5.3.2.1 (the proxy stands for the client here).
    pub greeting_timeout: Duration,
    /// Waiting for the next command (or AUTH response). Default 5 minutes, RFC 5321 §4.5.3.2.7.
    pub command_timeout: Duration,
    /// Longest silence while message data (DATA or a BDAT chunk) is coming. Default 3 minutes,
    /// the data block time of RFC 5321 §4.5.3.2.5.
    pub data_block_timeout: Duration,
    /// Accept bare LF / bare CR line ends in commands and report them (the command parser's
    /// lenient mode). Default strict.
    pub lenient: bool,
    /// What to do with a bare LF inside message data. Default reject (`550 5.5.2`), as
    /// Postfix's `smtpd_forbid_bare_newline`.
    pub bare_lf: LineEndPolicy,
    /// What to do with a bare CR inside message data. Default reject.
    pub bare_cr: LineEndPolicy,
    /// The service extensions offered in the EHLO reply.
    pub extensions: Extensions,
    /// SASL mechanisms offered with AUTH; empty for no AUTH. Default PLAIN and LOGIN.
    pub auth_mechanisms: Vec<AuthMechanism>,
    /// Offer AUTH only under TLS (RFC 4954 §4 asks for such a configuration for plaintext
    /// mechanisms; `538 5.7.11` otherwise). Default true.
    pub auth_requires_tls: bool,
    /// Whether the client may send XCLIENT (Postfix's `smtpd_authorized_xclient_hosts`: only
    /// trusted clients). Default false.
    pub xclient: bool,
    /// Expect a PROXY protocol (v1 or v2) header before the greeting. Default false.
    pub proxy_protocol: bool,
    /// The connection is already under TLS (port 465, RFC 8314). Default false.
    pub implicit_tls: bool,
    /// What to do with improper pipelining (talking before the greeting, commands sent ahead
    /// without PIPELINING or after a command that must end a group, RFC 2920 §3.1).
    /// Default [`PipeliningPolicy::Reject`], as Postfix 3.9's `smtpd_forbid_unauth_pipelining`.
    pub improper_pipelining: PipeliningPolicy,
    /// Ask the caller about HELO/EHLO with [`Event::HelloRequest`](super::Event::HelloRequest)
    /// before answering, so that it can refuse the name (Postfix's `smtpd_helo_restrictions`
    /// without `smtpd_delay_reject`). Default false: HELO is answered by the session and
    /// reported with the [`Event::Hello`](super::Event::Hello) notice only.
    pub ask_hello: bool,
    /// Ask the caller about the `DATA` command with
    /// [`Event::DataRequest`](super::Event::DataRequest) before the `354` (Postfix's
    /// `smtpd_data_restrictions`). Default false.
    pub ask_data: bool,
    /// Ask the caller about the commands the session otherwise answers by itself (`RSET`,
    /// `NOOP`, `VRFY`, `EXPN`, `HELP`, `ETRN`, `XFORWARD`, `LHLO` and unrecognized verbs) with
    /// [`Event::CommandRequest`](super::Event::CommandRequest), so that a test server can
    /// script their replies. Default false: the session answers them itself.
    pub ask_commands: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            domain: "localhost".to_owned(),
            greeting: "ESMTP".to_owned(),
            command_line_limit: 512,
            text_line_limit: Some(1000),
            max_message_size: 10_240_000,
            max_recipients: 100,
            hard_error_limit: 20,
            greeting_timeout: Duration::from_secs(5 * 60),
            command_timeout: Duration::from_secs(5 * 60),
            data_block_timeout: Duration::from_secs(3 * 60),
            lenient: false,
            bare_lf: LineEndPolicy::Reject,
            bare_cr: LineEndPolicy::Reject,
            extensions: Extensions::default(),
            auth_mechanisms: vec![AuthMechanism::Plain, AuthMechanism::Login],
            auth_requires_tls: true,
            xclient: false,
            proxy_protocol: false,
            implicit_tls: false,
            improper_pipelining: PipeliningPolicy::Reject,
            ask_hello: false,
            ask_data: false,
            ask_commands: false,
        }
    }
}

/// The service extensions a server offers (each one a line of the EHLO reply).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extensions {
    /// `PIPELINING` (RFC 2920). Default on.
    pub pipelining: bool,
    /// `SIZE` with [`Config::max_message_size`] (RFC 1870). Default on.
    pub size: bool,
    /// `8BITMIME` (RFC 6152). Default on.
    pub eight_bit_mime: bool,
    /// `SMTPUTF8` (RFC 6531). Default on.
    pub smtputf8: bool,
    /// `CHUNKING`: the BDAT command (RFC 3030). Default on.
    pub chunking: bool,
    /// `BINARYMIME` (RFC 3030; needs CHUNKING). Default on.
    pub binary_mime: bool,
    /// `DSN` (RFC 3461): the RET, ENVID, NOTIFY and ORCPT parameters. Default on.
    pub dsn: bool,
    /// `ENHANCEDSTATUSCODES` (RFC 2034). Default on. (The replies carry codes either way.)
    pub enhanced_status_codes: bool,
    /// `STARTTLS` (RFC 3207): the driver can upgrade the connection. Default off.
    pub starttls: bool,
}

impl Default for Extensions {
    fn default() -> Self {
        Extensions {
            pipelining: true,
            size: true,
            eight_bit_mime: true,
            smtputf8: true,
            chunking: true,
            binary_mime: true,
            dsn: true,
            enhanced_status_codes: true,
            starttls: false,
        }
    }
}

/// What the session does when it sees improper pipelining.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PipeliningPolicy {
    /// Report it with [`Event::Violation`](super::Event::Violation) and go on.
    Report,
    /// Report it, answer `554 5.5.0 Error: SMTP protocol synchronization` and close, as Postfix.
    #[default]
    Reject,
}
