//! The framer gives the same lines however the input is split.

use super::*;

/// Feeds `chunks` one after the other; collects each line (as text) or error kind.
fn run(framer: &mut LineFramer, chunks: &[&[u8]]) -> Vec<Result<(Vec<u8>, LineEnding), ErrorKind>> {
    let mut out = Vec::new();
    for chunk in chunks {
        let mut input = *chunk;
        loop {
            let (used, item) = framer.next_line(input);
            let item = item.map(|r| {
                r.map(|l| (l.content().to_vec(), l.ending()))
                    .map_err(|e| e.kind)
            });
            input = &input[used..];
            match item {
                Some(item) => out.push(item),
                None => break,
            }
        }
        assert!(input.is_empty(), "framer left input unconsumed");
        assert!(framer.buffered() < framer.limit());
    }
    out
}

/// Every split into two pieces, and byte by byte, gives the same as the whole.
fn same_at_every_split(
    input: &[u8],
    limit: usize,
    lenient: bool,
) -> Vec<Result<(Vec<u8>, LineEnding), ErrorKind>> {
    let whole = run(&mut LineFramer::new(limit, lenient), &[input]);
    for cut in 0..=input.len() {
        let (a, b) = input.split_at(cut);
        assert_eq!(
            run(&mut LineFramer::new(limit, lenient), &[a, b]),
            whole,
            "split at {cut}"
        );
    }
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    assert_eq!(
        run(&mut LineFramer::new(limit, lenient), &bytes),
        whole,
        "byte by byte"
    );
    whole
}

#[test]
fn lines_and_splits() {
    let input = b"EHLO a.example\r\nMAIL FROM:<>\r\n\r\nQUIT\r\npartial";
    let got = same_at_every_split(input, 512, false);
    let want: Vec<_> = ["EHLO a.example", "MAIL FROM:<>", "", "QUIT"]
        .iter()
        .map(|l| Ok((l.as_bytes().to_vec(), LineEnding::CrLf)))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn over_long_line_is_consumed_and_reported() {
    let limit = 16;
    // 16 octets with CRLF is fine; 17 is too long, and the next line is intact.
    let input = b"0123456789abcd\r\n0123456789abcde\r\nNOOP\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\nQUIT\r\n";
    let got = same_at_every_split(input, limit, false);
    let too_long = Err(ErrorKind::LineTooLong { limit });
    assert_eq!(
        got,
        vec![
            Ok((b"0123456789abcd".to_vec(), LineEnding::CrLf)),
            too_long.clone(),
            Ok((b"NOOP".to_vec(), LineEnding::CrLf)),
            too_long.clone(),
            Ok((b"QUIT".to_vec(), LineEnding::CrLf)),
        ]
    );
}

#[test]
fn endless_line_is_never_buffered() {
    let mut framer = LineFramer::new(512, false);
    for _ in 0..1000 {
        let (used, item) = framer.next_line(&[b'x'; 4096]);
        assert_eq!((used, item.is_none()), (4096, true));
        assert!(framer.buffered() < 512);
    }
    let (_, item) = framer.next_line(b"\r\nQUIT\r\n");
    assert_eq!(
        item.unwrap().unwrap_err().kind,
        ErrorKind::LineTooLong { limit: 512 }
    );
}

#[test]
fn bare_lf() {
    let input = b"NOOP\nQUIT\r\n";
    assert_eq!(
        same_at_every_split(input, 512, false),
        vec![
            Err(ErrorKind::BareLineFeed),
            Ok((b"QUIT".to_vec(), LineEnding::CrLf))
        ]
    );
    assert_eq!(
        same_at_every_split(input, 512, true),
        vec![
            Ok((b"NOOP".to_vec(), LineEnding::Lf)),
            Ok((b"QUIT".to_vec(), LineEnding::CrLf))
        ]
    );
    // A CR alone inside a line is not a line end.
    assert_eq!(
        same_at_every_split(b"NO\rOP\r\n", 512, false),
        vec![Ok((b"NO\rOP".to_vec(), LineEnding::CrLf))]
    );
}

proptest::proptest! {
    #[test]
    fn any_bytes_any_split(input in proptest::collection::vec(proptest::sample::select(vec![b'a', b'\r', b'\n', b' ']), 0..80), cut in 0usize..80, limit in 2usize..20) {
        let cut = cut.min(input.len());
        let whole = run(&mut LineFramer::new(limit, true), &[&input]);
        let (a, b) = input.split_at(cut);
        proptest::prop_assert_eq!(run(&mut LineFramer::new(limit, true), &[a, b]), whole);
    }
}

#[test]
fn find_lf_agrees_with_memchr() {
    // Every length up to past the word-wise part, LF at every position (or none), with bytes
    // around LF that differ from it by one bit or by a borrow; then a second LF after it.
    for len in 0..80 {
        for at in (0..len).map(Some).chain([None]) {
            for second in (at.map_or(len, |a| a + 1)..len).map(Some).chain([None]) {
                let mut bytes: Vec<u8> = (0..len)
                    .map(|i| [b'\x0b', b'\x09', b'\x8a', b'a', b'\x0a' ^ 0x80][i % 5])
                    .collect();
                if let Some(at) = at {
                    bytes[at] = b'\n';
                }
                if let Some(second) = second {
                    bytes[second] = b'\n';
                }
                assert_eq!(
                    super::find_lf(&bytes),
                    memchr::memchr(b'\n', &bytes),
                    "{len} {at:?} {second:?}"
                );
            }
        }
    }
}
