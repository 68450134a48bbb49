//! The command grammar (RFC 5321 §4.1.1, RFC 1869 and the extensions), one function per rule.

use std::borrow::Cow;

use memchr::memchr;

use crate::framing::find_lf;

use super::types::{
    Auth, InitialResponse, Text, Unknown, XCLIENT_NAMES, XFORWARD_NAMES, attributes, base64,
    etrn_node, mechanism_in, text,
};
use super::{Command, CommandConfig, Decoded, Deviation, Deviations, HeloName, Mail, Parsed, Rcpt};
use crate::address::{
    ForwardPath, Path, ReversePath, forward_path_in, host_in, is_postmaster, path_body, path_into,
    placeholder_path,
};
use crate::error::{ErrorKind, ParseError};
use crate::params::{MailParams, RcptParams, mail_params, rcpt_params};
use crate::syntax::{ParseResult, Src, SynErr, VERB, span};

/// Longest verb taken as a verb; a longer token is not a command.
pub(crate) const MAX_VERB: usize = 32;

pub(crate) const fn is_verb_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Verb {
    Helo,
    Ehlo,
    Lhlo,
    Mail,
    Rcpt,
    Data,
    Bdat,
    Rset,
    Noop,
    Quit,
    Vrfy,
    Expn,
    Help,
    StartTls,
    Auth,
    Etrn,
    Xclient,
    Xforward,
}

impl Verb {
    /// The syntax quoted in the 501 reply.
    const fn usage(self) -> &'static str {
        match self {
            Verb::Helo => "HELO domain",
            Verb::Ehlo => "EHLO domain-or-address-literal",
            Verb::Lhlo => "LHLO domain-or-address-literal",
            Verb::Mail => "MAIL FROM:<address> [parameters]",
            Verb::Rcpt => "RCPT TO:<address> [parameters]",
            Verb::Data => "DATA",
            Verb::Bdat => "BDAT chunk-size [LAST]",
            Verb::Rset => "RSET",
            Verb::Noop => "NOOP [string]",
            Verb::Quit => "QUIT",
            Verb::Vrfy => "VRFY string",
            Verb::Expn => "EXPN string",
            Verb::Help => "HELP [string]",
            Verb::StartTls => "STARTTLS",
            Verb::Auth => "AUTH mechanism [initial-response]",
            Verb::Etrn => "ETRN [@|#]node",
            Verb::Xclient => "XCLIENT attribute=value ...",
            Verb::Xforward => "XFORWARD attribute=value ...",
        }
    }
}

/// The verb characters read as one little-endian word, lower-cased by setting bit 5 of each
/// byte: on letters, digits, `-` and `_` (the only bytes of a verb) that maps exactly the two
/// cases of a letter together.
const fn word(verb: &[u8]) -> u64 {
    let mut w = 0u64;
    let mut i = 0;
    while i < verb.len() {
        w |= ((verb[i] | 0x20) as u64) << (8 * i);
        i += 1;
    }
    w
}

const HELO: u64 = word(b"helo");
const EHLO: u64 = word(b"ehlo");
const LHLO: u64 = word(b"lhlo");
const MAIL: u64 = word(b"mail");
const RCPT: u64 = word(b"rcpt");
const DATA: u64 = word(b"data");
const BDAT: u64 = word(b"bdat");
const RSET: u64 = word(b"rset");
const NOOP: u64 = word(b"noop");
const QUIT: u64 = word(b"quit");
const VRFY: u64 = word(b"vrfy");
const EXPN: u64 = word(b"expn");
const HELP: u64 = word(b"help");
const AUTH: u64 = word(b"auth");
const ETRN: u64 = word(b"etrn");
const STARTTLS: u64 = word(b"starttls");
const XCLIENT: u64 = word(b"xclient");
const XFORWARD: u64 = word(b"xforward");

