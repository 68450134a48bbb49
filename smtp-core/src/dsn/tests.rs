use super::*;
use proptest::prelude::*;

fn tv(kind: Option<&str>, value: &str) -> TypedValue {
    TypedValue {
        kind: kind.map(str::to_string),
        value: value.to_string(),
    }
}

#[test]
fn typed_values() {
    let cases = [
        (
            "rfc822; user@example.org",
            Some("rfc822"),
            "user@example.org",
        ),
        (
            "RFC822;<user@example.org>",
            Some("RFC822"),
            "<user@example.org>",
        ),
        ("user@example.org", None, "user@example.org"),
        (
            "smtp; 550 5.1.1 no; really",
            Some("smtp"),
            "550 5.1.1 no; really",
        ),
        ("550 5.1.1 unknown; see x", None, "550 5.1.1 unknown; see x"),
        ("X-Unix; mailer died", Some("X-Unix"), "mailer died"),
        ("", None, ""),
        (";", None, ";"),
    ];
    for (input, kind, value) in cases {
        assert_eq!(TypedValue::parse(input), tv(kind, value), "{input:?}");
    }
    assert_eq!(tv(Some("rfc822"), "<a@b.c>").address(), "a@b.c");
    assert_eq!(tv(None, "\"a@b.c\"").address(), "a@b.c");
}

#[test]
fn actions() {
    let cases = [
        ("failed", Action::Failed),
        ("FAILED", Action::Failed),
        ("failed (bad destination)", Action::Failed),
        ("Delayed", Action::Delayed),
        ("delivered", Action::Delivered),
        ("relayed", Action::Relayed),
        ("expanded", Action::Expanded),
        ("bounced", Action::Other("bounced".into())),
        ("", Action::Other(String::new())),
    ];
    for (input, want) in cases {
        assert_eq!(Action::parse(input), want, "{input:?}");
    }
}

const POSTFIX: &str = "Reporting-MTA: dns; mx.example.org\n\
X-Postfix-Queue-ID: 4B9F61F00B\n\
Arrival-Date: Mon,  1 Jan 2024 10:00:00 +0900 (JST)\n\
\n\
Final-Recipient: rfc822; a@example.com\n\
Original-Recipient: rfc822;a@example.com\n\
Action: failed\n\
Status: 5.1.1\n\
Remote-MTA: dns; mx.example.com\n\
Diagnostic-Code: smtp; 550 5.1.1 <a@example.com>: Recipient address\n    rejected: User unknown\n\
\n\
Final-Recipient: rfc822; b@example.com\n\
Action: delayed\n\
Status: 4.4.1\n\
Will-Retry-Until: Tue, 2 Jan 2024 10:00:00 +0900\n";

#[test]
fn postfix_style_report_with_every_line_end() {
    for eol in ["\n", "\r\n", "\r"] {
        let text = POSTFIX.replace('\n', eol);
        let d = DeliveryStatus::parse(&text);
        assert_eq!(
            d.per_message.reporting_mta,
            Some(tv(Some("dns"), "mx.example.org"))
        );
        assert_eq!(d.per_message.extensions[0].name, "X-Postfix-Queue-ID");
        assert_eq!(d.recipients.len(), 2, "{eol:?}");
        let a = &d.recipients[0];
        assert_eq!(a.final_recipient, Some(tv(Some("rfc822"), "a@example.com")));
        assert_eq!(a.status.as_deref(), Some("5.1.1"));
        assert_eq!(
            a.diagnostic_code.as_ref().unwrap().value,
            "550 5.1.1 <a@example.com>: Recipient address    rejected: User unknown"
        );
        let b = &d.recipients[1];
        assert_eq!(b.action, Some(Action::Delayed));
        assert!(b.will_retry_until.is_some());
    }
}

#[test]
fn group_boundaries_without_blank_lines_and_with_many() {
    let cases: [(&str, usize); 7] = [
        // no blank line anywhere
        (
            "Reporting-MTA: dns; x\nFinal-Recipient: rfc822; a@x\nAction: failed\nFinal-Recipient: rfc822; b@x\nAction: failed\n",
            2,
        ),
        // several blank lines
        (
            "Reporting-MTA: dns; x\n\n\n\nFinal-Recipient: a@x\nStatus: 5.0.0\n\n\n\nFinal-Recipient: b@x\n",
            2,
        ),
        // Original-Recipient before Final-Recipient, twice
        (
            "Original-Recipient: rfc822; a@x\nFinal-Recipient: rfc822; a@x\nOriginal-Recipient: rfc822; b@x\nFinal-Recipient: rfc822; b@x\n",
            2,
        ),
        // a blank line inside nothing, no per-message group
        ("\nFinal-Recipient: a@x\n", 1),
        // nothing
        ("", 0),
        // garbage lines only
        ("hello world\n\n---\n", 0),
        // fields in an unusual order within one group
        (
            "Reporting-MTA: dns; x\n\nAction: failed\nFinal-Recipient: rfc822; a@x\nOriginal-Recipient: rfc822; a@x\nStatus: 5.1.1\n",
            1,
        ),
    ];
    for (input, n) in cases {
        assert_eq!(
            DeliveryStatus::parse(input).recipients.len(),
            n,
            "{input:?}"
        );
    }
}

