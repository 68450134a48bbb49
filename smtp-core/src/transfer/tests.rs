//! Tests of the transfer module: known answers, the smuggling table, split invariance, proptest
//! round trips against a slow line-by-line reference.

use proptest::prelude::*;

use super::*;

// ---------------------------------------------------------------------------------------------
// Helpers

fn config(bare_lf: LineEndPolicy, bare_cr: LineEndPolicy, max_size: u64) -> DataConfig {
    DataConfig {
        bare_lf,
        bare_cr,
        max_size,
    }
}

fn policy(policy: LineEndPolicy) -> DataConfig {
    config(policy, policy, u64::MAX)
}

/// What a whole run of a receiver over some pieces gave: the message, the absolute number of
/// wire octets consumed (`None` if the end never came), the outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Received {
    message: Vec<u8>,
    consumed: Option<usize>,
    outcome: Option<Result<DataSummary, TransferError>>,
}

/// Feeds `wire` cut at `cuts` (sorted offsets) and stops at the end of data.
fn receive_split(config: DataConfig, wire: &[u8], cuts: &[usize]) -> Received {
    let mut receiver = DataReceiver::new(config);
    let mut message = Vec::new();
    let mut start = 0;
    let ends = cuts.iter().copied().chain([wire.len()]);
    for end in ends {
        let end = end.clamp(start, wire.len());
        match receiver.feed(&wire[start..end], &mut message) {
            DataStatus::Partial => start = end,
            DataStatus::Done { consumed, outcome } => {
                assert!(consumed <= end - start);
                assert!(receiver.is_done());
                return Received {
                    message,
                    consumed: Some(start + consumed),
                    outcome: Some(outcome),
                };
            }
        }
    }
    assert!(!receiver.is_done());
    Received {
        message,
        consumed: None,
        outcome: None,
    }
}

fn receive(config: DataConfig, wire: &[u8]) -> Received {
    receive_split(config, wire, &[])
}

/// The slow reference for a kept message: the end is the first `"." CRLF` at the start of the
/// data or right after a `CRLF`; the message is the lines before it split on `CRLF`, a leading
/// dot removed from each. Returns `(end, kept message, bare LFs, bare CRs)`.
fn reference(wire: &[u8]) -> Option<(usize, Vec<Vec<u8>>, u64, u64)> {
    let end = (0..wire.len()).find(|&p| {
        wire[p..].starts_with(b".\r\n") && (p == 0 || (p >= 2 && &wire[p - 2..p] == b"\r\n"))
    })?;
    let mut lines = Vec::new();
    let mut rest = &wire[..end];
    while !rest.is_empty() {
        let cut = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("ends with CRLF");
        let mut line = &rest[..cut];
        if line.first() == Some(&b'.') {
            line = &line[1..];
        }
        lines.push(line.to_vec());
        rest = &rest[cut + 2..];
    }
    let count = |byte| lines.iter().flatten().filter(|&&b| b == byte).count() as u64;
    let (lf, cr) = (count(b'\n'), count(b'\r'));
    Some((end + 3, lines, lf, cr))
}

