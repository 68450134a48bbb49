//! Known answers from real servers, keyword matching, errors, and round trips.

use super::*;
use crate::reply::StatusCheck;

const GMAIL: &str = "250-mx.google.com at your service, [192.0.2.1]\r\n\
250-SIZE 157286400\r\n\
250-8BITMIME\r\n\
250-STARTTLS\r\n\
250-ENHANCEDSTATUSCODES\r\n\
250-PIPELINING\r\n\
250-CHUNKING\r\n\
250 SMTPUTF8\r\n";

const OUTLOOK: &str = "250-BN8NAM12FT011.mail.protection.outlook.com Hello [192.0.2.1]\r\n\
250-SIZE 157286400\r\n\
250-PIPELINING\r\n\
250-DSN\r\n\
250-ENHANCEDSTATUSCODES\r\n\
250-STARTTLS\r\n\
250-8BITMIME\r\n\
250-BINARYMIME\r\n\
250-CHUNKING\r\n\
250 SMTPUTF8\r\n";

const POSTFIX: &str = "250-mail.example.org\r\n\
250-PIPELINING\r\n\
250-SIZE 10240000\r\n\
250-VRFY\r\n\
250-ETRN\r\n\
250-STARTTLS\r\n\
250-AUTH PLAIN LOGIN\r\n\
250-AUTH=PLAIN LOGIN\r\n\
250-ENHANCEDSTATUSCODES\r\n\
250-8BITMIME\r\n\
250-DSN\r\n\
250-SMTPUTF8\r\n\
250-CHUNKING\r\n\
250-XCLIENT NAME ADDR PROTO HELO REVERSE_NAME PORT LOGIN DESTADDR DESTPORT\r\n\
250-XFORWARD NAME ADDR PROTO HELO SOURCE PORT IDENT\r\n\
250 X-EXPS GSSAPI NTLM\r\n";

fn parse(input: &str) -> Result<EhloResponse<'_>, EhloError> {
    let (ehlo, rest) = EhloResponse::parse(input.as_bytes(), &ReplyConfig::default())?;
    assert!(rest.is_empty());
    Ok(ehlo)
}