#[test]
fn odd_case_and_extensions_are_kept() {
    let d = DeliveryStatus::parse(
        "REPORTING-MTA: DNS; X\nx-foo: bar\n\nfinal-recipient: RFC822; A@X\nACTION: FAILED\nX-Display-Name: A\n",
    );
    assert_eq!(d.per_message.reporting_mta, Some(tv(Some("DNS"), "X")));
    assert_eq!(d.per_message.extensions.len(), 1);
    let r = &d.recipients[0];
    assert_eq!(r.action, Some(Action::Failed));
    assert_eq!(r.extension("x-display-name"), Some("A"));
}

fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9@.<>_-][A-Za-z0-9@.<>_ ;()-]{0,30}[A-Za-z0-9@.<>_)-]"
}

fn typed() -> impl Strategy<Value = TypedValue> {
    (
        proptest::option::of("[a-zA-Z][a-zA-Z0-9-]{0,10}"),
        "[A-Za-z0-9@.<>_-][A-Za-z0-9@.<>_ ()-]{0,30}",
    )
        .prop_map(|(kind, value)| TypedValue {
            kind,
            value: value.trim().to_string(),
        })
        .prop_filter("value non-empty", |t| !t.value.is_empty())
}

fn ext() -> impl Strategy<Value = Vec<Field>> {
    proptest::collection::vec(
        ("X-[A-Za-z]{1,10}", token()).prop_map(|(name, value)| Field { name, value }),
        0..3,
    )
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        Just(Action::Failed),
        Just(Action::Delayed),
        Just(Action::Delivered),
        Just(Action::Relayed),
        Just(Action::Expanded),
        "[a-z]{1,8}".prop_map(|s| Action::parse(&s)),
    ]
}

fn recipient() -> impl Strategy<Value = PerRecipient> {
    (
        proptest::option::of(typed()),
        typed(),
        proptest::option::of(action()),
        proptest::option::of("[245]\\.[0-9]{1,3}\\.[0-9]{1,3}"),
        proptest::option::of(typed()),
        proptest::option::of(typed()),
        proptest::option::of(token()),
        ext(),
    )
        .prop_map(
            |(orig, fin, action, status, remote, diag, date, extensions)| PerRecipient {
                original_recipient: orig,
                final_recipient: Some(fin),
                action,
                status,
                remote_mta: remote,
                diagnostic_code: diag,
                last_attempt_date: date,
                final_log_id: None,
                will_retry_until: None,
                extensions,
            },
        )
}

fn per_message() -> impl Strategy<Value = PerMessage> {
    (
        proptest::option::of(token()),
        proptest::option::of(typed()),
        proptest::option::of(typed()),
        proptest::option::of(token()),
        ext(),
    )
        .prop_map(
            |(envid, reporting, received, date, extensions)| PerMessage {
                original_envelope_id: envid,
                reporting_mta: reporting,
                dsn_gateway: None,
                received_from_mta: received,
                arrival_date: date,
                extensions,
            },
        )
}

proptest! {
    #[test]
    fn write_then_parse_round_trips(
        per_message in per_message(),
        recipients in proptest::collection::vec(recipient(), 0..4),
    ) {
        let d = DeliveryStatus { per_message, recipients };
        let text = d.to_string();
        prop_assert_eq!(DeliveryStatus::parse(&text), d.clone());
        // line ends do not matter
        prop_assert_eq!(DeliveryStatus::parse(&text.replace("\r\n", "\n")), d.clone());
        prop_assert_eq!(DeliveryStatus::parse(&text.replace("\r\n", "\r")), d);
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,400}") {
        let _ = DeliveryStatus::parse(&s);
    }
}

#[test]
fn status_field_reads_as_enhanced_status() {
    let cases = [
        ("5.1.1", Some("5.1.1")),
        ("5.1.1 (user unknown)", Some("5.1.1")),
        ("550 5.7.1", Some("5.7.1")),
        ("4.4.7", Some("4.4.7")),
        ("unknown", None),
    ];
    for (input, want) in cases {
        let r = PerRecipient {
            status: Some(input.to_string()),
            ..PerRecipient::default()
        };
        assert_eq!(
            r.status_code().map(|s| s.to_string()).as_deref(),
            want,
            "{input:?}"
        );
    }
}
