//! The fast path against the line-by-line reader: the same answer on every input, and the fast
//! path really taken for well-formed replies.

use super::*;
use crate::ehlo::EhloResponse;
use crate::reply::parse::{parse_lines, parse_reply};
use proptest::prelude::*;

#[test]
fn takes_well_formed_replies_and_leaves_the_rest() {
    let config = ReplyConfig::default();
    let cases: [(&[u8], Option<usize>); 16] = [
        (b"250 OK\r\n", Some(1)),
        (b"250 \r\n", Some(1)),
        (b"250-\r\n250 \r\n", Some(2)),
        (b"550-5.1.1 No\r\n550 5.1.1 such user\r\nrest", Some(2)),
        ("250 caf\u{e9}\r\n".as_bytes(), Some(1)),
        (b"250 tab\there\r\n", Some(1)),
        // Left to the line-by-line reader: the bare code, partial input, errors.
        (b"250\r\n", None),
        (b"250 OK", None),
        (b"250-OK\r\n", None),
        (b"250 OK\n", None),
        (b"250-a\r\n251 b\r\n", None),
        (b"250 a\x00b\r\n", None),
        (b"250 a\rb\r\n", None),
        (b"250 \xff\r\n", None),
        (b"650 OK\r\n", None),
        (b"250xOK\r\n", None),
    ];
    for (input, lines) in cases {
        let framed = frame(input, &config);
        assert_eq!(framed.as_ref().map(Framed::count), lines, "{input:?}");
    }
    let many = "250-x\r\n".repeat(MAX_LINES) + "250 x\r\n";
    assert!(frame(many.as_bytes(), &config).is_none());
    assert!(parse_reply(many.as_bytes(), &config).is_ok());
    let status = b"250-2.0.0 ok\r\n250 5.1.1 no\r\n";
    let framed = frame(status, &config).unwrap();
    assert!(framed.reply(&config).is_none());
    let report = ReplyConfig {
        status_check: StatusCheck::Report,
        ..config
    };
    assert!(framed.reply(&report).is_some());
}

#[test]
fn a_status_repeated_from_the_line_before_is_the_same_as_parsed() {
    let config = ReplyConfig::default();
    let report = ReplyConfig {
        status_check: StatusCheck::Report,
        ..ReplyConfig::default()
    };
    let cases: [&[u8]; 6] = [
        b"550-5.1.1 a\r\n550-5.1.1 b\r\n550 5.1.1 c\r\n",
        b"550-5.1.1 a\r\n550-5.1.2 b\r\n550 5.1.1\r\n",
        // Six bytes without the space: `5.1.10` ends the text, the next line is `5.1.100`.
        b"550-5.1.10\r\n550 5.1.100 x\r\n",
        b"550-5.1.1 a\r\n550 5.1.1x\r\n",
        b"550-5.1.1 a\r\n550 5.1.1.2 b\r\n",
        b"250-2.1.1 a\r\n250 5.1.1 b\r\n",
    ];
    for input in cases {
        for config in [&config, &report] {
            let framed = frame(input, config).map(|f| f.reply(config));
            let lines = parse_lines(input, config);
            let fast = framed.flatten().map(|(reply, _)| reply);
            match (&fast, &lines) {
                (Some(fast), Ok((lines, _))) => {
                    let statuses = |r: &Reply<'_>| {
                        r.lines()
                            .iter()
                            .map(|l| (l.status(), l.message().to_owned()))
                            .collect::<Vec<_>>()
                    };
                    assert_eq!(statuses(fast), statuses(lines), "{input:?}");
                    assert_eq!(fast, lines, "{input:?}");
                }
                (None, _) => assert!(lines.is_err() || config.status_check != StatusCheck::Report),
                (Some(_), Err(e)) => {
                    panic!("{input:?}: fast path took what the reader rejects: {e:?}")
                }
            }
        }
    }
    let (reply, _) = parse_reply(b"550-5.1.10\r\n550 5.1.100 x\r\n", &config).unwrap();
    let statuses: Vec<_> = reply
        .lines()
        .iter()
        .map(|l| l.status().map(|s| s.to_string()))
        .collect();
    assert_eq!(
        statuses,
        [Some("5.1.10".to_owned()), Some("5.1.100".to_owned())]
    );
}

/// Bytes shaped like replies, with every kind of defect now and then.
fn reply_like() -> impl Strategy<Value = Vec<u8>> {
    let code = prop_oneof![
        4 => Just(&b"250"[..]),
        2 => Just(&b"550"[..]),
        1 => Just(&b"220"[..]),
        1 => Just(&b"25"[..]),
        1 => Just(&b"2a0"[..]),
        1 => Just(&b"650"[..]),
    ];
    let separator = prop_oneof![
        4 => Just(&b"-"[..]),
        3 => Just(&b" "[..]),
        1 => Just(&b""[..]),
        1 => Just(&b"x"[..]),
    ];
    let piece = prop_oneof![
        Just(b"5.1.1 ".to_vec()),
        Just(b"2.0.0".to_vec()),
        Just(b"4.7.0 ".to_vec()),
        Just(b"mx.example.net".to_vec()),
        Just(b"STARTTLS".to_vec()),
        Just(b"SIZE 1000".to_vec()),
        Just(b"AUTH PLAIN LOGIN".to_vec()),
        Just(b"AUTH=LOGIN".to_vec()),
        Just(b" ".to_vec()),
        Just(b"\t".to_vec()),
        Just("\u{e9}\u{4e00}".as_bytes().to_vec()),
        Just(b"\xe4\xb8".to_vec()),
        any::<u8>().prop_map(|b| vec![b]),
    ];
    let end = prop_oneof![
        6 => Just(&b"\r\n"[..]),
        1 => Just(&b"\n"[..]),
        1 => Just(&b"\r"[..]),
        1 => Just(&b""[..]),
    ];
    let line = (code, separator, proptest::collection::vec(piece, 0..4), end).prop_map(
        |(code, separator, text, end)| {
            let mut line = [code, separator].concat();
            line.extend(text.concat());
            line.extend_from_slice(end);
            line
        },
    );
    proptest::collection::vec(line, 1..7).prop_map(|lines| lines.concat())
}

fn config() -> impl Strategy<Value = ReplyConfig> {
    (4usize..60, 1usize..7, any::<bool>()).prop_map(|(max_line_len, max_lines, report)| {
        ReplyConfig {
            max_line_len,
            max_lines,
            status_check: if report {
                StatusCheck::Report
            } else {
                StatusCheck::Reject
            },
        }
    })
}

proptest! {
    #[test]
    fn reply_is_the_same_as_line_by_line(bytes in reply_like(), config in config()) {
        prop_assert_eq!(parse_reply(&bytes, &config), parse_lines(&bytes, &config));
    }

    #[test]
    fn ehlo_is_the_same_as_line_by_line(bytes in reply_like(), config in config()) {
        prop_assert_eq!(
            EhloResponse::parse(&bytes, &config),
            EhloResponse::parse_lines(&bytes, &config)
        );
    }
}