/// Dispatches a verb (verb characters only) by its length and one integer match on its
/// lower-cased bytes; exact (`STARTTLSX` is not `STARTTLS`).
#[inline]
pub(crate) fn known_verb(verb: &[u8]) -> Option<Verb> {
    if verb.len() < 4 || verb.len() > 8 {
        return None;
    }
    let w = if verb.len() == 4 {
        u64::from(u32::from_le_bytes([verb[0], verb[1], verb[2], verb[3]]) | 0x2020_2020)
    } else {
        word(verb)
    };
    Some(match (verb.len(), w) {
        (4, HELO) => Verb::Helo,
        (4, EHLO) => Verb::Ehlo,
        (4, LHLO) => Verb::Lhlo,
        (4, MAIL) => Verb::Mail,
        (4, RCPT) => Verb::Rcpt,
        (4, DATA) => Verb::Data,
        (4, BDAT) => Verb::Bdat,
        (4, RSET) => Verb::Rset,
        (4, NOOP) => Verb::Noop,
        (4, QUIT) => Verb::Quit,
        (4, VRFY) => Verb::Vrfy,
        (4, EXPN) => Verb::Expn,
        (4, HELP) => Verb::Help,
        (4, AUTH) => Verb::Auth,
        (4, ETRN) => Verb::Etrn,
        (8, STARTTLS) => Verb::StartTls,
        (7, XCLIENT) => Verb::Xclient,
        (8, XFORWARD) => Verb::Xforward,
        _ => return None,
    })
}

/// Parses one command from the start of `input`: the bytes received so far.
///
/// The line end is found with memchr within the first `config.line_limit` bytes; without one,
/// the answer is [`Decoded::Incomplete`], or [`ErrorKind::LineTooLong`] when the limit is
/// already reached. On a complete line, the answer is the command or the error, with the bytes
/// the line took.
#[inline]
pub fn parse_command<'a>(input: &'a [u8], config: &CommandConfig) -> Decoded<Parsed<'a>> {
    // Inlined, so that the answer is written where the caller keeps it (a 128-byte value
    // returned from a function that is not inlined is built on its stack and copied).
    let mut out = Decoded::Incomplete;
    parse_command_into(input, config, &mut out);
    out
}

/// [`parse_command`], written over `out`, which owns nothing (the caller's
/// [`Decoded::Incomplete`]).
#[inline(never)]
fn parse_command_into<'a>(input: &'a [u8], config: &CommandConfig, out: &mut Decoded<Parsed<'a>>) {
    let limit = config.line_limit.max(1);
    let window = &input[..input.len().min(limit)];
    match find_lf(window) {
        Some(lf) => {
            // Built in place: the parsed command is written where the caller receives it.
            let consumed = lf + 1;
            fill(
                out,
                Decoded::Complete {
                    value: Parsed::placeholder(),
                    consumed,
                },
            );
            if let Decoded::Complete { value, .. } = out
                && let Err(error) = parse_line(&input[..=lf], config, value)
            {
                *out = Decoded::Invalid { error, consumed };
            }
        }
        None if input.len() >= limit => fill(out, too_long(input, limit)),
        None => {}
    }
}

/// A line with no line end within `limit` bytes.
#[cold]
#[inline(never)]
fn too_long(input: &[u8], limit: usize) -> Decoded<Parsed<'_>> {
    Decoded::Invalid {
        error: ParseError::new(ErrorKind::LineTooLong { limit }, limit),
        consumed: memchr(b'\n', &input[limit..]).map_or(input.len(), |i| limit + i + 1),
    }
}

impl Parsed<'_> {
    /// A value to build a parsed line into.
    pub(crate) fn placeholder() -> Self {
        Parsed {
            command: Command::Data,
            deviations: Deviations::default(),
        }
    }
}

/// Parses one complete line into `out`; `line` ends in LF (and no LF comes before).
#[inline(always)]
pub(crate) fn parse_line<'a>(
    line: &'a [u8],
    config: &CommandConfig,
    out: &mut Parsed<'a>,
) -> Result<(), ParseError> {
    let deviations = &mut out.deviations;
    let mut content = &line[..line.len() - 1];
    match content.split_last() {
        Some((b'\r', head)) => content = head,
        _ if config.lenient => deviations.insert(Deviation::BareLineFeed),
        _ => return Err(ParseError::new(ErrorKind::BareLineFeed, content.len())),
    }
    if config.lenient && content.last() == Some(&b' ') {
        let keep = content
            .iter()
            .rposition(|&b| b != b' ')
            .map_or(0, |i| i + 1);
        content = &content[..keep];
        deviations.insert(Deviation::TrailingSpace);
    }
    command(content, config, out)
}

