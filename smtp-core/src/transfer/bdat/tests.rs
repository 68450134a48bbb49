//! Tests of the BDAT receiver: exact counts at every split, binary safety, the size limit.

use super::*;
use crate::transfer::{DataSummary, TransferError};

/// What a BDAT run gave: the message, each non-last chunk's outcome, the message's outcome, and
/// the wire octets consumed.
type BdatRun = (
    Vec<u8>,
    Vec<Result<(), TransferError>>,
    Option<Result<DataSummary, TransferError>>,
    usize,
);

/// Runs BDAT chunks `(size, last)` over `wire` split at `cuts`.
fn bdat_run(max: u64, chunks: &[(u64, bool)], wire: &[u8], cuts: &[usize]) -> BdatRun {
    let mut receiver = BdatReceiver::new(max);
    let mut message = Vec::new();
    let mut chunk_outcomes = Vec::new();
    let mut pieces: Vec<&[u8]> = Vec::new();
    let mut start = 0;
    for &cut in cuts.iter().chain([&wire.len()]) {
        let cut = cut.clamp(start, wire.len());
        pieces.push(&wire[start..cut]);
        start = cut;
    }
    let mut chunks = chunks.iter();
    let mut pos = 0; // absolute wire offset
    let mut final_outcome = None;
    let &(size, last) = chunks.next().unwrap();
    receiver.begin_chunk(size, last);
    for mut piece in pieces {
        loop {
            match receiver.feed(piece, &mut message) {
                BdatStatus::Idle => unreachable!("a chunk is always announced"),
                BdatStatus::Partial => {
                    pos += piece.len();
                    break;
                }
                BdatStatus::ChunkDone { consumed, outcome } => {
                    chunk_outcomes.push(outcome);
                    pos += consumed;
                    piece = &piece[consumed..];
                    let &(size, last) = chunks.next().unwrap();
                    receiver.begin_chunk(size, last);
                }
                BdatStatus::MessageDone { consumed, outcome } => {
                    pos += consumed;
                    final_outcome = Some(outcome);
                    assert!(matches!(
                        receiver.feed(b"x", &mut message),
                        BdatStatus::Idle
                    ));
                    return (message, chunk_outcomes, final_outcome, pos);
                }
            }
        }
    }
    (message, chunk_outcomes, final_outcome, pos)
}

#[test]
fn bdat_takes_exact_counts_binary_safe_at_every_split() {
    let wire = b"\r\n.\r\n\x00\nBDAT-ish\r\r\nRSET\r\n";
    let chunks = [(5, false), (0, false), (14, true)];
    let whole = bdat_run(100, &chunks, wire, &[]);
    assert_eq!(whole.0, &wire[..19]);
    assert_eq!(whole.1, [Ok(()), Ok(())]);
    assert_eq!(
        whole.2,
        Some(Ok(DataSummary {
            size: 19,
            ..DataSummary::default()
        }))
    );
    assert_eq!(whole.3, 19);
    for a in 0..=wire.len() {
        for b in a..=wire.len() {
            assert_eq!(bdat_run(100, &chunks, wire, &[a, b]), whole, "cuts {a} {b}");
        }
    }
}

#[test]
fn bdat_size_limit_refuses_but_reads_every_chunk() {
    let wire = b"0123456789abcdefQUIT\r\n";
    let cases = [
        (16, Ok(()), Ok(16)),
        (15, Ok(()), Err(TransferError::TooBig { limit: 15 })),
        (
            9,
            Err(TransferError::TooBig { limit: 9 }),
            Err(TransferError::TooBig { limit: 9 }),
        ),
    ];
    for (max, first, last) in cases {
        let (message, outcomes, outcome, consumed) =
            bdat_run(max, &[(10, false), (6, true)], wire, &[3]);
        assert_eq!(consumed, 16, "max {max}");
        assert_eq!(outcomes, [first], "max {max}");
        assert_eq!(outcome.unwrap().map(|s| s.size), last, "max {max}");
        if last.is_ok() {
            assert_eq!(message, &wire[..16]);
        }
    }
}

#[test]
fn bdat_zero_last_and_reset() {
    let mut receiver = BdatReceiver::new(10);
    let mut message = Vec::new();
    assert!(matches!(
        receiver.feed(b"abc", &mut message),
        BdatStatus::Idle
    ));
    receiver.begin_chunk(0, true);
    assert!(matches!(
        receiver.feed(b"", &mut message),
        BdatStatus::MessageDone {
            consumed: 0,
            outcome: Ok(DataSummary { size: 0, .. })
        }
    ));
    receiver.begin_chunk(20, false);
    receiver.reset();
    assert!(matches!(
        receiver.feed(b"abc", &mut message),
        BdatStatus::Idle
    ));
    receiver.begin_chunk(3, true);
    assert!(matches!(
        receiver.feed(b"abcdef", &mut message),
        BdatStatus::MessageDone {
            consumed: 3,
            outcome: Ok(DataSummary { size: 3, .. })
        }
    ));
    assert_eq!(message, b"abc");
}
