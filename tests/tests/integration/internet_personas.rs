//! Each persona's refusal at the step the real provider gives it (mx-replies.md §2): Gmail's
//! PTR refusal after DATA, Yahoo's unknown user after DATA, docomo's filter after DATA in the
//! words of an unknown user, SoftBank's silent drop, au's acceptance and later bounce.

use bounce_classify::{Outcome, classify};
use smtp_sim::capture::{Disposition, ReportKind};
use smtp_sim::scenario::Step;

use super::internet_client::{Via, body, classifier_disagreements, last_refusal, send_as, start};

/// 127.5.0.1 is a host with a forward-confirmed PTR; 127.5.0.2 one without a PTR.
pub(crate) const PERSONAS: &str = r#"
persona = "postfix"

[dns]
ptr = { "198.51.100.20" = "mail.shop.example" }
a = { "mail.shop.example" = ["198.51.100.20"] }

[[client]]
source = "127.5.0.1"
ip = "198.51.100.20"

[[client]]
source = "127.5.0.2"
ip = "198.51.100.41"

[[check]]
kind = "fcrdns"

[domain."gmail.com"]
persona = "gmail"
mailboxes = { nobody = "unknown" }

[domain."yahoo.com"]
persona = "yahoo"
mailboxes = { nobody = "unknown" }

[domain."docomo.ne.jp"]
persona = "docomo"
mailboxes = { nobody = "unknown", filtered = "filtered" }

[domain."ezweb.ne.jp"]
persona = "au"
mailboxes = { nobody = "unknown", cannot-receive = "disabled" }

[domain."i.softbank.jp"]
persona = "softbank"
mailboxes = { nobody = "unknown", filtered = "filtered" }
"#;

const FROM: &str = "app@shop.example";

fn good() -> Via {
    Via::Source("127.5.0.1".parse().unwrap())
}

/// Step codes of one message to `rcpt` from the good host.
async fn codes(sim: &smtp_sim::SmtpSim, via: &Via, rcpt: &str) -> Vec<(String, u16)> {
    send_as(sim, via, FROM, &[rcpt], &body(FROM))
        .await
        .codes()
        .into_iter()
        .map(|(s, c)| (s.to_owned(), c))
        .collect()
}

fn steps(rows: &[(&str, u16)]) -> Vec<(String, u16)> {
    rows.iter().map(|(s, c)| ((*s).to_owned(), *c)).collect()
}

#[tokio::test]
async fn gmail_refuses_a_missing_ptr_after_data_and_unknown_users_at_rcpt() {
    let sim = start(PERSONAS, 5).await;
    let no_ptr = Via::Source("127.5.0.2".parse().unwrap());
    let got = codes(&sim, &no_ptr, "friend@gmail.com").await;
    assert_eq!(
        got,
        steps(&[
            ("MAIL", 250),
            ("RCPT friend@gmail.com", 250),
            ("DATA", 354),
            (".", 550)
        ])
    );
    let (rule, step, lines) = last_refusal(&sim);
    assert_eq!((rule.as_str(), step), ("fcrdns", Step::EndOfData));
    assert_eq!(
        lines[0],
        "550-5.7.25 [198.51.100.41] The IP address sending this message does not have a"
    );
    assert_eq!(lines.len(), 5);
    assert!(
        lines[4]
            .starts_with("550 5.7.25 https://support.google.com/mail/answer/81126#ip-practices ")
    );
    // The same host meets Postfix's own check at RCPT for a Postfix-run domain.
    let got = codes(&sim, &no_ptr, "user@example.net").await;
    assert_eq!(got, steps(&[("MAIL", 250), ("RCPT user@example.net", 450)]));

    let got = codes(&sim, &good(), "nobody@gmail.com").await;
    assert_eq!(got, steps(&[("MAIL", 250), ("RCPT nobody@gmail.com", 550)]));
    let (rule, _, lines) = last_refusal(&sim);
    assert_eq!(rule, "gmail.unknown");
    assert_eq!(
        lines[..3],
        [
            "550-5.1.1 The email account that you tried to reach does not exist. Please try",
            "550-5.1.1 double-checking the recipient's email address for typos or",
            "550-5.1.1 unnecessary spaces. Learn more at",
        ]
    );
    assert!(
        codes(&sim, &good(), "friend@gmail.com")
            .await
            .contains(&(".".into(), 250))
    );
    assert_eq!(classifier_disagreements(&sim), Vec::<String>::new());
}

#[tokio::test]
async fn yahoo_refuses_an_unknown_user_after_data() {
    let sim = start(PERSONAS, 5).await;
    let got = codes(&sim, &good(), "nobody@yahoo.com").await;
    assert_eq!(
        got,
        steps(&[
            ("MAIL", 250),
            ("RCPT nobody@yahoo.com", 250),
            ("DATA", 354),
            (".", 554)
        ])
    );
    let (rule, step, lines) = last_refusal(&sim);
    assert_eq!((rule.as_str(), step), ("yahoo.unknown", Step::EndOfData));
    assert_eq!(
        lines,
        [
            "554 delivery error: dd This user doesn't have a yahoo.com account (nobody@yahoo.com) [0] - mta1061.mail.ne1.yahoo.com"
        ]
    );
    assert!(sim.messages().is_empty());
    assert_eq!(classifier_disagreements(&sim), Vec::<String>::new());
}

