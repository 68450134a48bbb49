//! Model-based property test: random command sequences against a small reference model of the
//! RFC 5321 states. The model predicts every reply code; the session must give exactly those,
//! one per command and in order, however the bytes are split. Messages are accepted only when
//! their data ended at CRLF "." CRLF, and never after a DATA that got no 354.

use proptest::prelude::*;

use super::super::*;
use super::harness::{Driver, Policy};
use crate::transfer::dot_stuff;

#[derive(Debug, Clone)]
enum Op {
    Ehlo,
    Helo,
    Mail,
    Rcpt { accept: bool },
    Data { lines: Vec<&'static str> },
    Rset,
    Noop,
    Garbage,
    Quit,
}

const LINES: &[&str] = &["", ".", "..", ".x", "hello", "From: a@b.example", " . "];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => Just(Op::Ehlo),
        1 => Just(Op::Helo),
        3 => Just(Op::Mail),
        4 => any::<bool>().prop_map(|accept| Op::Rcpt { accept }),
        3 => prop::collection::vec(prop::sample::select(LINES), 0..5).prop_map(|lines| Op::Data { lines }),
        1 => Just(Op::Rset),
        1 => Just(Op::Noop),
        1 => Just(Op::Garbage),
        1 => Just(Op::Quit),
    ]
}

/// The reference model.
#[derive(Default)]
struct Model {
    hello: bool,
    mail: bool,
    rcpts: usize,
    attempts: usize,
    errors: u32,
    closed: bool,
}

impl Model {
    fn reply(&mut self, code: u16) -> u16 {
        if code >= 400 {
            self.errors += 1;
        }
        code
    }

    fn reset(&mut self) {
        self.mail = false;
        self.rcpts = 0;
        self.attempts = 0;
    }

    /// The wire bytes of `op` and the codes the server must answer with.
    fn step(
        &mut self,
        op: &Op,
        last: bool,
        wire: &mut Vec<u8>,
        codes: &mut Vec<u16>,
        messages: &mut Vec<Vec<u8>>,
    ) {
        let code = match op {
            Op::Ehlo | Op::Helo => {
                wire.extend_from_slice(if matches!(op, Op::Ehlo) {
                    b"EHLO c.example\r\n"
                } else {
                    b"HELO c.example\r\n"
                });
                self.reset();
                self.hello = true;
                250
            }
            Op::Mail => {
                wire.extend_from_slice(b"MAIL FROM:<s@x.example>\r\n");
                match (self.hello, self.mail) {
                    (false, _) | (_, true) => 503,
                    _ => {
                        self.mail = true;
                        250
                    }
                }
            }
            Op::Rcpt { accept } => {
                wire.extend_from_slice(if *accept {
                    b"RCPT TO:<ok@y.example>\r\n"
                } else {
                    b"RCPT TO:<deny@y.example>\r\n"
                });
                if !self.mail {
                    503
                } else {
                    self.attempts += 1;
                    if self.rcpts >= 100 {
                        452
                    } else if *accept {
                        self.rcpts += 1;
                        250
                    } else {
                        550
                    }
                }
            }
            Op::Data { lines } => {
                wire.extend_from_slice(b"DATA\r\n");
                if !self.mail {
                    503
                } else if self.rcpts == 0 {
                    if self.attempts == 0 { 503 } else { 554 }
                } else {
                    codes.push(354);
                    let message: Vec<u8> = lines
                        .iter()
                        .flat_map(|l| [l.as_bytes(), b"\r\n"].concat())
                        .collect();
                    self.reset();
                    let stuffed = dot_stuff(&message);
                    if last {
                        // Cut before the end of data (the stuffed body without its final
                        // ".\r\n", then a smuggling attempt): no reply may come.
                        let body = stuffed
                            .strip_suffix(b".\r\n")
                            .expect("stuffed data ends with .CRLF");
                        wire.extend_from_slice(body);
                        wire.extend_from_slice(b"\n.\nMAIL FROM:<evil@x.example>\r\n");
                        return;
                    }
                    wire.extend_from_slice(&stuffed);
                    messages.push(message);
                    250
                }
            }
            Op::Rset => {
                wire.extend_from_slice(b"RSET\r\n");
                self.reset();
                250
            }
            Op::Noop => {
                wire.extend_from_slice(b"NOOP\r\n");
                250
            }
            Op::Garbage => {
                wire.extend_from_slice(b"\x01\xffGARBAGE!\r\n");
                500
            }
            Op::Quit => {
                wire.extend_from_slice(b"QUIT\r\n");
                self.closed = true;
                221
            }
        };
        let code = self.reply(code);
        codes.push(code);
        if self.errors >= 20 && !self.closed {
            codes.push(421);
            self.closed = true;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn session_matches_the_reference_model(
        ops in prop::collection::vec(op(), 1..40),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
        ask_commands in any::<bool>(),
    ) {
        let mut model = Model::default();
        let mut wire = Vec::new();
        let mut codes = vec![220];
        let mut messages = Vec::new();
        for (i, op) in ops.iter().enumerate() {
            if model.closed {
                break;
            }
            model.step(op, i + 1 == ops.len(), &mut wire, &mut codes, &mut messages);
        }
        let mut d = Driver::new(Config {
            improper_pipelining: PipeliningPolicy::Report,
            // Accepting the command questions (as the driver does) must change nothing.
            ask_commands,
            ..Config::default()
        });
        d.policy = Policy::DenyMarked;
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(wire.len() + 1)).collect();
        cuts.sort_unstable();
        let mut at = 0;
        for cut in cuts.into_iter().chain([wire.len()]) {
            d.feed(&wire[at..cut]);
            at = cut;
        }
        prop_assert_eq!(d.codes(), codes);
        let got: Vec<Vec<u8>> = d.messages.iter().map(|m| m.data.clone()).collect();
        prop_assert_eq!(got, messages);
        // Never 354 without an accepted recipient is part of the codes; check it directly too.
        let t = String::from_utf8_lossy(&d.transcript).into_owned();
        prop_assert_eq!(t.matches("354 ").count(), t.matches("250 2.1.5").count().min(t.matches("354 ").count()));
    }
}
