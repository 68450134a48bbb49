//! The reports' structure (read back with mail-parser and smtp-core's DSN reader), their
//! determinism, their wiring into the outbox, and the ground-truth contract: bounce-classify
//! reads each report as the rule that produced it intends.

use bounce_classify::{Outcome as Classified, RecipientReport, classify};
use mail_parser::{Message, MessageParser, MimeHeaders, PartType};
use smtp_core::dsn::{Action, DeliveryStatus, Field, PerMessage, PerRecipient, TypedValue};
use smtp_core::params::Ret;

use super::*;
use crate::capture::{OutboxEntry, OutboxState};
use crate::rules::{Input, Outcome};
use crate::scenario::{Scenario, default_scenario};
use crate::sim::{SimConfig, Simulator};

const ARRIVAL: Timestamp = Timestamp(1_772_528_700_000); // Tue, 3 Mar 2026 09:05:00 +0000
const NOW: Timestamp = Timestamp(1_772_528_760_000); // one minute later

const MESSAGE: &[u8] = b"From: App <app@example.com>\r\nTo: someone@example.org\r\n\
Subject: Your invoice\r\nMessage-ID: <inv-1@example.com>\r\nReferences: <thread-0@example.com>\r\n\
Date: Tue, 3 Mar 2026 09:04:59 +0000\r\nMIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=us-ascii\r\n\r\nPlease find your invoice.\r\n";

fn client() -> ClientIdentity {
    ClientIdentity::from_ip("192.0.2.7".parse().unwrap())
}

fn original<'a>(client: &'a ClientIdentity, raw: &'a [u8], ret: Option<Ret>) -> Original<'a> {
    Original {
        raw,
        sender: "bounces@example.com",
        client,
        helo: Some("out.example.com"),
        arrival: ARRIVAL,
        ret,
        envid: None,
    }
}

fn request<'a>(kind: ReportKind, recipient: &'a str, text: Option<&'static str>) -> Request<'a> {
    Request {
        kind,
        recipient,
        orcpt: None,
        status: None,
        text,
        step: Step::Rcpt,
        persona: None,
        now: NOW,
    }
}

fn reporter() -> Reporter {
    Reporter::new("mx.smtp-sim.test", "smtp-sim.test", 7)
}

fn parse(raw: &[u8]) -> Message<'_> {
    MessageParser::default()
        .parse(raw)
        .expect("mail-parser reads the report")
}

/// `type/subtype` of a part, lower-case.
fn ctype(part: &mail_parser::MessagePart<'_>) -> String {
    part.content_type()
        .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")).to_ascii_lowercase())
        .unwrap_or_default()
}

/// The content types of the root's children, in order.
fn children(msg: &Message<'_>) -> Vec<String> {
    match &msg.root_part().body {
        PartType::Multipart(ids) => ids.iter().map(|&i| ctype(&msg.parts[i as usize])).collect(),
        _ => Vec::new(),
    }
}

/// The text of the root's child `n`.
fn child_text(msg: &Message<'_>, n: usize) -> String {
    let PartType::Multipart(ids) = &msg.root_part().body else {
        panic!("not multipart")
    };
    match &msg.parts[ids[n] as usize].body {
        PartType::Text(t) | PartType::Html(t) => t.to_string(),
        PartType::Binary(b) | PartType::InlineBinary(b) => String::from_utf8_lossy(b).into(),
        PartType::Message(m) => String::from_utf8_lossy(m.raw_message()).into(),
        PartType::Multipart(_) => panic!("nested multipart"),
    }
}

fn header<'a>(msg: &'a Message<'_>, name: &'a str) -> Option<&'a str> {
    msg.header_raw(name).map(str::trim)
}

fn only_recipient(raw: &[u8]) -> RecipientReport {
    match classify(raw) {
        Classified::Bounce(r) => {
            assert_eq!(r.recipients.len(), 1, "{r:?}");
            r.recipients[0].clone()
        }
        Classified::NotBounce => panic!(
            "the classifier does not see a report in:\n{}",
            String::from_utf8_lossy(raw)
        ),
    }
}

