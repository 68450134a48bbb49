//! SPF and DMARC against the simulated DNS world, and Gmail's and Yahoo's refusal of
//! unauthenticated mail after DATA.

use smtp_sim::scenario::Step;

use super::internet_client::{
    Via, body, classifier_disagreements, last_refusal, refusal_rules, send_as, start,
};

/// The client is 198.51.100.20 (from 127.4.0.1). SPF: `pass.example` lists its /24,
/// `inc.example` includes it, `redir.example` redirects to it, `fail.example` ends in `-all`
/// without it, `soft.example` in `~all`. DMARC: `strict.example` publishes `p=reject` and
/// authorises the client; `other.example` publishes `p=reject` and does not.
const AUTH: &str = r#"
persona = "postfix"

[dns.txt]
"pass.example" = ["v=spf1 ip4:198.51.100.0/24 -all"]
"inc.example" = ["v=spf1 include:pass.example -all"]
"redir.example" = ["v=spf1 redirect=pass.example"]
"fail.example" = ["v=spf1 ip4:192.0.2.1 -all"]
"soft.example" = ["v=spf1 ip4:192.0.2.1 ~all"]
"strict.example" = ["v=spf1 ip4:198.51.100.20 -all"]
"_dmarc.strict.example" = ["v=DMARC1; p=reject"]
"_dmarc.other.example" = ["v=DMARC1; p=reject"]

[[client]]
source = "127.4.0.1"
ip = "198.51.100.20"

[[check]]
kind = "spf"

[[check]]
kind = "dmarc"

[domain."gmail.com"]
persona = "gmail"

[domain."yahoo.com"]
persona = "yahoo"
"#;

/// SPF must pass (DKIM is not modelled), at the persona's step.
const REQUIRE_AUTH: &str = "\n[[check]]\nkind = \"require_auth\"\nid = \"auth\"\n";

fn via() -> Via {
    Via::Source("127.4.0.1".parse().unwrap())
}

#[tokio::test]
async fn spf_pass_softfail_and_fail() {
    let sim = start(AUTH, 1).await;
    let rcpt = "user@example.net";
    for sender in [
        "a@pass.example",
        "a@inc.example",
        "a@redir.example",
        "a@soft.example",
    ] {
        let domain = sender.split_once('@').unwrap().1;
        // A From: of the same domain: DMARC has no policy for it (or passes).
        let attempt = send_as(&sim, &via(), sender, &[rcpt], &body(sender)).await;
        assert!(attempt.delivered(), "{sender} ({domain}): {attempt:?}");
    }
    let attempt = send_as(
        &sim,
        &via(),
        "a@fail.example",
        &[rcpt],
        &body("a@fail.example"),
    )
    .await;
    assert_eq!(
        attempt.code(&format!("RCPT {rcpt}")),
        Some(550),
        "{attempt:?}"
    );
    let (rule, step, lines) = last_refusal(&sim);
    assert_eq!((rule.as_str(), step), ("spf", Step::Rcpt));
    assert_eq!(
        lines,
        [
            "550 5.7.23 <user@example.net>: Recipient address rejected: SPF fail for fail.example from [198.51.100.20]"
        ]
    );
    assert_eq!(classifier_disagreements(&sim), Vec::<String>::new());
}

#[tokio::test]
async fn dmarc_reject_after_data_unless_aligned() {
    let sim = start(AUTH, 1).await;
    let rcpt = "user@example.net";
    // SPF passes for strict.example and the From: domain is the same: aligned, delivered.
    let aligned = send_as(
        &sim,
        &via(),
        "a@strict.example",
        &[rcpt],
        &body("Boss <boss@strict.example>"),
    )
    .await;
    assert!(aligned.delivered(), "{aligned:?}");
    // SPF passes for pass.example, but the From: says other.example (p=reject): refused after
    // DATA, the recipient having been accepted.
    let spoofed = send_as(
        &sim,
        &via(),
        "a@pass.example",
        &[rcpt],
        &body("Bank <info@other.example>"),
    )
    .await;
    assert_eq!(spoofed.code(&format!("RCPT {rcpt}")), Some(250));
    assert_eq!(spoofed.code("."), Some(550), "{spoofed:?}");
    let (rule, step, lines) = last_refusal(&sim);
    assert_eq!((rule.as_str(), step), ("dmarc", Step::EndOfData));
    assert_eq!(
        lines,
        ["550 5.7.1 rejected by DMARC policy for other.example"]
    );
    assert_eq!(sim.messages().len(), 1);
    assert_eq!(classifier_disagreements(&sim), Vec::<String>::new());
}

/// Unauthenticated mail (SPF softfail, no DKIM) is taken at RCPT and refused after DATA, in
/// each provider's words; authenticated mail is delivered.
#[tokio::test]
async fn gmail_and_yahoo_refuse_unauthenticated_mail_after_data() {
    let sim = start(&format!("{AUTH}{REQUIRE_AUTH}"), 3).await;
    let from = "a@soft.example";
    let gmail = send_as(&sim, &via(), from, &["friend@gmail.com"], &body(from)).await;
    assert_eq!(
        gmail.codes(),
        [
            ("MAIL", 250),
            ("RCPT friend@gmail.com", 250),
            ("DATA", 354),
            (".", 550)
        ]
    );
    let (rule, step, lines) = last_refusal(&sim);
    assert_eq!((rule.as_str(), step), ("auth", Step::EndOfData));
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines[..2],
        [
            "550-5.7.26 This mail has been blocked because the sender is unauthenticated.",
            "550-5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM.",
        ]
    );
    assert!(
        lines[2]
            .starts_with("550 5.7.26 https://support.google.com/mail/answer/81126#authentication ")
            && lines[2].ends_with(" - gsmtp"),
        "{lines:?}"
    );
    let yahoo = send_as(&sim, &via(), from, &["friend@yahoo.com"], &body(from)).await;
    assert_eq!(
        yahoo.codes(),
        [
            ("MAIL", 250),
            ("RCPT friend@yahoo.com", 250),
            ("DATA", 354),
            (".", 550)
        ]
    );
    let (_, _, lines) = last_refusal(&sim);
    assert_eq!(
        lines,
        [
            "550 5.7.9 This mail has been blocked because the sender is unauthenticated. Yahoo requires all senders to authenticate with either SPF or DKIM."
        ]
    );
    for rcpt in ["friend@gmail.com", "friend@yahoo.com"] {
        let ok = send_as(
            &sim,
            &via(),
            "a@pass.example",
            &[rcpt],
            &body("a@pass.example"),
        )
        .await;
        assert!(ok.delivered(), "{rcpt}: {ok:?}");
    }
    assert_eq!(refusal_rules(&sim), ["auth", "auth"]);
    assert_eq!(sim.messages().len(), 2);
    assert_eq!(classifier_disagreements(&sim), Vec::<String>::new());
}
