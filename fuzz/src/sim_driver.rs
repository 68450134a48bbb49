//! smtp-sim's connection driver (`serve_connection`) over an in-memory pipe: arbitrary client
//! bytes, cut into reads at arbitrary points, on a current-thread runtime with a paused clock.
//! The server's output must be a sequence of well-formed replies.

use std::cell::{Cell, RefCell};
use std::sync::OnceLock;
use std::time::Duration;

use smtp_core::reply::{ReplyConfig, parse_reply};
use smtp_sim::capture::StoreLimits;
use smtp_sim::scenario::{Scenario, default_scenario};
use smtp_sim::server::{Clock, ServerConfig, Shared, TlsSetup, serve_connection};
use smtp_sim::sim::{SimConfig, Simulator};
use smtp_sim::types::Timestamp;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Notify;

/// The flaky receiver: delays, a dropped connection, seeded deferrals, a multi-line reply.
const FLAKY: &str = include_str!("../../smtp-sim/scenarios/flaky-receiver.toml");

/// What the client does, parsed from the raw input.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step<'a> {
    /// One write of these bytes.
    Write(&'a [u8]),
    /// Let this many seconds of (virtual) time pass.
    Wait(u8),
    /// Wait for the server's next reply (as a client does before DATA's content).
    Reply,
}

/// Splits the input after the flags byte: `0xFF W n` waits n seconds, `0xFF R` waits for the
/// next reply, any other `0xFF` cuts the bytes into two writes; every run of other bytes is one
/// write.
fn steps(rest: &[u8]) -> Vec<Step<'_>> {
    let mut steps = Vec::new();
    let mut at = 0;
    while at < rest.len() {
        if rest[at] == 0xff {
            match rest.get(at + 1) {
                Some(b'W') => {
                    steps.push(Step::Wait(rest.get(at + 2).copied().unwrap_or(1)));
                    at += 3;
                }
                Some(b'R') => {
                    steps.push(Step::Reply);
                    at += 2;
                }
                _ => at += 1,
            }
            continue;
        }
        let end = rest[at..]
            .iter()
            .position(|b| *b == 0xff)
            .map_or(rest.len(), |p| at + p);
        steps.push(Step::Write(&rest[at..end]));
        at = end;
    }
    steps
}

fn tls() -> TlsSetup {
    static TLS: OnceLock<TlsSetup> = OnceLock::new();
    TLS.get_or_init(|| TlsSetup::self_signed(&["localhost"]).expect("a self-signed certificate"))
        .clone()
}

fn scenario(flaky: bool) -> Scenario {
    static DEFAULT: OnceLock<Scenario> = OnceLock::new();
    static FLAKY_SCENARIO: OnceLock<Scenario> = OnceLock::new();
    if flaky {
        FLAKY_SCENARIO
            .get_or_init(|| Scenario::from_toml(FLAKY, Some("flaky-receiver.toml")).expect("valid"))
            .clone()
    } else {
        DEFAULT
            .get_or_init(|| default_scenario(smtp_sim::DEFAULT_SIM_DOMAIN).expect("valid"))
            .clone()
    }
}

