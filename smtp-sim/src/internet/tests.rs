//! The internet layer through the rule engine: each check, greylisting on the simulator's
//! clock, rate limits, each persona's answer at its step, sender profiles replayed, and
//! determinism.

use std::sync::Arc;

use proptest::prelude::*;

use crate::rules::{Decision, Engine, Input, Outcome};
use crate::scenario::{Reason, Scenario, Step};
use crate::types::{ClientIdentity, SessionId, Timestamp};

const EXAMPLE: &str = include_str!("../../scenarios/internet.toml");

fn engine(toml: &str) -> Engine {
    let scenario = Scenario::from_toml(toml, Some("test.toml")).unwrap_or_else(|e| panic!("{e}"));
    Engine::new(Arc::new(scenario), 42, "mx.sim.test")
}

/// The wire bytes of a decision, or a word for what is not a reply.
fn wire(d: &Decision) -> String {
    match &d.outcome {
        Outcome::Refuse(r) | Outcome::Close(r) => String::from_utf8(r.to_wire()).unwrap(),
        Outcome::Accept(_) => "accept".into(),
        Outcome::Discard(_) => "discard".into(),
        Outcome::Drop => "drop".into(),
    }
}

/// One transaction: the decisions from connect to end of data (stopping at the first refusal
/// of MAIL, or when no recipient was accepted).
fn transaction(
    e: &mut Engine,
    session: u64,
    client: ClientIdentity,
    sender: &str,
    rcpts: &[&str],
    header_from: Option<&str>,
    now: u64,
) -> Vec<(Step, String, Option<String>, Option<Reason>)> {
    let mut s = e.open_session(SessionId(session), client, Timestamp(now));
    let mut out = Vec::new();
    let mut push = |d: Decision| {
        let row = (d.step, wire(&d), d.rule.clone(), d.expect.map(|x| x.reason));
        out.push(row);
        d.outcome.is_positive()
    };
    let t = Timestamp(now);
    if !push(e.decide(&mut s, Input::Connect, t)) {
        return out;
    }
    push(e.decide(
        &mut s,
        Input::Helo {
            name: "client.local",
        },
        t,
    ));
    if !push(e.decide(&mut s, Input::Mail { sender }, t)) {
        return out;
    }
    for rcpt in rcpts {
        push(e.decide(&mut s, Input::Rcpt { rcpt }, t));
    }
    if s.recipients.is_empty() {
        return out;
    }
    push(e.decide(&mut s, Input::Data, t));
    s.header_from = header_from.map(str::to_owned);
    push(e.decide(&mut s, Input::EndOfData, t));
    e.internet().disconnect(&s);
    out
}

fn ident(ip: &str) -> ClientIdentity {
    ClientIdentity::from_ip(ip.parse().unwrap())
}

/// The last decision of a transaction.
fn last(
    rows: &[(Step, String, Option<String>, Option<Reason>)],
) -> (Step, &str, Option<&str>, Option<Reason>) {
    let (step, text, rule, reason) = rows.last().unwrap();
    (*step, text.as_str(), rule.as_deref(), *reason)
}

#[test]
fn sender_profiles_replay_the_same_recipients() {
    let mut e = engine(EXAMPLE);
    let fresh = e.internet().identity_for_peer("127.1.0.1".parse().unwrap());
    let fixed = e.internet().identity_for_peer("127.2.0.1".parse().unwrap());
    assert_eq!(fresh.ip.to_string(), "203.0.113.66");
    assert_eq!(fixed.helo.as_deref(), Some("mail.shop.example"));
    let rows = transaction(
        &mut e,
        1,
        fresh,
        "orders@shop.example",
        &["alice@example.net"],
        None,
        0,
    );
    assert_eq!(
        last(&rows),
        (
            Step::Rcpt,
            "554 5.7.1 Service unavailable; Client host [203.0.113.66] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.66\r\n",
            Some("dnsbl"),
            Some(Reason::Blocked)
        )
    );
    // After the fixes: greylisted once, accepted five minutes later.
    let rows = transaction(
        &mut e,
        2,
        fixed.clone(),
        "orders@shop.example",
        &["alice@example.net"],
        None,
        0,
    );
    assert_eq!(
        last(&rows),
        (
            Step::Rcpt,
            "450 4.2.0 <alice@example.net>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.net.html\r\n",
            Some("greylist"),
            Some(Reason::Ratelimited)
        )
    );
    let rows = transaction(
        &mut e,
        3,
        fixed,
        "orders@shop.example",
        &["alice@example.net"],
        Some("shop.example"),
        300_000,
    );
    assert_eq!(last(&rows), (Step::EndOfData, "accept", None, None));
}

