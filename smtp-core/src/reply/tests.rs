//! Known answers (RFC 5321 examples, real servers' replies), partial input, errors, every split
//! point, and round-trip properties.

use super::*;
use crate::status::StatusClass;

/// What a case should give: code, line texts and reply status, or an error.
type Expected = Result<(u16, &'static [Option<&'static str>], Option<&'static str>), ReplyError>;

const GMAIL_NO_SUCH_USER: &str = "550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n\
550-5.1.1 double-checking the recipient's email address for typos or\r\n\
550-5.1.1 unnecessary spaces. Learn more at\r\n\
550 5.1.1  https://support.google.com/mail/?p=NoSuchUser 41be03b00d2f7-b93bf44ee3esi123456a12.389 - gsmtp\r\n";

macro_rules! microsoft_text {
    () => {
        "5.7.606 Access denied, banned sending IP [192.0.2.25]. To request removal from this list please visit https://sender.office.com/ and follow the directions. For more information please go to  http://go.microsoft.com/fwlink/?LinkID=526655 (AS16012609)"
    };
}
const MICROSOFT_BANNED_IP: &str = concat!("550 ", microsoft_text!(), "\r\n");

macro_rules! yahoo_text {
    () => {
        "4.7.0 [TSS04] Messages from 192.0.2.25 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes"
    };
}
const YAHOO_TSS04: &str = concat!("421 ", yahoo_text!(), "\r\n");

