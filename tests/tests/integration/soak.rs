//! Many concurrent sessions over loopback: every message sent is acknowledged and stored once,
//! nothing is lost and nothing extra appears.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use smtp_core::session::client::{ClientConfig, ClientEvent, ClientSession, Delivery, Outgoing};
use smtp_sim::SmtpSim;
use smtp_sim::capture::EventKind;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

const CLIENTS: usize = 200;
const MESSAGES_PER_CLIENT: usize = 5;

/// Sends `messages` over one connection with smtp-core's client session (pipelined when the
/// server offers it) and returns the deliveries, in the order they were reported.
pub(super) async fn send_session(addr: SocketAddr, messages: Vec<Outgoing>) -> Vec<Delivery> {
    let mut tcp = TcpStream::connect(addr).await.expect("connect");
    let mut client = ClientSession::new(
        ClientConfig {
            helo_name: "client.soak.example".into(),
            ..ClientConfig::default()
        },
        Instant::now().into_std(),
    );
    let n = messages.len();
    for m in messages {
        client.send(m);
    }
    let mut deliveries = Vec::new();
    let mut buf = vec![0u8; 8192];
    let mut quit = false;
    loop {
        while let Some(out) = client.poll_transmit() {
            tcp.write_all(&out).await.expect("write");
        }
        while let Some(event) = client.poll_event() {
            if let ClientEvent::Delivery(d) = event {
                deliveries.push(d);
            }
        }
        if deliveries.len() == n && !quit {
            quit = true;
            client.quit();
            continue;
        }
        if client.is_closed() {
            return deliveries;
        }
        let read = tokio::time::timeout(Duration::from_secs(30), tcp.read(&mut buf))
            .await
            .expect("the server answers within 30 s")
            .expect("read");
        if read == 0 {
            return deliveries;
        }
        client.handle_input(&buf[..read], Instant::now().into_std());
    }
}

/// The message client `c` sends as its `m`th: envelope and a body that names both.
fn message(c: usize, m: usize) -> (String, String, Vec<u8>) {
    let sender = format!("client{c}@soak.example");
    let rcpt = format!("user{m}@dest.example");
    // A line starting with a dot checks dot-stuffing under load as well.
    let body = format!(
        "From: {sender}\r\nTo: {rcpt}\r\nSubject: soak {c}/{m}\r\n\r\nclient {c} message {m}\r\n.dot line {c}.{m}\r\n"
    );
    (sender, rcpt, body.into_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_clients_five_messages_each_nothing_lost_nothing_extra() {
    let sim = SmtpSim::builder()
        .seed(5)
        .max_connections(CLIENTS + 10)
        .start()
        .await
        .unwrap();
    let addr = sim.smtp_addr();
    let started = std::time::Instant::now();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|c| {
            tokio::spawn(async move {
                let messages = (0..MESSAGES_PER_CLIENT)
                    .map(|m| {
                        let (sender, rcpt, body) = message(c, m);
                        Outgoing::new(&sender, &[rcpt.as_str()], body).unwrap()
                    })
                    .collect();
                (c, send_session(addr, messages).await)
            })
        })
        .collect();

    // What was acknowledged, keyed by (sender, recipient).
    let mut acknowledged = BTreeMap::new();
    for task in tasks {
        let (c, deliveries) = task.await.expect("client task");
        assert_eq!(deliveries.len(), MESSAGES_PER_CLIENT, "client {c}");
        for d in deliveries {
            assert!(d.delivered(), "client {c} message {}: {d:?}", d.id);
            let (sender, rcpt, body) = message(c, d.id);
            assert!(
                acknowledged.insert((sender, rcpt), body).is_none(),
                "acknowledged twice"
            );
        }
    }
    let sent = CLIENTS * MESSAGES_PER_CLIENT;
    assert_eq!(acknowledged.len(), sent);

    // Acknowledged before the reply went out, so stored by now; allow the watch a moment.
    let stored = sim
        .wait_for_messages(sent, Duration::from_secs(10))
        .await
        .expect("every acknowledged message is stored");
    assert_eq!(stored.len(), sent, "nothing extra");
    let mut seen = BTreeMap::new();
    for m in &stored {
        assert_eq!(m.envelope.recipients.len(), 1);
        let key = (
            m.envelope.sender.clone(),
            m.envelope.recipients[0].address.clone(),
        );
        let expected = acknowledged
            .get(&key)
            .unwrap_or_else(|| panic!("stored but never sent: {key:?}"));
        assert_eq!(&m.raw, expected, "{key:?}: bytes differ");
        assert!(seen.insert(key, m.id).is_none(), "stored twice");
    }
    assert_eq!(seen.len(), sent, "nothing lost");

    // The event log says the same: one `stored` event per message, and distinct sessions.
    let events = sim.events();
    let stored_events = events
        .iter()
        .filter(|e| e.kind == EventKind::Stored)
        .count();
    assert_eq!(stored_events, sent);
    let sessions: std::collections::BTreeSet<_> = stored.iter().map(|m| m.session).collect();
    assert_eq!(sessions.len(), CLIENTS);
    eprintln!(
        "soak: {sent} messages over {CLIENTS} concurrent sessions in {:?}",
        started.elapsed()
    );
    sim.shutdown().await;
}
