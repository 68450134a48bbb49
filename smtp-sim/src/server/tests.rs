//! The connection driver over in-memory pipes, with paused time.

mod commands;

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::*;
use crate::capture::{Direction, EventKind, StoreLimits};
use crate::scenario::{ActionBuilder, Reason, RuleBuilder, Scenario, ScenarioBuilder, Step};
use crate::sim::{SimConfig, Simulator};
use crate::types::Timestamp;

struct Pipe {
    client: DuplexStream,
    buf: Vec<u8>,
    task: JoinHandle<std::io::Result<()>>,
    sim: Simulator,
    force: tokio::sync::watch::Sender<bool>,
}

fn accept_all() -> Scenario {
    ScenarioBuilder::new().build().unwrap()
}

fn start_with(scenario: Scenario, limits: StoreLimits, config: ServerConfig) -> Pipe {
    let sim_config = SimConfig {
        limits,
        ..SimConfig::default()
    };
    let sim = Simulator::new(sim_config, scenario).unwrap();
    let (shared, force) = Shared::new(sim.clone(), config, Clock::starting_at(Timestamp(0)));
    let shared = Arc::new(shared);
    let (client, server) = tokio::io::duplex(64 * 1024);
    let peer = "192.0.2.10:40000".parse().unwrap();
    let task = tokio::spawn(async move { serve_connection(server, peer, &shared, false).await });
    Pipe {
        client,
        buf: Vec::new(),
        task,
        sim,
        force,
    }
}

fn start(scenario: Scenario) -> Pipe {
    start_with(scenario, StoreLimits::default(), ServerConfig::default())
}