fn cases() -> Vec<(&'static str, Expected)> {
    vec![
        // RFC 5321 Appendix D.1
        (
            "220 foo.com Simple Mail Transfer Service Ready\r\n",
            Ok((
                220,
                &[Some("foo.com Simple Mail Transfer Service Ready")],
                None,
            )),
        ),
        (
            "250-foo.com greets bar.com\r\n250-8BITMIME\r\n250-SIZE\r\n250-DSN\r\n250 HELP\r\n",
            Ok((
                250,
                &[
                    Some("foo.com greets bar.com"),
                    Some("8BITMIME"),
                    Some("SIZE"),
                    Some("DSN"),
                    Some("HELP"),
                ],
                None,
            )),
        ),
        ("250 OK\r\n", Ok((250, &[Some("OK")], None))),
        (
            "550 No such user here\r\n",
            Ok((550, &[Some("No such user here")], None)),
        ),
        (
            "354 Start mail input; end with <CRLF>.<CRLF>\r\n",
            Ok((
                354,
                &[Some("Start mail input; end with <CRLF>.<CRLF>")],
                None,
            )),
        ),
        // Text is optional: the bare code, and a space with nothing after it.
        ("250\r\n", Ok((250, &[None], None))),
        ("250 \r\n", Ok((250, &[Some("")], None))),
        ("250-\r\n250 \r\n", Ok((250, &[Some(""), Some("")], None))),
        ("421\r\n", Ok((421, &[None], None))), // SoftBank's bare 421
        // Enhanced status codes (RFC 2034)
        (
            "250 2.1.5 Ok\r\n",
            Ok((250, &[Some("2.1.5 Ok")], Some("2.1.5"))),
        ),
        ("250 2.0.0\r\n", Ok((250, &[Some("2.0.0")], Some("2.0.0")))),
        (
            "250 2.0.0.1 is not a status\r\n",
            Ok((250, &[Some("2.0.0.1 is not a status")], None)),
        ),
        (
            "250 2.0.0: glued is not a status\r\n",
            Ok((250, &[Some("2.0.0: glued is not a status")], None)),
        ),
        // Real servers (shared/reference/mx-replies.md)
        (
            GMAIL_NO_SUCH_USER,
            Ok((
                550,
                &[
                    Some(
                        "5.1.1 The email account that you tried to reach does not exist. Please try",
                    ),
                    Some("5.1.1 double-checking the recipient's email address for typos or"),
                    Some("5.1.1 unnecessary spaces. Learn more at"),
                    Some(
                        "5.1.1  https://support.google.com/mail/?p=NoSuchUser 41be03b00d2f7-b93bf44ee3esi123456a12.389 - gsmtp",
                    ),
                ],
                Some("5.1.1"),
            )),
        ),
        (
            MICROSOFT_BANNED_IP,
            Ok((550, &[Some(microsoft_text!())], Some("5.7.606"))),
        ),
        (
            YAHOO_TSS04,
            Ok((421, &[Some(yahoo_text!())], Some("4.7.0"))),
        ),
        (
            "554 5.7.1 Service unavailable; Client host [93.91.148.34] blocked using bl.spamcop.net; Blocked - see https://www.spamcop.net/bl.shtml?93.91.148.34\r\n",
            Ok((
                554,
                &[Some(
                    "5.7.1 Service unavailable; Client host [93.91.148.34] blocked using bl.spamcop.net; Blocked - see https://www.spamcop.net/bl.shtml?93.91.148.34",
                )],
                Some("5.7.1"),
            )),
        ),
        // UTF-8 text (RFC 6531) and HT
        (
            "550 5.1.1 Unknown user \u{53d7}\u{4fe1}\t拒否\r\n",
            Ok((
                550,
                &[Some("5.1.1 Unknown user \u{53d7}\u{4fe1}\t拒否")],
                Some("5.1.1"),
            )),
        ),
        // Partial input
        ("", Err(ReplyError::Incomplete)),
        ("2", Err(ReplyError::Incomplete)),
        ("250", Err(ReplyError::Incomplete)),
        ("250 OK", Err(ReplyError::Incomplete)),
        ("250 OK\r", Err(ReplyError::Incomplete)),
        ("250-first\r\n", Err(ReplyError::Incomplete)),
        ("250-first\r\n250", Err(ReplyError::Incomplete)),
        ("250 \u{e5}", Err(ReplyError::Incomplete)),
        // Errors, at the first byte that shows them
        ("1", Err(ReplyError::InvalidCode { offset: 0 })),
        ("2x0 OK\r\n", Err(ReplyError::InvalidCode { offset: 1 })),
        ("260 OK\r\n", Err(ReplyError::InvalidCode { offset: 1 })),
        ("25\r\n", Err(ReplyError::InvalidCode { offset: 2 })),
        ("\r\n", Err(ReplyError::InvalidCode { offset: 0 })),
        (
            "2500 OK\r\n",
            Err(ReplyError::InvalidSeparator { offset: 3 }),
        ),
        (
            "250:OK\r\n",
            Err(ReplyError::InvalidSeparator { offset: 3 }),
        ),
        ("250 O\x01K\r\n", Err(ReplyError::InvalidText { offset: 5 })),
        ("250 OK\rX\r\n", Err(ReplyError::InvalidText { offset: 6 })),
        ("250 OK\n", Err(ReplyError::MissingCr { offset: 6 })),
        ("250\n", Err(ReplyError::MissingCr { offset: 3 })),
        (
            "250-first\r\n251 second\r\n",
            Err(ReplyError::CodeChanged {
                offset: 11,
                expected: ReplyCode(250),
                found: ReplyCode(251),
            }),
        ),
        (
            "250-first\r\n550",
            Err(ReplyError::CodeChanged {
                offset: 11,
                expected: ReplyCode(250),
                found: ReplyCode(550),
            }),
        ),
        (
            "250 5.1.1 wrong class\r\n",
            Err(ReplyError::StatusMismatch {
                offset: 4,
                code: ReplyCode(250),
                status: EnhancedStatus::new(StatusClass::Permanent, 1, 1),
            }),
        ),
        (
            "550-5.1.1 ok\r\n550 4.1.1 wrong\r\n",
            Err(ReplyError::StatusMismatch {
                offset: 18,
                code: ReplyCode(550),
                status: EnhancedStatus::new(StatusClass::PersistentTransient, 1, 1),
            }),
        ),
    ]
}

