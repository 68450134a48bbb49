//! Greylisting across paused-time retries up to the auto-whitelist, and rate limits on
//! connections (Postfix anvil's 421), concurrent connections, messages and recipients.

use std::time::Duration;

use bounce_classify::{Command, classify_reply};
use smtp_core::session::client::{ClientConfig, ClientEvent, ClientSession, Delivery, Outgoing};
use smtp_sim::SmtpSim;
use smtp_sim::scenario::Step;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

use super::internet_client::{
    Via, body, classifier_disagreements, greeting_from, last_refusal, refusal_rules, scenario,
    send_as, send_paused,
};

const FROM: &str = "app@shop.example";

/// postgrey's semantics on the simulator's clock: the first attempt of a triplet is deferred,
/// a retry before 300 s too, a retry after passes; after 5 delivered messages the client's /24
/// is whitelisted (a new triplet passes at once) while another /24 is still greylisted.
#[tokio::test(start_paused = true)]
async fn greylisting_until_the_client_is_whitelisted() {
    let sim = SmtpSim::builder()
        .scenario(scenario(
            "[[check]]\nkind = \"greylist\"\n\n[greylist]\ndelay_s = 300\n",
        ))
        .without_idle_timeouts()
        .start()
        .await
        .unwrap();
    let local = Via::Loopback;
    let rcpt = "grey@example.net";
    let first = send_paused(&sim, &local, FROM, &[rcpt], &body(FROM)).await;
    assert_eq!(
        first.codes(),
        [("MAIL", 250), ("RCPT grey@example.net", 450)]
    );
    let (rule, step, lines) = last_refusal(&sim);
    assert_eq!((rule.as_str(), step), ("greylist", Step::Rcpt));
    assert_eq!(
        lines,
        [
            "450 4.2.0 <grey@example.net>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.net.html"
        ]
    );
    tokio::time::sleep(Duration::from_secs(299)).await;
    let early = send_paused(&sim, &local, FROM, &[rcpt], &body(FROM)).await;
    assert_eq!(early.code("RCPT grey@example.net"), Some(450));
    tokio::time::sleep(Duration::from_secs(2)).await;
    for n in 1..=5 {
        let again = send_paused(&sim, &local, FROM, &[rcpt], &body(FROM)).await;
        assert!(again.delivered(), "delivery {n}: {again:?}");
    }
    // Whitelisted: a triplet never seen passes at once.
    let fresh = send_paused(&sim, &local, FROM, &["new@example.org"], &body(FROM)).await;
    assert!(fresh.delivered(), "{fresh:?}");
    // Another network (127.6.0.0/24) has delivered nothing: greylisted.
    let other = Via::Source("127.6.0.1".parse().unwrap());
    let other_try = send_paused(&sim, &other, FROM, &["new@example.org"], &body(FROM)).await;
    assert_eq!(other_try.code("RCPT new@example.org"), Some(450));
    assert_eq!(sim.messages().len(), 6);
    assert_eq!(refusal_rules(&sim), ["greylist", "greylist", "greylist"]);
    assert_eq!(classifier_disagreements(&sim), Vec::<String>::new());
}

/// The greylisting reply as the test above reads it on the wire: a deferral, not a bad address.
#[test]
fn the_classifier_reads_greylisting_as_a_deferral() {
    let v = classify_reply(
        450,
        "4.2.0".parse().ok(),
        "<grey@example.net>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.net.html",
        Some(Command::Rcpt),
    );
    assert_eq!(
        (v.reason.as_str(), v.hard_bounce),
        ("ratelimited", false),
        "{v:?}"
    );
}

const LIMITS: &str = r#"
[[client]]
source = "127.7.0.1"
ip = "192.0.2.71"

[[client]]
source = "127.7.0.2"
ip = "192.0.2.72"

[[rate_limit]]
id = "conn-rate"
scope = "client_ip"
counted = "connections"
max = 2
per_s = 3600
"#;

/// The third connection within the hour from one address gets anvil's 421 as its greeting;
/// another address is not affected.
#[tokio::test]
async fn connection_rate_gets_anvils_421() {
    let sim = SmtpSim::builder()
        .scenario(scenario(LIMITS))
        .start()
        .await
        .unwrap();
    let one = "127.7.0.1".parse().unwrap();
    for _ in 0..2 {
        let ok = send_as(
            &sim,
            &Via::Source(one),
            FROM,
            &["a@example.net"],
            &body(FROM),
        )
        .await;
        assert!(ok.delivered(), "{ok:?}");
    }
    let greeting = greeting_from(sim.smtp_addr(), Some(one)).await;
    assert_eq!(
        greeting,
        "421 4.7.0 mx.smtp-sim.test Error: too many connections from 192.0.2.71\r\n"
    );
    let (rule, step, _) = last_refusal(&sim);
    assert_eq!((rule.as_str(), step), ("conn-rate", Step::Connect));
    let two = Via::Source("127.7.0.2".parse().unwrap());
    assert!(
        send_as(&sim, &two, FROM, &["a@example.net"], &body(FROM))
            .await
            .delivered()
    );
    assert_eq!(classifier_disagreements(&sim), Vec::<String>::new());
}

