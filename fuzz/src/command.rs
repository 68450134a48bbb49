//! Command parser harnesses.

use arbitrary::{Result, Unstructured};
use smtp_core::address::{
    AddressLiteral, Domain, ForwardPath, Host, LocalPart, Mailbox, Path, ReversePath,
};
use smtp_core::command::{
    Attributes, Auth, Command, CommandConfig, CommandDecoder, Decoded, Deviation, EtrnNode,
    InitialResponse, Mail, Mechanism, Rcpt, Secret, Text, Unknown, parse_command,
};
use smtp_core::params::{Body, MailAuth, MailParams, Notify, RcptParams, Ret};
use smtp_core::xtext::XText;

fn roomy() -> CommandConfig {
    CommandConfig {
        line_limit: 1 << 16,
        smtputf8: true,
        ..CommandConfig::default()
    }
}

/// Raw bytes: parse in strict and lenient mode; whatever parses writes back to a line that
/// parses to the same command (strictly; in the same mode for a lenient HELO name); the streaming decoder fed the same bytes in two pieces
/// gives the same commands as fed whole.
pub fn command(data: &[u8]) {
    for config in [CommandConfig::default(), CommandConfig::lenient()] {
        match parse_command(data, &config) {
            Decoded::Complete { value, consumed } => {
                assert!(consumed <= data.len() && consumed <= config.line_limit);
                let line = value.command.to_bytes();
                let again_config = CommandConfig {
                    lenient: value.deviations.contains(Deviation::InvalidHeloName),
                    ..roomy()
                };
                match parse_command(&line, &again_config) {
                    Decoded::Complete {
                        value: again,
                        consumed,
                    } => {
                        assert_eq!(consumed, line.len());
                        assert_eq!(
                            again.command,
                            value.command,
                            "{}",
                            String::from_utf8_lossy(&line)
                        );
                    }
                    other => panic!(
                        "written line {:?} does not parse: {other:?}",
                        String::from_utf8_lossy(&line)
                    ),
                }
            }
            Decoded::Invalid { error, consumed } => {
                assert!(consumed > 0 && consumed <= data.len());
                let reply = error.reply();
                assert!(matches!(reply.code, 500..=599));
                assert_eq!(reply.status.class.digit(), 5);
            }
            Decoded::Incomplete => assert!(!data.contains(&b'\n')),
        }
        let whole = decode_all(config, &[data]);
        let cut = data.len() / 2;
        assert_eq!(decode_all(config, &[&data[..cut], &data[cut..]]), whole);
    }
}

fn decode_all(config: CommandConfig, chunks: &[&[u8]]) -> Vec<String> {
    let mut decoder = CommandDecoder::new(config);
    let mut out = Vec::new();
    for chunk in chunks {
        let mut input = *chunk;
        loop {
            let (used, item) = decoder.decode(input);
            input = &input[used..];
            match item {
                Some(item) => out.push(format!("{item:?}")),
                None => break,
            }
        }
    }
    out
}

/// Bytes of `alphabet`, at least `min` and at most `max` long.
fn pick(u: &mut Unstructured<'_>, alphabet: &[u8], min: usize, max: usize) -> Result<String> {
    let n = u.int_in_range(min..=max)?;
    let mut s = String::with_capacity(n);
    for _ in 0..n {
        s.push(char::from(*u.choose(alphabet)?));
    }
    Ok(s)
}

/// Runs a validating constructor over a built `String` and detaches the result with
/// `into_owned()` inside `make` (nothing is leaked, so the leak detector stays on).
fn make<O: 'static>(s: String, f: impl FnOnce(&str) -> Option<O>) -> Option<O> {
    f(&s)
}

const LDH: &[u8] = b"abcxyz019-";
const ATEXT: &[u8] = b"abzAZ09!#$%&'*+-/=?^_`{|}~.";

