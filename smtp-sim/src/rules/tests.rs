use std::net::IpAddr;
use std::sync::Arc;

use proptest::prelude::*;

use super::*;
use crate::capture::ReportKind;
use crate::scenario::{
    ActionBuilder, Reason, RuleBuilder, Scenario, ScenarioBuilder, Step, default_scenario,
};
use crate::types::{ClientIdentity, SessionId, Timestamp};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn engine(scenario: Scenario, seed: u64) -> Engine {
    Engine::new(Arc::new(scenario), seed, "mx.sim.test")
}

fn session(e: &Engine, id: u64, client: &str) -> SessionContext {
    e.open_session(
        SessionId(id),
        ClientIdentity::from_ip(ip(client)),
        Timestamp(0),
    )
}

/// MAIL from `sender` and RCPT to `rcpt` at time 0, their decisions not looked at.
fn open_transaction(e: &mut Engine, s: &mut SessionContext, sender: &str, rcpt: &str) {
    e.decide(s, Input::Mail { sender }, Timestamp(0));
    e.decide(s, Input::Rcpt { rcpt }, Timestamp(0));
}

fn wire(d: &Decision) -> String {
    match &d.outcome {
        Outcome::Accept(Some(r))
        | Outcome::Discard(Some(r))
        | Outcome::Refuse(r)
        | Outcome::Close(r) => String::from_utf8(r.to_wire()).unwrap(),
        Outcome::Accept(None) => "accept".into(),
        Outcome::Discard(None) => "discard".into(),
        Outcome::Drop => "drop".into(),
    }
}

#[test]
fn default_scenario_answers_the_ses_addresses() {
    let mut e = engine(default_scenario("sim.test").unwrap(), 1);
    let cases = [
        (
            "success@simulator.amazonses.com",
            "ses-success",
            "accept",
            Reason::Delivered,
            false,
        ),
        (
            "success+label@sim.test",
            "ses-success",
            "accept",
            Reason::Delivered,
            false,
        ),
        (
            "bounce@SIMULATOR.amazonses.com",
            "ses-bounce",
            "550 5.1.1 <bounce@SIMULATOR.amazonses.com>: Recipient address rejected: User unknown\r\n",
            Reason::Userunknown,
            true,
        ),
        (
            "bounce@sim.test",
            "ses-bounce",
            "550 5.1.1 <bounce@sim.test>: Recipient address rejected: User unknown\r\n",
            Reason::Userunknown,
            true,
        ),
        (
            "ooto@simulator.amazonses.com",
            "ses-ooto",
            "accept",
            Reason::Vacation,
            false,
        ),
        (
            "complaint@sim.test",
            "ses-complaint",
            "accept",
            Reason::Feedback,
            false,
        ),
        (
            "suppressionlist@simulator.amazonses.com",
            "ses-suppressionlist",
            "550 5.1.1 <suppressionlist@simulator.amazonses.com>: Address is on the suppression list; the message was not sent to this address\r\n",
            Reason::Suppressed,
            false,
        ),
        (
            "anyone@example.com",
            "accept-all",
            "accept",
            Reason::Delivered,
            false,
        ),
        (
            "bounce@other.test",
            "accept-all",
            "accept",
            Reason::Delivered,
            false,
        ),
    ];
    for (rcpt, rule, reply, reason, hard) in cases {
        let mut s = session(&e, 1, "192.0.2.1");
        e.decide(
            &mut s,
            Input::Mail {
                sender: "app@example.com",
            },
            Timestamp(0),
        );
        let d = e.decide(&mut s, Input::Rcpt { rcpt }, Timestamp(0));
        assert_eq!(d.rule.as_deref(), Some(rule), "{rcpt}");
        assert_eq!(wire(&d), reply, "{rcpt}");
        let expect = d.expect.unwrap();
        assert_eq!((expect.reason, expect.hard), (reason, hard), "{rcpt}");
    }
}