fn check(input: &[u8], got: Result<(Reply<'_>, &[u8]), ReplyError>, expected: &Expected) {
    match (got, expected) {
        (Ok((reply, rest)), Ok((code, texts, status))) => {
            assert_eq!(reply.code().get(), *code, "code of {input:?}");
            let got_texts: Vec<Option<&str>> = reply.lines().iter().map(ReplyLine::text).collect();
            assert_eq!(&got_texts, texts, "texts of {input:?}");
            assert_eq!(
                reply.status().map(|s| s.to_string()).as_deref(),
                *status,
                "status of {input:?}"
            );
            assert!(rest.is_empty(), "{input:?} left {rest:?}");
            assert_eq!(reply.to_bytes(), input, "write-back of {input:?}");
        }
        (Err(e), Err(want)) => assert_eq!(e, *want, "error for {input:?}"),
        (got, want) => panic!("{input:?}: got {got:?}, want {want:?}"),
    }
}

#[test]
fn known_answers() {
    let config = ReplyConfig::default();
    for (input, expected) in cases() {
        check(
            input.as_bytes(),
            parse_reply(input.as_bytes(), &config),
            &expected,
        );
    }
}

/// Any prefix of an input gives "need more" or already the answer of the whole input.
#[test]
fn every_prefix_is_incomplete_or_the_final_answer() {
    let config = ReplyConfig::default();
    for (input, expected) in cases() {
        let bytes = input.as_bytes();
        for cut in 0..bytes.len() {
            match parse_reply(&bytes[..cut], &config) {
                Err(ReplyError::Incomplete) => {}
                Err(e) => assert_eq!(Err(e), expected.map(|_| ()), "{input:?} cut at {cut}"),
                Ok(_) => panic!("{input:?} cut at {cut} parsed before its end"),
            }
        }
    }
}

/// A reader given the input in two pieces, split at every point, gives what one piece gives.
#[test]
fn reader_gives_the_same_at_every_split() {
    let stream = format!(
        "220 mx.example ESMTP\r\n{GMAIL_NO_SUCH_USER}250 5.1.1 bad class\r\n{YAHOO_TSS04}250-a\r\n251 b\r\n250 OK\r\n"
    );
    let bytes = stream.as_bytes();
    let whole = read_all(&[bytes]);
    assert_eq!(whole.len(), 6, "{whole:?}");
    assert!(matches!(whole[2], Err(ReplyError::StatusMismatch { .. })));
    assert!(matches!(whole[4], Err(ReplyError::CodeChanged { .. })));
    for cut in 0..=bytes.len() {
        let (a, b) = bytes.split_at(cut);
        assert_eq!(read_all(&[a, b]), whole, "split at {cut}");
    }
    // One byte at a time.
    let bytewise: Vec<&[u8]> = bytes.chunks(1).collect();
    assert_eq!(read_all(&bytewise), whole);
}

/// Feeds the pieces, reading replies after each; returns owned results.
fn read_all(pieces: &[&[u8]]) -> Vec<Result<Reply<'static>, ReplyError>> {
    read_all_with(pieces, ReplyConfig::default()).0
}

fn read_all_with(
    pieces: &[&[u8]],
    config: ReplyConfig,
) -> (Vec<Result<Reply<'static>, ReplyError>>, usize) {
    let mut reader = ReplyReader::new(config);
    let mut out = Vec::new();
    let mut most_buffered = 0;
    for piece in pieces {
        reader.push(piece);
        most_buffered = most_buffered.max(reader.buffered());
        while let Some(result) = reader.next_reply() {
            out.push(result.map(Reply::into_owned));
        }
    }
    (out, most_buffered)
}

#[test]
fn over_long_line_is_reported_and_skipped_without_buffering_it() {
    let config = ReplyConfig {
        max_line_len: 64,
        ..ReplyConfig::default()
    };
    let long = "x".repeat(10_000);
    let stream = format!("250-ok\r\n250-{long}\r\n250 tail of the bad reply\r\n221 bye\r\n");
    let bytes = stream.as_bytes();
    for chunk in [1, 7, 64, 1000, bytes.len()] {
        let pieces: Vec<&[u8]> = bytes.chunks(chunk).collect();
        let (results, most_buffered) = read_all_with(&pieces, config.clone());
        assert_eq!(
            results.len(),
            2,
            "chunk {chunk}: {results:?} (the tail is dropped with the bad reply)"
        );
        assert_eq!(
            results[0],
            Err(ReplyError::LineTooLong {
                offset: 8,
                limit: 64
            })
        );
        assert_eq!(results[1].as_ref().unwrap().to_bytes(), b"221 bye\r\n");
        assert!(
            most_buffered <= chunk + 64 + 8,
            "chunk {chunk}: buffered {most_buffered}"
        );
    }
    // The limit counts CRLF: a line of exactly 64 octets passes, 65 does not.
    let exact = format!("250 {}\r\n", "y".repeat(58));
    assert_eq!(exact.len(), 64);
    assert!(parse_reply(exact.as_bytes(), &config).is_ok());
    let over = format!("250 {}\r\n", "y".repeat(59));
    assert_eq!(
        parse_reply(over.as_bytes(), &config).unwrap_err(),
        ReplyError::LineTooLong {
            offset: 0,
            limit: 64
        }
    );
}

