//! NOOP, RSET, VRFY and the other commands the session answers by itself, through the
//! scenario's rules (`noop`, `rset`, `vrfy` and `any` steps).

use super::*;

/// The commands of one session with no rule for them, and the replies they get.
const PLAIN: [(&str, &str); 6] = [
    ("NOOP\r\n", "250 2.0.0 Ok\r\n"),
    (
        "VRFY bob\r\n",
        "252 2.0.0 Send some mail, I'll try my best\r\n",
    ),
    (
        "EXPN staff\r\n",
        "502 5.5.1 Error: command not implemented\r\n",
    ),
    (
        "HELP\r\n",
        "214 2.0.0 Commands and their syntax: RFC 5321\r\n",
    ),
    ("XYZZY\r\n", "500 5.5.2 Error: command not recognized\r\n"),
    ("RSET\r\n", "250 2.0.0 Ok\r\n"),
];

#[tokio::test(start_paused = true)]
async fn without_rules_for_them_the_session_answers_and_nothing_is_logged() {
    let mut p = start(accept_all());
    p.reply().await.unwrap();
    p.send("EHLO c.example\r\n").await;
    for (command, want) in PLAIN {
        assert_eq!(p.send(command).await, want, "{command}");
    }
    let steps: Vec<Step> = p
        .sim
        .with_capture(|c| c.events.since(0).map(|e| e.step).collect());
    assert_eq!(steps, [Step::Connect, Step::Helo]);
}

#[tokio::test(start_paused = true)]
async fn the_default_scenario_answers_as_before_and_logs_the_codes_sent() {
    // Its last rule, `accept-all`, is an `any` rule: it now sees these commands too, and its
    // plain accept is the session's own answer.
    let mut p = start(crate::scenario::default_scenario("sim.test").unwrap());
    p.reply().await.unwrap();
    p.send("EHLO c.example\r\n").await;
    for (command, want) in PLAIN {
        assert_eq!(p.send(command).await, want, "{command}");
    }
    let logged: Vec<(Step, Option<u16>, Option<String>)> = p.sim.with_capture(|c| {
        c.events
            .since(0)
            .skip(2)
            .map(|e| (e.step, e.code, e.rule.clone()))
            .collect()
    });
    let rule = Some("accept-all".to_owned());
    let codes = [
        (Step::Noop, 250),
        (Step::Vrfy, 252),
        (Step::Any, 502),
        (Step::Any, 214),
        (Step::Any, 500),
        (Step::Rset, 250),
    ];
    let want: Vec<_> = codes
        .iter()
        .map(|(step, code)| (*step, Some(*code), rule.clone()))
        .collect();
    assert_eq!(logged, want);
}

