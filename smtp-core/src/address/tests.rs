use super::*;

#[test]
fn paths_known_answers() {
    // (input, parses as reverse path, written back the same)
    let good = [
        "<>",
        "<a@b>",
        "<\"quoted \\\" pair\"@example.org>",
        "<@r1.example,@r2.example:u@example.org>",
        "<u@[192.0.2.001]>",
        "<u@[IPv6:2001:db8::192.0.2.1]>",
        "<u@[tag:any!content]>",
        "<用户@例子.广告>",
    ];
    for input in good {
        let (rest, p) = reverse_path(input.as_bytes()).unwrap_or_else(|e| panic!("{input}: {e:?}"));
        assert!(rest.is_empty(), "{input}");
        let mut out = Vec::new();
        p.write_to(&mut out);
        assert_eq!(out, input.as_bytes());
    }
    let bad = [
        "",
        "<",
        "a@b",
        "<a@b",
        "<a.@b>",
        "<.a@b>",
        "<a@-b>",
        "<a@b->",
        "<a@b..c>",
        "<a@[1.2.3]>",
        "<a@[1.2.3.256]>",
        "<a@[IPv6:1::2::3]>",
        "<a@[tag:]>",
        "<\"a@b>",
        "<@r:>",
        "<a@b@c>",
    ];
    for input in bad {
        let parsed = reverse_path(input.as_bytes());
        assert!(
            !matches!(parsed, Ok((b"", _))),
            "{input} accepted: {parsed:?}"
        );
    }
}

#[test]
fn literal_ip() {
    let l = AddressLiteral::try_from("[IPv6:::1]").unwrap();
    assert_eq!(l.ip(), Some("::1".parse().unwrap()));
    let l = AddressLiteral::try_from("[x400:c=us;a=att]").unwrap();
    assert_eq!((l.ip(), l.general()), (None, Some(("x400", "c=us;a=att"))));
}

#[test]
fn domain_limits() {
    let label = "a".repeat(63);
    assert!(Domain::try_from(format!("{label}.example").as_str()).is_ok());
    assert!(Domain::try_from(format!("a{label}.example").as_str()).is_err());
    let long = vec!["abcdefghi"; 26].join(".");
    assert!(long.len() > 255);
    assert!(Domain::try_from(long.as_str()).is_err());
}