#[test]
fn a_failure_dsn_has_the_rfc3464_structure_and_reads_back() {
    let c = client();
    let cases = [
        (None, "message/rfc822", true),
        (Some(Ret::Full), "message/rfc822", true),
        (Some(Ret::Hdrs), "text/rfc822-headers", false),
    ];
    for (ret, third, full) in cases {
        let orig = Original {
            envid: Some("QQ314159"),
            ..original(&c, MESSAGE, ret)
        };
        let req = Request {
            orcpt: Some("rfc822; Gone@Example.org"),
            ..request(
                ReportKind::Bounce,
                "gone@example.org",
                Some("550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown"),
            )
        };
        let raw = reporter().build(&orig, &req, 3).unwrap();
        let msg = parse(&raw);
        let ct = msg.content_type().unwrap();
        assert_eq!(
            (ct.ctype(), ct.subtype(), ct.attribute("report-type")),
            ("multipart", Some("report"), Some("delivery-status"))
        );
        assert_eq!(
            children(&msg),
            ["text/plain", "message/delivery-status", third],
            "{ret:?}"
        );
        assert_eq!(
            header(&msg, "From"),
            Some("MAILER-DAEMON@mx.smtp-sim.test (Mail Delivery System)")
        );
        assert_eq!(header(&msg, "To"), Some("bounces@example.com"));
        assert_eq!(msg.subject(), Some("Undelivered Mail Returned to Sender"));
        assert_eq!(header(&msg, "Auto-Submitted"), Some("auto-replied"));
        assert_eq!(header(&msg, "MIME-Version"), Some("1.0"));
        assert_eq!(header(&msg, "Date"), Some("Tue, 3 Mar 2026 09:06:00 +0000"));
        let id = msg.message_id().unwrap();
        assert!(
            id.starts_with("20260303090600.") && id.ends_with("@mx.smtp-sim.test"),
            "{id}"
        );

        let human = child_text(&msg, 0);
        assert!(human.starts_with("This is the mail system at host mx.smtp-sim.test."));
        assert!(
            human.contains("<gone@example.org>: host example.org said: 550 5.1.1"),
            "{human}"
        );
        assert!(human.contains("(in reply to RCPT TO command)"), "{human}");

        let dsn = DeliveryStatus::parse(&child_text(&msg, 1));
        let queue_id = dsn.per_message.extensions[0].value.clone();
        assert_eq!(queue_id.len(), 10);
        let want = DeliveryStatus {
            per_message: PerMessage {
                original_envelope_id: Some("QQ314159".into()),
                reporting_mta: Some(TypedValue::parse("dns; mx.smtp-sim.test")),
                arrival_date: Some("Tue, 3 Mar 2026 09:05:00 +0000".into()),
                extensions: vec![
                    Field {
                        name: "X-Postfix-Queue-ID".into(),
                        value: queue_id.clone(),
                    },
                    Field {
                        name: "X-Postfix-Sender".into(),
                        value: "rfc822; bounces@example.com".into(),
                    },
                ],
                ..PerMessage::default()
            },
            recipients: vec![PerRecipient {
                original_recipient: Some(TypedValue::parse("rfc822; Gone@Example.org")),
                final_recipient: Some(TypedValue::parse("rfc822; gone@example.org")),
                action: Some(Action::Failed),
                status: Some("5.1.1".into()),
                remote_mta: Some(TypedValue::parse("dns; example.org")),
                diagnostic_code: Some(TypedValue::parse(
                    "smtp; 550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown",
                )),
                last_attempt_date: Some("Tue, 3 Mar 2026 09:06:00 +0000".into()),
                ..PerRecipient::default()
            }],
        };
        assert_eq!(dsn, want);

        let returned = child_text(&msg, 2);
        assert!(
            returned.starts_with("Received: from out.example.com (unknown [192.0.2.7])"),
            "{returned}"
        );
        assert!(returned.contains(&format!("with ESMTP id {queue_id}")));
        assert!(returned.contains("Subject: Your invoice"));
        assert_eq!(
            returned.contains("Please find your invoice."),
            full,
            "{ret:?}"
        );
    }
}