/// Writes `value` over the placeholder in `slot` without dropping the placeholder, which the
/// parser put there and which owns nothing (`Command::Data`, `ReversePath::Null`, a borrowed
/// empty `Postmaster`): a parsed command is built where it lies, and the drop glue of the
/// placeholder would be a call per line for nothing.
#[inline(always)]
fn fill<T>(slot: &mut T, value: T) {
    std::mem::forget(std::mem::replace(slot, value));
}

/// Turns a rule's error into a [`ParseError`] at its offset in `content`.
#[cold]
#[inline(never)]
fn located(content: &[u8], e: nom::Err<SynErr<'_>>, default: ErrorKind) -> ParseError {
    match e {
        nom::Err::Error(e) | nom::Err::Failure(e) => {
            ParseError::new(e.kind.unwrap_or(default), content.len() - e.input.len())
        }
        // Complete-input rules never ask for more.
        nom::Err::Incomplete(_) => ParseError::new(default, content.len()),
    }
}

/// The rest of the line must be empty.
fn end(input: &[u8]) -> ParseResult<'_, ()> {
    if input.is_empty() {
        Ok((input, ()))
    } else {
        Err(SynErr::syntax(input))
    }
}

/// `SP` then `rule`, which must take the rest of the line.
fn sp_then<'a, T>(
    input: &'a [u8],
    rule: impl FnOnce(&'a [u8]) -> ParseResult<'a, T>,
) -> ParseResult<'a, T> {
    let Some(rest) = input.strip_prefix(b" ") else {
        return Err(SynErr::syntax(input));
    };
    let (rest, value) = rule(rest)?;
    end(rest)?;
    Ok((rest, value))
}

/// ```text
/// command = verb [ SP arguments ] CRLF
/// ```
#[inline(always)]
fn command<'a>(
    content: &'a [u8],
    config: &CommandConfig,
    out: &mut Parsed<'a>,
) -> Result<(), ParseError> {
    // Most verbs have four letters: check those, and that the fifth byte ends the verb.
    let n = match content.first_chunk::<4>() {
        Some(c)
            if VERB[c[0] as usize]
                & VERB[c[1] as usize]
                & VERB[c[2] as usize]
                & VERB[c[3] as usize]
                && content.get(4).is_none_or(|b| !VERB[*b as usize]) =>
        {
            4
        }
        _ => span(content, &VERB),
    };
    if n == 0 || n > MAX_VERB {
        return Err(ParseError::new(ErrorKind::UnrecognizedCommand, 0));
    }
    let (verb, args) = content.split_at(n);
    let Some(v) = known_verb(verb) else {
        return unknown(content, verb, args, &mut out.command);
    };
    let syntax = ErrorKind::Syntax {
        expected: v.usage(),
    };
    let at = |e| located(content, e, syntax);
    // Each arm writes its command in place: a value merged from all arms would be copied as
    // the union of every variant's fields, in pieces at odd offsets (loads of such pieces
    // that overlap the stores before them stall).
    let cmd = &mut out.command;
    match v {
        Verb::Data | Verb::Rset | Verb::Quit | Verb::StartTls => {
            end(args).map_err(at)?;
            let c = match v {
                Verb::Data => Command::Data,
                Verb::Rset => Command::Rset,
                Verb::Quit => Command::Quit,
                _ => Command::StartTls,
            };
            fill(cmd, c);
        }
        Verb::Helo | Verb::Ehlo | Verb::Lhlo => {
            let src = Src::line_from(content, content.len() - args.len());
            let h = match sp_then(args, |i| host_in(i, src)) {
                Ok((_, h)) => HeloName::Host(h),
                Err(e) => {
                    if !config.lenient {
                        return Err(at(e));
                    }
                    let Some(t) = lenient_helo(args) else {
                        return Err(at(e));
                    };
                    out.deviations.insert(Deviation::InvalidHeloName);
                    HeloName::Lenient(t)
                }
            };
            match v {
                Verb::Helo => fill(cmd, Command::Helo(h)),
                Verb::Ehlo => fill(cmd, Command::Ehlo(h)),
                _ => fill(cmd, Command::Lhlo(h)),
            }
        }
        Verb::Mail => {
            fill(
                cmd,
                Command::Mail(Mail {
                    from: ReversePath::Null,
                    params: MailParams::default(),
                }),
            );
            if let Command::Mail(m) = cmd {
                mail(content, args, config, &mut out.deviations, m)?;
            }
        }
        Verb::Rcpt => {
            fill(
                cmd,
                Command::Rcpt(Rcpt {
                    to: ForwardPath::Postmaster(Cow::Borrowed("")),
                    params: RcptParams::default(),
                }),
            );
            if let Command::Rcpt(r) = cmd {
                rcpt(content, args, config, &mut out.deviations, r)?;
            }
        }
        Verb::Bdat => {
            let (_, (size, last)) = sp_then(args, bdat_args).map_err(at)?;
            fill(cmd, Command::Bdat { size, last });
        }
        Verb::Noop | Verb::Help => {
            let t = optional_text(args).map_err(at)?;
            if v == Verb::Noop {
                fill(cmd, Command::Noop(t));
            } else {
                fill(cmd, Command::Help(t));
            }
        }
        Verb::Auth => {
            // UTF-8 is checked once for the arguments; the tokens are cut from it.
            let src = Src::line_from(content, content.len() - args.len());
            let (_, auth) = sp_then(args, |i| auth_args(i, src)).map_err(at)?;
            fill(cmd, Command::Auth(auth));
        }
        Verb::Vrfy | Verb::Expn | Verb::Etrn | Verb::Xclient | Verb::Xforward => {
            rare(v, args, cmd).map_err(at)?;
        }
    }
    Ok(())
}