const CHECKS: &str = r#"
[dns]
ptr = { "192.0.2.1" = "good.example", "192.0.2.2" = "liar.example" }
a = { "good.example" = ["192.0.2.1"], "liar.example" = ["192.0.2.99"], "sender.example" = ["192.0.2.200"] }
txt = { "sender.example" = ["v=spf1 ip4:192.0.2.1 -all"], "_dmarc.sender.example" = ["v=DMARC1; p=reject"] }
tempfail = ["192.0.2.3"]

[[check]]
kind = "reverse_name"

[[check]]
kind = "fcrdns"

[[check]]
kind = "sender_domain"

[[check]]
kind = "spf"
"#;

#[test]
fn postfix_checks_with_exact_texts() {
    let cases = [
        (
            "192.0.2.9",
            "a@sender.example",
            "450 4.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.9]\r\n",
            "reverse_name",
            Reason::Requireptr,
        ),
        (
            "192.0.2.3",
            "a@sender.example",
            "450 4.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.3]\r\n",
            "reverse_name",
            Reason::Requireptr,
        ),
        (
            "192.0.2.2",
            "a@sender.example",
            "450 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.2]\r\n",
            "fcrdns",
            Reason::Requireptr,
        ),
        (
            "192.0.2.1",
            "a@nowhere.example",
            "450 4.1.8 <a@nowhere.example>: Sender address rejected: Domain not found\r\n",
            "sender_domain",
            Reason::Rejected,
        ),
        (
            "192.0.2.1",
            "a@good.example",
            "accept",
            "",
            Reason::Delivered,
        ),
    ];
    for (ip, sender, text, rule, reason) in cases {
        let mut e = engine(CHECKS);
        let rows = transaction(&mut e, 1, ident(ip), sender, &["r@example.net"], None, 0);
        let (_, got, got_rule, got_reason) = last(&rows);
        assert_eq!(got, text, "{ip} {sender}");
        if got != "accept" {
            assert_eq!((got_rule, got_reason), (Some(rule), Some(reason)));
        }
    }
    // SPF fail: from 192.0.2.1 with a name given by XCLIENT, sender.example's SPF fails others.
    let mut e = engine(CHECKS);
    let client = ClientIdentity {
        name: Some("x.example".into()),
        ..ident("192.0.2.50")
    };
    let rows = transaction(
        &mut e,
        1,
        client,
        "a@sender.example",
        &["r@example.net"],
        None,
        0,
    );
    assert_eq!(
        last(&rows).1,
        "550 5.7.23 <r@example.net>: Recipient address rejected: SPF fail for sender.example from [192.0.2.50]\r\n"
    );
    assert_eq!(last(&rows).2, Some("spf"));
}

const GMAIL: &str = r#"
[dns]
txt = { "sender.example" = ["v=spf1 ip4:192.0.2.1 -all"], "_dmarc.sender.example" = ["v=DMARC1; p=reject"] }

[[check]]
kind = "reverse_name"

[[check]]
kind = "dmarc"

[domain."gmail.com"]
persona = "gmail"
mailboxes = { nobody = "unknown" }
"#;

