//! Client session tests: scripted servers, byte-exact.

use std::time::{Duration, Instant};

use super::*;

fn script(client: &mut ClientSession, now: Instant, server: &[&[u8]]) -> Vec<u8> {
    let mut sent = Vec::new();
    for reply in server {
        client.handle_input(reply, now);
        while let Some(bytes) = client.poll_transmit() {
            sent.extend_from_slice(&bytes);
        }
    }
    sent
}

fn events(client: &mut ClientSession) -> Vec<ClientEvent> {
    std::iter::from_fn(|| client.poll_event()).collect()
}

fn message() -> Outgoing {
    Outgoing::new(
        "a@x.example",
        &["b@y.example", "c@y.example"],
        b".dot\r\n".to_vec(),
    )
    .unwrap()
}

#[test]
fn ehlo_refused_falls_back_to_helo_and_sends_one_command_at_a_time() {
    let now = Instant::now();
    let mut c = ClientSession::new(ClientConfig::default(), now);
    c.send(message());
    c.quit();
    let sent = script(
        &mut c,
        now,
        &[
            b"220 mx ESMTP\r\n",
            b"502 5.5.1 EHLO not implemented\r\n",
            b"250 mx\r\n",
            b"250 2.1.0 Ok\r\n",
            b"550 5.1.1 No such user\r\n",
            b"250 2.1.5 Ok\r\n",
            b"354 go\r\n",
            b"250 2.0.0 queued\r\n",
            b"221 2.0.0 Bye\r\n",
        ],
    );
    assert_eq!(
        String::from_utf8(sent).unwrap(),
        "EHLO localhost\r\nHELO localhost\r\nMAIL FROM:<a@x.example>\r\nRCPT TO:<b@y.example>\r\n\
         RCPT TO:<c@y.example>\r\nDATA\r\n..dot\r\n.\r\nQUIT\r\n"
    );
    let events = events(&mut c);
    assert!(matches!(events[1], ClientEvent::Ready(None)));
    let ClientEvent::Delivery(d) = &events[2] else {
        panic!("{events:?}")
    };
    assert!(d.delivered());
    let codes: Vec<u16> = d
        .recipients
        .iter()
        .map(|(_, r)| r.as_ref().unwrap().code().get())
        .collect();
    assert_eq!(codes, [550, 250]);
    assert_eq!(events.last(), Some(&ClientEvent::Closed(ClientClose::Quit)));
    assert!(c.is_closed());
}

#[test]
fn service_closing_at_any_step_ends_the_session() {
    let steps: [&[&[u8]]; 5] = [
        &[b"421 4.3.2 busy\r\n"],
        &[b"220 mx\r\n", b"421 4.3.2 busy\r\n"],
        &[b"220 mx\r\n", b"250 mx\r\n", b"421 4.3.2 bye\r\n"],
        &[
            b"220 mx\r\n",
            b"250 mx\r\n",
            b"250 Ok\r\n",
            b"421 4.3.2 bye\r\n",
        ],
        &[
            b"220 mx\r\n",
            b"250 mx\r\n",
            b"250 Ok\r\n",
            b"250 Ok\r\n",
            b"250 Ok\r\n",
            b"354 go\r\n",
            b"421 4.3.2 bye\r\n",
        ],
    ];
    for (i, replies) in steps.iter().enumerate() {
        let now = Instant::now();
        let mut c = ClientSession::new(ClientConfig::default(), now);
        c.send(message());
        let _ = script(&mut c, now, replies);
        let events = events(&mut c);
        assert!(c.is_closed(), "step {i}");
        assert!(
            matches!(events.last(), Some(ClientEvent::Closed(ClientClose::ServiceClosing(r))) if r.code().get() == 421),
            "step {i}: {events:?}"
        );
        let delivered = events
            .iter()
            .any(|e| matches!(e, ClientEvent::Delivery(d) if d.delivered()));
        assert!(!delivered, "step {i}");
    }
}

#[test]
fn refused_greeting_sends_quit() {
    let now = Instant::now();
    let mut c = ClientSession::new(ClientConfig::default(), now);
    let sent = script(&mut c, now, &[b"554 5.7.1 go away\r\n"]);
    assert_eq!(sent, b"QUIT\r\n");
    assert!(matches!(
        events(&mut c).last(),
        Some(ClientEvent::Closed(ClientClose::Refused(_)))
    ));
}

#[test]
fn timeouts_follow_rfc_5321_per_step() {
    let start = Instant::now();
    let mut c = ClientSession::new(ClientConfig::default(), start);
    c.send(message());
    assert_eq!(c.poll_timeout(), Some(start + Duration::from_secs(300)));
    let t1 = start + Duration::from_secs(1);
    let _ = script(
        &mut c,
        t1,
        &[b"220 mx\r\n", b"250-mx\r\n250 PIPELINING\r\n"],
    );
    assert_eq!(
        c.poll_timeout(),
        Some(t1 + Duration::from_secs(300)),
        "MAIL"
    );
    let _ = script(&mut c, t1, &[b"250 Ok\r\n250 Ok\r\n250 Ok\r\n"]);
    assert_eq!(
        c.poll_timeout(),
        Some(t1 + Duration::from_secs(120)),
        "DATA initiation"
    );
    let _ = script(&mut c, t1, &[b"354 go\r\n"]);
    assert_eq!(
        c.poll_timeout(),
        Some(t1 + Duration::from_secs(600)),
        "DATA termination"
    );
    c.handle_timeout(t1 + Duration::from_secs(599));
    assert!(!c.is_closed());
    c.handle_timeout(t1 + Duration::from_secs(600));
    assert!(c.is_closed());
    assert!(matches!(
        events(&mut c).last(),
        Some(ClientEvent::Closed(ClientClose::Timeout))
    ));
}

#[test]
fn malformed_or_unasked_replies_are_protocol_errors() {
    for replies in [
        &[&b"220 mx\r\n"[..], b"250 mx\r\n", b"250 extra\r\n"][..],
        &[b"2x0 bad\r\n"],
    ] {
        let now = Instant::now();
        let mut c = ClientSession::new(ClientConfig::default(), now);
        let _ = script(&mut c, now, replies);
        assert!(
            matches!(
                events(&mut c).last(),
                Some(ClientEvent::Closed(ClientClose::ProtocolError))
            ),
            "{replies:?}"
        );
    }
}