fn words(list: &[&'static str]) -> Vec<Cow<'static, str>> {
    list.iter().map(|w| Cow::Borrowed(*w)).collect()
}

#[test]
fn a_capability_is_small() {
    assert_eq!(std::mem::size_of::<Capability<'_>>(), 32);
}

#[test]
fn other_lines_split_on_access() {
    let other = Extension::new("X-EXPS", Some("GSSAPI NTLM"));
    assert_eq!(other.keyword(), "X-EXPS");
    assert_eq!(other.params(), Some("GSSAPI NTLM"));
    assert_eq!(other.line(), "X-EXPS GSSAPI NTLM");
    let bare = Extension::new("XSHADOW", None);
    assert_eq!((bare.keyword(), bare.params()), ("XSHADOW", None));
}

#[test]
fn real_servers() {
    let gmail = parse(GMAIL).unwrap();
    assert_eq!(gmail.domain(), "mx.google.com");
    assert_eq!(gmail.greeting(), Some("at your service, [192.0.2.1]"));
    assert_eq!(
        gmail.capabilities(),
        [
            Capability::Size(Some(157286400)),
            Capability::EightBitMime,
            Capability::StartTls,
            Capability::EnhancedStatusCodes,
            Capability::Pipelining,
            Capability::Chunking,
            Capability::SmtpUtf8,
        ]
    );

    let outlook = parse(OUTLOOK).unwrap();
    assert_eq!(
        outlook.domain(),
        "BN8NAM12FT011.mail.protection.outlook.com"
    );
    assert!(outlook.has(&Capability::BinaryMime) && outlook.has(&Capability::Dsn));

    let postfix = parse(POSTFIX).unwrap();
    assert_eq!(postfix.greeting(), None);
    assert_eq!(postfix.auth_mechanisms(), ["PLAIN", "LOGIN"]);
    assert!(postfix.has(&Capability::Auth {
        mechanisms: words(&["PLAIN", "LOGIN"]),
        legacy_form: true
    }));
    assert!(postfix.has(&Capability::Xforward(words(&[
        "NAME", "ADDR", "PROTO", "HELO", "SOURCE", "PORT", "IDENT"
    ]))));
    assert_eq!(
        postfix.capabilities().last(),
        Some(&Capability::Other(Extension::new(
            "X-EXPS",
            Some("GSSAPI NTLM")
        )))
    );

    for input in [GMAIL, OUTLOOK, POSTFIX] {
        let ehlo = parse(input).unwrap();
        assert_eq!(ehlo.to_reply().unwrap().to_bytes(), input.as_bytes());
        assert_eq!(ehlo.clone().into_owned(), ehlo);
    }
}

#[test]
fn keywords_are_case_insensitive_and_exact() {
    let cases: Vec<(&str, Capability<'static>)> = vec![
        ("STARTTLS", Capability::StartTls),
        ("starttls", Capability::StartTls),
        ("StartTls", Capability::StartTls),
        (
            "STARTTLSX",
            Capability::Other(Extension::new("STARTTLSX", None)),
        ),
        (
            "STARTTL",
            Capability::Other(Extension::new("STARTTL", None)),
        ),
        (
            "STARTTLS now",
            Capability::Other(Extension::new("STARTTLS", Some("now"))),
        ),
        ("size", Capability::Size(None)),
        ("SIZE 0", Capability::Size(Some(0))),
        ("SIZE  100", Capability::Size(Some(100))),
        (
            "SIZE big",
            Capability::Other(Extension::new("SIZE", Some("big"))),
        ),
        (
            "SIZE +1",
            Capability::Other(Extension::new("SIZE", Some("+1"))),
        ),
        (
            "SIZE 1 2",
            Capability::Other(Extension::new("SIZE", Some("1 2"))),
        ),
        (
            "SIZE 99999999999999999999999",
            Capability::Other(Extension::new("SIZE", Some("99999999999999999999999"))),
        ),
        (
            "AUTH",
            Capability::Auth {
                mechanisms: vec![],
                legacy_form: false,
            },
        ),
        (
            "auth=login",
            Capability::Auth {
                mechanisms: words(&["login"]),
                legacy_form: true,
            },
        ),
        (
            "AUTH LOGIN PLAIN XOAUTH2",
            Capability::Auth {
                mechanisms: words(&["LOGIN", "PLAIN", "XOAUTH2"]),
                legacy_form: false,
            },
        ),
        ("DELIVERBY", Capability::DeliverBy(None)),
        ("DELIVERBY 240", Capability::DeliverBy(Some(240))),
        ("MT-PRIORITY", Capability::MtPriority(None)),
        (
            "mt-priority MIXER",
            Capability::MtPriority(Some("MIXER".into())),
        ),
        (
            "FUTURERELEASE 604800 2030-01-01T00:00:00Z",
            Capability::FutureRelease(Box::new(ReleaseLimits {
                max_interval: 604800,
                max_datetime: "2030-01-01T00:00:00Z".into(),
            })),
        ),
        (
            "FUTURERELEASE 604800",
            Capability::Other(Extension::new("FUTURERELEASE", Some("604800"))),
        ),
        ("REQUIRETLS", Capability::RequireTls),
        ("8bitmime", Capability::EightBitMime),
        ("BINARYMIME", Capability::BinaryMime),
        ("DSN", Capability::Dsn),
        ("ETRN", Capability::Etrn),
        ("VRFY", Capability::Vrfy),
        ("EXPN", Capability::Expn),
        ("HELP", Capability::Help),
        (
            "XCLIENT NAME ADDR",
            Capability::Xclient(words(&["NAME", "ADDR"])),
        ),
        (
            "XSHADOW",
            Capability::Other(Extension::new("XSHADOW", None)),
        ),
        (
            "A-VERY-LONG-KEYWORD-BEYOND-TWENTY x",
            Capability::Other(Extension::new(
                "A-VERY-LONG-KEYWORD-BEYOND-TWENTY",
                Some("x"),
            )),
        ),
    ];
    for (line, expected) in cases {
        let input = format!("250-mx.example\r\n250 {line}\r\n");
        let ehlo = parse(&input).unwrap();
        assert_eq!(ehlo.capabilities(), [expected], "line {line:?}");
    }
}

#[test]
fn errors() {
    let cases: Vec<(&str, EhloError)> = vec![
        (
            "250-mx.example\r\n250-SIZE",
            EhloError::Reply(ReplyError::Incomplete),
        ),
        (
            "550 5.7.1 go away\r\n",
            EhloError::NotOk {
                code: ReplyCode::MAILBOX_UNAVAILABLE,
            },
        ),
        ("250\r\n", EhloError::MissingDomain { offset: 3 }),
        ("250 \r\n", EhloError::MissingDomain { offset: 4 }),
        (
            "250- x\r\n250 SIZE\r\n",
            EhloError::MissingDomain { offset: 4 },
        ),
        (
            "250-mx.example\r\n251 SIZE\r\n",
            EhloError::Reply(ReplyError::CodeChanged {
                offset: 16,
                expected: ReplyCode::OK,
                found: ReplyCode::new(251).unwrap(),
            }),
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(parse(input).unwrap_err(), expected, "{input:?}");
    }
}

#[test]
fn every_prefix_of_a_real_response_needs_more() {
    for input in [GMAIL, OUTLOOK, POSTFIX] {
        for cut in 0..input.len() {
            let got = EhloResponse::parse(&input.as_bytes()[..cut], &ReplyConfig::default());
            assert_eq!(got.unwrap_err(), EhloError::Reply(ReplyError::Incomplete));
        }
    }
}

#[test]
fn builder_for_servers() {
    let ehlo = EhloResponse::new("mx.example.net")
        .with_greeting("Hello client.example [192.0.2.1]")
        .with_capability(Capability::Pipelining)
        .with_capability(Capability::Size(Some(10_485_760)))
        .with_capability(Capability::Auth {
            mechanisms: words(&["PLAIN", "LOGIN"]),
            legacy_form: false,
        })
        .with_capability(Capability::StartTls);
    assert_eq!(
        ehlo.to_reply().unwrap().to_bytes(),
        b"250-mx.example.net Hello client.example [192.0.2.1]\r\n250-PIPELINING\r\n\
          250-SIZE 10485760\r\n250-AUTH PLAIN LOGIN\r\n250 STARTTLS\r\n"
    );
    assert_eq!(
        EhloResponse::new("mx.example.net")
            .to_reply()
            .unwrap()
            .to_bytes(),
        b"250 mx.example.net\r\n"
    );
    assert!(EhloResponse::new("").to_reply().is_err());
    assert!(
        EhloResponse::new("mx")
            .with_capability(Capability::Other(Extension::new(
                "X",
                Some("a\r\n250 STARTTLS")
            )))
            .to_reply()
            .is_err()
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn word() -> impl Strategy<Value = Cow<'static, str>> {
        "[A-Z0-9_][A-Z0-9_-]{0,10}".prop_map(Cow::Owned)
    }

    fn capability() -> impl Strategy<Value = Capability<'static>> {
        prop_oneof![
            proptest::option::of(any::<u64>()).prop_map(Capability::Size),
            (proptest::collection::vec(word(), 0..4), any::<bool>()).prop_map(
                |(mechanisms, legacy_form)| Capability::Auth {
                    mechanisms,
                    legacy_form
                }
            ),
            Just(Capability::EightBitMime),
            Just(Capability::SmtpUtf8),
            Just(Capability::Pipelining),
            Just(Capability::Chunking),
            Just(Capability::BinaryMime),
            Just(Capability::Dsn),
            Just(Capability::StartTls),
            Just(Capability::EnhancedStatusCodes),
            Just(Capability::RequireTls),
            Just(Capability::Etrn),
            proptest::option::of(any::<u64>()).prop_map(Capability::DeliverBy),
            proptest::option::of(word()).prop_map(Capability::MtPriority),
            (any::<u64>(), word()).prop_map(|(max_interval, max_datetime)| {
                Capability::FutureRelease(Box::new(ReleaseLimits {
                    max_interval,
                    max_datetime,
                }))
            }),
            proptest::collection::vec(word(), 0..5).prop_map(Capability::Xclient),
            proptest::collection::vec(word(), 0..5).prop_map(Capability::Xforward),
            (
                "X-[A-Z]{1,8}",
                proptest::option::of("[!-~]{1,10}( [!-~]{1,10}){0,3}")
            )
                .prop_map(|(keyword, params)| {
                    Capability::Other(Extension::new(keyword, params.as_deref()))
                }),
        ]
    }

    proptest! {
        #[test]
        fn parse_of_write_is_identity(
            domain in "[a-z]{1,10}(\\.[a-z]{1,10}){0,3}",
            greeting in proptest::option::of("[ -~]{1,40}"),
            capabilities in proptest::collection::vec(capability(), 0..12),
        ) {
            let mut ehlo = EhloResponse::new(domain);
            if let Some(greeting) = greeting {
                ehlo = ehlo.with_greeting(greeting);
            }
            for c in capabilities {
                ehlo = ehlo.with_capability(c);
            }
            let bytes = ehlo.to_reply().unwrap().to_bytes();
            let (parsed, rest) = EhloResponse::parse(&bytes, &ReplyConfig::default()).unwrap();
            prop_assert!(rest.is_empty());
            prop_assert_eq!(parsed, ehlo);
        }

        #[test]
        fn arbitrary_lines_never_panic_and_write_back_stably(lines in proptest::collection::vec("[ -~]{0,30}", 1..6)) {
            let mut input = String::from("250-mx.example\r\n");
            for (i, line) in lines.iter().enumerate() {
                let sep = if i + 1 == lines.len() { ' ' } else { '-' };
                input.push_str(&format!("250{sep}{line}\r\n"));
            }
            let config = ReplyConfig { status_check: StatusCheck::Report, ..ReplyConfig::default() };
            if let Ok((ehlo, _)) = EhloResponse::parse(input.as_bytes(), &config) {
                // Written once, the response is canonical: writing it again gives the same bytes.
                if let Ok(reply) = ehlo.to_reply() {
                    let bytes = reply.to_bytes();
                    let (again, _) = EhloResponse::parse(&bytes, &config).unwrap();
                    prop_assert_eq!(again.to_reply().unwrap().to_bytes(), bytes);
                }
            }
        }
    }
}
