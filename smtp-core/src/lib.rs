//! SMTP codec and sans-IO protocol machinery.
//!
//! `smtp-core` reads and writes the SMTP wire format of RFC 5321 and its extensions. It does no
//! I/O, reads no clock and draws no random number: bytes go in, typed values come out, and every
//! parsed value writes back to the bytes it came from.
//!
//! | layer | modules |
//! |---|---|
//! | framing: split the byte stream before any grammar runs | [`framing`] (command lines), [`transfer`] (DATA and BDAT, smuggling-safe) |
//! | grammar: one parser per ABNF rule, zero-copy, writes back | [`command`], [`address`], [`params`], [`xtext`], [`reply`], [`ehlo`], [`status`], [`dsn`] |
//! | errors: every parse error maps to the reply a server sends | [`error`] |
//! | protocol: sans-IO state machines, time passed in | [`session`] (server and client) |
//!
//! Features (both on by default): `serde` (Serialize for parsed values, Deserialize for
//! addresses, paths and MAIL/RCPT parameters, each checked again on the way in) and `simd` (the
//! DATA receiver's scan runs with AVX2 where the CPU has it, chosen at run time through `pulp`;
//! without it, the SSE2 baseline; this crate itself forbids `unsafe` either way).
//!
//! ```
//! use smtp_core::command::{CommandConfig, Decoded, parse_command};
//! use smtp_core::reply::{ReplyConfig, parse_reply};
//!
//! // A server reads a command...
//! let Decoded::Invalid { error, .. } = parse_command(b"RCPT TO:<>\r\n", &CommandConfig::default())
//! else {
//!     panic!("the null path is not a recipient")
//! };
//! // ...and every error says what to answer.
//! assert_eq!(error.reply().code, 501);
//!
//! // A client reads the reply, multi-line or not, with its enhanced status code.
//! let (reply, rest) = parse_reply(b"550-5.1.1 No such user\r\n550 5.1.1 here\r\n", &ReplyConfig::default())
//!     .unwrap();
//! assert!(rest.is_empty());
//! assert_eq!(reply.code().get(), 550);
//! assert_eq!(reply.status().unwrap().to_string(), "5.1.1");
//! ```

pub mod address;
pub mod command;
pub mod dsn;
pub mod ehlo;
pub mod error;
pub mod framing;
pub mod params;
pub mod reply;
pub mod session;
pub mod status;
pub mod transfer;
pub mod xtext;

mod syntax;

pub use error::{ErrorKind, ErrorReply, InvalidValue, ParseError};