fn domain(u: &mut Unstructured<'_>) -> Result<Option<Domain<'static>>> {
    let labels = u.int_in_range(1..=3)?;
    let mut v = Vec::new();
    for _ in 0..labels {
        v.push(pick(u, LDH, 1, 8)?);
    }
    Ok(make(v.join("."), |s| {
        Domain::try_from(s).ok().map(Domain::into_owned)
    }))
}

fn host(u: &mut Unstructured<'_>) -> Result<Option<Host<'static>>> {
    Ok(match u.int_in_range(0..=3)? {
        0 => {
            let o: [u8; 4] = u.arbitrary()?;
            make(format!("[{}.{}.{}.{}]", o[0], o[1], o[2], o[3]), |s| {
                AddressLiteral::try_from(s)
                    .ok()
                    .map(AddressLiteral::into_owned)
            })
            .map(Host::Literal)
        }
        1 => {
            let g: [u16; 8] = u.arbitrary()?;
            let s = format!("[IPv6:{}]", std::net::Ipv6Addr::from(g));
            make(s, |s| {
                AddressLiteral::try_from(s)
                    .ok()
                    .map(AddressLiteral::into_owned)
            })
            .map(Host::Literal)
        }
        _ => domain(u)?.map(Host::Domain),
    })
}

fn path(u: &mut Unstructured<'_>) -> Result<Option<Path<'static>>> {
    let local = if u.arbitrary()? {
        format!(
            "\"{}\"",
            pick(u, b"ab @.\\\"", 0, 8)?
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
        )
    } else {
        pick(u, ATEXT, 1, 10)?
    };
    let (Ok(local), Some(host)) = (
        make(local, |s| {
            LocalPart::try_from(s).ok().map(LocalPart::into_owned)
        })
        .ok_or(()),
        host(u)?,
    ) else {
        return Ok(None);
    };
    Ok(Some(Path {
        route: None,
        mailbox: Mailbox { local, host },
    }))
}

fn text(u: &mut Unstructured<'_>) -> Result<Option<Text<'static>>> {
    Ok(make(pick(u, b"ab Z9.@<>\"", 1, 12)?, |s| {
        Text::try_from(s).ok().map(Text::into_owned)
    }))
}

fn xtext(u: &mut Unstructured<'_>) -> Result<XText<'static>> {
    let bytes: Vec<u8> = u.arbitrary()?;
    Ok(XText::encode(if bytes.is_empty() { b"x" } else { &bytes }))
}

fn mail_params(u: &mut Unstructured<'_>) -> Result<MailParams<'static>> {
    // Built one parameter at a time, in the order the input picks; a value the builder refuses
    // (an ENVID over 100 characters) is left out.
    let mut p = MailParams::default();
    if u.arbitrary()? {
        p = p.with_size(u.arbitrary()?);
    }
    if let Some(body) = *u.choose(&[
        None,
        Some(Body::SevenBit),
        Some(Body::EightBitMime),
        Some(Body::BinaryMime),
    ])? {
        p = p.with_body(body);
    }
    if u.arbitrary()? {
        p = p.with_smtputf8();
    }
    if let Some(ret) = *u.choose(&[None, Some(Ret::Full), Some(Ret::Hdrs)])? {
        p = p.with_ret(ret);
    }
    if u.arbitrary()? {
        let envid = xtext(u)?;
        p = p.clone().with_envid(&envid).unwrap_or(p);
    }
    match u.int_in_range(0..=2)? {
        0 => {}
        1 => p = p.with_auth(&MailAuth::Unknown).expect("AUTH=<> is valid"),
        _ => {
            let id = xtext(u)?;
            p = p
                .with_auth(&MailAuth::Identity(id))
                .expect("non-empty xtext");
        }
    }
    if u.arbitrary()? {
        p = p.with_requiretls();
    }
    if u.arbitrary()? {
        p = p
            .with_mt_priority(u.int_in_range(-9..=9)?)
            .expect("in range");
    }
    Ok(p)
}

fn rcpt_params(u: &mut Unstructured<'_>) -> Result<RcptParams<'static>> {
    let flags: [bool; 3] = u.arbitrary()?;
    let notify = match u.int_in_range(0..=2)? {
        0 => None,
        1 => Some(Notify::Never),
        _ if flags.iter().any(|f| *f) => Some(Notify::On {
            success: flags[0],
            failure: flags[1],
            delay: flags[2],
        }),
        _ => None,
    };
    let p = RcptParams::default();
    Ok(match notify {
        Some(n) => p.with_notify(n).expect("a non-empty NOTIFY"),
        None => p,
    })
}

/// Builds a command from the fuzzer's bytes, or `None` when the bytes chose an invalid part.
fn build(u: &mut Unstructured<'_>) -> Result<Option<Command<'static>>> {
    Ok(match u.int_in_range(0..=17)? {
        0 => host(u)?.map(|h| Command::Helo(h.into())),
        1 => host(u)?.map(|h| Command::Ehlo(h.into())),
        2 => host(u)?.map(|h| Command::Lhlo(h.into())),
        3 => {
            let from = if u.arbitrary()? {
                Some(ReversePath::Null)
            } else {
                path(u)?.map(ReversePath::Path)
            };
            let params = mail_params(u)?;
            from.map(|from| Command::Mail(Mail { from, params }))
        }
        4 => {
            let to = if u.ratio(1, 8)? {
                Some(ForwardPath::Postmaster("PostMaster".into()))
            } else {
                path(u)?.map(ForwardPath::Path)
            };
            let params = rcpt_params(u)?;
            to.map(|to| Command::Rcpt(Rcpt { to, params }))
        }
        5 => Some(Command::Data),
        6 => Some(Command::Bdat {
            size: u.arbitrary()?,
            last: u.arbitrary()?,
        }),
        7 => Some(Command::Rset),
        8 => Some(Command::Noop(text(u)?)),
        9 => Some(Command::Quit),
        10 => text(u)?.map(Command::Vrfy),
        11 => text(u)?.map(Command::Expn),
        12 => Some(Command::Help(text(u)?)),
        13 => Some(Command::StartTls),
        14 => {
            let Some(mechanism) = make(pick(u, b"ABCXYZ0129-_", 1, 20)?, |s| {
                Mechanism::try_from(s).ok().map(Mechanism::into_owned)
            }) else {
                return Ok(None);
            };
            let initial_response = match u.int_in_range(0..=2)? {
                0 => None,
                1 => Some(InitialResponse::Empty),
                _ => {
                    let mut b = pick(u, b"ABab09+/", 1, 12)?;
                    while b.len() % 4 != 0 {
                        b.push('=');
                    }
                    make(b, |s| Secret::try_from(s).ok().map(Secret::into_owned))
                        .map(InitialResponse::Data)
                }
            };
            Some(Command::Auth(Auth {
                mechanism,
                initial_response,
            }))
        }
        15 => domain(u)?.map(|d| {
            Command::Etrn(if u.arbitrary().unwrap_or(false) {
                EtrnNode::Subdomains(d)
            } else {
                EtrnNode::Domain(d)
            })
        }),
        16 => {
            let v1 = xtext(u)?;
            let v2 = xtext(u)?;
            let a = Attributes::from_pairs(&[("NAME", &v1), ("ADDR", &v2)], u.arbitrary()?).ok();
            a.map(Command::Xclient)
        }
        _ => {
            let verb = pick(u, b"XYZQW", 1, 10)?;
            let args = text(u)?;
            make(verb, |v| {
                Unknown::new(v, args).ok().map(Unknown::into_owned)
            })
            .map(Command::Unknown)
        }
    })
}

/// Arbitrary-built commands: written, they parse back to themselves, also split in two.
pub fn command_roundtrip(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(Some(cmd)) = build(&mut u) else {
        return;
    };
    let line = cmd.to_bytes();
    match parse_command(&line, &roomy()) {
        Decoded::Complete { value, consumed } => {
            assert_eq!(consumed, line.len());
            assert_eq!(value.command, cmd, "{}", String::from_utf8_lossy(&line));
        }
        other => panic!(
            "{:?} does not parse: {other:?}",
            String::from_utf8_lossy(&line)
        ),
    }
    let cut = line.len() / 3;
    let got = decode_all(roomy(), &[&line[..cut], &line[cut..]]);
    assert_eq!(
        got,
        vec![format!(
            "{:?}",
            Ok::<_, smtp_core::ParseError>(smtp_core::command::Parsed {
                command: cmd,
                deviations: Default::default()
            })
        )]
    );
}
