use std::path::PathBuf;

use super::*;
use crate::rules::{Input, Outcome};
use crate::scenario::{Reason, default_scenario};
use crate::sim::{SimConfig, Simulator};
use crate::types::{ClientIdentity, SessionId, Timestamp};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("smtp-sim-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn message(raw: &[u8]) -> NewMessage {
    NewMessage {
        session: SessionId(1),
        client: ClientIdentity::from_ip("192.0.2.1".parse().unwrap()),
        helo: Some("client.test".into()),
        envelope: Envelope {
            sender: "a@example.com".into(),
            recipients: vec![CapturedRecipient {
                address: "b@example.com".into(),
                rule: None,
                expect: None,
                disposition: Disposition::Delivered,
            }],
        },
        raw: raw.to_vec(),
        session_started: Timestamp(1_000),
        received: Timestamp(2_000),
        rule: None,
        disposition: Disposition::Delivered,
    }
}

#[test]
fn a_full_store_refuses_before_acknowledging() {
    let limits = StoreLimits {
        max_messages: 2,
        max_bytes: 1_000,
    };
    let mut store = MessageStore::new(limits, None);
    assert!(store.insert(message(b"one")).is_ok());
    assert!(store.insert(message(b"two")).is_ok());
    let err = store.insert(message(b"three")).unwrap_err();
    assert!(matches!(err, CaptureError::Full));
    let (code, status, _) = err.reply();
    assert_eq!((code, status.to_string()), (452, "4.3.1".to_owned()));
    assert_eq!(store.len(), 2, "the refused message is not kept");
    let kept: Vec<&[u8]> = store.iter().map(|m| m.raw.as_slice()).collect();
    assert_eq!(
        kept,
        [b"one".as_slice(), b"two"],
        "nothing stored earlier was lost"
    );

    let mut by_bytes = MessageStore::new(
        StoreLimits {
            max_messages: 10,
            max_bytes: 5,
        },
        None,
    );
    assert!(by_bytes.insert(message(b"12345")).is_ok());
    assert!(matches!(
        by_bytes.insert(message(b"6")),
        Err(CaptureError::Full)
    ));
    by_bytes.clear();
    assert_eq!((by_bytes.len(), by_bytes.bytes()), (0, 0));
    let id = by_bytes.insert(message(b"6")).unwrap();
    assert_eq!(id.to_string(), "m2", "ids keep counting after a clear");
}

#[test]
fn the_spool_gets_eml_and_json() {
    let dir = scratch("spool");
    let mut store = MessageStore::new(StoreLimits::default(), Some(Spool::open(&dir).unwrap()));
    let id = store
        .insert(message(b"Subject: hi\r\n\r\nbody\r\n"))
        .unwrap();
    let stem = Spool::stem(store.get(id).unwrap());
    assert_eq!(stem, "0000000002000-m1");
    assert_eq!(
        std::fs::read(dir.join(format!("{stem}.eml"))).unwrap(),
        b"Subject: hi\r\n\r\nbody\r\n"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join(format!("{stem}.json"))).unwrap()).unwrap();
    assert_eq!(
        json["envelope"]["recipients"][0]["address"],
        "b@example.com"
    );
    assert_eq!(json["size"], 21);
    assert!(json.get("raw").is_none());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn transcripts_are_bounded() {
    let mut t = Transcripts::new(2);
    let client = ClientIdentity::from_ip("192.0.2.1".parse().unwrap());
    for id in 1..=3 {
        t.open(SessionId(id), client.clone(), Timestamp(id));
        t.line(
            SessionId(id),
            Timestamp(id),
            Direction::Client,
            b"EHLO x\r\n",
        );
    }
    let kept: Vec<u64> = t.iter().map(|s| s.session.0).collect();
    assert_eq!(kept, [2, 3]);
    assert_eq!(t.get(SessionId(3)).unwrap().lines[0].text, "EHLO x");
    for _ in 0..Transcripts::MAX_LINES + 5 {
        t.line(SessionId(3), Timestamp(9), Direction::Server, b"250 ok");
    }
    let s3 = t.get(SessionId(3)).unwrap();
    assert_eq!(
        (s3.lines.len(), s3.lines_dropped),
        (Transcripts::MAX_LINES, 6)
    );
}