/// One connection at a time per address: a second while the first is open gets the 421; once
/// the first has gone, a new one is served.
#[tokio::test]
async fn concurrent_connections() {
    let toml = LIMITS.replace(
        "counted = \"connections\"\nmax = 2\nper_s = 3600",
        "counted = \"concurrent\"\nmax = 1",
    );
    let sim = SmtpSim::builder()
        .scenario(scenario(&toml))
        .start()
        .await
        .unwrap();
    let one = "127.7.0.1".parse().unwrap();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind((one, 0).into()).unwrap();
    let mut held = socket.connect(sim.smtp_addr()).await.unwrap();
    let mut buf = [0u8; 256];
    let n = held.read(&mut buf).await.unwrap();
    assert!(
        buf[..n].starts_with(b"220 "),
        "{:?}",
        String::from_utf8_lossy(&buf[..n])
    );
    let greeting = greeting_from(sim.smtp_addr(), Some(one)).await;
    assert_eq!(
        greeting,
        "421 4.7.0 mx.smtp-sim.test Error: too many connections from 192.0.2.71\r\n"
    );
    held.write_all(b"QUIT\r\n").await.unwrap();
    let mut rest = Vec::new();
    held.read_to_end(&mut rest).await.unwrap();
    assert!(
        send_as(
            &sim,
            &Via::Source(one),
            FROM,
            &["a@example.net"],
            &body(FROM)
        )
        .await
        .delivered()
    );
    assert_eq!(classifier_disagreements(&sim), Vec::<String>::new());
}

/// Two messages per hour per address: the third MAIL gets `450 4.7.1 Error: too much mail`.
#[tokio::test]
async fn message_rate() {
    let toml = LIMITS.replace(
        "id = \"conn-rate\"\nscope = \"client_ip\"\ncounted = \"connections\"",
        "id = \"msg-rate\"\nscope = \"client_ip\"\ncounted = \"messages\"",
    );
    let sim = SmtpSim::builder()
        .scenario(scenario(&toml))
        .start()
        .await
        .unwrap();
    let via = Via::Source("127.7.0.1".parse().unwrap());
    for _ in 0..2 {
        assert!(
            send_as(&sim, &via, FROM, &["a@example.net"], &body(FROM))
                .await
                .delivered()
        );
    }
    let third = send_as(&sim, &via, FROM, &["a@example.net"], &body(FROM)).await;
    assert_eq!(third.codes(), [("MAIL", 450)]);
    let (rule, step, lines) = last_refusal(&sim);
    assert_eq!((rule.as_str(), step), ("msg-rate", Step::Mail));
    assert_eq!(lines, ["450 4.7.1 Error: too much mail from 192.0.2.71"]);
    assert_eq!(classifier_disagreements(&sim), Vec::<String>::new());
}

/// Three recipients per hour per address, sent pipelined by smtp-core's client from a bound
/// 127.x source: the fourth and fifth RCPT are refused, the message goes to the first three.
#[tokio::test]
async fn recipient_rate_with_a_pipelining_client() {
    let toml = LIMITS.replace(
        "id = \"conn-rate\"\nscope = \"client_ip\"\ncounted = \"connections\"\nmax = 2",
        "id = \"rcpt-rate\"\nscope = \"client_ip\"\ncounted = \"recipients\"\nmax = 3",
    );
    let sim = SmtpSim::builder()
        .scenario(scenario(&toml))
        .start()
        .await
        .unwrap();
    let rcpts = [
        "r1@example.net",
        "r2@example.net",
        "r3@example.net",
        "r4@example.net",
        "r5@example.net",
    ];
    let message = Outgoing::new(FROM, &rcpts, body(FROM)).unwrap();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket
        .bind(("127.7.0.1".parse::<std::net::Ipv4Addr>().unwrap(), 0).into())
        .unwrap();
    let tcp = socket.connect(sim.smtp_addr()).await.unwrap();
    let delivery = deliver_one(tcp, message).await;
    let codes: Vec<u16> = delivery
        .recipients
        .iter()
        .map(|(_, r)| r.as_ref().map_or(0, |r| r.code().get()))
        .collect();
    assert_eq!(codes, [250, 250, 250, 450, 450]);
    assert!(delivery.delivered());
    assert_eq!(
        delivery.recipients[3].1.as_ref().unwrap().to_string(),
        "450 4.7.1 Error: too many recipients from 192.0.2.71"
    );
    assert_eq!(sim.messages()[0].envelope.recipients.len(), 3);
    assert_eq!(refusal_rules(&sim), ["rcpt-rate", "rcpt-rate"]);
    assert_eq!(classifier_disagreements(&sim), Vec::<String>::new());
}

/// smtp-core's client session over `tcp`: one message, then QUIT.
async fn deliver_one(mut tcp: TcpStream, message: Outgoing) -> Delivery {
    let mut client = ClientSession::new(ClientConfig::default(), Instant::now().into_std());
    client.send(message);
    let mut delivery = None;
    let mut buf = vec![0u8; 8192];
    loop {
        while let Some(out) = client.poll_transmit() {
            tcp.write_all(&out).await.unwrap();
        }
        while let Some(event) = client.poll_event() {
            if let ClientEvent::Delivery(d) = event {
                delivery = Some(d);
                client.quit();
            }
        }
        if client.is_closed() {
            break;
        }
        while let Some(out) = client.poll_transmit() {
            tcp.write_all(&out).await.unwrap();
        }
        let n = tokio::time::timeout(Duration::from_secs(10), tcp.read(&mut buf))
            .await
            .expect("the server answers")
            .unwrap();
        if n == 0 {
            break;
        }
        client.handle_input(&buf[..n], Instant::now().into_std());
    }
    delivery.expect("a delivery")
}