/// An unknown verb: `verb [SP text]`, passed through (written into `out`); anything else is
/// not a command.
#[inline(never)]
fn unknown<'a>(
    content: &'a [u8],
    verb: &'a [u8],
    args: &'a [u8],
    out: &mut Command<'a>,
) -> Result<(), ParseError> {
    let unrecognized = ErrorKind::UnrecognizedCommand;
    let args = if args.is_empty() {
        None
    } else {
        Some(
            sp_then(args, text)
                .map_err(|e| located(content, e, unrecognized))?
                .1,
        )
    };
    // The verb is ASCII (verb characters only).
    let verb = std::str::from_utf8(verb).map_err(|_| ParseError::new(unrecognized, 0))?;
    let cmd =
        Command::Unknown(Unknown::new(verb, args).map_err(|_| ParseError::new(unrecognized, 0))?);
    fill(out, cmd);
    Ok(())
}

/// The arguments of the verbs seldom seen on a connection (VRFY, EXPN, ETRN, XCLIENT,
/// XFORWARD), written into `out`: out of line, so that the code of the frequent ones stays
/// together.
#[inline(never)]
fn rare<'a>(v: Verb, args: &'a [u8], out: &mut Command<'a>) -> Result<(), nom::Err<SynErr<'a>>> {
    let cmd = match v {
        Verb::Vrfy => Command::Vrfy(sp_then(args, text)?.1),
        Verb::Expn => Command::Expn(sp_then(args, text)?.1),
        Verb::Etrn => Command::Etrn(sp_then(args, etrn_node)?.1),
        Verb::Xclient => Command::Xclient(sp_then(args, |i| attributes(i, XCLIENT_NAMES))?.1),
        _ => Command::Xforward(sp_then(args, |i| attributes(i, XFORWARD_NAMES))?.1),
    };
    fill(out, cmd);
    Ok(())
}

/// The argument of HELO, EHLO or LHLO as text, for lenient mode when it is not a host.
#[cold]
#[inline(never)]
fn lenient_helo(args: &[u8]) -> Option<Text<'_>> {
    sp_then(args, text).ok().map(|(_, t)| t)
}

/// `[ SP text ]`. Inlined: its answer, returned through memory from a call, was copied with
/// loads wider than the stores that wrote it, which stall.
#[inline(always)]
fn optional_text(args: &[u8]) -> Result<Option<Text<'_>>, nom::Err<SynErr<'_>>> {
    if args.is_empty() {
        return Ok(None);
    }
    Ok(Some(sp_then(args, text)?.1))
}