#[tokio::test(start_paused = true)]
async fn vrfy_noop_and_rset_rules_answer() {
    let scenario = ScenarioBuilder::new()
        .rule(rule(
            "vrfy-unknown",
            Step::Vrfy,
            ActionBuilder::reply(550, "User unknown").status("5.1.1"),
            Reason::Userunknown,
        ))
        .rule(
            rule(
                "rset-busy",
                Step::Rset,
                ActionBuilder::reply(451, "Try again later").status("4.3.0"),
                Reason::Systemerror,
            )
            .sender("busy@*"),
        )
        .rule(rule(
            "noop-close",
            Step::Noop,
            ActionBuilder::close(),
            Reason::Systemerror,
        ))
        .build()
        .unwrap();
    let mut p = start(scenario);
    p.reply().await.unwrap();
    p.send("EHLO c.example\r\n").await;
    assert_eq!(p.send("VRFY bob\r\n").await, "550 5.1.1 User unknown\r\n");
    // Other commands keep the session's answers.
    assert_eq!(p.send("HELP\r\n").await, PLAIN[3].1);
    // A refused RSET leaves the transaction open, in the session and in the simulator.
    p.send("MAIL FROM:<busy@example.org>\r\n").await;
    assert_eq!(p.send("RSET\r\n").await, "451 4.3.0 Try again later\r\n");
    assert_eq!(
        p.send("RCPT TO:<b@example.net>\r\n").await,
        "250 2.1.5 Ok\r\n"
    );
    assert_eq!(
        p.send("NOOP\r\n").await,
        "421 mx.smtp-sim.test Service not available, closing transmission channel\r\n"
    );
    assert_eq!(p.reply().await, None, "closed after 421");
    let decided: Vec<(Step, Option<String>)> = p.sim.with_capture(|c| {
        c.events
            .since(0)
            .filter(|e| e.rule.is_some())
            .map(|e| (e.step, e.rule.clone()))
            .collect()
    });
    assert_eq!(
        decided,
        [
            (Step::Vrfy, Some("vrfy-unknown".into())),
            (Step::Rset, Some("rset-busy".into())),
            (Step::Noop, Some("noop-close".into())),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn an_accepted_rset_resets_and_any_rules_see_every_command() {
    let scenario = ScenarioBuilder::new()
        .rule(rule(
            "vrfy-ok",
            Step::Vrfy,
            ActionBuilder::accept().text("<{helo}> is known"),
            Reason::Delivered,
        ))
        .rule(
            rule(
                "expn-any",
                Step::Any,
                ActionBuilder::reply(550, "Access denied").status("5.7.1"),
                Reason::Policyviolation,
            )
            .helo("expn.*"),
        )
        .build()
        .unwrap();
    let mut p = start(scenario);
    p.reply().await.unwrap();
    p.send("EHLO c.example\r\n").await;
    assert_eq!(p.send("VRFY bob\r\n").await, "252 <c.example> is known\r\n");
    // No rule matched: the session's own answers, and RSET resets the transaction.
    p.send("MAIL FROM:<a@example.org>\r\n").await;
    assert_eq!(p.send("RSET\r\n").await, "250 2.0.0 Ok\r\n");
    assert_eq!(
        p.send("RCPT TO:<b@example.net>\r\n").await,
        "503 5.5.1 Error: need MAIL command\r\n"
    );
    assert_eq!(p.send("XYZZY\r\n").await, PLAIN[4].1);
    // An `any` rule answers every command after the HELO it matches, these included.
    assert_eq!(
        p.send("EHLO expn.example\r\n").await,
        "550 5.7.1 Access denied\r\n"
    );
    p.send("HELO expn.example\r\n").await;
    for command in ["EXPN staff\r\n", "HELP\r\n", "NOOP\r\n", "XYZZY\r\n"] {
        assert_eq!(
            p.send(command).await,
            "550 5.7.1 Access denied\r\n",
            "{command}"
        );
    }
}

#[test]
fn the_new_steps_parse_from_a_file() {
    let source = "[[rule]]\nid = \"v\"\nwhen = { step = \"vrfy\" }\n\
        do = { kind = \"reply\", code = 252, status = \"2.1.5\", text = \"Cannot VRFY user\" }\n\
        expect = { reason = \"delivered\" }\n\
        [[rule]]\nid = \"n\"\nwhen = { step = \"noop\", sender = \"a@*\" }\n\
        do = { kind = \"drop\" }\nexpect = { reason = \"networkerror\" }\n";
    let scenario = Scenario::from_toml(source, None).unwrap();
    let steps: Vec<Step> = scenario.rules().iter().map(|r| r.step).collect();
    assert_eq!(steps, [Step::Vrfy, Step::Noop]);
}

#[test]
fn internet_checks_refuse_the_command_steps() {
    for step in ["any", "noop", "rset", "vrfy"] {
        let source = format!("[[check]]\nkind = \"fcrdns\"\nstep = \"{step}\"\n");
        let errors = Scenario::from_toml(&source, None).unwrap_err().to_string();
        assert!(
            errors.contains(&format!("not `{step}`")),
            "{step}: {errors}"
        );
    }
    Scenario::from_toml("[[check]]\nkind = \"fcrdns\"\nstep = \"helo\"\n", None).unwrap();
}
