//! A virtual-time harness wiring a client session to a server session in memory: no I/O, no
//! clock (time is a base instant plus offsets the test chooses). Proptest picks envelopes,
//! messages, pipelining and chunking choices, and where each read is cut.

use std::time::{Duration, Instant};

use proptest::prelude::*;

use super::client::{ClientConfig, ClientEvent, ClientSession, Delivery, Outgoing};
use super::reply;
use super::server::{Answer, Config, Event, Extensions, Message, ServerSession, Violation};

/// What one wired run produced.
pub(crate) struct Run {
    pub(crate) deliveries: Vec<Delivery>,
    pub(crate) received: Vec<Message>,
    pub(crate) violations: Vec<Violation>,
    pub(crate) client_closed: bool,
    pub(crate) server_closed: bool,
}

/// Runs `messages` from a client to a server, cutting every read after `reads[i]` octets
/// (cyclically; 0 means "all"), advancing virtual time by one second per round trip.
pub(crate) fn wire(
    server: Config,
    client: ClientConfig,
    messages: Vec<Outgoing>,
    reads: &[usize],
) -> Run {
    let mut now = Instant::now();
    let mut s = ServerSession::new(server, now);
    let mut c = ClientSession::new(client, now);
    for m in messages {
        c.send(m);
    }
    c.quit();
    let mut run = Run {
        deliveries: Vec::new(),
        received: Vec::new(),
        violations: Vec::new(),
        client_closed: false,
        server_closed: false,
    };
    let mut cut = reads.iter().copied().cycle();
    let mut split = |bytes: &[u8]| -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut rest = bytes;
        while !rest.is_empty() {
            let n = match cut.next() {
                Some(0) | None => rest.len(),
                Some(n) => n.min(rest.len()),
            };
            out.push(rest[..n].to_vec());
            rest = &rest[n..];
        }
        out
    };
    for _round in 0..10_000 {
        let mut progressed = false;
        while let Some(event) = s.poll_event() {
            progressed = true;
            let answer = match event {
                Event::Recipient(r) if format!("{:?}", r.to).contains("deny") => {
                    Some(Answer::Reply(reply(550, "5.1.1", "No such user").unwrap()))
                }
                Event::Message(m) => {
                    run.received.push(m);
                    Some(Answer::Accept)
                }
                Event::Violation(v) => {
                    run.violations.push(v);
                    None
                }
                Event::Client(_) | Event::Sender(_) | Event::Recipient(_) | Event::Auth(_) => {
                    Some(Answer::Accept)
                }
                _ => None,
            };
            if let Some(answer) = answer {
                s.answer(answer, now).unwrap();
            }
        }
        while let Some(bytes) = s.poll_transmit() {
            progressed = true;
            for piece in split(&bytes) {
                c.handle_input(&piece, now);
            }
        }
        while let Some(event) = c.poll_event() {
            progressed = true;
            if let ClientEvent::Delivery(d) = event {
                run.deliveries.push(d);
            }
        }
        while let Some(bytes) = c.poll_transmit() {
            progressed = true;
            for piece in split(&bytes) {
                s.handle_input(&piece, now);
            }
        }
        now += Duration::from_secs(1);
        if !progressed {
            break;
        }
    }
    run.client_closed = c.is_closed();
    run.server_closed = s.is_closed();
    run
}

fn line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"".to_vec()),
        Just(b".".to_vec()),
        Just(b"..".to_vec()),
        Just(b".hidden".to_vec()),
        Just(b"Subject: test".to_vec()),
        prop::collection::vec(prop::sample::select(b" abcXYZ.:\t\x80\xff".to_vec()), 0..80),
    ]
}

fn message() -> impl Strategy<Value = (Vec<bool>, Vec<u8>)> {
    (
        prop::collection::vec(any::<bool>(), 1..4),
        prop::collection::vec(line(), 0..12),
    )
        .prop_map(|(accept, lines)| {
            let data = lines
                .iter()
                .flat_map(|l| [l.as_slice(), b"\r\n"].concat())
                .collect();
            (accept, data)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn client_and_server_deliver_the_same_bytes(
        messages in prop::collection::vec(message(), 1..4),
        server_pipelining in any::<bool>(),
        client_pipelining in any::<bool>(),
        chunking in any::<bool>(),
        reads in prop::collection::vec(0usize..40, 1..6),
    ) {
        let outgoing: Vec<Outgoing> = messages
            .iter()
            .map(|(accept, data)| {
                let rcpts: Vec<String> = accept
                    .iter()
                    .enumerate()
                    .map(|(i, ok)| format!("{}{i}@y.example", if *ok { "ok" } else { "deny" }))
                    .collect();
                let rcpts: Vec<&str> = rcpts.iter().map(String::as_str).collect();
                Outgoing::new("s@x.example", &rcpts, data.clone()).unwrap()
            })
            .collect();
        let server = Config {
            extensions: Extensions { pipelining: server_pipelining, ..Extensions::default() },
            ..Config::default()
        };
        let client = ClientConfig { pipelining: client_pipelining, chunking, ..ClientConfig::default() };
        let run = wire(server, client, outgoing, &reads);

        // A well-behaved client never trips the strict server's pipelining checks.
        prop_assert_eq!(&run.violations, &[]);
        prop_assert!(run.client_closed && run.server_closed, "both ends closed after QUIT");
        prop_assert_eq!(run.deliveries.len(), messages.len());
        let expected: Vec<&Vec<u8>> = messages
            .iter()
            .filter(|(accept, _)| accept.iter().any(|a| *a))
            .map(|(_, data)| data)
            .collect();
        let got: Vec<&Vec<u8>> = run.received.iter().map(|m| &m.data).collect();
        prop_assert_eq!(got, expected);
        for (d, (accept, _)) in run.deliveries.iter().zip(&messages) {
            prop_assert_eq!(d.delivered(), accept.iter().any(|a| *a));
            prop_assert_eq!(d.accepted().count(), accept.iter().filter(|a| **a).count());
        }
        for m in &run.received {
            let denied = m.recipients.iter().any(|r| format!("{:?}", r.to).contains("deny"));
            prop_assert!(!denied, "a refused recipient is in the envelope");
            prop_assert_eq!(m.chunked, chunking);
        }
    }
}
