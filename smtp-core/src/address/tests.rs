use super::grammar::*;
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

/// What the fast path must agree with: for every input where [`plain_run`] answers (a domain
/// only up to 63 octets), the label-by-label rules give the same length. Returns how many of
/// the two fast paths answered, so that a test can check it was exercised.
fn fast_paths_agree(input: &[u8]) -> usize {
    let mut taken = 0;
    if let Some(n) = plain_run(input, &DOMAIN_CLASS).filter(|&n| n <= MAX_LABEL) {
        assert_eq!(domain_len(input).ok(), Some(n), "domain {input:?}");
        taken += 1;
    }
    if let Some(n) = plain_run(input, &DOT_STRING_CLASS) {
        assert_eq!(dot_string_len(input).ok(), Some(n), "dot-string {input:?}");
        taken += 1;
    }
    taken
}

#[test]
fn fast_paths_agree_on_known_inputs() {
    let cases: [&[u8]; 24] = [
        b"",
        b"a",
        b"-",
        b".",
        b"a.b",
        b"a..b",
        b"a.-b",
        b"a-.b",
        b"-a.b",
        b".a.b",
        b"a.b.",
        b"a.b-",
        b"a.b.>",
        b"mail-ed1-f54.google.com>",
        b"example.org SIZE=1",
        b"\xc3\xa9.example>",
        b"a--b.c",
        b"first.last@example.org>",
        b"x@y",
        b"a.@b",
        b"!#$%&'*+-/=?^_`{|}~@x",
        b"\"quoted\"@x",
        b"a.\"b\"@x",
        b"a b",
    ];
    let taken: usize = cases.iter().map(|c| fast_paths_agree(c)).sum();
    assert!(taken > 10, "fast paths taken only {taken} times");
    // The 63-octet label limit: one octet under, at and over it, alone and in a longer domain.
    for n in 60..70 {
        let label = "a".repeat(n);
        for s in [label.clone(), format!("{label}.b"), format!("b.{label}>")] {
            fast_paths_agree(s.as_bytes());
        }
    }
}

#[test]
fn fast_paths_agree_on_the_command_corpus() {
    // Every suffix of every line of the shared command corpus and of the fuzz seeds: the
    // domains and local parts at their real offsets, and much besides.
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut lines: Vec<Vec<u8>> = include_str!("../../tests/data/commands.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            l.split_once('\t')
                .map_or(l, |(_, line)| line)
                .as_bytes()
                .to_vec()
        })
        .collect();
    let seeds = std::path::Path::new(root).join("fuzz/seeds/command");
    let dir = std::fs::read_dir(&seeds).unwrap_or_else(|e| panic!("{}: {e}", seeds.display()));
    for entry in dir {
        lines.extend(
            std::fs::read(entry.unwrap().path())
                .unwrap()
                .split(|&b| b == b'\n')
                .map(<[u8]>::to_vec),
        );
    }
    assert!(lines.len() > 50, "corpus too small: {} lines", lines.len());
    let mut taken = 0;
    for line in &lines {
        for at in 0..line.len() {
            taken += fast_paths_agree(&line[at..]);
        }
    }
    assert!(taken > 500, "fast paths taken only {taken} times");
}

proptest::proptest! {
    #[test]
    fn fast_paths_agree_on_any_bytes(
        bytes in proptest::collection::vec(
            proptest::sample::select(b"abZ09-..@> \"[]\\\x80\xc3\xa9".to_vec()),
            0..80,
        )
    ) {
        fast_paths_agree(&bytes);
    }

    #[test]
    fn fast_paths_agree_on_domain_shapes(
        labels in proptest::collection::vec("[a-z0-9-]{0,12}|[a-z]{60,66}|[é0-9]{1,3}", 1..6),
        seps in proptest::collection::vec(proptest::sample::select(vec![".", ".", ".", "..", "-.", ".-"]), 5),
        end in proptest::sample::select(vec!["", ">", " ", ".", "-", "@x", ".>"]),
    ) {
        let mut s = String::new();
        for (i, l) in labels.iter().enumerate() {
            if i > 0 {
                s.push_str(seps[i - 1]);
            }
            s.push_str(l);
        }
        s.push_str(end);
        fast_paths_agree(s.as_bytes());
    }
}
