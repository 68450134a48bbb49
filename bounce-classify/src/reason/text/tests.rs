use super::*;

/// Every phrase of every rule, put inside neutral words, must give its own rule's reason: no
/// earlier rule may shadow a later phrase.
#[test]
fn every_phrase_decides_for_its_rule() {
    let mut shadowed = Vec::new();
    for (reason, phrases) in rules() {
        for phrase in *phrases {
            let p = phrase.trim_start_matches('^').trim_end_matches('$');
            let text = fold(&format!("zz {p} zz"));
            let got = first_match(&text).map(|(r, _)| r);
            if got != Some(*reason) {
                shadowed.push(format!("{phrase:?} ({reason}) reads as {got:?}"));
            }
        }
    }
    assert!(
        shadowed.is_empty(),
        "shadowed phrases:\n{}",
        shadowed.join("\n")
    );
}

/// Texts written for this project in the shape real servers use.
#[test]
fn diagnostics() {
    let cases = [
        (
            "550 5.1.1 <a@example.com>: Recipient address rejected: User unknown in local recipient table",
            Reason::UserUnknown,
        ),
        (
            "550 5.2.2 <a@example.com>... Mailbox Full",
            Reason::MailboxFull,
        ),
        (
            "552 5.3.4 Message size exceeds fixed limit",
            Reason::EmailTooLarge,
        ),
        (
            "554 5.7.1 Service unavailable; Client host [192.0.2.9] blocked using zen.spamhaus.org",
            Reason::Blocked,
        ),
        (
            "450 4.7.1 Client host rejected: cannot find your hostname, [192.0.2.9]",
            Reason::RequirePtr,
        ),
        (
            "550 5.7.26 Unauthenticated email from example.org is not accepted due to domain's\n550 5.7.26 DMARC policy.",
            Reason::AuthFailure,
        ),
        (
            "550 5.7.1 Message rejected as spam by Content Filtering.",
            Reason::SpamDetected,
        ),
        ("554 5.7.1 Relay access denied", Reason::NoRelaying),
        (
            "553 5.1.8 <s@nowhere.example>: Sender address rejected: Domain not found",
            Reason::Rejected,
        ),
        ("550 Host unknown", Reason::HostUnknown),
        (
            "connect to mx.example.org[192.0.2.9]:25: Connection refused",
            Reason::NetworkError,
        ),
        ("552 Too much mail data", Reason::MailboxFull),
        (
            "User x (a@example.org) not listed in Domino Directory",
            Reason::UserUnknown,
        ),
        (
            "421 4.7.0 mx.example.org Error: too many connections from 192.0.2.9",
            Reason::RateLimited,
        ),
        (
            "550 5.2.1 The email account that you tried to reach is disabled.",
            Reason::Suspend,
        ),
        ("554 5.6.0 Message contains a virus", Reason::VirusDetected),
        (
            "550 5.7.1 Message violates our policy",
            Reason::PolicyViolation,
        ),
        (
            "530 5.7.0 Must issue a STARTTLS command first",
            Reason::FailedStartTls,
        ),
        (
            "connect to mx.example.org[192.0.2.9]:25: Connection timed out",
            Reason::Expired,
        ),
        ("Retry timeout exceeded", Reason::Expired),
        ("500 5.5.1 Command unrecognized", Reason::SyntaxError),
        ("452 4.3.1 Insufficient system storage", Reason::SystemFull),
        ("451 4.3.0 Internal error", Reason::SystemError),
        (
            "451 4.3.0 <a@example.net>: Temporary lookup failure",
            Reason::SystemError,
        ),
        (
            "504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname",
            Reason::Blocked,
        ),
        (
            "450 4.7.1 <x.example>: Helo command rejected: Host not found",
            Reason::Blocked,
        ),
        (
            "550 5.1.6 User has moved; no forwarding address",
            Reason::HasMoved,
        ),
        (
            "550 5.6.0 Message is not RFC 5322 compliant",
            Reason::NotCompliantRfc,
        ),
        ("554 5.6.0 Malformed MIME part", Reason::ContentError),
        (
            "550 5.7.0 Message refused by the recipient's filter",
            Reason::Filtered,
        ),
        (
            "Your address is on the suppression list",
            Reason::Suppressed,
        ),
        // The zone's own text after Postfix's DNSBL template is a quote ("Return Path").
        (
            "554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using rbl.example; Return Path list",
            Reason::Blocked,
        ),
        // The cause after "temporarily deferred due to" decides; the words alone are vague.
        (
            "451 Message temporarily deferred due to unresolvable from domain",
            Reason::Rejected,
        ),
        ("451 Message temporarily deferred", Reason::SystemError),
        (
            "550 5.7.1 Domain of the From: is invalid, use a valid From: address",
            Reason::Rejected,
        ),
        // The identity counted is not an authentication failure.
        (
            "421 4.7.28 We have seen an unusual rate of mail from your DKIM domain.",
            Reason::RateLimited,
        ),
        (
            "554 5.2.122 The recipient has had more than its limit of messages per hour.",
            Reason::RateLimited,
        ),
        (
            "421 4.7.0 Your IP is not in whitelist for this domain",
            Reason::Blocked,
        ),
        (
            "550 5.7.1 Poor reputation of the sending domain",
            Reason::BadReputation,
        ),
        (
            "mail for example.org loops back to myself",
            Reason::NetworkError,
        ),
        ("procmail: Error while writing", Reason::MailerError),
        ("550 security policy violation", Reason::SecurityError),
        ("550 rejected by the spam filter", Reason::SpamDetected),
        ("550 message filtered", Reason::Filtered),
        (
            "550 5.7.1 Messages with multiple addresses in From: header are not accepted.",
            Reason::NotCompliantRfc,
        ),
        ("554 5.7.0 Header error", Reason::PolicyViolation),
        (
            "450 service permits 2 unverifyable sending IPs - mx.example.org is not 192.0.2.9",
            Reason::RequirePtr,
        ),
        (
            "Sorry, you are sending to/from an address that has been blacklisted",
            Reason::Rejected,
        ),
        (
            "You are not a member of this mailing list <list@example.org>.",
            Reason::Rejected,
        ),
        (
            "Name service error for domain example.org: Host not found, try again",
            Reason::NetworkError,
        ),
        (
            "Resources temporarily unavailable. I'm not going to try again; this message has been in the queue too long.",
            Reason::Expired,
        ),
    ];
    let mut wrong = Vec::new();
    for (text, want) in cases {
        let got = first_match(&fold(text)).map(|(r, _)| r);
        if got != Some(want) {
            wrong.push(format!("{text:?}: want {want}, got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(first_match(&fold("250 2.0.0 Ok: queued")), None);
}

/// The classic MTAs' group (Courier, IMail, Domino, Postfix relaying through a provider).
#[test]
fn classic_mta_statements() {
    let cases = [
        (
            "550 5.7.1 can't determine Purported Responsible Address",
            Reason::Rejected,
        ),
        (
            "550-REJECTED - Blacklisted URL in message. (example.com) in [black].\n550-See http://lookup.uribl.com.",
            Reason::SpamDetected,
        ),
        (
            "554 Message rejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: s@example.org",
            Reason::NoRelaying,
        ),
        (
            "Router: No route found to domain example.com from server MAIL01/ORG",
            Reason::HostUnknown,
        ),
        ("example.net: host name lookup failure", Reason::HostUnknown),
    ];
    for (text, want) in cases {
        assert_eq!(
            first_match(&fold(text)).map(|(r, _)| r),
            Some(want),
            "{text}"
        );
    }
}

#[test]
fn user_unknown_after_data_is_filtered() {
    let ev = Evidence {
        command: Some(Command::Data),
        ..Evidence::default()
    };
    let v = classify(&fold("550 Unknown user a@example.jp"), &ev).unwrap();
    assert_eq!(v.reason, Reason::Filtered);
    let v = classify(&fold("550 Unknown user a@example.jp"), &Evidence::default()).unwrap();
    assert_eq!(v.reason, Reason::UserUnknown);
}

/// Postfix's `Recipient address rejected:` is a prefix: what follows decides, and the prefix
/// alone makes no address bad. Only a refusal that says nothing more, in a permanent reply,
/// reads as `userunknown`.
#[test]
fn recipient_refusal_prefix_is_decided_by_what_follows() {
    use smtp_core::status::EnhancedStatus;
    let reply = |code, status: &str| Evidence {
        reply_code: Some(code),
        status: Some(status.parse::<EnhancedStatus>().unwrap()),
        command: Some(Command::Rcpt),
        ..Evidence::default()
    };
    let cases = [
        (
            "<a@example.net>: Recipient address rejected: Greylisted, see http://postgrey.example/help/example.net.html",
            reply(450, "4.2.0"),
            Some(Reason::RateLimited),
        ),
        (
            "<a@example.net>: Recipient address rejected: Greylisted, try again in 300 seconds",
            reply(450, "4.7.1"),
            Some(Reason::RateLimited),
        ),
        (
            "<a@example.net>: Sender address rejected: Greylisted for 5 minutes",
            reply(451, "4.7.1"),
            Some(Reason::RateLimited),
        ),
        (
            "<a@example.net>: Recipient address rejected: unverified address: Address verification in progress",
            reply(450, "4.1.1"),
            Some(Reason::RateLimited),
        ),
        (
            "<a@example.net>: Recipient address rejected: User unknown in virtual mailbox table",
            reply(550, "5.1.1"),
            Some(Reason::UserUnknown),
        ),
        (
            "<a@nowhere.example>: Recipient address rejected: Domain not found",
            reply(550, "5.1.2"),
            Some(Reason::HostUnknown),
        ),
        (
            "<a@nowhere.example>: Recipient address rejected: Domain not found",
            reply(450, "4.1.2"),
            Some(Reason::NetworkError),
        ),
        (
            "<a@example.net>: Recipient address rejected: Policy rejection",
            reply(554, "5.7.1"),
            Some(Reason::PolicyViolation),
        ),
        (
            "<a@example.net>: Recipient address rejected: Mailbox is full",
            reply(452, "4.2.2"),
            Some(Reason::MailboxFull),
        ),
        // What follows names nothing the table knows: the text step does not decide.
        (
            "<a@example.net>: Recipient address rejected: Access denied",
            reply(554, "5.7.1"),
            None,
        ),
        (
            "<a>: Recipient address rejected: need fully-qualified address",
            reply(504, "5.5.2"),
            None,
        ),
        // The whole statement: permanent, the address refused with no other cause.
        (
            "<a@example.net>: Recipient address rejected.",
            reply(550, "5.0.0"),
            Some(Reason::UserUnknown),
        ),
        (
            "550 Recipient rejected",
            Evidence::default(),
            Some(Reason::UserUnknown),
        ),
        // The same words in a transient reply judge nothing.
        (
            "<a@example.net>: Recipient address rejected.",
            reply(450, "4.0.0"),
            None,
        ),
        (
            "<a@example.net>: Recipient address rejected",
            Evidence {
                reply_code: Some(451),
                ..Evidence::default()
            },
            None,
        ),
    ];
    for (text, ev, want) in cases {
        assert_eq!(classify(&fold(text), &ev).map(|v| v.reason), want, "{text}");
    }
}

#[test]
fn readings_that_depend_on_other_evidence() {
    use smtp_core::status::EnhancedStatus;
    let at = |command, status: Option<&str>| Evidence {
        command,
        status: status.map(|s| s.parse::<EnhancedStatus>().unwrap()),
        ..Evidence::default()
    };
    let cases = [
        // A pipelined RCPT answer the MTA attributed to the address.
        (
            "550 unknown user",
            at(Some(Command::Data), Some("5.1.1")),
            Reason::UserUnknown,
        ),
        (
            "551 not our customer",
            at(Some(Command::Data), Some("5.1.6")),
            Reason::HasMoved,
        ),
        (
            "550 user unknown",
            at(Some(Command::Data), Some("5.0.0")),
            Reason::Filtered,
        ),
        (
            "550 User Unknown: a@example.org",
            at(None, Some("5.7.1")),
            Reason::Filtered,
        ),
        (
            "553 mx.example.org does not exist",
            at(Some(Command::Data), None),
            Reason::HostUnknown,
        ),
        (
            "550 <a@example.org> does not exist",
            at(None, None),
            Reason::UserUnknown,
        ),
        (
            "553 5.1.0 s example.org does not exist",
            at(Some(Command::Mail), None),
            Reason::Rejected,
        ),
        (
            "550 no such user",
            at(Some(Command::Mail), None),
            Reason::Rejected,
        ),
        (
            "554 you reached your daily relay quota",
            at(Some(Command::Conn), None),
            Reason::Blocked,
        ),
        (
            "450 host not found",
            at(None, Some("4.4.0")),
            Reason::NetworkError,
        ),
        // A line too long in the data breaks RFC 5322's line limit; at a command it is syntax.
        (
            "500 Line Too Long",
            at(Some(Command::Data), None),
            Reason::NotCompliantRfc,
        ),
        ("500 Line Too Long", at(None, None), Reason::SyntaxError),
    ];
    for (text, ev, want) in cases {
        assert_eq!(
            classify(&fold(text), &ev).map(|v| v.reason),
            Some(want),
            "{text}"
        );
    }
}

#[test]
fn folding() {
    assert_eq!(
        fold("550-5.7.26 Unauthenticated email\n550-5.7.26 DMARC  policy\n550 5.7.26 end"),
        "550-5.7.26 unauthenticated email dmarc policy end"
    );
    assert_eq!(
        fold("550-5.7.1 Messages with multiple 550 5.7.1 addresses in From: header"),
        "550-5.7.1 messages with multiple addresses in from: header"
    );
    assert!(has("a spf b", "^spf$"));
    assert!(!has("spfx", "^spf$"));
    assert!(has("x-spf", "^spf$"));
}

/// The one-pass [`first_match`] agrees with trying [`has`] on each phrase in table order, on
/// texts that hold several phrases (with and without word boundaries around them).
#[test]
fn first_match_is_the_table_order() {
    fn reference(folded: &str) -> Option<(Reason, &'static str)> {
        rules().find_map(|(reason, phrases)| {
            phrases
                .iter()
                .find(|p| has(folded, p))
                .map(|p| (*reason, *p))
        })
    }
    let all: Vec<&str> = rules()
        .flat_map(|(_, phrases)| phrases.iter())
        .map(|p| p.trim_start_matches('^').trim_end_matches('$'))
        .collect();
    let n = all.len();
    let mut checked = 0;
    for (i, a) in all.iter().enumerate() {
        // Pair each phrase with phrases far from it in the table, in both orders, glued to
        // letters or set apart by spaces.
        for b in [all[(i * 7 + 3) % n], all[n - 1 - i], all[(i + n / 2) % n]] {
            for text in [
                format!("zz {a} zz {b} zz"),
                format!("{b} {a}"),
                format!("x{a}x {b}"),
                format!("{a}{b}"),
                format!("{b}x{a}"),
            ] {
                let folded = fold(&text);
                assert_eq!(first_match(&folded), reference(&folded), "{folded:?}");
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "only {checked} texts checked");
}

/// The ASCII path of [`fold`] gives what the general path gives.
#[test]
fn ascii_folding_is_the_general_folding() {
    fn general(text: &str) -> String {
        // The same text with one non-ASCII word appended takes the general path; the word is
        // then cut off again.
        let folded = fold(&format!("{text}\n\u{e9}"));
        folded
            .strip_suffix("\u{e9}")
            .map(|f| f.strip_suffix(' ').unwrap_or(f).to_string())
            .unwrap_or(folded)
    }
    let cases = [
        "550-5.7.26 Unauthenticated email\n550-5.7.26 DMARC  policy\n550 5.7.26 end",
        "  Mixed CASE\ttext\r\n\x0bwith\x0c odd\x1f spaces  ",
        "550 5.1.1 <A@B.C>: Recipient address rejected\n    User unknown (in reply to RCPT TO\n command)",
        "one",
        "a\n\n\nb",
    ];
    for text in cases {
        assert_eq!(fold(text), general(text), "{text:?}");
    }
}
