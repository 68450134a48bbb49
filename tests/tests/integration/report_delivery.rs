//! The outbox delivered by SMTP: a simulator sends its reports to a second embedded simulator
//! acting as the sender's MTA.

use std::time::Duration;

use smtp_core::session::client::Outgoing;
use smtp_sim::SmtpSim;
use smtp_sim::capture::{OutboxEntry, OutboxState, ReportKind};

use super::soak::send_session;

/// Waits until no report of `sim` is pending, built or being sent; returns the outbox.
async fn settled(sim: &SmtpSim, n: usize) -> Vec<OutboxEntry> {
    let done = |o: &[OutboxEntry]| {
        o.len() >= n
            && o.iter()
                .all(|e| matches!(e.state, OutboxState::Sent | OutboxState::Failed))
    };
    tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            let outbox = sim.outbox();
            if done(&outbox) {
                return outbox;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("reports not settled: {:?}", sim.outbox()))
}

/// One message to the SES simulator's out-of-office address: accepted, then answered with an
/// auto-reply to `app@shop.example`.
fn ooto_message() -> Outgoing {
    Outgoing::new(
        "app@shop.example",
        &["ooto@simulator.amazonses.com"],
        b"Subject: hi\r\n\r\nx\r\n".to_vec(),
    )
    .unwrap()
}

/// The sender's MTA, playing `scenario`, and a simulator that delivers its reports there,
/// trying a deferred report once more after `retry`.
async fn mta_and_sim(
    scenario: smtp_sim::scenario::Scenario,
    retry: Duration,
) -> (SmtpSim, SmtpSim) {
    let mta = SmtpSim::builder().scenario(scenario).start().await.unwrap();
    let sim = SmtpSim::builder()
        .deliver_reports(mta.smtp_addr().to_string())
        .report_retries(vec![retry])
        .start()
        .await
        .unwrap();
    (mta, sim)
}