/// Runs the driver on `data`: a flags byte (bit 0 STARTTLS offered, bit 1 an AUTH account and
/// AUTH without TLS, bit 2 XCLIENT allowed, bit 3 a PROXY header expected, bit 4 the flaky
/// scenario, bit 5 a store that holds one message, bit 6 the client keeps the connection open
/// after its bytes instead of closing it, bit 7 the client talks before the greeting), then the
/// client's bytes (see [`steps`]). Unless it talks first (or sends a PROXY header), the client
/// waits for the greeting.
///
/// Checks: no panic; the driver ends (the idle timeouts end a connection left open); the
/// output is a sequence of replies that `parse_reply` reads to its last byte (none cut short),
/// each with an enhanced status of its code's class; the first is a greeting (`220`, or `421`/
/// `554`); no more replies than client line ends plus the greeting and a closing `421`. After a
/// STARTTLS go-ahead (a later `220`) the bytes are TLS records and are not read as replies.
pub fn run(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let steps = steps(rest);
    let mut config = ServerConfig::default();
    if flags & 1 != 0 {
        config.tls = Some(tls());
    }
    if flags & 2 != 0 {
        config.accounts.insert("alice", "s3cret");
        config.session.auth_requires_tls = false;
    }
    config.session.xclient = flags & 4 != 0;
    config.session.proxy_protocol = flags & 8 != 0;
    let mut sim_config = SimConfig::default();
    if flags & 32 != 0 {
        sim_config.limits = StoreLimits {
            max_messages: 1,
            ..StoreLimits::default()
        };
    }
    let keep_open = flags & 64 != 0;
    // A PROXY header comes before the greeting.
    let early_talker = flags & 128 != 0 || flags & 8 != 0;
    let sim = Simulator::new(sim_config, scenario(flags & 16 != 0)).expect("no spool, no file");
    let (shared, _force) = Shared::new(
        sim,
        config,
        Clock::starting_at(Timestamp(1_700_000_000_000)),
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a runtime");
    let output = runtime.block_on(async {
        let (client, server) = tokio::io::duplex(64 * 1024);
        let (mut from_server, mut to_server) = tokio::io::split(client);
        let peer = "192.0.2.7:40000".parse().expect("an address");
        let serve = async {
            let _ = serve_connection(server, peer, &shared, false).await;
        };
        // What the server wrote so far, whether it closed, and a wake-up for the writer.
        let output = RefCell::new(Vec::new());
        let eof = Cell::new(false);
        let arrived = Notify::new();
        let mut seen = 0;
        let next_reply = |seen: usize| {
            let (output, eof, arrived) = (&output, &eof, &arrived);
            async move {
                loop {
                    let wake = arrived.notified();
                    if eof.get() || final_replies(&output.borrow()) > seen {
                        return;
                    }
                    wake.await;
                }
            }
        };
        let write = async {
            if !early_talker {
                next_reply(seen).await;
                seen += 1;
            }
            for step in &steps {
                match step {
                    Step::Write(bytes) => {
                        // The server closed (QUIT, 421, a dropped connection): nothing
                        // more to send; the reader ends at its end of file.
                        if to_server.write_all(bytes).await.is_err() {
                            break;
                        }
                        // Let the driver read this piece on its own.
                        for _ in 0..4 {
                            tokio::task::yield_now().await;
                        }
                    }
                    Step::Wait(s) => tokio::time::sleep(Duration::from_secs(u64::from(*s))).await,
                    Step::Reply => {
                        next_reply(seen).await;
                        seen += 1;
                    }
                }
            }
            if !keep_open {
                let _ = to_server.shutdown().await;
            }
            // Hold the write half (dropping it would close the pipe).
            std::future::pending::<()>().await;
        };
        let read = async {
            let mut buf = vec![0u8; 8192];
            loop {
                match from_server.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => output.borrow_mut().extend_from_slice(&buf[..n]),
                }
                arrived.notify_waiters();
            }
            eof.set(true);
            arrived.notify_waiters();
            output.borrow().clone()
        };
        let all = async {
            tokio::pin!(write);
            let ((), out) = tokio::join!(serve, async {
                tokio::select! {
                    out = read => out,
                    () = &mut write => unreachable!("the writer never ends on its own"),
                }
            });
            out
        };
        // A day of virtual time: the session's own timeouts end it long before.
        tokio::time::timeout(Duration::from_secs(24 * 3600), all)
            .await
            .expect("the driver ends the connection")
    });
    check_replies(&output, rest);
}

/// The replies complete so far: lines whose code is followed by a space (or nothing).
fn final_replies(output: &[u8]) -> usize {
    output
        .split(|b| *b == b'\n')
        .filter(|line| line.ends_with(b"\r") && matches!(line.get(3), Some(b' ' | b'\r')))
        .count()
}

fn check_replies(output: &[u8], input: &[u8]) {
    let config = ReplyConfig::default();
    let mut at = output;
    let mut count = 0usize;
    while !at.is_empty() {
        let (reply, rest) = match parse_reply(at, &config) {
            Ok(r) => r,
            Err(e) => panic!(
                "malformed server output {e:?} at {:?}",
                String::from_utf8_lossy(&at[..at.len().min(200)])
            ),
        };
        let code = reply.code().get();
        if let Some(status) = reply.status() {
            assert!(
                status.agrees_with_reply_code(code),
                "status {status} with code {code}"
            );
        }
        if count == 0 {
            assert!(
                matches!(code, 220 | 421 | 554),
                "the first reply is a greeting, not {code}"
            );
        } else if code == 220 {
            // STARTTLS: what follows is TLS.
            return;
        }
        count += 1;
        at = rest;
    }
    let line_ends = input
        .iter()
        .filter(|b| **b == b'\n' || **b == b'\r')
        .count();
    assert!(
        count <= line_ends + 2,
        "{count} replies for {line_ends} line ends"
    );
}
