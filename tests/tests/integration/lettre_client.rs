//! lettre (a client library no one here wrote) against the embedded simulator over loopback.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::Error as SmtpError;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use smtp_sim::SmtpSim;
use smtp_sim::capture::{EventKind, StoreLimits};
use smtp_sim::scenario::{ActionBuilder, Reason, RuleBuilder, Scenario, ScenarioBuilder, Step};
use tokio::time::Instant;

fn message(to: &str) -> Message {
    Message::builder()
        .from("App <app@shop.example>".parse::<Mailbox>().unwrap())
        .to(to.parse::<Mailbox>().unwrap())
        .subject("Your order")
        .body(String::from("Thank you for your order.\r\n"))
        .unwrap()
}

fn plain(sim: &SmtpSim) -> AsyncSmtpTransport<Tokio1Executor> {
    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(sim.smtp_addr().port())
        .build()
}

fn tls_params(sim: &SmtpSim) -> TlsParameters {
    let pem = sim.certificate_pem().expect("TLS is on");
    TlsParameters::builder("localhost".into())
        .certificate_store(CertificateStore::None)
        .add_root_certificate(Certificate::from_pem(pem.as_bytes()).unwrap())
        .build_rustls()
        .unwrap()
}

fn code(e: &SmtpError) -> u16 {
    e.status().map(u16::from).unwrap_or(0)
}

fn rule(id: &str, step: Step, action: ActionBuilder, reason: Reason) -> RuleBuilder {
    RuleBuilder::new(id)
        .step(step)
        .action(action)
        .expect(reason)
}

fn scenario(rules: Vec<RuleBuilder>) -> Scenario {
    rules
        .into_iter()
        .fold(ScenarioBuilder::new(), |s, r| s.rule(r))
        .build()
        .unwrap()
}

#[tokio::test]
async fn accept_all_delivers_and_stores() {
    let sim = SmtpSim::builder().seed(1).start().await.unwrap();
    plain(&sim)
        .send(message("someone@example.net"))
        .await
        .unwrap();
    let messages = sim
        .wait_for_messages(1, Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(messages[0].envelope.sender, "app@shop.example");
    assert_eq!(
        messages[0].envelope.recipients[0].address,
        "someone@example.net"
    );
    let raw = String::from_utf8_lossy(&messages[0].raw);
    assert!(raw.contains("Subject: Your order"), "{raw}");
    assert!(raw.contains("Thank you for your order."));
    sim.shutdown().await;
}

#[tokio::test]
async fn ses_bounce_address_is_refused_at_rcpt() {
    let sim = SmtpSim::builder().start().await.unwrap();
    let err = plain(&sim)
        .send(message("bounce@simulator.amazonses.com"))
        .await
        .unwrap_err();
    assert!(err.is_permanent(), "{err}");
    assert_eq!(code(&err), 550);
    let refused = sim
        .events()
        .into_iter()
        .find(|e| e.kind == EventKind::Refused)
        .expect("a refusal event");
    assert_eq!(refused.rule.as_deref(), Some("ses-bounce"));
    assert_eq!(refused.status.as_deref(), Some("5.1.1"));
    assert!(sim.messages().is_empty());
}

#[tokio::test]
async fn starttls_then_auth() {
    let sim = SmtpSim::builder()
        .starttls()
        .account("alice", "s3cret")
        .start()
        .await
        .unwrap();
    let transport = |password: &str| {
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
            .port(sim.smtp_addr().port())
            .tls(Tls::Required(tls_params(&sim)))
            .credentials(Credentials::new("alice".into(), password.into()))
            .build()
    };
    let err = transport("wrong")
        .send(message("a@example.net"))
        .await
        .unwrap_err();
    assert_eq!(code(&err), 535, "{err}");
    transport("s3cret")
        .send(message("b@example.net"))
        .await
        .unwrap();
    let messages = sim.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].envelope.recipients[0].address, "b@example.net");
    let notes: Vec<String> = sim
        .transcripts()
        .iter()
        .flat_map(|t| t.lines.iter().map(|l| l.text.clone()))
        .collect();
    assert!(notes.iter().any(|l| l == "TLS established"), "{notes:?}");
    assert!(
        notes.iter().any(|l| l == "AUTH PLAIN <redacted>"),
        "{notes:?}"
    );
}

