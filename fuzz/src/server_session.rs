//! The server session driven by a script of operations: input chunks, the passing of time, and
//! answers to its questions; the invariants of the reply discipline are checked throughout.

use std::time::{Duration, Instant};

use arbitrary::{Arbitrary, Unstructured};
use smtp_core::reply::{ReplyConfig, ReplyReader};
use smtp_core::session::reply;
use smtp_core::session::server::{
    Answer, Config, Event, Extensions, PipeliningPolicy, ServerSession,
};

/// One operation of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op<'a> {
    /// Bytes from the client.
    Input(&'a [u8]),
    /// Accept the pending question (if none is pending, `answer` must say so).
    Accept,
    /// Refuse it with `550 5.7.1`.
    Refuse,
    /// Let this many minutes pass, then `handle_timeout`.
    Wait(u8),
    /// The TLS handshake finished.
    TlsUp,
}

/// A script: a flags byte (bit 0 report improper pipelining instead of rejecting, bit 1 a PROXY
/// header is expected, bit 2 STARTTLS offered, bit 3 AUTH without TLS, bit 4 XCLIENT allowed,
/// bit 5 lenient parsing, bit 6 HELO/EHLO and DATA asked about, bit 7 the session's own
/// commands asked about), then the operations. In the raw input a byte `0xFF` followed by `A`, `R`, `W` (and a minutes
/// byte) or `S` is an operation, any other `0xFF` a cut between two reads; every run of other
/// bytes is one input chunk. Seeds are thus the
/// client's bytes as they are, with the answers where they fall.
#[derive(Debug)]
pub struct Script<'a> {
    /// The flags byte.
    pub flags: u8,
    /// The operations.
    pub ops: Vec<Op<'a>>,
}

impl<'a> Arbitrary<'a> for Script<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let flags = u8::arbitrary(u)?;
        let rest = std::mem::replace(u, Unstructured::new(&[])).take_rest();
        let mut ops = Vec::new();
        let mut at = 0;
        while at < rest.len() {
            if rest[at] == 0xff {
                let op = match rest.get(at + 1) {
                    Some(b'A') => Some((Op::Accept, 2)),
                    Some(b'R') => Some((Op::Refuse, 2)),
                    Some(b'S') => Some((Op::TlsUp, 2)),
                    Some(b'W') => Some((Op::Wait(rest.get(at + 2).copied().unwrap_or(1)), 3)),
                    _ => None,
                };
                match op {
                    Some((op, len)) => {
                        ops.push(op);
                        at += len;
                    }
                    // A lone 0xFF ends the input chunk (the next read starts after it).
                    None => at += 1,
                }
                continue;
            }
            let end = rest[at..]
                .iter()
                .position(|b| *b == 0xff)
                .map_or(rest.len(), |p| at + p);
            ops.push(Op::Input(&rest[at..end]));
            at = end;
        }
        Ok(Script { flags, ops })
    }
}

/// Runs a script and checks: every reply is well-formed with a status of the right class; no
/// more replies than command lines (plus the greeting and a final 421); at most one question at
/// a time, and `answer` refused when none is pending; no `354` without an accepted recipient;
/// every message handed over was sent dot-stuffed and ended by CRLF "." CRLF; nothing is
/// written after the session closed.
pub fn run(script: &Script<'_>) {
    let f = script.flags;
    let config = Config {
        improper_pipelining: if f & 1 != 0 {
            PipeliningPolicy::Report
        } else {
            PipeliningPolicy::Reject
        },
        proxy_protocol: f & 2 != 0,
        extensions: Extensions {
            starttls: f & 4 != 0,
            ..Extensions::default()
        },
        auth_requires_tls: f & 8 == 0,
        xclient: f & 16 != 0,
        hard_error_limit: 20,
        lenient: f & 32 != 0,
        ask_hello: f & 64 != 0,
        ask_data: f & 64 != 0,
        ask_commands: f & 128 != 0,
        ..Config::default()
    };
    let mut now = Instant::now();
    let mut s = ServerSession::new(config, now);
    let mut input = Vec::new();
    let mut transcript = Vec::new();
    // The pending question: `Some(true)` for a recipient.
    let mut question: Option<bool> = None;
    let mut accepted_rcpts = 0usize;
    let mut closed_at: Option<usize> = None;
    for op in script.ops.iter().take(256) {
        pump(
            &mut s,
            &mut transcript,
            &mut question,
            &mut closed_at,
            &input,
        );
        match op {
            Op::Input(bytes) => {
                input.extend_from_slice(bytes);
                s.handle_input(bytes, now);
            }
            Op::Accept | Op::Refuse => {
                let answer = if *op == Op::Accept {
                    Answer::Accept
                } else {
                    Answer::Reply(reply(550, "5.7.1", "Refused").expect("valid reply"))
                };
                let result = s.answer(answer, now);
                assert_eq!(
                    result.is_ok(),
                    question.is_some(),
                    "answer accepted iff a question is pending"
                );
                if *op == Op::Accept && question == Some(true) {
                    accepted_rcpts += 1;
                }
                question = None;
            }
            Op::Wait(minutes) => {
                now += Duration::from_secs(60 * u64::from(*minutes));
                s.handle_timeout(now);
            }
            Op::TlsUp => s.tls_established(now),
        }
    }
    pump(
        &mut s,
        &mut transcript,
        &mut question,
        &mut closed_at,
        &input,
    );
    if let Some(at) = closed_at {
        assert_eq!(transcript.len(), at, "output after the session closed");
    }
    // Replies are well-formed and no more than the lines sent (+ greeting + final 421).
    let mut reader = ReplyReader::new(ReplyConfig::default());
    reader.push(&transcript);
    let mut replies = 0usize;
    let mut data_starts = 0usize;
    while let Some(r) = reader.next_reply() {
        let r = r.expect("the server writes valid replies");
        if let Some(status) = r.status() {
            assert!(status.agrees_with_reply_code(r.code().get()));
        }
        data_starts += usize::from(r.code().get() == 354);
        replies += 1;
    }
    assert_eq!(reader.buffered(), 0, "a reply cut short");
    let lines = input.iter().filter(|b| **b == b'\n').count();
    assert!(replies <= lines + 2, "{replies} replies for {lines} lines");
    assert!(
        data_starts <= accepted_rcpts,
        "354 without an accepted recipient"
    );
}

