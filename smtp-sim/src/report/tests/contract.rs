//! The simulator's outbox and the ground-truth contract with bounce-classify.

use super::*;

/// Runs one message through a simulator serving `scenario` and returns the outbox.
fn deliver(scenario: Scenario, sender: &str, rcpts: &[&str], raw: &[u8]) -> Vec<OutboxEntry> {
    let sim = Simulator::new(SimConfig::default(), scenario).unwrap();
    let mut s = sim.open_session(client(), ARRIVAL);
    sim.decide(
        &mut s,
        Input::Helo {
            name: "out.example.com",
        },
        ARRIVAL,
    );
    sim.decide(&mut s, Input::Mail { sender }, ARRIVAL);
    for rcpt in rcpts {
        let d = sim.decide(&mut s, Input::Rcpt { rcpt }, ARRIVAL);
        assert!(d.outcome.is_positive(), "{rcpt}: {d:?}");
    }
    sim.decide(&mut s, Input::Data, ARRIVAL);
    let eod = sim.decide(&mut s, Input::EndOfData, ARRIVAL);
    assert!(matches!(eod.outcome, Outcome::Accept(_)), "{eod:?}");
    sim.store_message(&mut s, &eod, raw.to_vec(), ARRIVAL)
        .unwrap();
    sim.with_capture(|c| c.outbox.entries().to_vec())
}

fn reports_scenario() -> Scenario {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/reports.toml");
    Scenario::from_toml(&std::fs::read_to_string(path).unwrap(), Some(path)).unwrap()
}

/// The ground-truth contract: every report rule of `scenarios/reports.toml`, run through the
/// simulator, produces a report that bounce-classify reads as the rule's `expect` says.
#[test]
fn the_classifier_reads_each_report_as_its_rule_intends() {
    let scenario = reports_scenario();
    // rule id → a recipient it answers.
    let recipients = [
        ("user-unknown", "bounce@example.org"),
        ("mailbox-full", "full@example.org"),
        ("over-quota-delayed", "slow@example.org"),
        ("docomo-filtered", "filtered@docomo.ne.jp"),
        ("au-later-bounce", "cannot-receive@ezweb.ne.jp"),
        ("delivered-notice", "notify@example.org"),
        ("out-of-office", "ooto@example.org"),
        ("spam-complaint", "complaint@example.org"),
    ];
    let report_rules: Vec<&str> = scenario
        .rules()
        .iter()
        .filter(|r| {
            matches!(
                r.action,
                crate::scenario::Action::Accept {
                    report: Some(_),
                    ..
                }
            )
        })
        .map(|r| r.id.as_str())
        .collect();
    let tested: Vec<&str> = recipients.iter().map(|(id, _)| *id).collect();
    assert_eq!(report_rules, tested, "every report rule has a row");

    let mut failures = Vec::new();
    for (id, rcpt) in recipients {
        let rule = scenario.rules().iter().find(|r| r.id == id).unwrap();
        let outbox = deliver(scenario.clone(), "bounces@example.com", &[rcpt], MESSAGE);
        assert_eq!(outbox.len(), 1, "{id}");
        let entry = &outbox[0];
        assert_eq!(entry.rule.as_deref(), Some(id));
        assert_eq!(entry.state, OutboxState::Built, "{id}");
        let content = entry.content.as_deref().unwrap();
        let got = only_recipient(content);
        // For an auto-reply the classifier's recipient is its From: the person away.
        let want_rcpt = rcpt;
        eprintln!(
            "{id}: {} hard={} read by {} ({})",
            got.reason, got.hard_bounce, got.decoded_by, got.rule
        );
        let seen = (
            got.reason.to_string(),
            got.hard_bounce,
            got.recipient.clone(),
        );
        let want = (
            serde_json::to_value(rule.expect.reason)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned(),
            rule.expect.hard,
            want_rcpt.to_owned(),
        );
        if seen != want {
            failures.push(format!(
                "{id}: classifier says {seen:?} (rule {}), the rule intends {want:?}",
                got.rule
            ));
        }
        if entry.kind == ReportKind::Complaint {
            assert_eq!(got.feedback_type.as_deref(), Some("abuse"), "{id}");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The default scenario's asynchronous SES addresses.
#[test]
fn the_default_scenario_reports_read_as_intended() {
    let scenario = default_scenario("smtp-sim.test").unwrap();
    let outbox = deliver(
        scenario,
        "app@example.com",
        &[
            "ooto@simulator.amazonses.com",
            "complaint@simulator.amazonses.com",
            "success@simulator.amazonses.com",
        ],
        MESSAGE,
    );
    let kinds: Vec<_> = outbox.iter().map(|e| (e.kind, e.rule.as_deref())).collect();
    assert_eq!(
        kinds,
        [
            (ReportKind::AutoReply, Some("ses-ooto")),
            (ReportKind::Complaint, Some("ses-complaint")),
        ]
    );
    let ooto = only_recipient(outbox[0].content.as_deref().unwrap());
    assert_eq!(
        (
            ooto.reason.to_string(),
            ooto.hard_bounce,
            ooto.recipient.as_str()
        ),
        ("vacation".into(), false, "ooto@simulator.amazonses.com")
    );
    let complaint = only_recipient(outbox[1].content.as_deref().unwrap());
    assert_eq!(
        (
            complaint.reason.to_string(),
            complaint.hard_bounce,
            complaint.feedback_type.as_deref(),
            complaint.recipient.as_str()
        ),
        (
            "feedback".into(),
            false,
            Some("abuse"),
            "complaint@simulator.amazonses.com"
        )
    );
    let msg = parse(outbox[1].content.as_deref().unwrap());
    assert_eq!(
        header(&msg, "From"),
        Some("complaints@email-abuse.amazonses.com")
    );
}

#[test]
fn the_outbox_holds_no_auto_reply_to_an_automatic_message() {
    let auto =
        b"From: list@example.com\r\nAuto-Submitted: auto-generated\r\nSubject: digest\r\n\r\nx\r\n";
    let outbox = deliver(
        reports_scenario(),
        "list@example.com",
        &["ooto@example.org", "bounce@example.org"],
        auto,
    );
    let kinds: Vec<_> = outbox.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [ReportKind::Bounce]);
    assert!(outbox[0].content.is_some());
}

#[test]
fn the_outbox_content_is_the_same_for_the_same_seed() {
    let run = || {
        deliver(
            reports_scenario(),
            "a@example.com",
            &["bounce@example.org", "complaint@example.org"],
            MESSAGE,
        )
    };
    let (a, b) = (run(), run());
    assert_eq!(a.len(), 2);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.content, y.content);
    }
}

