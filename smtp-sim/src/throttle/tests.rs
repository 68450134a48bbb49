//! The gate's decisions, and what a real client sees on loopback in each mode.

use std::net::SocketAddr;
use std::time::Duration;

use proptest::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::*;

#[test]
fn burst_then_closed_then_seeded_refill() {
    let config = ThrottleConfig {
        burst: 3,
        refill_ms: 60_000,
        mode: ThrottleMode::Silent,
    };
    let mut gate = Gate::new(config, 7);
    let taken: Vec<bool> = (0..5).map(|i| gate.try_take(Timestamp(i))).collect();
    assert_eq!(taken, [true, true, true, false, false]);
    let next = gate.next_token_at().unwrap().millis();
    assert!((30_000..=90_000).contains(&next), "first refill at {next}");
    assert!(!gate.try_take(Timestamp(next - 1)));
    assert!(gate.try_take(Timestamp(next)));
    assert!(!gate.try_take(Timestamp(next)));
    // The same seed gives the same refill times; another seed (almost surely) others.
    let mut again = Gate::new(config, 7);
    (0..3).for_each(|i| assert!(again.try_take(Timestamp(i))));
    assert_eq!(again.next_token_at().unwrap().millis(), next);
}

proptest! {
    #[test]
    fn same_seed_same_decisions_and_never_above_burst(
        seed in any::<u64>(),
        burst in 1u32..5,
        gaps in proptest::collection::vec(0u64..20_000, 1..100),
    ) {
        let config = ThrottleConfig { burst, refill_ms: 10_000, mode: ThrottleMode::Silent };
        let run = || {
            let mut gate = Gate::new(config, seed);
            let mut now = 0;
            gaps.iter().map(|g| { now += g; let ok = gate.try_take(Timestamp(now)); (ok, gate.available(Timestamp(now))) }).collect::<Vec<_>>()
        };
        let first = run();
        prop_assert_eq!(&first, &run());
        prop_assert!(first.iter().all(|(_, left)| *left <= burst));
    }
}

async fn connect(addr: SocketAddr, timeout_ms: u64) -> Result<TcpStream, &'static str> {
    match tokio::time::timeout(Duration::from_millis(timeout_ms), TcpStream::connect(addr)).await {
        Ok(Ok(s)) => Ok(s),
        Ok(Err(_)) => Err("refused"),
        Err(_) => Err("timed out"),
    }
}

async fn greeting(stream: &mut TcpStream, timeout_ms: u64) -> Result<String, &'static str> {
    let mut buf = [0u8; 64];
    match tokio::time::timeout(Duration::from_millis(timeout_ms), stream.read(&mut buf)).await {
        Ok(Ok(n)) => Ok(String::from_utf8_lossy(&buf[..n]).into_owned()),
        Ok(Err(_)) => Err("error"),
        Err(_) => Err("timed out"),
    }
}

fn serve(mut listener: GatedListener) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((mut stream, _)) = listener.accept().await {
            let _ = stream.write_all(b"220 gate\r\n").await;
            open.push(stream);
        }
    })
}

/// The EC2 shape on loopback: two connections served, then connect() times out (SYNs dropped),
/// then, once a token is back, a waiting client's retransmitted SYN gets through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_mode_makes_connect_time_out() {
    let config = ThrottleConfig {
        burst: 2,
        refill_ms: 1_500,
        mode: ThrottleMode::Silent,
    };
    let listener = GatedListener::bind("127.0.0.1:0".parse().unwrap(), config, 1).unwrap();
    let addr = listener.local_addr();
    let server = serve(listener);
    let mut kept = Vec::new();
    for i in 0..2 {
        let mut s = connect(addr, 1_000)
            .await
            .unwrap_or_else(|e| panic!("client {i}: {e}"));
        assert_eq!(greeting(&mut s, 1_000).await, Ok("220 gate\r\n".to_owned()));
        kept.push(s);
    }
    for i in 2..4 {
        assert_eq!(
            connect(addr, 400).await.err(),
            Some("timed out"),
            "client {i}"
        );
    }
    // A patient client: its SYN retransmissions (1 s, 3 s, 7 s) meet the refilled token.
    let mut late = connect(addr, 9_000)
        .await
        .expect("a later connection gets through");
    assert_eq!(
        greeting(&mut late, 2_000).await,
        Ok("220 gate\r\n".to_owned())
    );
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_greeting_mode_connects_but_never_greets() {
    let config = ThrottleConfig {
        burst: 1,
        refill_ms: 3_600_000,
        mode: ThrottleMode::NoGreeting,
    };
    let listener = GatedListener::bind("127.0.0.1:0".parse().unwrap(), config, 1).unwrap();
    let addr = listener.local_addr();
    let server = serve(listener);
    let mut first = connect(addr, 1_000).await.unwrap();
    assert_eq!(
        greeting(&mut first, 1_000).await,
        Ok("220 gate\r\n".to_owned())
    );
    for _ in 0..3 {
        let mut s = connect(addr, 1_000)
            .await
            .expect("the TCP connection completes");
        assert_eq!(greeting(&mut s, 300).await, Err("timed out"));
    }
    server.abort();
}