/// Joins reference lines with CRLF, writing each bare CR or LF in the lines as `bare`.
fn join(lines: &[Vec<u8>], bare: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for line in lines {
        for &b in line {
            if b == b'\r' || b == b'\n' {
                if bare.is_empty() {
                    out.push(b);
                } else {
                    out.extend_from_slice(bare);
                }
            } else {
                out.push(b);
            }
        }
        out.extend_from_slice(b"\r\n");
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Known answers

#[test]
fn known_answers_with_the_default_config() {
    // (wire, message, consumed or None for partial, Ok(size) or Err)
    type Case = (
        &'static [u8],
        &'static [u8],
        Option<usize>,
        Option<Result<(), TransferError>>,
    );
    let cases: [Case; 14] = [
        (b".\r\n", b"", Some(3), Some(Ok(()))),
        (b".\r\nQUIT\r\n", b"", Some(3), Some(Ok(()))),
        (b"a\r\n.\r\n", b"a\r\n", Some(6), Some(Ok(()))),
        (b"..\r\n.\r\n", b".\r\n", Some(7), Some(Ok(()))),
        (b"...x\r\n.\r\n", b"..x\r\n", Some(9), Some(Ok(()))),
        (b".x\r\n.y\r\n.\r\n", b"x\r\ny\r\n", Some(11), Some(Ok(()))),
        (b"a.\r\n.\r\n", b"a.\r\n", Some(7), Some(Ok(()))),
        (b"\r\n\r\n.\r\nRSET\r\n", b"\r\n\r\n", Some(7), Some(Ok(()))),
        // Partial input: nothing ends.
        (b"", b"", None, None),
        (b".", b"", None, None),
        (b".\r", b"", None, None),
        (b"a\r\n.\r", b"a\r\n", None, None),
        // A bare LF is refused, and the data is read to its real end.
        (
            b"a\nb\r\n.\r\n",
            b"a\n",
            Some(8),
            Some(Err(TransferError::BareLf { offset: 1 })),
        ),
        (
            b"a\rb\r\n.\r\n",
            b"a\r",
            Some(8),
            Some(Err(TransferError::BareCr { offset: 1 })),
        ),
    ];
    for (wire, message, consumed, outcome) in cases {
        let got = receive(DataConfig::default(), wire);
        let name = String::from_utf8_lossy(wire);
        assert_eq!(got.consumed, consumed, "{name:?}");
        assert_eq!(got.outcome.map(|o| o.map(|_| ())), outcome, "{name:?}");
        assert_eq!(got.message, message, "{name:?}");
    }
}

#[test]
fn policies_normalise_or_keep_and_count() {
    // Lines: "a\nb\rc\r", ".\r", ".\n." (a bare LF starts no line, so ".\r\n" after it is
    // text), "", then the end.
    let wire = b"a\nb\rc\r\r\n.\r\r\n.\n.\r\n\r\n.\r\n";
    let cases = [
        (
            LineEndPolicy::Normalize,
            &b"a\r\nb\r\nc\r\n\r\n\r\n\r\n\r\n.\r\n\r\n"[..],
        ),
        (LineEndPolicy::Keep, &b"a\nb\rc\r\r\n\r\r\n\n.\r\n\r\n"[..]),
    ];
    for (policy_, message) in cases {
        let got = receive(policy(policy_), wire);
        assert_eq!(got.consumed, Some(wire.len()), "{policy_:?}");
        assert_eq!(got.message, message, "{policy_:?}");
        let summary = got.outcome.unwrap().unwrap();
        assert_eq!((summary.bare_lf, summary.bare_cr), (2, 3), "{policy_:?}");
        assert_eq!(summary.size, message.len() as u64);
    }
}

#[test]
fn size_limit_refuses_with_552_but_reads_to_the_end() {
    let wire = b"0123456789\r\n..\r\n.\r\nQUIT\r\n";
    // The message is 15 octets: "0123456789\r\n" and ".\r\n".
    for (limit, ok) in [(14, false), (15, true), (0, false)] {
        let got = receive(
            config(LineEndPolicy::Reject, LineEndPolicy::Reject, limit),
            wire,
        );
        assert_eq!(got.consumed, Some(wire.len() - 6), "limit {limit}");
        match got.outcome.unwrap() {
            Ok(summary) => {
                assert!(ok, "limit {limit}");
                assert_eq!(summary.size, 15);
            }
            Err(error) => {
                assert!(!ok, "limit {limit}");
                assert_eq!(error, TransferError::TooBig { limit });
                assert_eq!(error.reply().code, 552);
            }
        }
    }
    // An empty message fits any limit.
    let got = receive(
        config(LineEndPolicy::Reject, LineEndPolicy::Reject, 0),
        b".\r\n",
    );
    assert_eq!(got.outcome, Some(Ok(DataSummary::default())));
}

#[test]
fn done_receiver_consumes_nothing_more() {
    let mut receiver = DataReceiver::new(DataConfig::default());
    let mut message = Vec::new();
    let first = receiver.feed(b"x\r\n.\r\nNOOP\r\n", &mut message);
    assert!(matches!(first, DataStatus::Done { consumed: 6, .. }));
    let again = receiver.feed(b"NOOP\r\n", &mut message);
    assert!(matches!(
        again,
        DataStatus::Done {
            consumed: 0,
            outcome: Ok(_)
        }
    ));
    assert_eq!(message, b"x\r\n");
}

// ---------------------------------------------------------------------------------------------
// SMTP smuggling: none of these ends the data

/// Published end-of-data confusions. Each row: the sequence, and what the strict default makes
/// of it (`Some(kind)` = refused for a bare LF or CR, `None` = accepted as message text).
///
/// Sources: SEC Consult "SMTP Smuggling" (Dec 2023; CVE-2023-51764 Postfix, CVE-2023-51765
/// Sendmail, CVE-2023-51766 Exim), the follow-up variants for other servers (aiosmtpd, go-smtp,
/// smtp-proto's `\r\n.\r\r\n`), and the NUL / whitespace / look-alike dots some parsers skip.
const SMUGGLING: &[(&[u8], Option<&str>)] = &[
    (b"\n.\n", Some("LF")),
    (b"\n.\r\n", Some("LF")),
    (b"\r\n.\n", Some("LF")),
    (b"\n.\r", Some("LF")),
    (b"\r.\r", Some("CR")),
    (b"\r.\r\n", Some("CR")),
    (b"\r.\n", Some("CR")),
    (b"\r\n.\r", Some("CR")),
    (b"\r\n.\r\r\n", Some("CR")),
    (b"\r\n.\r \r\n", Some("CR")),
    (b"\r\n\r.\r\n", Some("CR")),
    (b"\r\n.\n\r\n", Some("LF")),
    (b"\n\n.\n\n", Some("LF")),
    (b"\r\r.\r\r", Some("CR")),
    (b"\r\x00\n.\r\n", Some("CR")),
    (b"\r\n\x00.\r\n", None),
    (b"\r\n.\x00\r\n", None),
    (b"\r\n. \r\n", None),
    (b"\r\n.\t\r\n", None),
    (b"\r\n \r\n..\r\n", None),
    (b"\r\n..\r\n", None),
    (b"\r\n\xe2\x80\xa4\r\n", None), // U+2024 ONE DOT LEADER
    (b"\r\n\xc0\xae\r\n", None),     // overlong UTF-8 "."
];

/// A first message, a vector, a whole second transaction, the real end, then a pipelined QUIT.
fn smuggling_wire(prefix: &[u8], vector: &[u8]) -> Vec<u8> {
    let mut wire = prefix.to_vec();
    wire.extend_from_slice(vector);
    wire.extend_from_slice(
        b"MAIL FROM:<admin@victim.example>\r\nRCPT TO:<x@victim.example>\r\nDATA\r\n\r\n\
          From: admin@victim.example\r\n\r\nsmuggled\r\n",
    );
    wire.extend_from_slice(b".\r\nQUIT\r\n");
    wire
}

#[test]
fn smuggling_vectors_never_end_the_data() {
    let prefixes: [&[u8]; 3] = [
        b"Subject: t\r\n\r\nbody",
        b"Subject: t\r\n\r\nbody\r\n",
        b"",
    ];
    let policies = [
        LineEndPolicy::Reject,
        LineEndPolicy::Normalize,
        LineEndPolicy::Keep,
    ];
    for &(vector, refused) in SMUGGLING {
        for prefix in prefixes {
            let wire = smuggling_wire(prefix, vector);
            let real_end = wire.len() - b"QUIT\r\n".len();
            let name = format!("{:?} after {:?}", String::from_utf8_lossy(vector), prefix);
            for policy_ in policies {
                let got = receive(policy(policy_), &wire);
                assert_eq!(got.consumed, Some(real_end), "{name} {policy_:?}");
                let outcome = got.outcome.unwrap();
                let expect_refused = refused.is_some() && policy_ == LineEndPolicy::Reject;
                if expect_refused {
                    let error = outcome.unwrap_err();
                    let kind = match error {
                        TransferError::BareLf { .. } => "LF",
                        TransferError::BareCr { .. } => "CR",
                        TransferError::TooBig { .. } => "size",
                    };
                    assert_eq!(Some(kind), refused, "{name}");
                    assert_eq!(error.reply().code, 550, "{name}");
                } else {
                    // Accepted: the "second message" is text inside the first, not a message.
                    outcome.unwrap();
                    let text = &got.message;
                    let inside = text.windows(24).any(|w| w == b"MAIL FROM:<admin@victim.");
                    assert!(inside, "{name} {policy_:?}");
                    assert!(text.ends_with(b"smuggled\r\n"), "{name} {policy_:?}");
                }
                // The same at every split point, and octet by octet.
                for cut in 0..=wire.len() {
                    assert_eq!(
                        receive_split(policy(policy_), &wire, &[cut]),
                        got,
                        "{name} @{cut}"
                    );
                }
                let every: Vec<usize> = (1..wire.len()).collect();
                assert_eq!(receive_split(policy(policy_), &wire, &every), got, "{name}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Split invariance and the reference, by proptest

/// Wire data rich in the octets that matter.
fn wire_bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop::sample::select(&[b'\r', b'\n', b'.', b'a', b' ', 0, 0xff][..]),
        0..max,
    )
}

fn cuts(len: usize) -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0..=len, 0..6).prop_map(|mut v| {
        v.sort_unstable();
        v
    })
}

fn any_policy() -> impl Strategy<Value = LineEndPolicy> {
    prop::sample::select(
        &[
            LineEndPolicy::Reject,
            LineEndPolicy::Normalize,
            LineEndPolicy::Keep,
        ][..],
    )
}

/// Pieces of wire data for long inputs: plain text and line ends, with now and then a dot line,
/// a bare line end or an end of data.
const PARTS: &[&[u8]] = &[
    b"a",
    b"bcdefghijklmnopqrstuvwxyz",
    b"\r\n",
    b"\r\n",
    b"\r\n.",
    b"\r\n..x",
    b"\n",
    b"\r",
    b".",
    b"\r\n.\r\n",
];

/// Pieces of long wire data: mostly long plain lines (so that whole chunks of the scan fit
/// between dot lines), with dot lines, bare line ends and ends of data now and then.
const LONG_PARTS: &[&[u8]] = &[
    b"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt",
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    b"x",
    b"\r\n",
    b"\r\n",
    b"\r\n",
    b"\r\n.",
    b"\r\n..x",
    b"\r\n.\r",
    b"\n",
    b"\r",
    b".",
    b"\r\n.\r\n",
];

/// A sink that is not a `Vec` (no [`DataSink::as_vec_mut`]).
struct PlainSink(Vec<u8>);

impl DataSink for PlainSink {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }
}

/// [`receive_split`] into a [`PlainSink`].
fn receive_plain_sink(config: DataConfig, wire: &[u8], cuts: &[usize]) -> Received {
    let mut receiver = DataReceiver::new(config);
    let mut sink = PlainSink(Vec::new());
    let mut start = 0;
    for end in cuts.iter().copied().chain([wire.len()]) {
        let end = end.clamp(start, wire.len());
        if let DataStatus::Done { consumed, outcome } = receiver.feed(&wire[start..end], &mut sink)
        {
            return Received {
                message: sink.0,
                consumed: Some(start + consumed),
                outcome: Some(outcome),
            };
        }
        start = end;
    }
    Received {
        message: sink.0,
        consumed: None,
        outcome: None,
    }
}

/// Dot lines with their dot at every offset around the first chunk boundaries of the fused scan,
/// alone and in runs of short lines (several in one chunk), stuffed, bare after the dot, or the
/// end of data: a `Vec` sink (unstuffed in place) and a plain sink receive what the reference
/// says, under every size limit near the message size.
#[test]
fn dot_lines_at_every_offset_around_chunk_boundaries() {
    let dot_lines: [&[u8]; 5] = [
        b"..x\r\n",
        b"..\r\n..\r\n.y\r\n..z\r\n",
        b".\r\n",
        b".\rw\r\n",
        b".\nv\r\n",
    ];
    let plain =
        b"plain line of text, long enough to fill a chunk or two of the scan\r\n".repeat(12);
    for at in 0..560 {
        for dots in dot_lines {
            let mut wire = vec![b'a'; at];
            wire.extend_from_slice(b"\r\n");
            wire.extend_from_slice(dots);
            wire.extend_from_slice(&plain);
            wire.extend_from_slice(b".\r\nQUIT\r\n");
            let keep = policy(LineEndPolicy::Keep);
            let whole = receive(keep, &wire);
            let (end, lines, _, _) = reference(&wire).expect("the wire has an end");
            assert_eq!(whole.consumed, Some(end), "at {at} {dots:?}");
            assert_eq!(whole.message, join(&lines, b""), "at {at} {dots:?}");
            assert_eq!(
                receive_plain_sink(keep, &wire, &[]),
                whole,
                "at {at} {dots:?}"
            );
            let size = whole.message.len() as u64;
            for max_size in [size.saturating_sub(1), size, size + 1] {
                let limited = config(LineEndPolicy::Keep, LineEndPolicy::Keep, max_size);
                let vec = receive(limited, &wire);
                assert_eq!(
                    receive_plain_sink(limited, &wire, &[]),
                    vec,
                    "at {at} {dots:?}"
                );
                assert_eq!(vec.outcome.unwrap().is_ok(), max_size >= size);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any input, any split, any policy: the same result as one read, and the reference's.
    #[test]
    fn receiver_matches_reference_at_any_split(
        (wire, cuts) in wire_bytes(80).prop_flat_map(|w| { let n = w.len(); (Just(w), cuts(n)) }),
        lf in any_policy(),
        cr in any_policy(),
        max_size in prop::sample::select(&[0u64, 5, 20, u64::MAX][..]),
    ) {
        let config = config(lf, cr, max_size);
        let whole = receive(config, &wire);
        prop_assert_eq!(&receive_split(config, &wire, &cuts), &whole);
        let Some((end, lines, bare_lf, bare_cr)) = reference(&wire) else {
            prop_assert_eq!(whole.consumed, None);
            return Ok(());
        };
        prop_assert_eq!(whole.consumed, Some(end));
        // With both policies equal the reference message is easy to write down.
        let expected = match (lf, cr) {
            (LineEndPolicy::Keep, LineEndPolicy::Keep) => Some(join(&lines, b"")),
            (LineEndPolicy::Normalize, LineEndPolicy::Normalize) => Some(join(&lines, b"\r\n")),
            _ => None,
        };
        let refused_lf = lf == LineEndPolicy::Reject && bare_lf > 0;
        let refused_cr = cr == LineEndPolicy::Reject && bare_cr > 0;
        match whole.outcome.unwrap() {
            Ok(summary) => {
                prop_assert!(!refused_lf && !refused_cr);
                prop_assert_eq!((summary.bare_lf, summary.bare_cr), (bare_lf, bare_cr));
                prop_assert_eq!(summary.size, whole.message.len() as u64);
                prop_assert!(summary.size <= max_size);
                if let Some(expected) = expected {
                    prop_assert_eq!(&whole.message, &expected);
                }
            }
            Err(TransferError::BareLf { offset }) => {
                prop_assert!(refused_lf);
                prop_assert_eq!(wire[offset as usize], b'\n');
            }
            Err(TransferError::BareCr { offset }) => {
                prop_assert!(refused_cr);
                prop_assert_eq!(wire[offset as usize], b'\r');
            }
            Err(TransferError::TooBig { limit }) => {
                prop_assert_eq!(limit, max_size);
                if let Some(expected) = expected {
                    prop_assert!(expected.len() as u64 > max_size);
                }
            }
        }
    }

    /// Long inputs of mostly well-formed lines, so that the whole-block scan runs and meets
    /// dots, bare line ends and the end at every place in and around a block.
    #[test]
    fn long_lines_match_reference_at_any_split(
        (wire, cuts) in prop::collection::vec(
            prop::sample::select(PARTS),
            0..120,
        )
        .prop_map(|parts| parts.concat())
        .prop_flat_map(|w| { let n = w.len(); (Just(w), cuts(n)) }),
        lf in any_policy(),
        cr in any_policy(),
    ) {
        let config = config(lf, cr, u64::MAX);
        let whole = receive(config, &wire);
        prop_assert_eq!(&receive_split(config, &wire, &cuts), &whole);
        let Some((end, lines, bare_lf, bare_cr)) = reference(&wire) else {
            prop_assert_eq!(whole.consumed, None);
            return Ok(());
        };
        prop_assert_eq!(whole.consumed, Some(end));
        match whole.outcome.unwrap() {
            Ok(summary) => {
                prop_assert_eq!((summary.bare_lf, summary.bare_cr), (bare_lf, bare_cr));
                prop_assert!(lf != LineEndPolicy::Reject || bare_lf == 0);
                prop_assert!(cr != LineEndPolicy::Reject || bare_cr == 0);
                if (lf, cr) == (LineEndPolicy::Normalize, LineEndPolicy::Normalize) {
                    prop_assert_eq!(&whole.message, &join(&lines, b"\r\n"));
                } else if lf != LineEndPolicy::Normalize && cr != LineEndPolicy::Normalize {
                    prop_assert_eq!(&whole.message, &join(&lines, b""));
                }
            }
            Err(TransferError::BareLf { offset }) => {
                prop_assert!(lf == LineEndPolicy::Reject && bare_lf > 0);
                prop_assert_eq!(wire[offset as usize], b'\n');
            }
            Err(TransferError::BareCr { offset }) => {
                prop_assert!(cr == LineEndPolicy::Reject && bare_cr > 0);
                prop_assert_eq!(wire[offset as usize], b'\r');
            }
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
        }
    }

    /// Inputs long enough for several whole chunks of the fused check-and-copy scan, with long
    /// plain lines, dot lines, bare line ends and ends of data anywhere: a sink that is not a
    /// `Vec` (so the receiver checks without copying and writes runs) and a `Vec` receive the
    /// same octets with the same outcome, at any split and any size limit, near the limit too.
    #[test]
    fn chunked_scan_matches_plain_sink_at_any_split(
        (wire, cuts) in prop::collection::vec(
            prop::sample::select(LONG_PARTS),
            0..160,
        )
        .prop_map(|parts| parts.concat())
        .prop_flat_map(|w| { let n = w.len(); (Just(w), cuts(n)) }),
        lf in any_policy(),
        cr in any_policy(),
        max_size in prop::sample::select(&[0u64, 100, 255, 256, 257, 600, 2000, u64::MAX][..]),
    ) {
        let config = config(lf, cr, max_size);
        let whole = receive(config, &wire);
        prop_assert_eq!(&receive_split(config, &wire, &cuts), &whole);
        prop_assert_eq!(&receive_plain_sink(config, &wire, &cuts), &whole);
        if let Some(Ok(summary)) = whole.outcome {
            prop_assert_eq!(summary.size, whole.message.len() as u64);
        }
        let Some((end, lines, _, _)) = reference(&wire) else {
            prop_assert_eq!(whole.consumed, None);
            return Ok(());
        };
        prop_assert_eq!(whole.consumed, Some(end));
        if (lf, cr, max_size) == (LineEndPolicy::Keep, LineEndPolicy::Keep, u64::MAX) {
            prop_assert_eq!(&whole.message, &join(&lines, b""));
        }
    }

    /// Arbitrary octets never panic, whatever the split.
    #[test]
    fn arbitrary_bytes_never_panic(
        (wire, cuts) in prop::collection::vec(any::<u8>(), 0..300)
            .prop_flat_map(|w| { let n = w.len(); (Just(w), cuts(n)) }),
        lf in any_policy(),
        cr in any_policy(),
    ) {
        let whole = receive(config(lf, cr, 64), &wire);
        prop_assert_eq!(receive_split(config(lf, cr, 64), &wire, &cuts), whole);
    }

    /// unstuff(stuff(m)) == m for messages with CRLF line ends, both sides split anywhere; a
    /// missing final CRLF is added.
    #[test]
    fn stuffing_round_trip(
        lines in prop::collection::vec(
            prop::collection::vec(prop::sample::select(&[b'.', b'a', b' ', 0, 0xff][..]), 0..6),
            0..8,
        ),
        final_crlf in any::<bool>(),
        stuff_cut in any::<prop::sample::Index>(),
        wire_cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..5),
    ) {
        let mut message = lines.join(&b"\r\n"[..]);
        if final_crlf && !lines.is_empty() {
            message.extend_from_slice(b"\r\n");
        }
        let mut wire = Vec::new();
        let mut stuffer = DotStuffer::new();
        let cut = stuff_cut.index(message.len() + 1);
        stuffer.write(&message[..cut], &mut wire);
        stuffer.write(&message[cut..], &mut wire);
        stuffer.finish(&mut wire);
        prop_assert_eq!(&wire, &dot_stuff(&message));

        let mut cuts: Vec<usize> = wire_cuts.iter().map(|i| i.index(wire.len() + 1)).collect();
        cuts.sort_unstable();
        wire.extend_from_slice(b"QUIT\r\n");
        let got = receive_split(DataConfig::default(), &wire, &cuts);
        prop_assert_eq!(got.consumed, Some(wire.len() - 6));
        let mut expected = message.clone();
        if !expected.is_empty() && !expected.ends_with(b"\r\n") {
            expected.extend_from_slice(b"\r\n");
        }
        prop_assert_eq!(got.outcome, Some(Ok(DataSummary {
            size: expected.len() as u64,
            ..DataSummary::default()
        })));
        prop_assert_eq!(got.message, expected);
    }

    /// Any message, bare line ends included, stuffs to data a strict receiver takes whole: the
    /// message with every bare CR and LF written as CRLF.
    #[test]
    fn stuffed_output_is_always_strict(message in wire_bytes(60)) {
        let wire = dot_stuff(&message);
        let got = receive(DataConfig::default(), &wire);
        prop_assert_eq!(got.consumed, Some(wire.len()));
        prop_assert!(got.outcome.unwrap().is_ok());
        let mut expected = Vec::new();
        let mut i = 0;
        while i < message.len() {
            match (message[i], message.get(i + 1)) {
                (b'\r', Some(b'\n')) => { expected.extend_from_slice(b"\r\n"); i += 1; }
                (b'\r' | b'\n', _) => expected.extend_from_slice(b"\r\n"),
                (b, _) => expected.push(b),
            }
            i += 1;
        }
        if !expected.is_empty() && !expected.ends_with(b"\r\n") {
            expected.extend_from_slice(b"\r\n");
        }
        prop_assert_eq!(got.message, expected);
    }
}

// ---------------------------------------------------------------------------------------------
// Dot-stuffing known answers

#[test]
fn stuffing_known_answers() {
    let cases: [(&[u8], &[u8]); 9] = [
        (b"", b".\r\n"),
        (b"a", b"a\r\n.\r\n"),
        (b"a\r\n", b"a\r\n.\r\n"),
        (b".", b"..\r\n.\r\n"),
        (b".\r\n.\r\n", b"..\r\n..\r\n.\r\n"),
        (b"a.b\r\n.c", b"a.b\r\n..c\r\n.\r\n"),
        (b"a\n.\n", b"a\r\n..\r\n.\r\n"),
        (b"a\r.\r", b"a\r\n..\r\n.\r\n"),
        (b"\r\n", b"\r\n.\r\n"),
    ];
    for (message, wire) in cases {
        assert_eq!(
            dot_stuff(message),
            wire,
            "{:?}",
            String::from_utf8_lossy(message)
        );
        // Octet by octet gives the same.
        let mut out = Vec::new();
        let mut stuffer = DotStuffer::new();
        for byte in message {
            stuffer.write(std::slice::from_ref(byte), &mut out);
        }
        stuffer.finish(&mut out);
        assert_eq!(
            out,
            wire,
            "{:?} octet by octet",
            String::from_utf8_lossy(message)
        );
    }
}