#[test]
fn invalid_utf8_is_an_error_but_a_cut_sequence_is_not() {
    let config = ReplyConfig::default();
    assert_eq!(
        parse_reply(b"250 ok \xff\r\n", &config).unwrap_err(),
        ReplyError::InvalidText { offset: 7 }
    );
    assert_eq!(
        parse_reply(b"250 ok \xc3", &config).unwrap_err(),
        ReplyError::Incomplete
    );
    assert_eq!(
        parse_reply(b"250 ok \xc3\r\n", &config).unwrap_err(),
        ReplyError::InvalidText { offset: 7 }
    );
}

#[test]
fn too_many_lines_is_an_error() {
    let config = ReplyConfig {
        max_lines: 3,
        ..ReplyConfig::default()
    };
    assert!(parse_reply(b"250-a\r\n250-b\r\n250 c\r\n", &config).is_ok());
    assert_eq!(
        parse_reply(b"250-a\r\n250-b\r\n250-c\r\n250 d\r\n", &config).unwrap_err(),
        ReplyError::TooManyLines {
            offset: 21,
            limit: 3
        }
    );
}

#[test]
fn status_mismatch_can_be_reported_instead_of_rejected() {
    let config = ReplyConfig {
        status_check: StatusCheck::Report,
        ..ReplyConfig::default()
    };
    let (reply, _) = parse_reply(b"250-2.0.0 fine\r\n250 5.0.0 odd\r\n", &config).unwrap();
    assert_eq!(
        reply.mismatched_status(),
        Some((1, EnhancedStatus::new(StatusClass::Permanent, 0, 0)))
    );
    let strict = parse_reply(
        b"250-2.0.0 fine\r\n250 5.0.0 odd\r\n",
        &ReplyConfig::default(),
    );
    assert!(matches!(
        strict,
        Err(ReplyError::StatusMismatch { offset: 20, .. })
    ));
}

#[test]
fn messages_drop_the_status() {
    let (reply, rest) =
        parse_reply(GMAIL_NO_SUCH_USER.as_bytes(), &ReplyConfig::default()).unwrap();
    assert!(rest.is_empty());
    assert!(
        reply
            .message()
            .starts_with("The email account that you tried")
    );
    assert!(reply.message().ends_with("- gsmtp"));
    assert!(!reply.message().contains("5.1.1"));
    assert_eq!(reply.code().class(), ReplyClass::PermanentNegative);
}

#[test]
fn parses_pipelined_replies_one_after_another() {
    let input = b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n";
    let config = ReplyConfig::default();
    let (first, rest) = parse_reply(input, &config).unwrap();
    let (second, rest) = parse_reply(rest, &config).unwrap();
    let (third, rest) = parse_reply(rest, &config).unwrap();
    assert!(rest.is_empty());
    let codes: Vec<u16> = [first, second, third]
        .iter()
        .map(|r| r.code().get())
        .collect();
    assert_eq!(codes, [250, 250, 354]);
}

#[test]
fn reply_codes() {
    for (n, ok) in [
        (199, false),
        (200, true),
        (259, true),
        (260, false),
        (354, true),
        (559, true),
        (600, false),
    ] {
        assert_eq!(ReplyCode::new(n).is_ok(), ok, "{n}");
    }
    assert_eq!(ReplyCode::from_digits(*b"421"), Some(ReplyCode(421)));
    assert_eq!(ReplyCode(421).digits(), *b"421");
}