#[test]
fn gmail_refuses_ptr_and_dmarc_after_data() {
    let mut e = engine(GMAIL);
    let rows = transaction(
        &mut e,
        7,
        ident("192.0.2.1"),
        "a@sender.example",
        &["bob@gmail.com"],
        Some("sender.example"),
        0,
    );
    let steps: Vec<(Step, &str)> = rows.iter().map(|r| (r.0, r.1.as_str())).collect();
    assert_eq!(
        &steps[..4],
        [
            (Step::Connect, "accept"),
            (Step::Helo, "accept"),
            (Step::Mail, "accept"),
            (Step::Rcpt, "accept")
        ]
    );
    let (step, text, rule, reason) = last(&rows);
    assert_eq!(
        (step, rule, reason),
        (
            Step::EndOfData,
            Some("reverse_name"),
            Some(Reason::Requireptr)
        )
    );
    assert!(
        text.starts_with(
            "550-5.7.25 [192.0.2.1] The IP address sending this message does not have a\r\n"
        ),
        "{text}"
    );
    assert!(text.ends_with(" - gsmtp\r\n"));
    // With a PTR (XCLIENT NAME): DMARC fails for a From domain the SPF domain does not align with.
    let client = ClientIdentity {
        name: Some("mail.sender.example".into()),
        ..ident("192.0.2.1")
    };
    let rows = transaction(
        &mut e,
        8,
        client.clone(),
        "a@other.example",
        &["bob@gmail.com"],
        Some("sender.example"),
        0,
    );
    let (step, text, rule, _) = last(&rows);
    assert_eq!((step, rule), (Step::EndOfData, Some("dmarc")));
    assert!(text.starts_with("550-5.7.26 Unauthenticated email from sender.example is not accepted due to domain's\r\n"), "{text}");
    // Unknown user at RCPT, multi-line.
    let rows = transaction(
        &mut e,
        9,
        client,
        "a@sender.example",
        &["nobody@gmail.com"],
        None,
        0,
    );
    let (step, text, rule, reason) = last(&rows);
    assert_eq!(
        (step, rule, reason),
        (Step::Rcpt, Some("gmail.unknown"), Some(Reason::Userunknown))
    );
    assert_eq!(text.matches("550-5.1.1 ").count(), 3);
}

const CARRIERS: &str = r#"
[domain."yahoo.com"]
persona = "yahoo"
mailboxes = { nobody = "unknown" }

[domain."docomo.ne.jp"]
persona = "docomo"
mailboxes = { nobody = "unknown", filtered = "filtered" }

[domain."ezweb.ne.jp"]
persona = "au"
mailboxes = { gone = "disabled" }

[domain."i.softbank.jp"]
persona = "softbank"
mailboxes = { filtered = "filtered" }
"#;

#[test]
fn each_persona_answers_at_its_step() {
    let cases: [(&str, Step, &str, Option<&str>); 6] = [
        (
            "nobody@yahoo.com",
            Step::EndOfData,
            "554 delivery error: dd This user doesn't have a yahoo.com account (nobody@yahoo.com) [0] - mta1061.mail.ne1.yahoo.com\r\n",
            Some("yahoo.unknown"),
        ),
        (
            "nobody@docomo.ne.jp",
            Step::Rcpt,
            "550 Unknown user nobody@docomo.ne.jp\r\n",
            Some("docomo.unknown"),
        ),
        (
            "filtered@docomo.ne.jp",
            Step::EndOfData,
            "550 Unknown user filtered@docomo.ne.jp\r\n",
            Some("docomo.filtered"),
        ),
        ("filtered@i.softbank.jp", Step::EndOfData, "accept", None),
        ("gone@ezweb.ne.jp", Step::EndOfData, "accept", None),
        ("someone@yahoo.com", Step::EndOfData, "accept", None),
    ];
    for (rcpt, step, text, rule) in cases {
        let mut e = engine(CARRIERS);
        let rows = transaction(
            &mut e,
            1,
            ident("192.0.2.1"),
            "a@sender.example",
            &[rcpt],
            None,
            0,
        );
        let (got_step, got, got_rule, _) = last(&rows);
        assert_eq!((got_step, got, got_rule), (step, text, rule), "{rcpt}");
    }
    // SoftBank: 250 at RCPT, but the copy is discarded; au: accepted with a bounce owed.
    let mut e = engine(CARRIERS);
    let mut s = e.open_session(SessionId(1), ident("192.0.2.1"), Timestamp(0));
    e.decide(
        &mut s,
        Input::Mail {
            sender: "a@sender.example",
        },
        Timestamp(0),
    );
    let d = e.decide(
        &mut s,
        Input::Rcpt {
            rcpt: "filtered@i.softbank.jp",
        },
        Timestamp(0),
    );
    assert_eq!(
        (d.outcome, d.rule.as_deref()),
        (Outcome::Discard(None), Some("softbank.filtered"))
    );
    let d = e.decide(
        &mut s,
        Input::Rcpt {
            rcpt: "gone@ezweb.ne.jp",
        },
        Timestamp(0),
    );
    assert_eq!(
        (d.outcome.is_positive(), d.expect.map(|x| x.reason)),
        (true, Some(Reason::Suspend))
    );
    assert!(s.recipients[0].discard);
    let report = s.recipients[1].report.as_ref().expect("a bounce is owed");
    assert_eq!(
        report.text.as_deref(),
        Some("550 5.2.1 <gone@ezweb.ne.jp>: Mailbox disabled, not accepting messages")
    );
}

