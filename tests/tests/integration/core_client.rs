//! smtp-core's own client session, driven over a real loopback TCP connection.

use std::time::Duration;

use smtp_core::session::client::{ClientConfig, ClientEvent, ClientSession, Delivery, Outgoing};
use smtp_sim::SmtpSim;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// Sends `messages` on one connection and returns the deliveries.
async fn deliver(addr: std::net::SocketAddr, messages: Vec<Outgoing>) -> Vec<Delivery> {
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let mut client = ClientSession::new(ClientConfig::default(), Instant::now().into_std());
    let n = messages.len();
    for m in messages {
        client.send(m);
    }
    let mut deliveries = Vec::new();
    let mut buf = vec![0u8; 8192];
    let mut quit_sent = false;
    loop {
        while let Some(out) = client.poll_transmit() {
            tcp.write_all(&out).await.unwrap();
        }
        while let Some(event) = client.poll_event() {
            if let ClientEvent::Delivery(d) = event {
                deliveries.push(d);
            }
        }
        if deliveries.len() == n && !quit_sent {
            quit_sent = true;
            client.quit();
            continue;
        }
        if client.is_closed() {
            return deliveries;
        }
        let read = tokio::time::timeout(Duration::from_secs(10), tcp.read(&mut buf))
            .await
            .expect("the server answers")
            .unwrap();
        if read == 0 {
            return deliveries;
        }
        client.handle_input(&buf[..read], Instant::now().into_std());
    }
}

#[tokio::test]
async fn pipelined_messages_with_a_refused_recipient() {
    let sim = SmtpSim::builder().start().await.unwrap();
    let first = Outgoing::new(
        "app@shop.example",
        &[
            "success@simulator.amazonses.com",
            "bounce@simulator.amazonses.com",
        ],
        b"From: app@shop.example\r\nSubject: one\r\n\r\nbody\r\n.leading dot\r\n".to_vec(),
    )
    .unwrap();
    let second = Outgoing::new(
        "app@shop.example",
        &["ooto@simulator.amazonses.com"],
        b"Subject: two\r\n\r\nhi\r\n".to_vec(),
    )
    .unwrap();
    let deliveries = deliver(sim.smtp_addr(), vec![first, second]).await;
    assert_eq!(deliveries.len(), 2);
    let codes: Vec<Option<u16>> = deliveries[0]
        .recipients
        .iter()
        .map(|(_, r)| r.as_ref().map(|r| r.code().get()))
        .collect();
    assert_eq!(codes, [Some(250), Some(550)]);
    assert!(deliveries[0].delivered() && deliveries[1].delivered());
    let messages = sim.messages();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0].envelope.recipients.len(), 1);
    assert_eq!(
        messages[0].raw,
        b"From: app@shop.example\r\nSubject: one\r\n\r\nbody\r\n.leading dot\r\n"
    );
    // ooto@ is accepted, then an auto-reply is owed to the sender.
    let outbox = sim.outbox();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].to, "app@shop.example");
    assert_eq!(outbox[0].recipient, "ooto@simulator.amazonses.com");
}