#[test]
fn builder_folds_and_repeats_code_and_status() {
    let text = "The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces.";
    let reply = ReplyBuilder::new(ReplyCode::MAILBOX_UNAVAILABLE)
        .status("5.1.1".parse().unwrap())
        .text(text)
        .max_line_len(80)
        .build()
        .unwrap();
    let bytes = reply.to_bytes();
    let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
    assert!(lines.len() > 1);
    for (i, line) in lines.iter().enumerate() {
        assert!(line.len() <= 80, "line {i} is {} long", line.len());
        let head: &[u8] = if i + 1 == lines.len() {
            b"550 5.1.1 "
        } else {
            b"550-5.1.1 "
        };
        assert!(
            line.starts_with(head),
            "{:?}",
            String::from_utf8_lossy(line)
        );
    }
    let (parsed, _) = parse_reply(&bytes, &ReplyConfig::default()).unwrap();
    assert_eq!(parsed, reply);
    assert_eq!(
        parsed.message().split_whitespace().collect::<Vec<_>>(),
        text.split_whitespace().collect::<Vec<_>>()
    );
}

#[test]
fn builder_writes_given_lines_as_lines() {
    let reply = ReplyBuilder::new(ReplyCode::OK)
        .lines(["mx.example.net Hello", "PIPELINING", "SIZE 10240000"])
        .build()
        .unwrap();
    assert_eq!(
        reply.to_bytes(),
        b"250-mx.example.net Hello\r\n250-PIPELINING\r\n250 SIZE 10240000\r\n"
    );
    assert_eq!(
        ReplyBuilder::new(ReplyCode::OK).build().unwrap().to_bytes(),
        b"250\r\n"
    );
    assert_eq!(
        ReplyBuilder::new(ReplyCode::OK)
            .status("2.0.0".parse().unwrap())
            .build()
            .unwrap()
            .to_bytes(),
        b"250 2.0.0\r\n"
    );
}

#[test]
fn builder_errors() {
    let b = ReplyBuilder::new(ReplyCode::OK);
    assert_eq!(
        b.clone().text("bad\r\nline").build(),
        Err(BuildError::InvalidText { text: 0, offset: 3 })
    );
    assert_eq!(
        b.clone().status("5.0.0".parse().unwrap()).build(),
        Err(BuildError::StatusMismatch)
    );
    assert_eq!(
        b.clone()
            .text("5.0.0 text that looks like a status")
            .build(),
        Err(BuildError::StatusMismatch)
    );
    assert_eq!(
        b.clone().max_line_len(6).text("x").build(),
        Err(BuildError::LimitTooSmall)
    );
    // A word longer than a line is cut, at a character boundary.
    let reply = b.max_line_len(10).text("ααααααααα").build().unwrap();
    for line in reply.to_bytes().split_inclusive(|&b| b == b'\n') {
        assert!(line.len() <= 10);
    }
    assert_eq!(reply.message().replace(' ', ""), "ααααααααα");
}

