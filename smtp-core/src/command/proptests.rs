//! Property tests: `parse(write(x)) == x` over generated valid commands, the same stream split
//! anywhere gives the same commands, and no input makes the parser panic.

use proptest::prelude::*;

use super::*;
use crate::address::{
    AddressLiteral, Domain, ForwardPath, Host, LocalPart, Mailbox, Path, ReversePath, SourceRoute,
};
use crate::params::{
    AddrType, Body, ByMode, DateTime, DeliverBy, Hold, Keyword, MailAuth, MailParams, Notify,
    Orcpt, Param, RcptParams, Ret, Value,
};
use crate::xtext::XText;

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn domain() -> impl Strategy<Value = Domain<'static>> {
    "[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?){0,3}"
        .prop_map(|s| Domain::try_from(leak(s)).unwrap())
}

fn literal() -> impl Strategy<Value = AddressLiteral<'static>> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(|o| format!("[{}.{}.{}.{}]", o[0], o[1], o[2], o[3])),
        any::<[u16; 8]>().prop_map(|g| format!("[IPv6:{}]", std::net::Ipv6Addr::from(g))),
        "[a-z][a-z0-9-]{0,5}[a-z0-9]:[!-Z^-~]{1,10}".prop_map(|s| format!("[{s}]")),
    ]
    .prop_map(|s| AddressLiteral::try_from(leak(s)).unwrap())
}

fn host() -> impl Strategy<Value = Host<'static>> {
    prop_oneof![3 => domain().prop_map(Host::Domain), 1 => literal().prop_map(Host::Literal)]
}

fn local_part() -> impl Strategy<Value = LocalPart<'static>> {
    prop_oneof![
        "[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]{1,8}(\\.[a-zA-Z0-9_+-]{1,8}){0,2}",
        "\"([ !#-\\[\\]-~]|\\\\[ -~]){0,10}\"",
    ]
    .prop_map(|s| LocalPart::try_from(leak(s)).unwrap())
}

fn path() -> impl Strategy<Value = Path<'static>> {
    (
        proptest::option::weighted(0.1, proptest::collection::vec(domain(), 1..3)),
        local_part(),
        host(),
    )
        .prop_map(|(route, local, host)| Path {
            route: route.map(|ds| {
                let s: Vec<String> = ds.iter().map(|d| format!("@{d}")).collect();
                SourceRoute::try_from(leak(s.join(","))).unwrap()
            }),
            mailbox: Mailbox { local, host },
        })
}

fn xtext() -> impl Strategy<Value = XText<'static>> {
    proptest::collection::vec(any::<u8>(), 1..12).prop_map(|b| XText::encode(&b))
}

fn other_params() -> impl Strategy<Value = Vec<Param<'static>>> {
    proptest::collection::vec(
        ("X-[A-Z0-9]{1,6}", proptest::option::of("[!-<>-~]{1,8}")),
        0..3,
    )
    .prop_map(|ps| {
        let mut seen = std::collections::HashSet::new();
        ps.into_iter()
            .filter(|(k, _)| seen.insert(k.clone()))
            .map(|(k, v)| Param {
                keyword: Keyword::try_from(leak(k)).unwrap(),
                value: v.map(|v| Value::try_from(leak(v)).unwrap()),
            })
            .collect()
    })
}

