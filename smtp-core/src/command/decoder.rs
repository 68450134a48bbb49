//! Commands from a byte stream: the [`LineFramer`] and [`parse_line`] together.

use super::parse::parse_line;
use super::{CommandConfig, Parsed};
use crate::error::ParseError;
use crate::framing::LineFramer;

/// Parses commands from a connection's byte stream, bounded by the line limit however the
/// input is split across reads.
///
/// ```
/// use smtp_core::command::{Command, CommandConfig, CommandDecoder};
///
/// let mut decoder = CommandDecoder::new(CommandConfig::default());
/// let mut input: &[u8] = b"EHLO client.example\r\nMAIL FROM:<>\r\nRC";
/// let mut verbs = Vec::new();
/// loop {
///     let (used, item) = decoder.decode(input);
///     input = &input[used..];
///     match item {
///         Some(Ok(parsed)) => verbs.push(parsed.command.verb().into_owned()),
///         Some(Err(error)) => panic!("{error}"),
///         None => break,
///     }
/// }
/// assert_eq!(verbs, ["EHLO", "MAIL"]);
/// assert!(input.is_empty()); // "RC" is held until the rest of the line comes
/// ```
#[derive(Debug, Clone)]
pub struct CommandDecoder {
    framer: LineFramer,
    config: CommandConfig,
}

impl CommandDecoder {
    /// A decoder with these limits and this strictness.
    pub fn new(config: CommandConfig) -> Self {
        CommandDecoder {
            framer: LineFramer::new(config.line_limit, config.lenient),
            config,
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> &CommandConfig {
        &self.config
    }

    /// Changes the configuration for the next lines (for instance `smtputf8` after a MAIL with
    /// SMTPUTF8); the line limit and line-end rule stay those given to [`CommandDecoder::new`].
    pub fn set_config(&mut self, config: CommandConfig) {
        self.config = config;
    }

    /// Takes bytes from `input` up to the end of the next command; see
    /// [`LineFramer::next_line`] for the calling convention.
    #[inline]
    pub fn decode<'a>(
        &'a mut self,
        input: &'a [u8],
    ) -> (usize, Option<Result<Parsed<'a>, ParseError>>) {
        // Inlined, so that the answer is written where the caller keeps it (returned from a
        // function that is not inlined, it would be built on that function's stack and copied).
        let mut out = (0, None);
        self.decode_into(input, &mut out);
        out
    }

    /// [`CommandDecoder::decode`], written over `out`, which owns nothing (`(0, None)`).
    #[inline(never)]
    fn decode_into<'a>(
        &'a mut self,
        input: &'a [u8],
        out: &mut (usize, Option<Result<Parsed<'a>, ParseError>>),
    ) {
        let config = self.config;
        let (used, line) = self.framer.next_line(input);
        out.0 = used;
        let item = &mut out.1;
        match line {
            None => {}
            Some(Err(error)) => {
                std::mem::forget(item.replace(Err(error)));
            }
            Some(Ok(line)) => {
                // Built in place: the parsed command is written where the caller receives it.
                std::mem::forget(item.replace(Ok(Parsed::placeholder())));
                if let Some(Ok(value)) = item
                    && let Err(error) = parse_line(line.raw(), &config, value)
                {
                    *item = Some(Err(error));
                }
            }
        }
    }
}