#[cfg(feature = "serde")]
#[test]
fn serializes_to_json() {
    let (reply, _) =
        parse_reply(b"250-2.0.0 a\r\n250 2.0.0 b\r\n", &ReplyConfig::default()).unwrap();
    assert_eq!(
        serde_json::to_string(&reply).unwrap(),
        r#"{"code":250,"status":"2.0.0","lines":["2.0.0 a","2.0.0 b"]}"#
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn status_of(code: u16) -> impl Strategy<Value = Option<EnhancedStatus>> {
        let class = StatusClass::from_digit((code / 100) as u8);
        proptest::option::of((0u16..8, 0u16..1000)).prop_map(move |sd| match (class, sd) {
            (Some(class), Some((s, d))) => Some(EnhancedStatus::new(class, s, d)),
            _ => None,
        })
    }

    /// Text that does not start with something that reads as a status code.
    fn text() -> impl Strategy<Value = String> {
        "([a-zA-Z<>\\[\\]@:;.,_=-]{1,12}( |\t)?){0,8}|[\u{e0}-\u{ff}\u{4e00}-\u{4e10}]{0,5}"
    }

    prop_compose! {
        fn reply()(code in 200u16..560)(
            code in Just(code),
            lines in proptest::collection::vec((status_of(code), text()), 1..6),
            bare_last in any::<bool>(),
        ) -> Option<Reply<'static>> {
            let code = ReplyCode::new(code).ok()?;
            let n = lines.len();
            let lines = lines.into_iter().enumerate().map(|(i, (status, text))| {
                let text = match status {
                    Some(s) if text.is_empty() => s.to_string(),
                    Some(s) => format!("{s} {text}"),
                    None if i + 1 == n && bare_last && text.is_empty() => {
                        return ReplyLine::from_text(None);
                    }
                    None => text,
                };
                ReplyLine::from_text(Some(Cow::Owned(text)))
            }).collect();
            Some(Reply::from_parts(code, lines))
        }
    }

    proptest! {
        #[test]
        fn parse_of_write_is_identity(reply in reply()) {
            let Some(reply) = reply else { return Ok(()) };
            let bytes = reply.to_bytes();
            let (parsed, rest) = parse_reply(&bytes, &ReplyConfig::default()).unwrap();
            prop_assert!(rest.is_empty());
            prop_assert_eq!(parsed, reply);
        }

        #[test]
        fn split_anywhere_gives_the_same(replies in proptest::collection::vec(reply(), 1..4), cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..4)) {
            let mut bytes = Vec::new();
            for reply in replies.iter().flatten() {
                reply.write_to(&mut bytes);
            }
            let mut points: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
            points.sort_unstable();
            let mut pieces = Vec::new();
            let mut from = 0;
            for p in points {
                pieces.push(&bytes[from..p]);
                from = p;
            }
            pieces.push(&bytes[from..]);
            let expected: Vec<_> = replies.into_iter().flatten().map(Ok).collect();
            prop_assert_eq!(read_all(&pieces), expected);
        }

        #[test]
        fn arbitrary_bytes_never_panic_and_accepted_input_writes_back(bytes in proptest::collection::vec(prop_oneof![
            Just(b'2'), Just(b'5'), Just(b'0'), Just(b' '), Just(b'-'), Just(b'\r'), Just(b'\n'), Just(b'.'), any::<u8>()
        ], 0..80)) {
            let config = ReplyConfig { max_line_len: 24, max_lines: 4, status_check: StatusCheck::Reject };
            if let Ok((reply, rest)) = parse_reply(&bytes, &config) {
                prop_assert_eq!(reply.to_bytes(), &bytes[..bytes.len() - rest.len()]);
            }
            let pieces: Vec<&[u8]> = bytes.chunks(3).collect();
            let _ = read_all_with(&pieces, config);
        }

        #[test]
        fn builder_output_parses_back(code in 200u16..560, status in any::<bool>(), texts in proptest::collection::vec("[a-z]{1,8}( [a-z]{1,8}){0,30}", 0..4), limit in 20usize..200) {
            let Ok(code) = ReplyCode::new(code) else { return Ok(()) };
            let mut builder = ReplyBuilder::new(code).lines(texts.clone()).max_line_len(limit);
            let class = StatusClass::from_digit((code.get() / 100) as u8);
            if let (true, Some(class)) = (status, class) {
                builder = builder.status(EnhancedStatus::new(class, 1, 2));
            }
            let reply = builder.build().unwrap();
            let bytes = reply.to_bytes();
            for line in bytes.split_inclusive(|&b| b == b'\n') {
                prop_assert!(line.len() <= limit);
            }
            let config = ReplyConfig { max_line_len: limit, ..ReplyConfig::default() };
            let (parsed, _) = parse_reply(&bytes, &config).unwrap();
            prop_assert_eq!(parsed.code(), code);
            for line in parsed.lines() {
                prop_assert_eq!(line.status(), reply.status());
            }
            let words: Vec<String> = texts.iter().flat_map(|t| t.split_whitespace()).map(str::to_owned).collect();
            let got: Vec<String> = parsed.message().split_whitespace().map(str::to_owned).collect();
            prop_assert_eq!(got, words);
        }
    }
}