#[test]
fn reports_and_discards_follow_the_recipient() {
    let scenario = ScenarioBuilder::new()
        .rule(
            RuleBuilder::new("drop-copy")
                .step(Step::Rcpt)
                .rcpt("gone@*")
                .action(ActionBuilder::discard())
                .expect(Reason::Filtered),
        )
        .build()
        .unwrap();
    let mut e = engine(scenario, 0);
    let mut s = session(&e, 1, "192.0.2.1");
    open_transaction(&mut e, &mut s, "a@example.com", "gone@x.test");
    e.decide(
        &mut s,
        Input::Rcpt {
            rcpt: "kept@x.test",
        },
        Timestamp(0),
    );
    let discards: Vec<bool> = s.recipients.iter().map(|r| r.discard).collect();
    assert_eq!(discards, [true, false]);

    let mut e = engine(default_scenario("sim.test").unwrap(), 0);
    let mut s = session(&e, 2, "192.0.2.1");
    e.decide(
        &mut s,
        Input::Mail {
            sender: "a@example.com",
        },
        Timestamp(0),
    );
    for rcpt in [
        "ooto@sim.test",
        "complaint@sim.test",
        "bounce@sim.test",
        "x@y.test",
    ] {
        e.decide(&mut s, Input::Rcpt { rcpt }, Timestamp(0));
    }
    let reports: Vec<(&str, Option<ReportKind>)> = s
        .recipients
        .iter()
        .map(|r| (r.address.as_str(), r.report.as_ref().map(|p| p.kind)))
        .collect();
    assert_eq!(
        reports,
        [
            ("ooto@sim.test", Some(ReportKind::AutoReply)),
            ("complaint@sim.test", Some(ReportKind::Complaint)),
            ("x@y.test", None)
        ]
    );
}

#[test]
fn end_of_data_rules_see_every_recipient() {
    let scenario = Scenario::from_file(&std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/carriers.toml"
    )))
    .unwrap();
    let mut e = engine(scenario, 0);
    let mut s = session(&e, 1, "192.0.2.1");
    open_transaction(&mut e, &mut s, "a@example.com", "ok@docomo.ne.jp");
    e.decide(
        &mut s,
        Input::Rcpt {
            rcpt: "filtered1@docomo.ne.jp",
        },
        Timestamp(0),
    );
    let d = e.decide(&mut s, Input::EndOfData, Timestamp(0));
    assert_eq!(d.rule.as_deref(), Some("docomo-filtered"));
    assert_eq!(wire(&d), "550 Unknown user filtered1@docomo.ne.jp\r\n");
    assert_eq!(
        d.expect.map(|x| (x.reason, x.hard)),
        Some((Reason::Filtered, false))
    );
}

#[test]
fn end_of_data_rules_read_the_subject_and_the_size() {
    let scenario = Scenario::from_toml(
        r#"
[[rule]]
id = "spam-subject"
when = { step = "end_of_data", subject = ["*viagra*", "*lottery*"] }
do = { kind = "reply", code = 550, status = "5.7.1", text = "Message rejected as spam" }
expect = { reason = "spamdetected" }

[[rule]]
id = "too-big"
when = { step = "end_of_data", larger_than = 1000 }
do = { kind = "reply", code = 552, status = "5.3.4", text = "Message too big" }
expect = { reason = "emailtoolarge" }
"#,
        None,
    )
    .unwrap();
    let mut e = engine(scenario, 0);
    let cases = [
        (Some("You WON the Lottery"), 200, Some("spam-subject")),
        (Some("Minutes of the meeting"), 200, None),
        (None, 200, None),
        (Some("Minutes of the meeting"), 1001, Some("too-big")),
        (Some("Minutes of the meeting"), 1000, None),
    ];
    for (subject, size, want) in cases {
        let mut s = session(&e, 1, "192.0.2.1");
        open_transaction(&mut e, &mut s, "a@example.com", "b@example.net");
        s.subject = subject.map(str::to_owned);
        s.message_size = Some(size);
        let d = e.decide(&mut s, Input::EndOfData, Timestamp(0));
        assert_eq!(d.rule.as_deref(), want, "{subject:?} {size}");
    }
}

#[test]
fn counters_select_messages() {
    let scenario = ScenarioBuilder::new()
        .rule(
            RuleBuilder::new("third")
                .step(Step::Data)
                .nth_message(3)
                .action(ActionBuilder::drop_connection())
                .expect(Reason::Networkerror),
        )
        .rule(
            RuleBuilder::new("first-two")
                .step(Step::Mail)
                .first_per_client(2)
                .action(ActionBuilder::reply(451, "slow down"))
                .expect(Reason::Ratelimited),
        )
        .build()
        .unwrap();
    let mut e = engine(scenario, 0);
    // (client, rule at MAIL, rule at DATA)
    let expected = [
        ("192.0.2.1", Some("first-two"), None),
        ("192.0.2.1", Some("first-two"), None),
        ("192.0.2.1", None, Some("third")),
        ("192.0.2.2", Some("first-two"), None),
        ("192.0.2.1", None, None),
        ("192.0.2.2", Some("first-two"), None),
        ("192.0.2.2", None, None),
    ];
    for (i, (client, at_mail, at_data)) in expected.into_iter().enumerate() {
        let mut s = session(&e, i as u64, client);
        let d = e.decide(&mut s, Input::Mail { sender: "a@b.test" }, Timestamp(0));
        assert_eq!(d.rule.as_deref(), at_mail, "message {}", i + 1);
        let d = e.decide(&mut s, Input::Data, Timestamp(0));
        assert_eq!(d.rule.as_deref(), at_data, "message {}", i + 1);
    }
    assert_eq!(e.counters().run(), 7);
    assert_eq!(
        (
            e.counters().client(ip("192.0.2.1")),
            e.counters().client(ip("192.0.2.2"))
        ),
        (4, 3)
    );
}