/// ```text
/// bdat-args  = chunk-size [ SP end-marker ]
/// chunk-size = 1*DIGIT
/// end-marker = "LAST"
/// ```
fn bdat_args(input: &[u8]) -> ParseResult<'_, (u64, bool)> {
    let n = input.iter().take_while(|b| b.is_ascii_digit()).count();
    let size = crate::params::digits_u64(&input[..n]).ok_or_else(|| SynErr::syntax(input))?;
    let rest = &input[n..];
    if rest.len() == 5 && rest[0] == b' ' && rest[1..].eq_ignore_ascii_case(b"LAST") {
        return Ok((&rest[5..], (size, true)));
    }
    Ok((rest, (size, false)))
}

/// ```text
/// auth-args        = sasl-mech [ SP initial-response ]
/// initial-response = base64 / "="
/// ```
fn auth_args<'a>(input: &'a [u8], src: Src<'a>) -> ParseResult<'a, Auth<'a>> {
    let (rest, mechanism) = mechanism_in(input, src)?;
    let Some(after) = rest.strip_prefix(b" ") else {
        return Ok((
            rest,
            Auth {
                mechanism,
                initial_response: None,
            },
        ));
    };
    let (rest, response) = if after.first() == Some(&b'=') {
        (&after[1..], InitialResponse::Empty)
    } else {
        let (rest, secret) = base64(after, src)?;
        (rest, InitialResponse::Data(secret))
    };
    Ok((
        rest,
        Auth {
            mechanism,
            initial_response: Some(response),
        },
    ))
}

/// `SP "FROM:"` or `SP "TO:"` as one comparison of words: the bytes in a word, the bit
/// that folds the case of a letter set where the text has a letter, and the length.
struct SpKeyword {
    word: u64,
    fold: u64,
    len: usize,
}

impl SpKeyword {
    /// `text` (at most eight bytes, its letters in lower case).
    const fn new(text: &[u8]) -> Self {
        let (mut word, mut fold, mut i) = (0u64, 0u64, 0);
        while i < text.len() {
            word |= (text[i] as u64) << (8 * i);
            if text[i].is_ascii_lowercase() {
                fold |= 0x20 << (8 * i);
            }
            i += 1;
        }
        SpKeyword {
            word,
            fold,
            len: text.len(),
        }
    }

    /// Whether `input` starts with the keyword, letters in either case.
    #[inline(always)]
    fn starts(&self, input: &[u8]) -> bool {
        match input.first_chunk::<8>() {
            Some(c) => {
                let keep = u64::MAX >> (8 * (8 - self.len));
                (u64::from_le_bytes(*c) & keep) | self.fold == self.word
            }
            None => {
                input.len() >= self.len
                    && (0..self.len).all(|i| {
                        let (b, fold) = (input[i], (self.fold >> (8 * i)) as u8);
                        b | fold == (self.word >> (8 * i)) as u8
                    })
            }
        }
    }
}

const SP_FROM: SpKeyword = SpKeyword::new(b" from:");
const SP_TO: SpKeyword = SpKeyword::new(b" to:");

/// `SP "FROM:"` / `SP "TO:"`, case-insensitive; in lenient mode a space may follow the colon.
#[inline(always)]
fn keyword_colon<'a>(
    args: &'a [u8],
    keyword: &SpKeyword,
    config: &CommandConfig,
    dev: &mut Deviations,
) -> ParseResult<'a, ()> {
    if !keyword.starts(args) {
        return Err(SynErr::syntax(args));
    }
    let mut rest = &args[keyword.len..];
    if config.lenient && rest.first() == Some(&b' ') {
        rest = &rest[rest.iter().take_while(|b| **b == b' ').count()..];
        dev.insert(Deviation::SpaceAfterColon);
    }
    Ok((rest, ()))
}

/// A path without angle brackets, accepted in lenient mode: `Mailbox` up to a space or the end.
/// Out of line, as lenient mode is.
#[inline(never)]
fn bare_path<'a>(input: &'a [u8], src: Src<'a>, dev: &mut Deviations) -> ParseResult<'a, Path<'a>> {
    let (rest, p) = path_body(input, src)?;
    dev.insert(Deviation::MissingAngleBrackets);
    Ok((rest, p))
}