const LIMITS: &str = r#"
persona = "yahoo"

[[rate_limit]]
id = "conc"
scope = "client_ip"
counted = "concurrent"
max = 1

[[rate_limit]]
id = "msgs"
scope = "client_ip"
counted = "messages"
max = 1
per_s = 60
"#;

#[test]
fn rate_limits_answer_as_the_persona_does() {
    let mut e = engine(LIMITS);
    let mut first = e.open_session(SessionId(1), ident("192.0.2.1"), Timestamp(0));
    assert!(
        e.decide(&mut first, Input::Connect, Timestamp(0))
            .outcome
            .is_positive()
    );
    // A second connection at once: Yahoo answers at MAIL FROM with [TSS04] (421: closes).
    let mut second = e.open_session(SessionId(2), ident("192.0.2.1"), Timestamp(0));
    assert!(
        e.decide(&mut second, Input::Connect, Timestamp(0))
            .outcome
            .is_positive()
    );
    let d = e.decide(
        &mut second,
        Input::Mail {
            sender: "a@x.example",
        },
        Timestamp(0),
    );
    assert_eq!(
        wire(&d),
        "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes\r\n"
    );
    assert!(matches!(d.outcome, Outcome::Close(_)));
    assert_eq!(d.rule.as_deref(), Some("conc"));
    // Messages: one per minute.
    assert!(
        e.decide(
            &mut first,
            Input::Mail {
                sender: "a@x.example"
            },
            Timestamp(0)
        )
        .outcome
        .is_positive()
    );
    assert_eq!(
        e.decide(
            &mut first,
            Input::Mail {
                sender: "a@x.example"
            },
            Timestamp(1)
        )
        .rule
        .as_deref(),
        Some("msgs")
    );
    assert!(
        e.decide(
            &mut first,
            Input::Mail {
                sender: "a@x.example"
            },
            Timestamp(60_000)
        )
        .outcome
        .is_positive()
    );
    // Postfix closes at connect.
    let mut e = engine(&LIMITS.replace("persona = \"yahoo\"", "persona = \"postfix\""));
    let mut a = e.open_session(SessionId(1), ident("192.0.2.1"), Timestamp(0));
    e.decide(&mut a, Input::Connect, Timestamp(0));
    let mut b = e.open_session(SessionId(2), ident("192.0.2.1"), Timestamp(0));
    let d = e.decide(&mut b, Input::Connect, Timestamp(0));
    assert_eq!(
        wire(&d),
        "421 4.7.0 mx.sim.test Error: too many connections from 192.0.2.1\r\n"
    );
    e.internet().disconnect(&a);
    let mut c = e.open_session(SessionId(3), ident("192.0.2.1"), Timestamp(0));
    assert!(
        e.decide(&mut c, Input::Connect, Timestamp(0))
            .outcome
            .is_positive()
    );
}

#[test]
fn check_step_and_code_are_configurable() {
    let toml = r#"
[[check]]
kind = "reverse_name"
step = "mail"
code = 550
"#;
    let mut e = engine(toml);
    let rows = transaction(
        &mut e,
        1,
        ident("192.0.2.1"),
        "a@x.example",
        &["r@y.example"],
        None,
        0,
    );
    assert_eq!(last(&rows).0, Step::Mail);
    assert_eq!(
        last(&rows).1,
        "550 5.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.1]\r\n"
    );
}