#[test]
fn placeholders_and_multiline_replies() {
    let scenario = ScenarioBuilder::new()
        .rule(
            RuleBuilder::new("r")
                .step(Step::Rcpt)
                .action(ActionBuilder::reply(550, "").status("5.7.1").lines([
                    "{client_ip} {helo}",
                    "{sender} {rcpt} {session} {hostname} {rule}",
                ]))
                .expect(Reason::Blocked),
        )
        .build()
        .unwrap();
    let mut e = engine(scenario, 0);
    let mut s = session(&e, 9, "2001:db8::1");
    e.decide(
        &mut s,
        Input::Helo {
            name: "client.example",
        },
        Timestamp(0),
    );
    e.decide(&mut s, Input::Mail { sender: "" }, Timestamp(0));
    let d = e.decide(&mut s, Input::Rcpt { rcpt: "u@d.test" }, Timestamp(0));
    assert_eq!(
        wire(&d),
        "550-5.7.1 2001:db8::1 client.example\r\n550 5.7.1  u@d.test s9 mx.sim.test r\r\n"
    );
}

#[test]
fn probability_extremes() {
    let build = |p| {
        ScenarioBuilder::new()
            .rule(
                RuleBuilder::new("p")
                    .step(Step::Rcpt)
                    .probability(p)
                    .action(ActionBuilder::reply(451, "later"))
                    .expect(Reason::Systemerror),
            )
            .build()
            .unwrap()
    };
    for (p, expected) in [(0.0, 0), (1.0, 200)] {
        let mut e = engine(build(p), 42);
        let mut s = session(&e, 1, "192.0.2.1");
        e.decide(&mut s, Input::Mail { sender: "a@b.test" }, Timestamp(0));
        let fired = (0..200)
            .filter(|_| {
                e.decide(&mut s, Input::Rcpt { rcpt: "x@y.test" }, Timestamp(0))
                    .rule
                    .is_some()
            })
            .count();
        assert_eq!(fired, expected, "p = {p}");
    }
    // p = 0.25 over 4,000 draws: the count lies well within 6 standard deviations (≈ 164).
    let mut e = engine(build(0.25), 42);
    let mut s = session(&e, 1, "192.0.2.1");
    let fired = (0..4000)
        .filter(|_| {
            e.decide(&mut s, Input::Rcpt { rcpt: "x@y.test" }, Timestamp(0))
                .rule
                .is_some()
        })
        .count();
    assert!((836..=1164).contains(&fired), "{fired} of 4000 at p = 0.25");
}

/// A client operation for the property tests.
#[derive(Debug, Clone)]
enum Op {
    Open(u8),
    Helo(u8, u8),
    Mail(u8, u8),
    Rcpt(u8, u8),
    Data(u8),
    EndOfData(u8),
    Rset(u8),
}

fn arb_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u8..4).prop_map(Op::Open),
        (0u8..4, 0u8..3).prop_map(|(s, n)| Op::Helo(s, n)),
        (0u8..4, 0u8..3).prop_map(|(s, n)| Op::Mail(s, n)),
        (0u8..4, 0u8..6).prop_map(|(s, n)| Op::Rcpt(s, n)),
        (0u8..4).prop_map(Op::Data),
        (0u8..4).prop_map(Op::EndOfData),
        (0u8..4).prop_map(Op::Rset),
    ]
}

const RCPTS: [&str; 6] = [
    "bounce@sim.test",
    "ooto@sim.test",
    "a@flaky.test",
    "b@flaky.test",
    "full@x.test",
    "z@y.test",
];
const CLIENTS: [&str; 4] = ["192.0.2.1", "192.0.2.2", "198.51.100.7", "::ffff:192.0.2.1"];