/// docomo gives an unknown user and a filtered message the same words; only the step differs.
#[tokio::test]
async fn docomo_filter_after_data_in_the_words_of_an_unknown_user() {
    let sim = start(PERSONAS, 5).await;
    let got = codes(&sim, &good(), "nobody@docomo.ne.jp").await;
    assert_eq!(
        got,
        steps(&[("MAIL", 250), ("RCPT nobody@docomo.ne.jp", 550)])
    );
    let (rule, step, unknown) = last_refusal(&sim);
    assert_eq!((rule.as_str(), step), ("docomo.unknown", Step::Rcpt));
    assert_eq!(unknown, ["550 Unknown user nobody@docomo.ne.jp"]);
    let got = codes(&sim, &good(), "filtered@docomo.ne.jp").await;
    assert_eq!(
        got,
        steps(&[
            ("MAIL", 250),
            ("RCPT filtered@docomo.ne.jp", 250),
            ("DATA", 354),
            (".", 550)
        ])
    );
    let (rule, step, filtered) = last_refusal(&sim);
    assert_eq!((rule.as_str(), step), ("docomo.filtered", Step::EndOfData));
    assert_eq!(filtered, ["550 Unknown user filtered@docomo.ne.jp"]);
    assert_eq!(classifier_disagreements(&sim), Vec::<String>::new());
}

/// SoftBank takes a filtered message with 250 at every step and drops it: no refusal, no
/// bounce, and the simulator keeps it marked discarded.
#[tokio::test]
async fn softbank_drops_filtered_mail_silently() {
    let sim = start(PERSONAS, 5).await;
    let got = codes(&sim, &good(), "filtered@i.softbank.jp").await;
    assert_eq!(
        got,
        steps(&[
            ("MAIL", 250),
            ("RCPT filtered@i.softbank.jp", 250),
            ("DATA", 354),
            (".", 250)
        ])
    );
    let messages = sim.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].disposition, Disposition::Discarded);
    assert!(sim.outbox().is_empty());
    let discard = sim
        .events()
        .into_iter()
        .find(|e| e.rule.as_deref() == Some("softbank.filtered"))
        .expect("the drop is in the event log");
    let expect = discard.expect.unwrap();
    assert_eq!(format!("{:?}", expect.reason), "Filtered");
    let got = codes(&sim, &good(), "nobody@i.softbank.jp").await;
    assert_eq!(
        got,
        steps(&[("MAIL", 250), ("RCPT nobody@i.softbank.jp", 550)])
    );
    assert_eq!(
        last_refusal(&sim).2,
        ["550 Invalid recipient: <nobody@i.softbank.jp>"]
    );
    assert_eq!(classifier_disagreements(&sim), Vec::<String>::new());
}

/// au accepts mail for a mailbox that cannot receive, then bounces it: the bounce waits in the
/// outbox for the sender, and bounce-classify reads it as the event log expects.
#[tokio::test]
async fn au_accepts_then_bounces() {
    let sim = start(PERSONAS, 5).await;
    let got = codes(&sim, &good(), "cannot-receive@ezweb.ne.jp").await;
    assert_eq!(
        got,
        steps(&[
            ("MAIL", 250),
            ("RCPT cannot-receive@ezweb.ne.jp", 250),
            ("DATA", 354),
            (".", 250)
        ])
    );
    assert_eq!(sim.messages()[0].disposition, Disposition::Delivered);
    let outbox = sim.outbox();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].kind, ReportKind::Bounce);
    assert_eq!(outbox[0].to, FROM);
    assert_eq!(outbox[0].recipient, "cannot-receive@ezweb.ne.jp");
    assert_eq!(outbox[0].rule.as_deref(), Some("au.disabled"));
    let raw = outbox[0].content.as_deref().expect("the bounce is built");
    let Outcome::Bounce(report) = classify(raw) else {
        panic!("not read as a bounce:\n{}", String::from_utf8_lossy(raw));
    };
    let r = &report.recipients[0];
    assert_eq!(r.recipient, "cannot-receive@ezweb.ne.jp");
    assert_eq!(
        (r.reason.as_str(), r.hard_bounce),
        ("suspend", false),
        "{r:?}"
    );
    // au's unknown user is refused at RCPT.
    let got = codes(&sim, &good(), "nobody@ezweb.ne.jp").await;
    assert_eq!(
        got,
        steps(&[("MAIL", 250), ("RCPT nobody@ezweb.ne.jp", 550)])
    );
    assert_eq!(
        last_refusal(&sim).2,
        ["550 <nobody@ezweb.ne.jp>: User unknown"]
    );
    assert_eq!(classifier_disagreements(&sim), Vec::<String>::new());
}
