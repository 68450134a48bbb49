//! Block list and reverse-DNS refusals with Postfix's exact texts, for identities chosen by a
//! 127.x source address, by XCLIENT and by PROXY v1/v2 headers; the configured step and code.

use smtp_sim::SmtpSim;
use smtp_sim::scenario::Step;

use super::internet_client::{
    Via, body, classifier_disagreements, last_refusal, refusal_rules, scenario, send_as, start,
};

/// Four hosts: listed on zen, without PTR, with a PTR that does not resolve back, and clean.
const CHECKS: &str = r#"
persona = "postfix"

[dns]
ptr = { "198.51.100.20" = "mail.good.example", "198.51.100.30" = "mail.liar.example" }
a = { "mail.good.example" = ["198.51.100.20"], "mail.liar.example" = ["192.0.2.99"] }

[dnsbl."zen.spamhaus.org"]
listed = ["203.0.113.0/28"]

[[client]]
source = "127.1.0.1"
ip = "203.0.113.5"

[[client]]
source = "127.1.0.2"
ip = "198.51.100.40"

[[client]]
source = "127.1.0.3"
ip = "198.51.100.30"

[[client]]
source = "127.1.0.4"
ip = "198.51.100.20"

[[check]]
kind = "dnsbl"
zones = ["zen.spamhaus.org"]

[[check]]
kind = "reverse_name"

[[check]]
kind = "fcrdns"
"#;

const RCPT: &str = "user@example.net";

/// (public address, rule id, wire reply at RCPT; empty: delivered).
const EXPECTED: [(&str, &str, &str); 4] = [
    (
        "203.0.113.5",
        "dnsbl",
        "554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.5",
    ),
    (
        "198.51.100.40",
        "reverse_name",
        "450 4.7.1 Client host rejected: cannot find your reverse hostname, [198.51.100.40]",
    ),
    (
        "198.51.100.30",
        "fcrdns",
        "450 4.7.25 Client host rejected: cannot find your hostname, [198.51.100.30]",
    ),
    ("198.51.100.20", "", ""),
];

/// Runs one message as `via` and checks it against the row for `ip`.
async fn check_row(sim: &SmtpSim, via: Via, ip: &str) {
    let (_, rule, wire) = EXPECTED.iter().find(|r| r.0 == ip).unwrap();
    let attempt = send_as(
        sim,
        &via,
        "app@shop.example",
        &[RCPT],
        &body("app@shop.example"),
    )
    .await;
    assert_eq!(attempt.code("MAIL"), Some(250), "{via:?}: {attempt:?}");
    let rcpt = attempt.at(&format!("RCPT {RCPT}")).unwrap();
    if wire.is_empty() {
        assert!(attempt.delivered(), "{via:?}: {attempt:?}");
        let stored = sim.messages().pop().unwrap();
        assert_eq!(stored.client.ip.to_string(), ip, "{via:?}");
        return;
    }
    // What the client read: the code and the text after it.
    let (code, text) = wire.split_once(' ').unwrap();
    assert_eq!(rcpt.code.to_string(), code, "{via:?}: {attempt:?}");
    assert_eq!(rcpt.text, text, "{via:?}");
    // What the log says went on the wire, and who decided.
    let (logged_rule, step, lines) = last_refusal(sim);
    assert_eq!((logged_rule.as_str(), step), (*rule, Step::Rcpt), "{via:?}");
    assert_eq!(lines, [*wire], "{via:?}");
}

#[tokio::test]
async fn identities_by_loopback_source_address() {
    let sim = start(CHECKS, 1).await;
    for (n, (ip, _, _)) in EXPECTED.iter().enumerate() {
        let source = format!("127.1.0.{}", n + 1).parse().unwrap();
        check_row(&sim, Via::Source(source), ip).await;
    }
    assert_eq!(refusal_rules(&sim), ["dnsbl", "reverse_name", "fcrdns"]);
    assert_eq!(classifier_disagreements(&sim), Vec::<String>::new());
}