#[test]
fn the_status_and_action_follow_the_rule_or_the_text() {
    let c = client();
    let orig = original(&c, MESSAGE, None);
    // (status given, text, status written, action, returned part)
    let cases = [
        (
            None,
            Some("550 5.1.1 no such user"),
            "5.1.1",
            Action::Failed,
            "message/rfc822",
        ),
        (
            None,
            Some("554 rejected"),
            "5.0.0",
            Action::Failed,
            "message/rfc822",
        ),
        (
            None,
            Some("421 try later"),
            "4.0.0",
            Action::Delayed,
            "text/rfc822-headers",
        ),
        (
            Some("4.2.2"),
            Some("452 over quota"),
            "4.2.2",
            Action::Delayed,
            "text/rfc822-headers",
        ),
        (
            Some("2.0.0"),
            None,
            "2.0.0",
            Action::Delivered,
            "text/rfc822-headers",
        ),
        (None, None, "5.0.0", Action::Failed, "message/rfc822"),
        (
            Some("5.2.2"),
            Some("mailbox full"),
            "5.2.2",
            Action::Failed,
            "message/rfc822",
        ),
    ];
    for (status, text, want_status, want_action, third) in cases {
        let req = Request {
            status: status.map(|s| s.parse().unwrap()),
            ..request(ReportKind::Bounce, "x@example.org", text)
        };
        let raw = reporter().build(&orig, &req, 1).unwrap();
        let msg = parse(&raw);
        assert_eq!(children(&msg)[2], third, "{text:?}");
        let dsn = DeliveryStatus::parse(&child_text(&msg, 1));
        let r = &dsn.recipients[0];
        assert_eq!(r.status.as_deref(), Some(want_status), "{text:?}");
        assert_eq!(r.action.as_ref(), Some(&want_action), "{text:?}");
        let is_reply = text.map_or(want_action == Action::Delivered, |t| {
            t.as_bytes()[0].is_ascii_digit()
        });
        assert_eq!(
            r.diagnostic_code.as_ref().unwrap().kind.as_deref(),
            Some(if is_reply { "smtp" } else { "X-Postfix" }),
            "{text:?}"
        );
        let delayed = want_action == Action::Delayed;
        assert_eq!(
            r.will_retry_until.as_deref(),
            delayed.then_some("Sun, 8 Mar 2026 09:05:00 +0000"),
            "{text:?}"
        );
        let subject = msg.subject().unwrap();
        assert_eq!(
            subject,
            match want_action {
                Action::Delayed => "Delayed Mail (still being retried)",
                Action::Delivered => "Successful Mail Delivery Report",
                _ => "Undelivered Mail Returned to Sender",
            }
        );
    }
}

#[test]
fn the_text_without_reply_code_is_a_local_failure() {
    let c = client();
    let req = Request {
        status: Some("5.2.2".parse().unwrap()),
        ..request(ReportKind::Bounce, "x@example.org", Some("mailbox full"))
    };
    let raw = reporter()
        .build(&original(&c, MESSAGE, None), &req, 1)
        .unwrap();
    let msg = parse(&raw);
    let dsn = DeliveryStatus::parse(&child_text(&msg, 1));
    assert_eq!(dsn.recipients[0].remote_mta, None);
    assert_eq!(
        dsn.recipients[0].diagnostic_code,
        Some(TypedValue::parse("X-Postfix; mailbox full"))
    );
    assert!(child_text(&msg, 0).contains("<x@example.org>: mailbox full"));
}

#[test]
fn personas_name_their_hosts_and_au_bounces_itself() {
    let c = client();
    let orig = original(&c, MESSAGE, None);
    let docomo = Request {
        step: Step::EndOfData,
        persona: Some(Persona::Docomo),
        ..request(
            ReportKind::Bounce,
            "filtered@docomo.ne.jp",
            Some("550 Unknown user filtered@docomo.ne.jp"),
        )
    };
    let raw = reporter().build(&orig, &docomo, 1).unwrap();
    let msg = parse(&raw);
    let human = child_text(&msg, 0);
    assert!(
        human.contains("host mfsmax.docomo.ne.jp said: 550 Unknown user"),
        "{human}"
    );
    assert!(
        human.contains("(in reply to end of DATA command)"),
        "{human}"
    );
    let dsn = DeliveryStatus::parse(&child_text(&msg, 1));
    assert_eq!(
        dsn.recipients[0].remote_mta,
        Some(TypedValue::parse("dns; mfsmax.docomo.ne.jp"))
    );

    let au = Request {
        persona: Some(Persona::Au),
        status: Some("5.1.1".parse().unwrap()),
        ..request(
            ReportKind::Bounce,
            "gone@ezweb.ne.jp",
            Some("550 <gone@ezweb.ne.jp>: User unknown"),
        )
    };
    let raw = reporter().build(&orig, &au, 1).unwrap();
    let msg = parse(&raw);
    assert_eq!(
        header(&msg, "From"),
        Some("MAILER-DAEMON@msmx.au.com (Mail Delivery System)")
    );
    let human = child_text(&msg, 0);
    assert!(human.starts_with("This is the mail system at host msmx.au.com."));
    assert!(!human.contains("in reply to"), "{human}");
    let dsn = DeliveryStatus::parse(&child_text(&msg, 1));
    assert_eq!(
        dsn.per_message.reporting_mta,
        Some(TypedValue::parse("dns; msmx.au.com"))
    );
    assert!(dsn.per_message.extensions.is_empty());
    assert_eq!(dsn.recipients[0].remote_mta, None);
    assert_eq!(
        dsn.recipients[0].diagnostic_code,
        Some(TypedValue::parse(
            "smtp; 550 <gone@ezweb.ne.jp>: User unknown"
        ))
    );
}