/// Drains the session: output to the transcript, events checked.
fn pump(
    s: &mut ServerSession,
    transcript: &mut Vec<u8>,
    question: &mut Option<bool>,
    closed_at: &mut Option<usize>,
    input: &[u8],
) {
    while let Some(bytes) = s.poll_transmit() {
        transcript.extend_from_slice(&bytes);
    }
    while let Some(event) = s.poll_event() {
        let asked = match &event {
            Event::Recipient(_) => Some(true),
            Event::Client(_)
            | Event::HelloRequest { .. }
            | Event::DataRequest
            | Event::CommandRequest(_)
            | Event::Sender(_)
            | Event::Auth(_)
            | Event::Message(_) => Some(false),
            _ => None,
        };
        if asked.is_some() {
            assert!(question.is_none(), "two questions at once");
            *question = asked;
        }
        match event {
            Event::Message(m) => {
                assert!(!m.recipients.is_empty(), "a message without recipients");
                if !m.chunked {
                    // Strict line ends (the default policy): the data went on the wire as a
                    // stuffed form of itself, ended by CRLF "." CRLF.
                    assert!(
                        sent_stuffed(input, &m.data),
                        "message not ended by CRLF.CRLF on the wire"
                    );
                }
            }
            Event::Closed(_) => {
                assert!(closed_at.is_none(), "closed twice");
                *closed_at = Some(transcript.len());
            }
            _ => {}
        }
    }
}

/// Whether `input` holds, right after some CRLF, a dot-stuffed form of `data` followed by
/// "." CRLF. Stuffing need not be canonical: RFC 5321 §4.5.2 has the receiver drop the first dot
/// of any line longer than the dot alone, so a client may send `.x` for `x`. Each wire line is
/// the data line, or the data line with one dot before it (which a line starting with a dot
/// needs); an empty line can only be sent as an empty line.
fn sent_stuffed(input: &[u8], data: &[u8]) -> bool {
    let lines: Vec<&[u8]> = data
        .strip_suffix(b"\r\n")
        .map(|d| {
            d.split(|&b| b == b'\n')
                .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
                .collect()
        })
        .unwrap_or_default();
    (0..input.len().saturating_sub(1))
        .filter(|&i| &input[i..i + 2] == b"\r\n")
        .any(|i| matches_from(&input[i + 2..], &lines))
}

fn matches_from(mut wire: &[u8], lines: &[&[u8]]) -> bool {
    for line in lines {
        let plain = [*line, b"\r\n"].concat();
        let dotted = [b".", *line, b"\r\n"].concat();
        if line.is_empty() {
            if !wire.starts_with(b"\r\n") {
                return false;
            }
            wire = &wire[2..];
        } else if !line.starts_with(b".") && wire.starts_with(&plain) {
            wire = &wire[plain.len()..];
        } else if wire.starts_with(&dotted) {
            wire = &wire[dotted.len()..];
        } else {
            return false;
        }
    }
    wire.starts_with(b".\r\n")
}