fn mail_params() -> impl Strategy<Value = MailParams<'static>> {
    (
        (
            proptest::option::of(any::<u64>()),
            proptest::option::of(prop_oneof![
                Just(Body::SevenBit),
                Just(Body::EightBitMime),
                Just(Body::BinaryMime)
            ]),
            any::<bool>(),
            proptest::option::of(prop_oneof![Just(Ret::Full), Just(Ret::Hdrs)]),
        ),
        (
            proptest::option::of(xtext()),
            proptest::option::of(prop_oneof![
                Just(MailAuth::Unknown),
                xtext().prop_map(MailAuth::Identity)
            ]),
            any::<bool>(),
            proptest::option::of(-9i8..=9),
        ),
        (
            proptest::option::of(prop_oneof![
                (0u32..1_000_000_000).prop_map(Hold::For),
                Just(Hold::Until(
                    DateTime::try_from("2030-01-02T03:04:05.6+01:00").unwrap()
                ))
            ]),
            proptest::option::of(
                (-999_999_999i32..1_000_000_000, any::<bool>(), any::<bool>()).prop_map(
                    |(time, r, trace)| DeliverBy {
                        time,
                        mode: if r { ByMode::Return } else { ByMode::Notify },
                        trace,
                    },
                ),
            ),
            other_params(),
            0usize..64,
        ),
    )
        .prop_map(
            |(
                (size, body, smtputf8, ret),
                (envid, auth, requiretls, mt_priority),
                (hold, by, other, rotate),
            )| {
                // Built in a shuffled order of the parameters (the list keeps the order).
                let mut p = MailParams::default();
                let mut steps: Vec<Box<dyn FnOnce(MailParams<'static>) -> MailParams<'static>>> =
                    Vec::new();
                if let Some(size) = size {
                    steps.push(Box::new(move |p| p.with_size(size)));
                }
                if let Some(body) = body {
                    steps.push(Box::new(move |p| p.with_body(body)));
                }
                if smtputf8 {
                    steps.push(Box::new(|p| p.with_smtputf8()));
                }
                if let Some(ret) = ret {
                    steps.push(Box::new(move |p| p.with_ret(ret)));
                }
                if let Some(envid) = envid.filter(|e| e.as_str().len() <= 100) {
                    steps.push(Box::new(move |p| p.with_envid(&envid).unwrap()));
                }
                if let Some(auth) = auth {
                    steps.push(Box::new(move |p| p.with_auth(&auth).unwrap()));
                }
                if requiretls {
                    steps.push(Box::new(|p| p.with_requiretls()));
                }
                if let Some(m) = mt_priority {
                    steps.push(Box::new(move |p| p.with_mt_priority(m).unwrap()));
                }
                if let Some(hold) = hold {
                    steps.push(Box::new(move |p| p.with_hold(&hold).unwrap()));
                }
                if let Some(by) = by {
                    steps.push(Box::new(move |p| p.with_by(by).unwrap()));
                }
                for o in other {
                    steps.push(Box::new(move |p| p.with_param(&o).unwrap()));
                }
                let n = steps.len();
                for i in 0..n {
                    let step = steps.remove((i * 7 + rotate) % steps.len());
                    p = step(p);
                }
                p
            },
        )
}

fn rcpt_params() -> impl Strategy<Value = RcptParams<'static>> {
    (
        proptest::option::of(prop_oneof![
            Just(Notify::Never),
            (any::<[bool; 3]>())
                .prop_filter("non-empty", |f| f.iter().any(|x| *x))
                .prop_map(|f| Notify::On {
                    success: f[0],
                    failure: f[1],
                    delay: f[2]
                })
        ]),
        proptest::option::of(prop_oneof![
            xtext()
                .prop_map(|x| Orcpt::new(AddrType::Rfc822, leak(x.as_str().to_string())).unwrap()),
            "([a-z@.]|\\\\x\\{00E[0-9A-F]\\}){1,10}".prop_map(|s| Orcpt::new(
                AddrType::Utf8,
                leak(s)
            )
            .unwrap()),
        ]),
        other_params(),
    )
        .prop_map(|(notify, orcpt, other)| {
            let mut p = RcptParams::default();
            for o in &other {
                p = p.with_param(o).unwrap();
            }
            if let Some(orcpt) = orcpt {
                p = p.with_orcpt(&orcpt).unwrap();
            }
            if let Some(notify) = notify {
                p = p.with_notify(notify).unwrap();
            }
            p
        })
}

fn text() -> impl Strategy<Value = Text<'static>> {
    "[!-~]([ -~]{0,10}[!-~])?".prop_map(|s| Text::try_from(leak(s)).unwrap())
}