#[test]
fn an_auto_reply_follows_rfc3834() {
    let c = client();
    let orig = original(&c, MESSAGE, None);
    let req = request(ReportKind::AutoReply, "away@example.org", None);
    let raw = reporter().build(&orig, &req, 2).unwrap();
    let msg = parse(&raw);
    assert_eq!(header(&msg, "From"), Some("away@example.org"));
    assert_eq!(header(&msg, "To"), Some("bounces@example.com"));
    assert_eq!(msg.subject(), Some("Out of office: Your invoice"));
    assert_eq!(header(&msg, "Auto-Submitted"), Some("auto-replied"));
    assert_eq!(header(&msg, "In-Reply-To"), Some("<inv-1@example.com>"));
    assert_eq!(
        header(&msg, "References"),
        Some("<thread-0@example.com> <inv-1@example.com>")
    );
    assert_eq!(header(&msg, "MIME-Version"), Some("1.0"));
    assert!(msg.message_id().unwrap().ends_with("@example.org"));
    assert_eq!(
        msg.body_text(0).unwrap().trim(),
        "I am out of the office and will answer your message when I am back."
    );

    // Without a Message-ID or Subject: no In-Reply-To, a plain subject.
    let bare = b"From: a@example.com\r\n\r\nhi\r\n";
    let raw = reporter()
        .build(&original(&c, bare, None), &req, 2)
        .unwrap();
    let msg = parse(&raw);
    assert_eq!(msg.subject(), Some("Out of office"));
    assert_eq!(header(&msg, "In-Reply-To"), None);
}

#[test]
fn no_report_to_the_null_sender_and_no_auto_reply_to_automatic_mail() {
    let c = client();
    type Case<'a> = (&'a [u8], &'a str, ReportKind, Result<(), Withheld>);
    let cases: [Case<'_>; 8] = [
        (MESSAGE, "", ReportKind::Bounce, Err(Withheld::NullSender)),
        (
            MESSAGE,
            "",
            ReportKind::AutoReply,
            Err(Withheld::NullSender),
        ),
        (
            MESSAGE,
            "",
            ReportKind::Complaint,
            Err(Withheld::NullSender),
        ),
        (MESSAGE, "a@example.com", ReportKind::AutoReply, Ok(())),
        (
            b"Auto-Submitted: auto-replied\r\n\r\nx",
            "a@example.com",
            ReportKind::AutoReply,
            Err(Withheld::AutomaticMessage),
        ),
        (
            b"Auto-Submitted: auto-generated; type=x\r\n\r\nx",
            "a@example.com",
            ReportKind::AutoReply,
            Err(Withheld::AutomaticMessage),
        ),
        (
            b"Auto-Submitted: no\r\nPrecedence: bulk\r\n\r\nx",
            "a@example.com",
            ReportKind::AutoReply,
            Err(Withheld::AutomaticMessage),
        ),
        // A bounce about an automatic message is still owed.
        (
            b"Auto-Submitted: auto-replied\r\n\r\nx",
            "a@example.com",
            ReportKind::Bounce,
            Ok(()),
        ),
    ];
    for (raw, sender, kind, want) in cases {
        let orig = Original {
            sender,
            ..original(&c, raw, None)
        };
        assert_eq!(Reporter::check(kind, &orig), want, "{kind:?} {sender:?}");
        let req = request(kind, "r@example.org", None);
        assert_eq!(reporter().build(&orig, &req, 1).err(), want.err());
    }
    let no = Original {
        sender: "a@example.com",
        ..original(&c, b"Auto-Submitted: no\r\n\r\nx", None)
    };
    assert_eq!(Reporter::check(ReportKind::AutoReply, &no), Ok(()));
}