/// The step a relay reports decides docomo's case: the same text is an unknown user at RCPT and
/// a filter after DATA (mx-replies.md §2.8).
#[test]
fn the_reported_step_tells_docomo_filtered_from_unknown() {
    let c = client();
    let orig = original(&c, MESSAGE, None);
    let cases = [
        (Step::Rcpt, "userunknown", true),
        (Step::EndOfData, "filtered", false),
    ];
    for (step, reason, hard) in cases {
        let req = Request {
            step,
            persona: Some(Persona::Docomo),
            ..request(
                ReportKind::Bounce,
                "x@docomo.ne.jp",
                Some("550 Unknown user x@docomo.ne.jp"),
            )
        };
        let got = only_recipient(&reporter().build(&orig, &req, 1).unwrap());
        assert_eq!(
            (got.reason.to_string().as_str(), got.hard_bounce),
            (reason, hard),
            "{step:?}"
        );
    }
}

/// The internet layer's au persona accepts mail for a disabled mailbox and bounces it later; the
/// bounce is built in au's voice and its intended reading is the persona's expectation.
#[test]
fn the_au_persona_bounce_is_built_in_its_own_voice() {
    let toml = r#"
[domain."ezweb.ne.jp"]
persona = "au"
mailboxes = { gone = "disabled" }
"#;
    let scenario = Scenario::from_toml(toml, Some("au.toml")).unwrap();
    let outbox = deliver(scenario, "app@example.com", &["gone@ezweb.ne.jp"], MESSAGE);
    assert_eq!(outbox.len(), 1);
    let raw = outbox[0].content.as_deref().unwrap();
    let msg = parse(raw);
    assert_eq!(
        header(&msg, "From"),
        Some("MAILER-DAEMON@msmx.au.com (Mail Delivery System)")
    );
    let dsn = DeliveryStatus::parse(&child_text(&msg, 1));
    assert_eq!(dsn.recipients[0].remote_mta, None);
    assert_eq!(dsn.recipients[0].status.as_deref(), Some("5.2.1"));
}

/// What the au persona intends for that bounce (suspend, not hard) against what the classifier
/// reads.
#[test]
fn the_au_persona_bounce_reads_as_the_persona_intends() {
    let toml = r#"
[domain."ezweb.ne.jp"]
persona = "au"
mailboxes = { gone = "disabled" }
"#;
    let scenario = Scenario::from_toml(toml, Some("au.toml")).unwrap();
    let outbox = deliver(scenario, "app@example.com", &["gone@ezweb.ne.jp"], MESSAGE);
    let got = only_recipient(outbox[0].content.as_deref().unwrap());
    assert_eq!(
        (got.reason.to_string().as_str(), got.hard_bounce),
        ("suspend", false)
    );
}