impl Pipe {
    /// Reads one whole reply (up to the line with a space after the code); `None` at EOF.
    async fn reply(&mut self) -> Option<String> {
        loop {
            let mut start = 0;
            while let Some(lf) = self.buf[start..].iter().position(|b| *b == b'\n') {
                let line = &self.buf[start..start + lf + 1];
                start += lf + 1;
                if line.get(3) != Some(&b'-') {
                    let reply: Vec<u8> = self.buf.drain(..start).collect();
                    return Some(String::from_utf8(reply).unwrap());
                }
            }
            let mut chunk = [0u8; 4096];
            let n = self.client.read(&mut chunk).await.unwrap();
            if n == 0 {
                return None;
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    async fn send(&mut self, line: &str) -> String {
        self.client.write_all(line.as_bytes()).await.unwrap();
        self.reply().await.unwrap_or_default()
    }
}

#[tokio::test(start_paused = true)]
async fn accept_all_stores_and_transcribes() {
    let mut p = start(accept_all());
    assert_eq!(p.reply().await.unwrap(), "220 mx.smtp-sim.test ESMTP\r\n");
    assert!(
        p.send("EHLO client.example\r\n")
            .await
            .starts_with("250-mx.smtp-sim.test\r\n")
    );
    assert_eq!(
        p.send("MAIL FROM:<a@example.org>\r\n").await,
        "250 2.1.0 Ok\r\n"
    );
    assert_eq!(
        p.send("RCPT TO:<b@example.net>\r\n").await,
        "250 2.1.5 Ok\r\n"
    );
    assert!(p.send("DATA\r\n").await.starts_with("354 "));
    let body = "From: A <a@example.org>\r\nSubject: t\r\n\r\n..dot\r\n.\r\n";
    assert_eq!(p.send(body).await, "250 2.0.0 Ok: queued\r\n");
    assert_eq!(p.send("QUIT\r\n").await, "221 2.0.0 Bye\r\n");
    assert_eq!(p.reply().await, None, "closed after QUIT");
    p.task.await.unwrap().unwrap();
    p.sim.with_capture(|c| {
        let m = c.store.iter().next().expect("stored");
        assert_eq!(
            m.raw,
            b"From: A <a@example.org>\r\nSubject: t\r\n\r\n.dot\r\n"
        );
        assert_eq!(m.envelope.sender, "a@example.org");
        assert_eq!(m.envelope.recipients[0].address, "b@example.net");
        assert_eq!(m.helo.as_deref(), Some("client.example"));
        assert_eq!(m.client.ip.to_string(), "192.0.2.10");
        let t = c.transcripts.iter().next().unwrap();
        let lines: Vec<(Direction, &str)> = t
            .lines
            .iter()
            .map(|l| (l.direction, l.text.as_str()))
            .collect();
        assert!(lines.contains(&(Direction::Client, "MAIL FROM:<a@example.org>")));
        assert!(lines.contains(&(Direction::Server, "250 2.0.0 Ok: queued")));
        assert!(
            !lines.iter().any(|(_, l)| l.contains("Subject")),
            "no data in transcripts"
        );
        assert!(t.ended.is_some());
    });
}

fn rule(id: &str, step: Step, action: ActionBuilder, reason: Reason) -> RuleBuilder {
    RuleBuilder::new(id)
        .step(step)
        .action(action)
        .expect(reason)
}

#[tokio::test(start_paused = true)]
async fn a_content_filter_refuses_by_subject_and_size_and_the_next_message_passes() {
    let scenario = ScenarioBuilder::new()
        .rule(
            rule(
                "spam",
                Step::EndOfData,
                ActionBuilder::reply(550, "Message rejected as spam").status("5.7.1"),
                Reason::Spamdetected,
            )
            .subject("*lottery*"),
        )
        .rule(
            rule(
                "big",
                Step::EndOfData,
                ActionBuilder::reply(552, "Message too big").status("5.3.4"),
                Reason::Emailtoolarge,
            )
            .larger_than(100),
        )
        .build()
        .unwrap();
    let mut p = start(scenario);
    p.reply().await.unwrap();
    p.send("EHLO c.example\r\n").await;
    let padding = "x".repeat(120);
    let messages = [
        (
            "Subject: You won the\r\n LOTTERY\r\n\r\nhi\r\n.\r\n".to_owned(),
            "550 5.7.1 Message rejected as spam\r\n",
        ),
        (
            format!("Subject: report\r\n\r\n{padding}\r\n.\r\n"),
            "552 5.3.4 Message too big\r\n",
        ),
        (
            "Subject: report\r\n\r\nshort\r\n.\r\n".to_owned(),
            "250 2.0.0 Ok: queued\r\n",
        ),
    ];
    for (message, want) in messages {
        p.send("MAIL FROM:<a@example.org>\r\n").await;
        p.send("RCPT TO:<b@example.net>\r\n").await;
        assert!(p.send("DATA\r\n").await.starts_with("354 "));
        assert_eq!(p.send(&message).await, want);
    }
    p.sim
        .with_capture(|c| assert_eq!(c.store.iter().count(), 1));
}

#[tokio::test(start_paused = true)]
async fn a_delay_runs_on_tokio_time_and_earlier_replies_are_not_held() {
    let scenario = ScenarioBuilder::new()
        .rule(
            rule(
                "slow",
                Step::Rcpt,
                ActionBuilder::accept().delay_ms(45_000),
                Reason::Delivered,
            )
            .rcpt("slow@*"),
        )
        .build()
        .unwrap();
    let mut p = start(scenario);
    p.reply().await.unwrap();
    p.send("EHLO c.example\r\n").await;
    let t0 = Instant::now();
    p.send("MAIL FROM:<a@example.org>\r\n").await;
    assert_eq!(t0.elapsed(), Duration::ZERO);
    assert_eq!(
        p.send("RCPT TO:<slow@example.net>\r\n").await,
        "250 2.1.5 Ok\r\n"
    );
    assert_eq!(t0.elapsed(), Duration::from_secs(45));
    let events = p
        .sim
        .with_capture(|c| c.events.since(0).cloned().collect::<Vec<_>>());
    let slow = events
        .iter()
        .find(|e| e.rule.as_deref() == Some("slow"))
        .unwrap();
    assert_eq!(slow.delay_ms, 45_000);
}

#[tokio::test(start_paused = true)]
async fn drop_close_and_helo_refusal() {
    let scenario = ScenarioBuilder::new()
        .rule(
            rule(
                "bad-helo",
                Step::Helo,
                ActionBuilder::reply(550, "Helo command rejected: go away").status("5.7.1"),
                Reason::Blocked,
            )
            .helo("bad.*"),
        )
        .rule(
            rule(
                "drop",
                Step::Rcpt,
                ActionBuilder::drop_connection(),
                Reason::Networkerror,
            )
            .rcpt("drop@*"),
        )
        .rule(
            rule(
                "close",
                Step::Mail,
                ActionBuilder::close(),
                Reason::Systemerror,
            )
            .sender("close@*"),
        )
        .build()
        .unwrap();
    let mut p = start(scenario.clone());
    p.reply().await.unwrap();
    assert_eq!(
        p.send("HELO bad.example\r\n").await,
        "550 5.7.1 Helo command rejected: go away\r\n"
    );
    assert_eq!(
        p.send("MAIL FROM:<a@example.org>\r\n").await,
        "503 5.5.1 Error: send HELO/EHLO first\r\n"
    );
    p.send("HELO good.example\r\n").await;
    p.send("MAIL FROM:<a@example.org>\r\n").await;
    p.client
        .write_all(b"RCPT TO:<drop@example.net>\r\n")
        .await
        .unwrap();
    assert_eq!(p.reply().await, None, "dropped without a reply");

    let mut p = start(scenario);
    p.reply().await.unwrap();
    p.send("EHLO good.example\r\n").await;
    let reply = p.send("MAIL FROM:<close@example.org>\r\n").await;
    assert_eq!(
        reply,
        "421 mx.smtp-sim.test Service not available, closing transmission channel\r\n"
    );
    assert_eq!(p.reply().await, None, "closed after 421");
    let kinds: Vec<EventKind> = p
        .sim
        .with_capture(|c| c.events.since(0).map(|e| e.kind).collect());
    assert!(kinds.contains(&EventKind::Closed));
}

#[tokio::test(start_paused = true)]
async fn idle_timeout_and_forced_shutdown() {
    let mut p = start(accept_all());
    p.reply().await.unwrap();
    let t0 = Instant::now();
    let reply = p.reply().await.unwrap();
    assert_eq!(
        reply,
        "421 4.4.2 mx.smtp-sim.test Error: timeout exceeded\r\n"
    );
    assert_eq!(t0.elapsed(), Duration::from_secs(300));
    assert_eq!(p.reply().await, None);

    let mut p = start(accept_all());
    p.reply().await.unwrap();
    p.send("EHLO c.example\r\n").await;
    p.force.send(true).unwrap();
    assert_eq!(
        p.reply().await.unwrap(),
        "421 4.3.2 mx.smtp-sim.test Error: service shutting down\r\n"
    );
    assert_eq!(p.reply().await, None);
}

#[tokio::test(start_paused = true)]
async fn a_full_store_answers_452_and_keeps_nothing_acknowledged() {
    let limits = StoreLimits {
        max_messages: 1,
        ..StoreLimits::default()
    };
    let mut p = start_with(accept_all(), limits, ServerConfig::default());
    p.reply().await.unwrap();
    p.send("EHLO c.example\r\n").await;
    let mut answers = Vec::new();
    for _ in 0..2 {
        p.send("MAIL FROM:<a@example.org>\r\n").await;
        p.send("RCPT TO:<b@example.net>\r\n").await;
        p.send("DATA\r\n").await;
        answers.push(p.send("Subject: x\r\n\r\nhi\r\n.\r\n").await);
    }
    assert_eq!(answers[0], "250 2.0.0 Ok: queued\r\n");
    assert_eq!(answers[1], "452 4.3.1 Insufficient system storage\r\n");
    assert_eq!(p.sim.with_capture(|c| c.store.len()), 1);
}

#[tokio::test(start_paused = true)]
async fn auth_against_accounts_and_xclient_identity() {
    let mut config = ServerConfig::default();
    config.accounts.insert("alice", "s3cret");
    config.session.auth_requires_tls = false;
    config.session.xclient = true;
    let mut p = start_with(accept_all(), StoreLimits::default(), config);
    p.reply().await.unwrap();
    let ehlo = p.send("EHLO c.example\r\n").await;
    assert!(ehlo.contains("AUTH PLAIN LOGIN"), "{ehlo}");
    // "\0alice\0wrong" and "\0alice\0s3cret"
    assert_eq!(
        p.send("AUTH PLAIN AGFsaWNlAHdyb25n\r\n").await,
        "535 5.7.8 Error: authentication failed: authentication failure\r\n"
    );
    assert_eq!(
        p.send("AUTH PLAIN AGFsaWNlAHMzY3JldA==\r\n").await,
        "235 2.7.0 Authentication successful\r\n"
    );
    assert!(
        p.send("XCLIENT ADDR=203.0.113.7 NAME=mail.example.com\r\n")
            .await
            .starts_with("220 ")
    );
    p.send("EHLO mail.example.com\r\n").await;
    p.send("MAIL FROM:<a@example.com>\r\n").await;
    let ip = p
        .sim
        .with_capture(|c| c.events.since(0).last().unwrap().client_ip);
    assert_eq!(ip.to_string(), "203.0.113.7");
    let secret_shown = p.sim.with_capture(|c| {
        c.transcripts
            .iter()
            .flat_map(|t| &t.lines)
            .any(|l| l.text.contains("AGFsaWNl"))
    });
    assert!(!secret_shown, "AUTH data stays out of transcripts");
}