/// A whole transaction through the simulator, as the connection driver will make it.
#[test]
fn simulator_stores_reports_and_logs() {
    let dir = scratch("sim");
    std::fs::create_dir_all(&dir).unwrap();
    let config = SimConfig {
        event_file: Some(dir.join("events.jsonl")),
        limits: StoreLimits {
            max_messages: 1,
            max_bytes: 1 << 20,
        },
        ..SimConfig::default()
    };
    let sim = Simulator::new(config, default_scenario("sim.test").unwrap()).unwrap();
    let client = ClientIdentity::from_ip("192.0.2.9".parse().unwrap());
    let mut s = sim.open_session(client, Timestamp(10));
    sim.decide(&mut s, Input::Connect, Timestamp(10));
    sim.decide(
        &mut s,
        Input::Helo {
            name: "app.example",
        },
        Timestamp(11),
    );
    sim.decide(
        &mut s,
        Input::Mail {
            sender: "app@example.com",
        },
        Timestamp(12),
    );
    for rcpt in [
        "ooto@sim.test",
        "bounce@sim.test",
        "complaint@simulator.amazonses.com",
        "x@example.org",
    ] {
        sim.decide(&mut s, Input::Rcpt { rcpt }, Timestamp(13));
    }
    sim.decide(&mut s, Input::Data, Timestamp(14));
    let eod = sim.decide(&mut s, Input::EndOfData, Timestamp(15));
    assert_eq!(eod.outcome, Outcome::Accept(None));
    let id = sim
        .store_message(
            &mut s,
            &eod,
            b"Subject: t\r\n\r\nx\r\n".to_vec(),
            Timestamp(15),
        )
        .unwrap();
    assert!(s.recipients.is_empty(), "the transaction ended");

    sim.with_capture(|c| {
        let m = c.store.get(id).unwrap();
        assert_eq!(m.rule.as_deref(), Some("store-all"));
        let rcpts: Vec<(&str, Option<&str>)> = m
            .envelope
            .recipients
            .iter()
            .map(|r| (r.address.as_str(), r.rule.as_deref()))
            .collect();
        assert_eq!(
            rcpts,
            [
                ("ooto@sim.test", Some("ses-ooto")),
                ("complaint@simulator.amazonses.com", Some("ses-complaint")),
                ("x@example.org", Some("accept-all"))
            ]
        );
        let outbox: Vec<(ReportKind, &str, &str)> = c
            .outbox
            .entries()
            .iter()
            .map(|e| (e.kind, e.to.as_str(), e.recipient.as_str()))
            .collect();
        assert_eq!(
            outbox,
            [
                (ReportKind::AutoReply, "app@example.com", "ooto@sim.test"),
                (
                    ReportKind::Complaint,
                    "app@example.com",
                    "complaint@simulator.amazonses.com"
                )
            ]
        );
        let kinds: Vec<(EventKind, Option<&str>)> = c
            .events
            .since(0)
            .map(|e| (e.kind, e.rule.as_deref()))
            .collect();
        assert_eq!(kinds[3], (EventKind::Accepted, Some("ses-ooto")));
        assert_eq!(kinds[4], (EventKind::Refused, Some("ses-bounce")));
        assert_eq!(kinds[9], (EventKind::Stored, Some("store-all")));
        assert_eq!(
            kinds[10..],
            [
                (EventKind::Reported, Some("ses-ooto")),
                (EventKind::Reported, Some("ses-complaint"))
            ]
        );
        let bounce = c.events.since(0).nth(4).unwrap();
        assert_eq!(
            (bounce.code, bounce.status.as_deref()),
            (Some(550), Some("5.1.1"))
        );
        assert_eq!(
            bounce.expect.map(|e| (e.reason, e.hard)),
            Some((Reason::Userunknown, true))
        );
    });

    // The store holds one message: the next is refused before it is acknowledged.
    sim.decide(
        &mut s,
        Input::Mail {
            sender: "app@example.com",
        },
        Timestamp(16),
    );
    sim.decide(
        &mut s,
        Input::Rcpt {
            rcpt: "x@example.org",
        },
        Timestamp(16),
    );
    let eod = sim.decide(&mut s, Input::EndOfData, Timestamp(17));
    let err = sim
        .store_message(&mut s, &eod, b"x".to_vec(), Timestamp(17))
        .unwrap_err();
    assert_eq!(err.reply().0, 452);

    let file = std::fs::read_to_string(dir.join("events.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = file
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let in_memory = sim.with_capture(|c| c.events.since(0).count());
    assert_eq!(lines.len(), in_memory);
    assert_eq!(lines.last().unwrap()["kind"], "store_refused");
    assert_eq!(lines[4]["expect"]["reason"], "userunknown");
    let seqs: Vec<u64> = lines.iter().map(|l| l["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (1..=lines.len() as u64).collect::<Vec<_>>());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn no_report_to_the_null_sender() {
    let sim = Simulator::new(SimConfig::default(), default_scenario("sim.test").unwrap()).unwrap();
    let mut s = sim.open_session(
        ClientIdentity::from_ip("192.0.2.9".parse().unwrap()),
        Timestamp(0),
    );
    sim.decide(&mut s, Input::Mail { sender: "" }, Timestamp(0));
    sim.decide(
        &mut s,
        Input::Rcpt {
            rcpt: "ooto@sim.test",
        },
        Timestamp(0),
    );
    let eod = sim.decide(&mut s, Input::EndOfData, Timestamp(0));
    sim.store_message(&mut s, &eod, b"x".to_vec(), Timestamp(0))
        .unwrap();
    sim.with_capture(|c| {
        assert_eq!(c.store.len(), 1);
        assert!(c.outbox.entries().is_empty());
    });
}

#[test]
fn delivery_claims_built_reports_once_and_records_the_outcome() {
    let entry = |to: &str| OutboxEntry {
        id: 0,
        kind: ReportKind::Bounce,
        to: to.into(),
        recipient: "gone@example.net".into(),
        message: crate::types::MessageId(1),
        session: SessionId(1),
        rule: None,
        status: None,
        text: None,
        created: Timestamp(0),
        state: OutboxState::Pending,
        delivery: None,
        content: None,
    };
    let mut outbox = Outbox::default();
    let pending = outbox.push(entry("a@example.org")).unwrap();
    let built = outbox.push(entry("b@example.org")).unwrap();
    assert!(outbox.set_content(built, b"report".to_vec()));
    // Only the built entry is claimed, and only once.
    assert_eq!(
        outbox.claim_built(),
        [(built, "b@example.org".to_owned(), b"report".to_vec())]
    );
    assert_eq!(outbox.get(built).unwrap().state, OutboxState::Sending);
    assert!(outbox.claim_built().is_empty());
    assert_eq!(outbox.get(pending).unwrap().state, OutboxState::Pending);

    assert!(outbox.set_delivery(built, false, "550 5.1.1 no".into()));
    let e = outbox.get(built).unwrap();
    assert_eq!(
        (e.state, e.delivery.as_deref()),
        (OutboxState::Failed, Some("550 5.1.1 no"))
    );
    // The JSON listing shows the outcome.
    let json = serde_json::to_value(e).unwrap();
    assert_eq!(json["state"], "failed");
    assert_eq!(json["delivery"], "550 5.1.1 no");
    assert!(
        !outbox.set_delivery(99, true, String::new()),
        "no such entry"
    );
}