#[test]
fn header_values_are_unfolded_and_taken_from_the_header_only() {
    use crate::internet::header_value;
    let cases: [(&[u8], Option<&str>); 5] = [
        (
            b"From: a\r\nSubject: Big\r\n  news\r\n\r\nbody",
            Some("Big  news"),
        ),
        (b"SUBJECT:win\n\n", Some("win")),
        (b"Subject: first\r\nSubject: second\r\n\r\n", Some("first")),
        (b"From: a\r\n\r\nSubject: in the body\r\n", None),
        (b"Subject:\r\n\r\n", Some("")),
    ];
    for (raw, want) in cases {
        assert_eq!(
            header_value(raw, "subject").as_deref(),
            want,
            "{:?}",
            String::from_utf8_lossy(raw)
        );
    }
}

#[test]
fn header_from_domains() {
    use crate::internet::header_from_domain;
    let cases: [(&[u8], Option<&str>); 7] = [
        (
            b"Subject: x\r\nFrom: Shop <orders@Shop.Example>\r\n\r\nbody",
            Some("shop.example"),
        ),
        (b"from: a@b.example\n\nFrom: c@d.example", Some("b.example")),
        (
            b"From:\r\n  \"x\" <y@z.example>\r\nTo: q\r\n\r\n",
            Some("z.example"),
        ),
        (b"To: a@b\r\n\r\nFrom: c@d.example\r\n", None),
        (b"From: nobody\r\n\r\n", None),
        // Bytes that are not UTF-8, in the body or in the header, change nothing.
        (b"From: a@b.example\r\n\r\n\xff\xfe body", Some("b.example")),
        (
            b"X-Bin: \xff\r\nFrom: \xe9 <a@b.example>\r\n\r\n",
            Some("b.example"),
        ),
    ];
    for (raw, want) in cases {
        assert_eq!(
            header_from_domain(raw).as_deref(),
            want,
            "{:?}",
            String::from_utf8_lossy(raw)
        );
    }
}

#[test]
fn scenario_errors_are_located() {
    let bad = r#"
[[check]]
kind = "dnsbl"
zones = ["nowhere.example"]

[[client]]
source = "127.1.0.1"
sender = "missing"
"#;
    let err = Scenario::from_toml(bad, Some("bad.toml"))
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "bad.toml:4:10: check[0].zones[0]: expected a zone declared in [dnsbl] or a sender's `listed` (found \"nowhere.example\")\n\
         bad.toml:8:10: client[0].sender: expected the name of a [sender] profile (found \"missing\")"
    );
    let bad = "[dnsbl.\"zen.spamhaus.org\"]\nlisted = [\"10.0.0.0/33\"]\n";
    let err = Scenario::from_toml(bad, Some("z.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("z.toml:2:11: dnsbl[\"zen.spamhaus.org\"].listed[0]: expected an IP address or CIDR range"), "{err}");
}

proptest! {
    /// The same scenario, seed and client behaviour give byte-identical replies.
    #[test]
    fn same_inputs_same_bytes(
        ops in proptest::collection::vec((0usize..4, 0usize..6, 0u64..400_000), 1..30),
    ) {
        let clients = ["127.1.0.1", "127.2.0.1", "127.9.9.9", "198.51.100.4"];
        let rcpts = ["nobody@gmail.com", "full@gmail.com", "nobody@yahoo.com", "filtered@docomo.ne.jp", "filtered@i.softbank.jp", "x@example.net"];
        let run = || {
            let mut e = engine(EXAMPLE);
            let mut now = 0;
            let mut all = Vec::new();
            for (i, (c, r, gap)) in ops.iter().enumerate() {
                now += gap;
                let id = e.internet().identity_for_peer(clients[*c].parse().unwrap());
                all.extend(transaction(&mut e, i as u64 + 1, id, "orders@shop.example", &[rcpts[*r]], Some("shop.example"), now));
            }
            all
        };
        prop_assert_eq!(run(), run());
    }
}