#[test]
fn a_complaint_follows_rfc5965() {
    let c = client();
    let orig = original(&c, MESSAGE, None);
    let cases = [
        (
            "complaint@simulator.amazonses.com",
            "complaints@email-abuse.amazonses.com",
        ),
        (
            "complaint@smtp-sim.test",
            "complaints@email-abuse.amazonses.com",
        ),
        (
            "user@example.org",
            "\"Feedback Loop\" <fbl@mx.smtp-sim.test>",
        ),
    ];
    for (rcpt, from) in cases {
        let req = request(ReportKind::Complaint, rcpt, Some("Marked as spam."));
        let raw = reporter().build(&orig, &req, 4).unwrap();
        let msg = parse(&raw);
        let ct = msg.content_type().unwrap();
        assert_eq!(
            (ct.ctype(), ct.subtype(), ct.attribute("report-type")),
            ("multipart", Some("report"), Some("feedback-report"))
        );
        assert_eq!(
            children(&msg),
            ["text/plain", "message/feedback-report", "message/rfc822"]
        );
        assert_eq!(header(&msg, "From"), Some(from));
        assert_eq!(header(&msg, "To"), Some("bounces@example.com"));
        assert_eq!(msg.subject(), Some("FW: Your invoice"));
        assert!(child_text(&msg, 0).contains("Marked as spam."));
        let report = child_text(&msg, 1);
        let fields: Vec<(&str, &str)> = report.lines().filter_map(|l| l.split_once(": ")).collect();
        assert_eq!(fields.len(), 9, "{report}");
        let get = |n: &str| fields.iter().find(|f| f.0 == n).map(|f| f.1);
        assert_eq!(get("Feedback-Type"), Some("abuse"));
        assert_eq!(get("Version"), Some("1"));
        assert!(get("User-Agent").unwrap().starts_with("smtp-sim/"));
        assert_eq!(get("Original-Mail-From"), Some("<bounces@example.com>"));
        assert_eq!(get("Original-Rcpt-To"), Some(format!("<{rcpt}>").as_str()));
        assert_eq!(get("Arrival-Date"), Some("Tue, 3 Mar 2026 09:05:00 +0000"));
        assert_eq!(get("Source-IP"), Some("192.0.2.7"));
        assert_eq!(get("Reported-Domain"), Some("example.com"));
        let reported = child_text(&msg, 2);
        assert!(reported.starts_with("Received: from out.example.com"));
        assert!(reported.contains("Please find your invoice."));
    }
}

#[test]
fn reports_are_deterministic_for_a_seed_and_inputs() {
    let c = client();
    let orig = original(&c, MESSAGE, None);
    for kind in [
        ReportKind::Bounce,
        ReportKind::AutoReply,
        ReportKind::Complaint,
    ] {
        let req = request(kind, "x@example.org", Some("550 5.1.1 unknown"));
        let a = reporter().build(&orig, &req, 5).unwrap();
        assert_eq!(a, reporter().build(&orig, &req, 5).unwrap(), "{kind:?}");
        let other_seed = Reporter::new("mx.smtp-sim.test", "smtp-sim.test", 8)
            .build(&orig, &req, 5)
            .unwrap();
        let other_number = reporter().build(&orig, &req, 6).unwrap();
        let id = |raw: &[u8]| parse(raw).message_id().unwrap().to_owned();
        assert_ne!(id(&a), id(&other_seed), "{kind:?}");
        assert_ne!(id(&a), id(&other_number), "{kind:?}");
    }
}

mod contract;

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Whatever the diagnostic and status, the DSN part reads back to what was written (one
    /// line, white space collapsed), the message parses, and the three parts are there.
    #[test]
    fn any_diagnostic_reads_back(
        text in "[ -~\t\r\n]{0,300}",
        class in proptest::sample::select(vec![2u8, 4, 5]),
        subject in 0u16..8,
        detail in 0u16..30,
        full in proptest::bool::ANY,
    ) {
        let c = client();
        let orig = original(&c, MESSAGE, Some(if full { Ret::Full } else { Ret::Hdrs }));
        let status = format!("{class}.{subject}.{detail}");
        let req = Request {
            status: Some(status.parse().unwrap()),
            ..request(ReportKind::Bounce, "x@example.org", None)
        };
        let req = Request { text: Some(&text), ..req };
        let raw = reporter().build(&orig, &req, 9).unwrap();
        let msg = parse(&raw);
        let kids = children(&msg);
        proptest::prop_assert_eq!(kids.len(), 3);
        let dsn = DeliveryStatus::parse(&child_text(&msg, 1));
        proptest::prop_assert_eq!(dsn.recipients.len(), 1);
        let r = &dsn.recipients[0];
        proptest::prop_assert_eq!(r.status.as_deref(), Some(status.as_str()));
        let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !one_line.is_empty() {
            proptest::prop_assert_eq!(&r.diagnostic_code.as_ref().unwrap().value, &one_line);
        }
        proptest::prop_assert_eq!(
            r.final_recipient.as_ref().map(|f| f.address().to_owned()),
            Some("x@example.org".to_owned())
        );
    }
}