#[tokio::test]
async fn implicit_tls_listener() {
    let sim = SmtpSim::builder()
        .starttls()
        .implicit_tls()
        .start()
        .await
        .unwrap();
    let port = sim.implicit_tls_addr().unwrap().port();
    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(port)
        .tls(Tls::Wrapper(tls_params(&sim)))
        .build()
        .send(message("c@example.net"))
        .await
        .unwrap();
    assert_eq!(sim.messages().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_delay_rule_under_paused_time() {
    let slow = rule(
        "slow-rcpt",
        Step::Rcpt,
        ActionBuilder::accept().delay_ms(20_000),
        Reason::Delivered,
    )
    .rcpt("slow@*");
    let sim = SmtpSim::builder()
        .scenario(scenario(vec![slow]))
        .without_idle_timeouts()
        .start()
        .await
        .unwrap();
    let t0 = Instant::now();
    plain(&sim).send(message("slow@example.net")).await.unwrap();
    let waited = t0.elapsed();
    assert!(
        waited >= Duration::from_secs(20) && waited < Duration::from_secs(21),
        "{waited:?}"
    );
    let messages = sim
        .wait_for_messages(1, Duration::from_secs(1))
        .await
        .unwrap();
    assert_eq!(
        messages[0].envelope.recipients[0].rule.as_deref(),
        Some("slow-rcpt")
    );
}

#[tokio::test]
async fn close_drop_and_full_store() {
    let close = rule(
        "close",
        Step::Mail,
        ActionBuilder::close(),
        Reason::Systemerror,
    )
    .sender("closeme@*");
    let drop = rule(
        "drop",
        Step::Rcpt,
        ActionBuilder::drop_connection(),
        Reason::Networkerror,
    )
    .rcpt("drop@*");
    let sim = SmtpSim::builder()
        .scenario(scenario(vec![close, drop]))
        .store_limits(StoreLimits {
            max_messages: 1,
            ..StoreLimits::default()
        })
        .start()
        .await
        .unwrap();
    let t = plain(&sim);
    let closing = Message::builder()
        .from("closeme@shop.example".parse::<Mailbox>().unwrap())
        .to("x@example.net".parse::<Mailbox>().unwrap())
        .body(String::from("x\r\n"))
        .unwrap();
    let err = t.send(closing).await.unwrap_err();
    assert_eq!(code(&err), 421, "{err}");
    assert!(err.is_transient());

    let err = t.send(message("drop@example.net")).await.unwrap_err();
    assert_eq!(
        code(&err),
        0,
        "no reply: the connection was dropped ({err})"
    );
    assert!(!err.is_permanent() && !err.is_transient());

    t.send(message("first@example.net")).await.unwrap();
    let err = t.send(message("second@example.net")).await.unwrap_err();
    assert_eq!(code(&err), 452, "{err}");
    assert!(
        err.to_string().contains("Insufficient system storage"),
        "{err}"
    );
    assert_eq!(
        sim.messages().len(),
        1,
        "only what was acknowledged is kept"
    );
    let kinds: Vec<EventKind> = sim.events().iter().map(|e| e.kind).collect();
    for kind in [
        EventKind::Closed,
        EventKind::Dropped,
        EventKind::StoreRefused,
    ] {
        assert!(kinds.contains(&kind), "{kind:?} in {kinds:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn greylisting_is_passed_after_five_virtual_minutes() {
    let scenario = Scenario::from_toml(
        "[[check]]\nkind = \"greylist\"\n\n[greylist]\ndelay_s = 300\n",
        Some("greylist.toml"),
    )
    .unwrap();
    let sim = SmtpSim::builder()
        .scenario(scenario)
        .without_idle_timeouts()
        .start()
        .await
        .unwrap();
    let t = plain(&sim);
    let err = t.send(message("grey@example.net")).await.unwrap_err();
    assert_eq!(code(&err), 450, "{err}");
    assert!(err.to_string().contains("Greylisted"), "{err}");
    tokio::time::sleep(Duration::from_secs(200)).await;
    let err = t.send(message("grey@example.net")).await.unwrap_err();
    assert_eq!(code(&err), 450, "still too early: {err}");
    tokio::time::sleep(Duration::from_secs(101)).await;
    t.send(message("grey@example.net")).await.unwrap();
    assert_eq!(sim.messages().len(), 1);
}