fn command() -> impl Strategy<Value = Command<'static>> {
    prop_oneof![
        host().prop_map(|h| Command::Helo(h.into())),
        host().prop_map(|h| Command::Ehlo(h.into())),
        host().prop_map(|h| Command::Lhlo(h.into())),
        (prop_oneof![1 => Just(ReversePath::Null), 4 => path().prop_map(ReversePath::Path)], mail_params())
            .prop_map(|(from, params)| Command::Mail(Mail { from, params })),
        (prop_oneof![1 => "[pP][oO][sS][tT][mM][aA][sS][tT][eE][rR]".prop_map(|s| ForwardPath::Postmaster(leak(s).into())), 4 => path().prop_map(ForwardPath::Path)], rcpt_params())
            .prop_map(|(to, params)| Command::Rcpt(Rcpt { to, params })),
        Just(Command::Data),
        (any::<u64>(), any::<bool>()).prop_map(|(size, last)| Command::Bdat { size, last }),
        Just(Command::Rset),
        proptest::option::of(text()).prop_map(Command::Noop),
        Just(Command::Quit),
        text().prop_map(Command::Vrfy),
        text().prop_map(Command::Expn),
        proptest::option::of(text()).prop_map(Command::Help),
        Just(Command::StartTls),
        ("[A-Z0-9_-]{1,20}", proptest::option::of(prop_oneof![Just(None), proptest::collection::vec(any::<u8>(), 1..20).prop_map(Some)])).prop_map(|(m, r)| {
            use base64_like::encode;
            Command::Auth(Auth {
                mechanism: Mechanism::try_from(leak(m)).unwrap(),
                initial_response: r.map(|r| match r {
                    None => InitialResponse::Empty,
                    Some(bytes) => InitialResponse::Data(Secret::try_from(leak(encode(&bytes))).unwrap()),
                }),
            })
        }),
        prop_oneof![domain().prop_map(EtrnNode::Domain), domain().prop_map(EtrnNode::Subdomains), "[a-z0-9]{1,8}".prop_map(|q| EtrnNode::Queue(leak(q).into()))].prop_map(Command::Etrn),
        (proptest::collection::vec((proptest::sample::select(vec!["NAME", "ADDR", "PORT", "HELO", "PROTO"]), xtext()), 1..4), any::<bool>()).prop_map(|(pairs, fwd)| {
            let pairs: Vec<(&str, &XText<'_>)> = pairs.iter().map(|(n, v)| (*n, v)).collect();
            let a = Attributes::from_pairs(&pairs, fwd).unwrap();
            if fwd { Command::Xforward(a) } else { Command::Xclient(a) }
        }),
        ("X[A-Z]{2,8}", proptest::option::of(text())).prop_map(|(v, t)| Command::Unknown(Unknown::new(leak(v), t).unwrap())),
    ]
}

