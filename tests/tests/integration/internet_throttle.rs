//! The cloud's port-25 throttle as lettre meets it: the first N sends go through, then a
//! connect timeout (silent mode: SYNs dropped) or a greeting timeout (no-greeting mode).
//! Real time, short timeouts: the whole module takes about a second.

use std::time::{Duration, Instant};

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use smtp_sim::SmtpSim;
use smtp_sim::throttle::{ThrottleConfig, ThrottleMode};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

const TIMEOUT: Duration = Duration::from_millis(400);

fn message() -> Message {
    Message::builder()
        .from("App <app@shop.example>".parse::<Mailbox>().unwrap())
        .to("user@example.net".parse::<Mailbox>().unwrap())
        .subject("hello")
        .body(String::from("Hello.\r\n"))
        .unwrap()
}

async fn throttled(burst: u32, mode: ThrottleMode) -> SmtpSim {
    SmtpSim::builder()
        .throttle(ThrottleConfig {
            burst,
            // An hour: no token comes back during the test.
            refill_ms: 3_600_000,
            mode,
        })
        .start()
        .await
        .unwrap()
}

fn transport(sim: &SmtpSim) -> AsyncSmtpTransport<Tokio1Executor> {
    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(sim.smtp_addr().port())
        .timeout(Some(TIMEOUT))
        .build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_gate_makes_connect_time_out_after_the_burst() {
    let sim = throttled(2, ThrottleMode::Silent).await;
    let t = transport(&sim);
    for n in 0..2 {
        t.send(message())
            .await
            .unwrap_or_else(|e| panic!("send {n}: {e}"));
    }
    let started = Instant::now();
    let err = t.send(message()).await.unwrap_err();
    let waited = started.elapsed();
    // lettre's connect timed out: no SMTP reply, no refusal, no reset.
    assert!(err.status().is_none(), "{err}");
    assert!(err.to_string().contains("connection timed out"), "{err}");
    assert!(waited >= TIMEOUT, "{waited:?}");
    // What a raw socket sees: connect() itself does not complete.
    let raw = tokio::time::timeout(TIMEOUT, TcpStream::connect(sim.smtp_addr())).await;
    assert!(raw.is_err(), "the SYN is answered: {raw:?}");
    assert_eq!(sim.messages().len(), 2);
    assert_eq!(
        sim.transcripts().len(),
        2,
        "the server never saw the others"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_greeting_gate_connects_and_never_greets() {
    let sim = throttled(1, ThrottleMode::NoGreeting).await;
    let t = transport(&sim);
    t.send(message()).await.unwrap();
    // lettre's async transport times out the connect only, not the wait for the greeting: the
    // send would wait for ever, so the caller's own timeout ends it.
    let waiting = tokio::time::timeout(TIMEOUT, t.send(message())).await;
    assert!(waiting.is_err(), "the send ended: {waiting:?}");
    // The TCP connection completes; the 220 never comes.
    let mut tcp = tokio::time::timeout(TIMEOUT, TcpStream::connect(sim.smtp_addr()))
        .await
        .expect("connect completes")
        .unwrap();
    let mut buf = [0u8; 64];
    let read = tokio::time::timeout(TIMEOUT, tcp.read(&mut buf)).await;
    assert!(read.is_err(), "something was sent: {read:?}");
    assert_eq!(sim.messages().len(), 1);
}

/// A scenario's `[throttle]` gates the listener by itself (it used to be read and ignored).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scenarios_throttle_section_gates_the_listener() {
    let scenario = smtp_sim::scenario::Scenario::from_toml(
        "[throttle]\nburst = 1\nrefill_s = 3600\nmode = \"silent\"\n",
        Some("throttle.toml"),
    )
    .unwrap();
    let sim = SmtpSim::builder().scenario(scenario).start().await.unwrap();
    let t = transport(&sim);
    t.send(message()).await.unwrap();
    let err = t.send(message()).await.unwrap_err();
    assert!(err.to_string().contains("connection timed out"), "{err}");
    assert_eq!(sim.messages().len(), 1);
}
