//! The listener: the connection cap and graceful shutdown, seen from a raw TCP client.

use std::time::Duration;

use smtp_sim::SmtpSim;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

async fn line(reader: &mut BufReader<TcpStream>) -> String {
    let mut line = String::new();
    tokio::time::timeout(Duration::from_secs(30), reader.read_line(&mut line))
        .await
        .expect("a line in time")
        .unwrap();
    line
}

#[tokio::test]
async fn over_the_cap_is_answered_421() {
    let sim = SmtpSim::builder().max_connections(1).start().await.unwrap();
    let mut first = BufReader::new(TcpStream::connect(sim.smtp_addr()).await.unwrap());
    assert!(line(&mut first).await.starts_with("220 "));
    let mut second = BufReader::new(TcpStream::connect(sim.smtp_addr()).await.unwrap());
    assert_eq!(
        line(&mut second).await,
        "421 4.7.0 mx.smtp-sim.test Error: too many connections\r\n"
    );
    assert_eq!(line(&mut second).await, "", "closed after the 421");
    first.get_mut().write_all(b"QUIT\r\n").await.unwrap();
    assert!(line(&mut first).await.starts_with("221 "));
    // The slot is free again.
    let mut third = BufReader::new(TcpStream::connect(sim.smtp_addr()).await.unwrap());
    assert!(line(&mut third).await.starts_with("220 "));
}

#[tokio::test(start_paused = true)]
async fn shutdown_lets_sessions_finish_then_sends_421() {
    let sim = SmtpSim::builder()
        .shutdown_grace(Duration::from_secs(3))
        .without_idle_timeouts()
        .start()
        .await
        .unwrap();
    let addr = sim.smtp_addr();
    let mut idle = BufReader::new(TcpStream::connect(addr).await.unwrap());
    assert!(line(&mut idle).await.starts_with("220 "));
    let started = tokio::time::Instant::now();
    let stopping = tokio::spawn(sim.shutdown());
    // The session under way is not cut at once; after the grace period it hears 421.
    assert_eq!(
        line(&mut idle).await,
        "421 4.3.2 mx.smtp-sim.test Error: service shutting down\r\n"
    );
    assert!(started.elapsed() >= Duration::from_secs(3));
    stopping.await.unwrap();
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "no longer accepting"
    );
}
