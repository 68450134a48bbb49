//! The DATA receiver: split invariance, policies, and the dot-stuffing round trip.

use arbitrary::{Arbitrary, Unstructured};
use smtp_core::transfer::{
    DataConfig, DataReceiver, DataStatus, DataSummary, DotStuffer, LineEndPolicy, TransferError,
    dot_stuff,
};

/// One fuzz case: the receiver's configuration, where to cut the input into reads, and the wire
/// bytes after the `354`.
///
/// Decoded from the front of the raw fuzz input, so that a seed is a short header followed by
/// the wire bytes as they are: `[bare_lf, bare_cr, max_lo, max_hi, n_cuts, (cut_lo, cut_hi) x
/// n_cuts, wire...]`; five zero bytes then the wire mean "strict, no limit, one read".
#[derive(Debug)]
pub struct Input<'a> {
    /// Offsets (taken modulo the length + 1) at which the input is cut into reads.
    pub cuts: Vec<u16>,
    /// 0..3: reject, normalise, keep.
    pub bare_lf: u8,
    /// 0..3: reject, normalise, keep.
    pub bare_cr: u8,
    /// A size limit, or none when 0.
    pub max_size: u16,
    /// The octets after the `354`.
    pub wire: &'a [u8],
}

impl<'a> Arbitrary<'a> for Input<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let bare_lf = u.arbitrary()?;
        let bare_cr = u.arbitrary()?;
        let max_size = u.arbitrary()?;
        let n_cuts: u8 = u.arbitrary()?;
        let cuts = (0..n_cuts % 9)
            .map(|_| u.arbitrary())
            .collect::<arbitrary::Result<_>>()?;
        Ok(Self {
            cuts,
            bare_lf,
            bare_cr,
            max_size,
            wire: u.bytes(u.len())?,
        })
    }
}

fn policy(n: u8) -> LineEndPolicy {
    match n % 3 {
        0 => LineEndPolicy::Reject,
        1 => LineEndPolicy::Normalize,
        _ => LineEndPolicy::Keep,
    }
}

type Run = (Vec<u8>, Option<(usize, Result<DataSummary, TransferError>)>);

fn receive(config: DataConfig, wire: &[u8], cuts: &[usize]) -> Run {
    let mut receiver = DataReceiver::new(config);
    let mut message = Vec::new();
    let mut start = 0;
    for end in cuts.iter().copied().chain([wire.len()]) {
        let end = end.clamp(start, wire.len());
        match receiver.feed(&wire[start..end], &mut message) {
            DataStatus::Partial => start = end,
            DataStatus::Done { consumed, outcome } => {
                assert!(consumed <= end - start, "consumed more than given");
                return (message, Some((start + consumed, outcome)));
            }
        }
    }
    (message, None)
}

/// Asserts: the same result at any split as in one read; the end, if any, is right after a
/// `"." CRLF` that starts the data or follows a `CRLF`; an accepted message is within the limit;
/// and the message (or the input itself, taken as a message) survives stuffing and receiving.
pub fn run(input: &Input<'_>) {
    let config = DataConfig {
        bare_lf: policy(input.bare_lf),
        bare_cr: policy(input.bare_cr),
        max_size: if input.max_size == 0 {
            u64::MAX
        } else {
            u64::from(input.max_size)
        },
    };
    let wire = input.wire;
    let mut cuts: Vec<usize> = input
        .cuts
        .iter()
        .map(|&c| usize::from(c) % (wire.len() + 1))
        .collect();
    cuts.sort_unstable();

    let whole = receive(config, wire, &[]);
    let split = receive(config, wire, &cuts);
    assert_eq!(whole, split, "split reads differ from one read");

    if let (message, Some((end, outcome))) = &whole {
        assert!(wire[..*end].ends_with(b".\r\n"));
        assert!(*end == 3 || wire[..*end - 3].ends_with(b"\r\n"));
        if let Ok(summary) = outcome {
            assert_eq!(summary.size, message.len() as u64);
            assert!(summary.size <= config.max_size);
            round_trip(&normalised(message), &cuts);
        }
    }
    round_trip(&normalised(wire), &cuts);
}

/// `bytes` with every bare CR or LF written as CRLF (what the stuffer sends for them).
fn normalised(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1)) {
            (b'\r', Some(b'\n')) => {
                out.extend_from_slice(b"\r\n");
                i += 1;
            }
            (b'\r' | b'\n', _) => out.extend_from_slice(b"\r\n"),
            (b, _) => out.push(b),
        }
        i += 1;
    }
    out
}

/// unstuff(stuff(m)) == m (with a final CRLF added if missing), for a message with CRLF line
/// ends, the stuffer fed in pieces too.
fn round_trip(message: &[u8], cuts: &[usize]) {
    let mut wire = Vec::new();
    let mut stuffer = DotStuffer::new();
    let mut start = 0;
    for &cut in cuts {
        let cut = cut.clamp(start, message.len());
        stuffer.write(&message[start..cut], &mut wire);
        start = cut;
    }
    stuffer.write(&message[start..], &mut wire);
    stuffer.finish(&mut wire);
    assert_eq!(wire, dot_stuff(message), "stuffing depends on the split");

    let (got, end) = receive(DataConfig::default(), &wire, cuts);
    let (consumed, outcome) = end.expect("stuffed data always ends");
    assert_eq!(consumed, wire.len(), "stuffed data ends early or late");
    outcome.expect("stuffed data has no bare line end and fuzz inputs fit the default limit");
    let mut expected = message.to_vec();
    if !expected.is_empty() && !expected.ends_with(b"\r\n") {
        expected.extend_from_slice(b"\r\n");
    }
    assert_eq!(got, expected, "unstuff(stuff(m)) != m");
}