/// A small base64 encoder for the generators (the crate has no base64 dependency).
mod base64_like {
    pub(super) fn encode(bytes: &[u8]) -> String {
        const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for c in bytes.chunks(3) {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            for i in 0..4 {
                if i <= c.len() {
                    out.push(char::from(A[(n >> (18 - 6 * i) & 63) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_write_round_trip(cmd in command()) {
        let line = cmd.to_bytes();
        let config = CommandConfig { line_limit: 4096, smtputf8: true, ..CommandConfig::default() };
        match parse_command(&line, &config) {
            Decoded::Complete { value, consumed } => {
                prop_assert_eq!(consumed, line.len());
                prop_assert_eq!(&value.command, &cmd, "{}", String::from_utf8_lossy(&line));
                prop_assert!(value.deviations.is_empty());
            }
            other => prop_assert!(false, "{:?} for {}", other, String::from_utf8_lossy(&line)),
        }
    }

    #[test]
    fn split_anywhere_same_commands(cmds in proptest::collection::vec(command(), 1..6), cuts in proptest::collection::vec(any::<proptest::sample::Index>(), 0..4)) {
        let config = CommandConfig { line_limit: 4096, smtputf8: true, ..CommandConfig::default() };
        let stream: Vec<u8> = cmds.iter().flat_map(|c| c.to_bytes()).collect();
        let mut points: Vec<usize> = cuts.iter().map(|i| i.index(stream.len() + 1)).collect();
        points.sort_unstable();
        let mut decoder = CommandDecoder::new(config);
        let mut got = Vec::new();
        let mut start = 0;
        for end in points.into_iter().chain([stream.len()]) {
            let mut input = &stream[start..end];
            start = end;
            loop {
                let (used, item) = decoder.decode(input);
                input = &input[used..];
                match item {
                    Some(r) => got.push(r.map(|p| p.command.into_owned())),
                    None => break,
                }
            }
        }
        let want: Vec<Result<Command<'static>, crate::ParseError>> = cmds.into_iter().map(Ok).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn no_panic_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300), lenient in any::<bool>()) {
        let config = CommandConfig { lenient, ..CommandConfig::default() };
        if let Decoded::Complete { value, consumed } = parse_command(&bytes, &config) {
            // What parses writes back to a line that parses to the same command.
            let again = value.command.to_bytes();
            // Lenient output may hold a HELO name outside the grammar: read it back the same way.
            let wide = CommandConfig {
                lenient: value.deviations.contains(Deviation::InvalidHeloName),
                line_limit: 4096,
                smtputf8: true,
            };
            match parse_command(&again, &wide) {
                Decoded::Complete { value: v2, .. } => prop_assert_eq!(v2.command, value.command),
                other => prop_assert!(false, "{:?}", other),
            }
            prop_assert!(consumed <= bytes.len());
        }
    }

    /// A HELO name outside the grammar (here always holding a `_`): lenient mode takes it,
    /// reports it and writes it back byte for byte; strict mode refuses it.
    #[test]
    fn lenient_helo_round_trip(
        verb in proptest::sample::select(vec!["HELO", "EHLO", "LHLO"]),
        name in "[!-~]{0,8}_([ -~]{0,8}[!-~])?",
    ) {
        let line = format!("{verb} {name}\r\n");
        let Decoded::Complete { value, consumed } = parse_command(line.as_bytes(), &CommandConfig::lenient()) else {
            return Err(TestCaseError::fail(format!("not parsed: {line:?}")));
        };
        prop_assert_eq!(consumed, line.len());
        prop_assert!(value.deviations.contains(Deviation::InvalidHeloName));
        let (Command::Helo(h) | Command::Ehlo(h) | Command::Lhlo(h)) = &value.command else {
            return Err(TestCaseError::fail(format!("not a hello: {:?}", value.command)));
        };
        prop_assert_eq!(h, &HeloName::Lenient(Text::try_from(name.as_str()).unwrap()));
        prop_assert_eq!(value.command.to_bytes(), line.as_bytes());
        prop_assert_eq!(value.command.clone().into_owned(), value.command);
        let strict = parse_command(line.as_bytes(), &CommandConfig::default());
        prop_assert!(matches!(strict, Decoded::Invalid { .. }), "{:?}", strict);
    }

    #[test]
    fn no_panic_on_command_like_bytes(verb in proptest::sample::select(vec!["MAIL FROM:", "RCPT TO:", "EHLO ", "AUTH ", "BDAT ", "XCLIENT ", "ETRN "]), tail in "[ -~\\x80-\\xff]{0,60}") {
        let line = format!("{verb}{tail}\r\n");
        let _ = parse_command(line.as_bytes(), &CommandConfig::default());
        let _ = parse_command(line.as_bytes(), &CommandConfig::lenient());
    }
}

#[cfg(feature = "serde")]
proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// MAIL and RCPT (paths and parameters) come back equal from their JSON form.
    #[test]
    fn serde_round_trip_of_mail_and_rcpt(cmd in command()) {
        match &cmd {
            Command::Mail(m) => {
                let json = serde_json::to_string(m).unwrap();
                let back: Mail<'static> = serde_json::from_str(&json).unwrap();
                prop_assert_eq!(&back, m, "{}", json);
            }
            Command::Rcpt(r) => {
                let json = serde_json::to_string(r).unwrap();
                let back: Rcpt<'static> = serde_json::from_str(&json).unwrap();
                prop_assert_eq!(&back, r, "{}", json);
            }
            _ => {}
        }
    }
}