fn mixed_scenario() -> Scenario {
    ScenarioBuilder::new()
        .rule(
            RuleBuilder::new("flaky")
                .step(Step::Rcpt)
                .rcpt("*@flaky.test")
                .probability(0.5)
                .action(ActionBuilder::reply(451, "{rcpt} later"))
                .expect(Reason::Systemerror),
        )
        .rule(
            RuleBuilder::new("full")
                .step(Step::Rcpt)
                .rcpt("full@*")
                .action(ActionBuilder::reply(452, "full").status("4.2.2"))
                .expect(Reason::Mailboxfull),
        )
        .rule(
            RuleBuilder::new("first")
                .step(Step::Mail)
                .first_per_client(1)
                .probability(0.3)
                .action(ActionBuilder::reply(421, "go away"))
                .expect(Reason::Ratelimited),
        )
        .rule(
            RuleBuilder::new("nth")
                .step(Step::Data)
                .nth_message(4)
                .action(ActionBuilder::drop_connection())
                .expect(Reason::Networkerror),
        )
        .rule(
            RuleBuilder::new("bounce")
                .step(Step::Rcpt)
                .rcpt("bounce@*")
                .action(ActionBuilder::reply(550, "no").status("5.1.1"))
                .expect(Reason::Userunknown),
        )
        .rule(
            RuleBuilder::new("helo")
                .step(Step::Any)
                .helo("bad*")
                .probability(0.5)
                .action(ActionBuilder::close())
                .expect(Reason::Blocked),
        )
        .build()
        .unwrap()
}

/// Runs the operations and returns every decision, as `(session, rule, wire text)`.
fn run(ops: &[Op], seed: u64) -> (Vec<(u8, Option<String>, String)>, Engine) {
    let mut e = engine(mixed_scenario(), seed);
    let mut sessions: Vec<Option<SessionContext>> = (0..4).map(|_| None).collect();
    let mut next_id = 0;
    let mut out = Vec::new();
    for op in ops {
        let (slot, input): (u8, Option<Input<'_>>) = match op {
            Op::Open(s) => {
                next_id += 1;
                sessions[*s as usize] = Some(session(&e, next_id, CLIENTS[*s as usize]));
                (*s, Some(Input::Connect))
            }
            Op::Helo(s, n) => (
                *s,
                Some(Input::Helo {
                    name: ["good.test", "bad.test", "BAD.example"][*n as usize],
                }),
            ),
            Op::Mail(s, n) => (
                *s,
                Some(Input::Mail {
                    sender: ["a@x.test", "", "b@y.test"][*n as usize],
                }),
            ),
            Op::Rcpt(s, n) => (
                *s,
                Some(Input::Rcpt {
                    rcpt: RCPTS[*n as usize],
                }),
            ),
            Op::Data(s) => (*s, Some(Input::Data)),
            Op::EndOfData(s) => (*s, Some(Input::EndOfData)),
            Op::Rset(s) => {
                if let Some(ctx) = sessions[*s as usize].as_mut() {
                    ctx.reset_transaction();
                }
                (*s, None)
            }
        };
        let (Some(ctx), Some(input)) = (sessions[slot as usize].as_mut(), input) else {
            continue;
        };
        let d = e.decide(ctx, input, Timestamp(0));
        out.push((slot, d.rule.clone(), wire(&d)));
    }
    (out, e)
}