#[tokio::test]
async fn identities_by_xclient() {
    let sim = start(CHECKS, 1).await;
    for (ip, _, _) in EXPECTED {
        check_row(&sim, Via::Xclient(format!("ADDR={ip}")), ip).await;
    }
    // A verified NAME is taken as given: no PTR lookup for the address without one.
    check_row(
        &sim,
        Via::Xclient("ADDR=198.51.100.20 NAME=mail.good.example".into()),
        "198.51.100.20",
    )
    .await;
    assert_eq!(refusal_rules(&sim), ["dnsbl", "reverse_name", "fcrdns"]);
    assert_eq!(classifier_disagreements(&sim), Vec::<String>::new());
}

/// XCLIENT `NAME=[UNAVAILABLE]` says the reverse lookup failed (Postfix's XCLIENT_README): the
/// reverse-name check refuses even an address whose PTR the world knows.
#[tokio::test]
async fn xclient_name_unavailable_fails_the_reverse_name_check() {
    let sim = start(CHECKS, 1).await;
    let via = Via::Xclient("ADDR=198.51.100.20 NAME=[UNAVAILABLE]".into());
    let attempt = send_as(
        &sim,
        &via,
        "app@shop.example",
        &[RCPT],
        &body("app@shop.example"),
    )
    .await;
    assert_eq!(
        attempt.code(&format!("RCPT {RCPT}")),
        Some(450),
        "{attempt:?}"
    );
    let (rule, _, lines) = last_refusal(&sim);
    assert_eq!(rule, "reverse_name");
    assert_eq!(
        lines,
        ["450 4.7.1 Client host rejected: cannot find your reverse hostname, [198.51.100.20]"]
    );
}

#[tokio::test]
async fn identities_by_proxy_headers() {
    let sim = SmtpSim::builder()
        .scenario(scenario(CHECKS))
        .proxy_protocol()
        .start()
        .await
        .unwrap();
    for (n, (ip, _, _)) in EXPECTED.iter().enumerate() {
        // The header's source is the identity itself (v1), or a mapped alias (v2).
        check_row(&sim, Via::ProxyV1(ip.parse().unwrap()), ip).await;
        let alias = format!("127.1.0.{}", n + 1).parse().unwrap();
        check_row(&sim, Via::ProxyV2(alias), ip).await;
    }
    assert_eq!(refusal_rules(&sim).len(), 6);
    assert_eq!(classifier_disagreements(&sim), Vec::<String>::new());
}

/// `step` and `code` move a check: the block list at MAIL with 550 (Postfix's
/// `maps_rbl_reject_code = 550` in `smtpd_sender_restrictions`), the reverse-name check at
/// RCPT with 550 (`unknown_client_reject_code = 550`, as seen in the wild).
#[tokio::test]
async fn configured_step_and_code() {
    let toml = CHECKS
        .replace(
            "zones = [\"zen.spamhaus.org\"]",
            "zones = [\"zen.spamhaus.org\"]\nstep = \"mail\"\ncode = 550",
        )
        .replace(
            "kind = \"reverse_name\"",
            "kind = \"reverse_name\"\ncode = 550",
        );
    let sim = start(&toml, 1).await;
    let listed = send_as(
        &sim,
        &Via::Source("127.1.0.1".parse().unwrap()),
        "app@shop.example",
        &[RCPT],
        &body("app@shop.example"),
    )
    .await;
    assert_eq!(listed.codes(), [("MAIL", 550)]);
    let (rule, step, lines) = last_refusal(&sim);
    assert_eq!((rule.as_str(), step), ("dnsbl", Step::Mail));
    assert_eq!(
        lines,
        [
            "550 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.5"
        ]
    );
    let no_ptr = send_as(
        &sim,
        &Via::Source("127.1.0.2".parse().unwrap()),
        "app@shop.example",
        &[RCPT],
        &body("app@shop.example"),
    )
    .await;
    assert_eq!(no_ptr.code(&format!("RCPT {RCPT}")), Some(550));
    let (_, _, lines) = last_refusal(&sim);
    assert_eq!(
        lines,
        ["550 5.7.1 Client host rejected: cannot find your reverse hostname, [198.51.100.40]"]
    );
    assert_eq!(classifier_disagreements(&sim), Vec::<String>::new());
}