/// Checks the SMTPUTF8 rule of RFC 6531 §3.5 over a MAIL or RCPT line.
fn check_ascii(
    content: &[u8],
    allowed: bool,
    config: &CommandConfig,
    dev: &mut Deviations,
) -> Result<(), ParseError> {
    if allowed || crate::syntax::is_ascii(content) {
        return Ok(());
    }
    if config.lenient {
        dev.insert(Deviation::NonAsciiWithoutSmtputf8);
        return Ok(());
    }
    let at = content.iter().position(|b| !b.is_ascii()).unwrap_or(0);
    Err(ParseError::new(ErrorKind::NonAsciiAddress, at))
}

/// ```text
/// mail = "MAIL FROM:" Reverse-path [SP Mail-parameters] CRLF
/// ```
#[inline(always)]
fn mail<'a>(
    content: &'a [u8],
    args: &'a [u8],
    config: &CommandConfig,
    dev: &mut Deviations,
    out: &mut Mail<'a>,
) -> Result<(), ParseError> {
    let syntax = ErrorKind::Syntax {
        expected: Verb::Mail.usage(),
    };
    let (rest, ()) =
        keyword_colon(args, &SP_FROM, config, dev).map_err(|e| located(content, e, syntax))?;
    // UTF-8 is checked once for the path and parameters; the tokens are cut from it.
    let src = Src::line_from(content, content.len() - rest.len());
    let bad = ErrorKind::BadSenderAddress;
    let rest = if config.lenient && rest.first() != Some(&b'<') && !rest.is_empty() {
        let (r, p) = bare_path(rest, src, dev).map_err(|e| located(content, e, bad))?;
        fill(&mut out.from, ReversePath::Path(p));
        r
    } else {
        // Built in place, as the command is.
        if let Some(r) = rest.strip_prefix(b"<>") {
            r
        } else {
            fill(&mut out.from, ReversePath::Path(placeholder_path()));
            let ReversePath::Path(p) = &mut out.from else {
                unreachable!("just written")
            };
            path_into(rest, src, p).map_err(|e| located(content, e, bad))?
        }
    };
    mail_params(rest, src, &mut out.params).map_err(|e| located(content, e, syntax))?;
    check_ascii(
        content,
        config.smtputf8 || out.params.smtputf8(),
        config,
        dev,
    )
}

/// ```text
/// rcpt = "RCPT TO:" ( "<Postmaster@" Domain ">" / "<Postmaster>" / Forward-path )
///        [SP Rcpt-parameters] CRLF
/// ```
#[inline(always)]
fn rcpt<'a>(
    content: &'a [u8],
    args: &'a [u8],
    config: &CommandConfig,
    dev: &mut Deviations,
    out: &mut Rcpt<'a>,
) -> Result<(), ParseError> {
    let syntax = ErrorKind::Syntax {
        expected: Verb::Rcpt.usage(),
    };
    let (rest, ()) =
        keyword_colon(args, &SP_TO, config, dev).map_err(|e| located(content, e, syntax))?;
    // UTF-8 is checked once for the path and parameters; the tokens are cut from it.
    let src = Src::line_from(content, content.len() - rest.len());
    let bad = ErrorKind::BadRecipientAddress;
    let rest = if config.lenient && rest.first() != Some(&b'<') && !rest.is_empty() {
        let (r, p) = bare_path(rest, src, dev).map_err(|e| located(content, e, bad))?;
        fill(&mut out.to, ForwardPath::Path(p));
        r
    } else {
        if rest.starts_with(b"<>") || is_postmaster(rest) {
            let (r, to) = forward_path_in(rest, src).map_err(|e| located(content, e, bad))?;
            fill(&mut out.to, to);
            r
        } else {
            // Built in place, as the command is.
            fill(&mut out.to, ForwardPath::Path(placeholder_path()));
            let ForwardPath::Path(p) = &mut out.to else {
                unreachable!("just written")
            };
            path_into(rest, src, p).map_err(|e| located(content, e, bad))?
        }
    };
    rcpt_params(rest, src, &mut out.params).map_err(|e| located(content, e, syntax))?;
    check_ascii(content, config.smtputf8, config, dev)
}
