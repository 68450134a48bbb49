use std::path::PathBuf;

use proptest::prelude::*;

use super::*;

fn scenarios_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios"))
}

#[test]
fn every_example_scenario_validates() {
    let mut seen = 0;
    for entry in std::fs::read_dir(scenarios_dir()).unwrap() {
        let path = entry.unwrap().path();
        if !matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("toml" | "json")
        ) {
            continue;
        }
        let scenario = Scenario::from_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let internet = scenario.internet();
        assert!(
            !scenario.rules().is_empty()
                || !internet.checks.is_empty()
                || !internet.domains.is_empty(),
            "{} has no rule, check or domain",
            path.display()
        );
        seen += 1;
    }
    assert!(
        seen >= 3,
        "expected the example scenarios in {}",
        scenarios_dir().display()
    );
}

#[test]
fn builder_default_equals_the_default_file() {
    let file = Scenario::from_file(&scenarios_dir().join("default.toml")).unwrap();
    let built = default_scenario(crate::DEFAULT_SIM_DOMAIN).unwrap();
    assert_eq!(built, file);
}

#[test]
fn default_scenario_refuses_a_bad_domain() {
    let err = default_scenario("bad domain").unwrap_err();
    assert!(err.to_string().contains("whitespace"), "{err}");
}

#[test]
fn toml_and_json_round_trip() {
    for name in [
        "default.toml",
        "flaky-receiver.toml",
        "postfix-rejects.toml",
        "carriers.toml",
        "internet.toml",
    ] {
        let s = Scenario::from_file(&scenarios_dir().join(name)).unwrap();
        let again = Scenario::from_toml(&s.to_toml(), Some(name))
            .unwrap_or_else(|e| panic!("{e}\n{}", s.to_toml()));
        assert_eq!(again, s, "{name} through TOML");
        let again = Scenario::from_json(&s.to_json(), Some(name)).unwrap();
        assert_eq!(again, s, "{name} through JSON");
    }
}

/// A rule around one `do` table, so that errors land on line 4.
fn with_action(action: &str) -> String {
    format!(
        "[[rule]]\nid = \"r\"\nwhen = {{ step = \"rcpt\" }}\ndo = {action}\nexpect = {{ reason = \"userunknown\" }}\n"
    )
}