#[tokio::test]
async fn reports_reach_the_senders_mta_with_the_null_sender() {
    let mta = SmtpSim::builder().seed(2).start().await.unwrap();
    let sim = SmtpSim::builder()
        .seed(1)
        .deliver_reports(mta.smtp_addr().to_string())
        .start()
        .await
        .unwrap();
    let messages = vec![
        Outgoing::new(
            "app@shop.example",
            &["ooto@simulator.amazonses.com"],
            b"From: app@shop.example\r\nSubject: order 1\r\n\r\nhi\r\n".to_vec(),
        )
        .unwrap(),
        Outgoing::new(
            "news@shop.example",
            &["complaint@simulator.amazonses.com"],
            b"From: news@shop.example\r\nSubject: offers\r\n\r\nbuy\r\n".to_vec(),
        )
        .unwrap(),
        // The sender itself is refused by the receiving MTA (bounce@ answers 550 5.1.1), so
        // its auto-reply cannot be delivered.
        Outgoing::new(
            "bounce@simulator.amazonses.com",
            &["ooto@simulator.amazonses.com"],
            b"Subject: doomed\r\n\r\nx\r\n".to_vec(),
        )
        .unwrap(),
    ];
    let deliveries = send_session(sim.smtp_addr(), messages).await;
    assert!(deliveries.iter().all(|d| d.delivered()), "{deliveries:?}");

    let outbox = settled(&sim, 3).await;
    let kinds: Vec<_> = outbox
        .iter()
        .map(|e| (e.kind, e.to.as_str(), e.state))
        .collect();
    assert_eq!(
        kinds,
        [
            (ReportKind::AutoReply, "app@shop.example", OutboxState::Sent),
            (
                ReportKind::Complaint,
                "news@shop.example",
                OutboxState::Sent
            ),
            (
                ReportKind::AutoReply,
                "bounce@simulator.amazonses.com",
                OutboxState::Failed
            ),
        ]
    );
    for e in &outbox[..2] {
        let reply = e.delivery.as_deref().unwrap();
        assert!(reply.starts_with("250 "), "{reply}");
    }
    let refusal = outbox[2].delivery.as_deref().unwrap();
    assert!(refusal.starts_with("550 5.1.1"), "{refusal}");

    // The receiving MTA holds exactly the two delivered reports, from <>, as built.
    let received = mta
        .wait_for_messages(2, Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(received.len(), 2);
    for (m, e) in received.iter().zip(&outbox) {
        assert_eq!(m.envelope.sender, "", "reports use the null sender");
        assert_eq!(m.envelope.recipients.len(), 1);
        assert_eq!(m.envelope.recipients[0].address, e.to);
        assert_eq!(Some(&m.raw), e.content.as_ref(), "the report as built");
        assert_eq!(m.helo.as_deref(), Some("mx.smtp-sim.test"));
    }
    let arf = b"report-type=feedback-report";
    assert!(received[1].raw.windows(arf.len()).any(|w| w == arf));
    // No report answers a report: the receiving MTA owes nothing to <>.
    assert!(mta.outbox().is_empty());
    sim.shutdown().await;
    mta.shutdown().await;
}

#[tokio::test]
async fn an_unreachable_host_fails_the_report_with_the_error() {
    // A port nobody listens on: bind one, note it, close it.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let sim = SmtpSim::builder()
        .deliver_reports(closed.to_string())
        .start()
        .await
        .unwrap();
    let deliveries = send_session(sim.smtp_addr(), vec![ooto_message()]).await;
    assert!(deliveries[0].delivered());
    let outbox = settled(&sim, 1).await;
    assert_eq!(outbox[0].state, OutboxState::Failed);
    let error = outbox[0].delivery.as_deref().unwrap();
    assert!(error.starts_with(&closed.to_string()), "{error}");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_temporary_refusal_is_tried_again_and_delivered() {
    // The sender's MTA defers the first message it sees from us (451 at RCPT), then accepts.
    let scenario = smtp_sim::scenario::Scenario::from_toml(
        r#"
name = "defers-once"
[[rule]]
id = "defer-first"
when = { step = "rcpt", first_per_client = 1 }
do = { kind = "reply", code = 451, status = "4.3.0", text = "Try again later" }
expect = { reason = "systemerror" }
"#,
        Some("defers-once.toml"),
    )
    .unwrap();
    let (mta, sim) = mta_and_sim(scenario, Duration::from_millis(200)).await;
    let deliveries = send_session(sim.smtp_addr(), vec![ooto_message()]).await;
    assert!(deliveries[0].delivered());
    let outbox = settled(&sim, 1).await;
    assert_eq!(outbox[0].state, OutboxState::Sent, "{:?}", outbox[0]);
    let received = mta
        .wait_for_messages(1, Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(Some(&received[0].raw), outbox[0].content.as_ref());
    // The first attempt is in the receiving MTA's event log as refused by its rule.
    let deferred: Vec<_> = mta
        .events()
        .into_iter()
        .filter(|e| e.rule.as_deref() == Some("defer-first"))
        .map(|e| e.code)
        .collect();
    assert_eq!(deferred, [Some(451)]);
    sim.shutdown().await;
    mta.shutdown().await;
}

#[tokio::test]
async fn a_report_deferred_past_its_last_retry_fails() {
    // Every message is deferred: one attempt, one retry, then failed with the last reply.
    let scenario = smtp_sim::scenario::Scenario::from_toml(
        r#"
name = "defers-always"
[[rule]]
id = "defer"
when = { step = "rcpt" }
do = { kind = "reply", code = 452, status = "4.2.2", text = "Mailbox full" }
expect = { reason = "mailboxfull" }
"#,
        Some("defers-always.toml"),
    )
    .unwrap();
    let (mta, sim) = mta_and_sim(scenario, Duration::from_millis(100)).await;
    send_session(sim.smtp_addr(), vec![ooto_message()]).await;
    let outbox = settled(&sim, 1).await;
    assert_eq!(outbox[0].state, OutboxState::Failed);
    let reply = outbox[0].delivery.as_deref().unwrap();
    assert!(reply.starts_with("452 4.2.2"), "{reply}");
    let attempts = mta
        .events()
        .iter()
        .filter(|e| e.rule.as_deref() == Some("defer"))
        .count();
    assert_eq!(attempts, 2, "the first attempt and one retry");
    sim.shutdown().await;
    mta.shutdown().await;
}