proptest! {
    /// The same scenario, seed and inputs give the same decisions.
    #[test]
    fn decisions_are_deterministic(ops in proptest::collection::vec(arb_op(), 0..120), seed in any::<u64>()) {
        let (a, _) = run(&ops, seed);
        let (b, _) = run(&ops, seed);
        prop_assert_eq!(a, b);
    }

    /// Counters only count up, each client's only with its own messages; the run's counter is
    /// the sum of the clients'.
    #[test]
    fn counters_never_leak_between_clients(ops in proptest::collection::vec((0usize..4, any::<bool>()), 0..200)) {
        let mut counters = Counters::default();
        let mut expected = [0u64; 4];
        let clients: Vec<IpAddr> = ["192.0.2.1", "192.0.2.2", "2001:db8::1", "10.0.0.1"].iter().map(|c| ip(c)).collect();
        for (i, count) in ops {
            let before: Vec<u64> = clients.iter().map(|c| counters.client(*c)).collect();
            if count {
                let n = counters.next_message(clients[i]);
                expected[i] += 1;
                prop_assert_eq!(n.client, expected[i]);
            } else {
                let peek = counters.peek(clients[i]);
                prop_assert_eq!(peek.client, expected[i] + 1);
            }
            for (j, c) in clients.iter().enumerate() {
                let now = counters.client(*c);
                prop_assert!(now >= before[j]);
                if j != i {
                    prop_assert_eq!(now, before[j]);
                }
            }
            prop_assert_eq!(counters.run(), expected.iter().sum::<u64>());
        }
    }

    /// A session's draws depend on the seed, its id and its own inputs only: another session
    /// interleaved beside it does not change its decisions (rules without run-wide counters).
    #[test]
    fn sessions_draw_independently(n in 1usize..60, seed in any::<u64>(), other in proptest::collection::vec(0usize..6, 0..60)) {
        let scenario = ScenarioBuilder::new()
            .rule(RuleBuilder::new("p").step(Step::Rcpt).probability(0.5).action(ActionBuilder::reply(451, "later")).expect(Reason::Systemerror))
            .build()
            .unwrap();
        let alone = {
            let mut e = engine(scenario.clone(), seed);
            let mut a = session(&e, 1, "192.0.2.1");
            (0..n).map(|_| e.decide(&mut a, Input::Rcpt { rcpt: "x@y.test" }, Timestamp(0)).rule).collect::<Vec<_>>()
        };
        let mut e = engine(scenario, seed);
        let mut a = session(&e, 1, "192.0.2.1");
        let mut b = session(&e, 2, "192.0.2.1");
        let mut mixed = Vec::new();
        for i in 0..n {
            for _ in 0..other.get(i).copied().unwrap_or(0) {
                e.decide(&mut b, Input::Rcpt { rcpt: "x@y.test" }, Timestamp(0));
            }
            mixed.push(e.decide(&mut a, Input::Rcpt { rcpt: "x@y.test" }, Timestamp(0)).rule);
        }
        prop_assert_eq!(alone, mixed);
    }
}

#[test]
fn different_seeds_give_different_draws() {
    let ops: Vec<Op> = std::iter::once(Op::Open(0))
        .chain(std::iter::once(Op::Mail(0, 0)))
        .chain((0..64).map(|i| Op::Rcpt(0, 2 + (i % 2))))
        .collect();
    let (a, _) = run(&ops, 1);
    let (b, _) = run(&ops, 2);
    assert_ne!(a, b, "64 draws at p = 0.5 agreeing for two seeds");
}

#[test]
fn free_commands_are_consulted_at_their_own_step_and_by_any_rules() {
    let scenario = ScenarioBuilder::new()
        .rule(
            RuleBuilder::new("vrfy")
                .step(Step::Vrfy)
                .action(ActionBuilder::reply(252, "Cannot VRFY user").status("2.1.5"))
                .expect(Reason::Delivered),
        )
        .rule(
            RuleBuilder::new("any")
                .action(ActionBuilder::reply(502, "No").status("5.5.1"))
                .expect(Reason::Rejected)
                .helo("strict.*"),
        )
        .build()
        .unwrap();
    let mut e = engine(scenario, 1);
    let mut s = session(&e, 1, "192.0.2.1");
    // (input verb, step, own code, decision on the wire, rule)
    let cases: [(&str, Step, u16, &str, Option<&str>); 6] = [
        (
            "vrfy",
            Step::Vrfy,
            252,
            "252 2.1.5 Cannot VRFY user\r\n",
            Some("vrfy"),
        ),
        ("NOOP", Step::Noop, 250, "accept", None),
        ("Rset", Step::Rset, 250, "accept", None),
        ("HELP", Step::Any, 214, "accept", None),
        ("EXPN", Step::Any, 502, "accept", None),
        ("XYZZY", Step::Any, 500, "accept", None),
    ];
    for (verb, step, code, want, rule) in cases {
        let input = Input::Other { verb };
        assert_eq!(input.step(), step, "{verb}");
        assert_eq!(input.own_code(), Some(code), "{verb}");
        let d = e.decide(&mut s, input, Timestamp(1));
        assert_eq!(
            (wire(&d), d.rule.as_deref()),
            (want.to_owned(), rule),
            "{verb}"
        );
    }
    assert_eq!(Input::Data.own_code(), None);
    // After a matching HELO, the `any` rule answers every free command, but `vrfy` comes first.
    e.decide(
        &mut s,
        Input::Helo {
            name: "strict.example",
        },
        Timestamp(2),
    );
    for (verb, want) in [("NOOP", "502 5.5.1 No\r\n"), ("HELP", "502 5.5.1 No\r\n")] {
        let d = e.decide(&mut s, Input::Other { verb }, Timestamp(3));
        assert_eq!(wire(&d), want, "{verb}");
    }
    let d = e.decide(&mut s, Input::Other { verb: "VRFY" }, Timestamp(3));
    assert_eq!(d.rule.as_deref(), Some("vrfy"));
}