#[test]
fn refusals_say_where_and_what() {
    // (source, line, the text the error points at in that line, path, words of the message)
    let cases: Vec<(String, usize, &str, &str, &str)> = vec![
        (with_action(r#"{ kind = "reply", code = 550, status = "4.1.1", text = "x" }"#), 4, "\"4.1.1\"", "rule[0].do.status", "class 5 to agree with reply code 550"),
        (with_action(r#"{ kind = "reply", code = 650, text = "x" }"#), 4, "650", "rule[0].do.code", "from 200 to 559"),
        (with_action(r#"{ kind = "reply", code = 354, text = "x" }"#), 4, "354", "rule[0].do.code", "3xx only answers DATA"),
        (with_action(r#"{ kind = "reply", code = 550, text = "<{recipient}>" }"#), 4, "\"<{recipient}>\"", "rule[0].do.text", "found {recipient}"),
        (with_action(r#"{ kind = "reply", code = 550, text = ["ok", "bad {x"] }"#), 4, "\"bad {x\"", "rule[0].do.text[1]", "`}` closing"),
        (with_action(r#"{ kind = "reply", code = 550 }"#), 4, "{ kind", "rule[0].do", "field `text`"),
        (with_action(r#"{ kind = "reply", code = 550, status = "5.1", text = "x" }"#), 4, "\"5.1\"", "rule[0].do.status", "enhanced status code"),
        (with_action(r#"{ kind = "drop", text = "x" }"#), 4, "\"x\"", "rule[0].do.text", "no `text` here"),
        (with_action(r#"{ kind = "close", code = 554 }"#), 4, "554", "rule[0].do.code", "421"),
        (with_action(r#"{ kind = "reply", code = 550, text = "x", report = { kind = "bounce" } }"#), 4, "{ kind = \"bounce", "rule[0].do.report", "only `accept`"),
        (with_action(r#"{ kind = "accept", delay_ms = 600001 }"#), 4, "600001", "rule[0].do.delay_ms", "at most 600000 ms"),
        (with_action(r#"{ kind = "teleport" }"#), 4, "\"teleport\"", "", "one of `reply`, `accept`"),
        (
            "[[rule]]\nid = \"r\"\nwhen = { step = \"mail\", rcpt = \"a@b\" }\ndo = { kind = \"accept\" }\nexpect = { reason = \"delivered\" }\n".into(),
            3, "\"a@b\"", "rule[0].when.rcpt", "not known yet",
        ),
        (
            "[[rule]]\nid = \"r\"\nwhen = { client = \"10.0.0.0/40\" }\ndo = { kind = \"accept\" }\nexpect = { reason = \"delivered\" }\n".into(),
            3, "\"10.0.0.0/40\"", "rule[0].when.client", "CIDR range",
        ),
        (
            "[[rule]]\nid = \"r\"\nwhen = { rcpt = [\"ok@x\", \"bad pattern\"] }\ndo = { kind = \"accept\" }\nexpect = { reason = \"delivered\" }\n".into(),
            3, "\"bad pattern\"", "rule[0].when.rcpt[1]", "without whitespace",
        ),
        (
            "[[rule]]\nid = \"r\"\nwhen = { step = \"rcpt\", subject = \"*spam*\" }\ndo = { kind = \"accept\" }\nexpect = { reason = \"delivered\" }\n".into(),
            3, "\"*spam*\"", "rule[0].when.subject", "only at end_of_data",
        ),
        (
            "[[rule]]\nid = \"r\"\nwhen = { larger_than = 10 }\ndo = { kind = \"accept\" }\nexpect = { reason = \"delivered\" }\n".into(),
            3, "10", "rule[0].when.larger_than", "only at end_of_data",
        ),
        (
            "[[rule]]\nid = \"r\"\nwhen = { probability = 1.5 }\ndo = { kind = \"accept\" }\nexpect = { reason = \"delivered\" }\n".into(),
            3, "1.5", "rule[0].when.probability", "between 0 and 1",
        ),
        (
            "[[rule]]\nid = \"r\"\ndo = { kind = \"accept\" }\nexpect = { reason = \"bounced\" }\n".into(),
            4, "\"bounced\"", "", "one of `userunknown`",
        ),
        (
            "[[rule]]\nid = \"r\"\ndo = { kind = \"accept\" }\n".into(),
            1, "[[rule]]", "", "field `expect`",
        ),
        (
            "[[rule]]\nid = \"r\"\ndo = { kind = \"accept\" }\nexpect = { reason = \"delivered\" }\n[[rule]]\nid = \"r\"\ndo = { kind = \"accept\" }\nexpect = { reason = \"delivered\" }\n".into(),
            6, "\"r\"", "rule[1].id", "unique rule id",
        ),
        ("name = \"x\"\nrules = []\n".into(), 2, "rules", "", "unknown field `rules`"),
        ("[[rule]\n".into(), 1, "\n", "", "expected"),
    ];
    for (source, line, needle, path, words) in cases {
        let text = source
            .lines()
            .nth(line - 1)
            .map(|l| format!("{l}\n"))
            .unwrap_or_default();
        let column = text
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not on line {line}"))
            + 1;
        let errors = Scenario::from_toml(&source, Some("t.toml"))
            .expect_err(&format!("should be refused:\n{source}"));
        let e = &errors.errors[0];
        assert_eq!(
            (e.line, e.column, e.path.as_str()),
            (Some(line), Some(column), path),
            "{errors}\n{source}"
        );
        assert!(e.expected.starts_with("expected"), "{errors}");
        assert!(
            e.expected.contains(words),
            "{errors} should mention {words:?}"
        );
        assert!(
            errors
                .to_string()
                .starts_with(&format!("t.toml:{line}:{column}: ")),
            "{errors}"
        );
    }
}

#[test]
fn every_problem_is_reported() {
    let source = "[[rule]]\nid = \"bad id!\"\nwhen = { step = \"rcpt\", nth_message = 0 }\ndo = { kind = \"reply\", code = 550, status = \"2.0.0\", text = \"{nope}\" }\nexpect = { reason = \"userunknown\" }\n";
    let errors = Scenario::from_toml(source, None).unwrap_err();
    let paths: Vec<&str> = errors.errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "rule[0].id",
            "rule[0].when.nth_message",
            "rule[0].do.status",
            "rule[0].do.text"
        ]
    );
}

#[test]
fn json_errors_have_positions_or_paths() {
    let syntax = Scenario::from_json("{\"rule\": [ {\"id\": 5} ]}", Some("body.json")).unwrap_err();
    let e = &syntax.errors[0];
    assert_eq!((e.line, e.column), (Some(1), Some(19)), "{syntax}");
    assert!(e.expected.contains("expected a string"), "{syntax}");

    let semantic = r#"{"rule": [{"id": "r", "when": {"step": "rcpt"}, "do": {"kind": "reply", "code": 550, "status": "4.0.0", "text": "x"}, "expect": {"reason": "userunknown"}}]}"#;
    let errors = Scenario::from_json(semantic, None).unwrap_err();
    assert_eq!(errors.errors[0].path, "rule[0].do.status");
    assert_eq!(errors.errors[0].line, None);
}

#[test]
fn hard_follows_the_taxonomy_unless_overridden() {
    let source = |reason: &str, code: u16, hard: &str| {
        format!(
            "[[rule]]\nid = \"r\"\nwhen = {{ step = \"rcpt\" }}\ndo = {{ kind = \"reply\", code = {code}, text = \"x\" }}\nexpect = {{ reason = \"{reason}\"{hard} }}\n"
        )
    };
    let cases = [
        ("userunknown", 550, "", true),
        ("hasmoved", 550, "", true),
        ("notaccept", 550, "", true),
        ("notaccept", 450, "", false),
        ("mailboxfull", 452, "", false),
        ("blocked", 554, "", false),
        ("suppressed", 550, ", hard = true", true),
        ("userunknown", 550, ", hard = false", false),
    ];
    for (reason, code, hard, expected) in cases {
        let s = Scenario::from_toml(&source(reason, code, hard), None).unwrap();
        assert_eq!(s.rules()[0].expect.hard, expected, "{reason} {code} {hard}");
    }
}

fn arb_pattern() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("*".to_owned()),
        "[a-z]{1,6}@[a-z]{1,6}\\.(com|test)",
        "[a-z]{1,4}\\*@\\*\\.test",
        Just("<>".to_owned()),
    ]
}

fn arb_rule(i: usize) -> impl Strategy<Value = RuleBuilder> {
    (
        prop_oneof![Just(Step::Rcpt), Just(Step::EndOfData), Just(Step::Any)],
        proptest::option::of(arb_pattern()),
        proptest::option::of(1u64..5),
        proptest::option::of((0u32..=1000).prop_map(|k| f64::from(k) / 1000.0)),
        prop_oneof![
            (400u16..=459, "[ -z]{0,20}")
                .prop_map(|(c, t)| ActionBuilder::reply(c, &t.replace(['{', '}'], ""))),
            Just(ActionBuilder::accept()),
            Just(ActionBuilder::drop_connection()),
            Just(ActionBuilder::close()),
        ],
        0u64..5000,
    )
        .prop_map(move |(step, rcpt, nth, p, action, delay)| {
            let mut r = RuleBuilder::new(format!("rule-{i}")).step(step);
            if let Some(rcpt) = rcpt {
                r = r.rcpt(&rcpt);
            }
            if let Some(n) = nth {
                r = r.nth_message(n);
            }
            if let Some(p) = p {
                r = r.probability(p);
            }
            r.action(action.delay_ms(delay)).expect(Reason::Systemerror)
        })
}

proptest! {
    /// Whatever the builder makes and validation accepts, TOML and JSON give back unchanged.
    #[test]
    fn built_scenarios_round_trip(rules in proptest::collection::vec(0usize..1, 0..6)
        .prop_flat_map(|v| (0..v.len()).map(arb_rule).collect::<Vec<_>>()))
    {
        let mut b = ScenarioBuilder::new().name("prop");
        for r in rules {
            b = b.rule(r);
        }
        let s = b.build().unwrap();
        prop_assert_eq!(&Scenario::from_toml(&s.to_toml(), None).unwrap(), &s);
        prop_assert_eq!(&Scenario::from_json(&s.to_json(), None).unwrap(), &s);
    }
}
