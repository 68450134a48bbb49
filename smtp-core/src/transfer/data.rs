//! The `DATA` receiver: dot-unstuffing and the one true end of data.

use std::sync::OnceLock;

use memchr::{memchr2, memmem};

use super::{DataSink, TransferError};

/// What to do with a bare LF (a LF not preceded by CR) or a bare CR (a CR not followed by LF)
/// inside message data. RFC 5321 §2.3.8 forbids both; the choice mirrors Postfix's
/// `smtpd_forbid_bare_newline` (reject) and its older lenient behaviour (normalise).
///
/// Whatever the policy, a bare LF or CR never starts a line: only a real `CRLF` does. So a `.`
/// after a bare line end is neither unstuffed nor an end of data, which is what makes `"\n.\n"`,
/// `"\r.\r"` and their kin harmless.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LineEndPolicy {
    /// Refuse the message with `550 5.5.2` (but read on to the end of data). The default.
    #[default]
    Reject,
    /// Accept the message and write `CRLF` in place of the bare LF or CR.
    Normalize,
    /// Accept the message with the byte as it came; [`DataSummary`] counts them.
    Keep,
}

/// Limits and policies of a [`DataReceiver`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataConfig {
    /// What to do with a LF not preceded by CR. Default: reject.
    pub bare_lf: LineEndPolicy,
    /// What to do with a CR not followed by LF. Default: reject.
    pub bare_cr: LineEndPolicy,
    /// Largest accepted message, in octets after unstuffing and without the final `.` line (the
    /// size RFC 1870 defines). Default: 10 240 000, Postfix's `message_size_limit` default.
    pub max_size: u64,
}

impl Default for DataConfig {
    fn default() -> Self {
        Self {
            bare_lf: LineEndPolicy::Reject,
            bare_cr: LineEndPolicy::Reject,
            max_size: 10_240_000,
        }
    }
}

/// What a message that ended well looked like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DataSummary {
    /// Octets written to the sink.
    pub size: u64,
    /// Bare LFs seen (kept or normalised, per the policy).
    pub bare_lf: u64,
    /// Bare CRs seen (kept or normalised, per the policy).
    pub bare_cr: u64,
}

/// What [`DataReceiver::feed`] found.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataStatus {
    /// All the input was consumed and the end of data is still to come.
    Partial,
    /// The end of data (`CRLF "." CRLF`) was read.
    Done {
        /// Input octets consumed by this call, up to and including the final `".\r\n"`; the rest
        /// of the input belongs to the command parser.
        consumed: usize,
        /// The message's fate. On `Err`, discard what the sink holds: the message up to the
        /// error (the offending bare LF or CR included; the first `max_size` octets for
        /// [`TransferError::TooBig`]), the same however the input was split.
        outcome: Result<DataSummary, TransferError>,
    },
}

/// Where the receiver stands in the wire data, between two octets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a line: the start of data or just after `CRLF`.
    LineStart,
    /// After a `.` at the start of a line (not written: it is stuffing or the end).
    Dot,
    /// After `.` CR at the start of a line (neither written yet).
    DotCr,
    /// Inside a line; the previous octet is not a CR.
    Text,
    /// Inside a line just after a CR, which has been written already.
    Cr,
    /// The end of data was read.
    Done,
}

/// Receives the text of a `DATA` command, from the octet after the `354` reply's trigger (the
/// `CRLF` ending `DATA`) to the `CRLF "." CRLF` that ends it.
///
/// Feed it input slices as they arrive with [`feed`](Self::feed); it writes the unstuffed message
/// into a [`DataSink`] and, once the end is seen, returns how much of the last slice it used.
/// Plain text is checked 256 octets at a time (every CR followed by LF, every LF preceded by CR, no
/// line starting with a dot) and, into a `Vec` sink, copied in the same pass; dot lines, bare line
/// ends and the ends of reads are walked line by line with `memchr2` over CR and LF.
///
/// The end of data is recognised only as `CRLF "." CRLF` (or `"." CRLF` right at the start); a
/// bare LF or a bare CR is never a line end for this purpose (see [`LineEndPolicy`]).
#[derive(Debug, Clone)]
pub struct DataReceiver {
    config: DataConfig,
    state: State,
    /// Wire octets consumed by earlier calls.
    offset: u64,
    summary: DataSummary,
    error: Option<TransferError>,
}

impl DataReceiver {
    /// A receiver for one message, at the start of its data.
    pub fn new(config: DataConfig) -> Self {
        Self {
            config,
            state: State::LineStart,
            offset: 0,
            summary: DataSummary::default(),
            error: None,
        }
    }

    /// Whether the end of data has been read.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Reads `input`, writing message octets to `sink`.
    ///
    /// Returns [`DataStatus::Partial`] when all of `input` was used and more is needed, or
    /// [`DataStatus::Done`] with the number of octets used. After `Done`, further calls consume
    /// nothing and return the same outcome.
    pub fn feed<S: DataSink + ?Sized>(&mut self, input: &[u8], sink: &mut S) -> DataStatus {
        if self.state == State::Done {
            return self.done(0);
        }
        let mut scan = Scan {
            input,
            run: 0,
            retry_at: 0,
            misses: 0,
            receiver: self,
            sink,
        };
        let end = scan.run_to_end();
        match end {
            Some(consumed) => {
                self.state = State::Done;
                self.offset += consumed as u64;
                self.done(consumed)
            }
            None => {
                self.offset += input.len() as u64;
                DataStatus::Partial
            }
        }
    }

    fn done(&self, consumed: usize) -> DataStatus {
        DataStatus::Done {
            consumed,
            outcome: match self.error {
                Some(error) => Err(error),
                None => Ok(self.summary),
            },
        }
    }

    fn fail(&mut self, error: TransferError) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }
}

/// Octets checked (and, into a `Vec` sink, copied) at once by [`check_chunk`] and
/// [`copy_chunk`]: large enough that the fold's final reduction and the loop around it cost
/// little, small enough that a chunk refused for a dot line wastes little work.
const CHUNK: usize = 256;

/// Octets a chunk's fold reads past its end: the LF after a CR at the chunk's last octet, and
/// the octet after that LF.
const PEEK: usize = 2;

/// A chunk of [`CHUNK`] octets and the [`PEEK`] octets after it.
type Window = [u8; CHUNK + PEEK];

/// What a fold over a chunk found.
#[derive(Debug, Clone, Copy)]
struct Fold {
    /// Some CR is not followed by LF, or some LF (but one at the chunk's start) is not preceded
    /// by CR.
    odd_line_end: bool,
    /// Some CR is followed by an octet and a dot. With no odd line end, that is a `CRLF "."`:
    /// a line that starts with a dot (stuffing or the end of data).
    dot_line: bool,
}

impl Fold {
    fn new(odd: u8, dot: u8) -> Self {
        Self {
            odd_line_end: odd != 0,
            dot_line: dot != 0,
        }
    }
}

/// Folds over the chunk at the start of `window`: every CR must be followed by LF, every LF (but
/// one at the start) preceded by CR, and no CR followed by LF and `.`. A fixed-length fold without
/// early exit, over three loads of the same bytes one octet apart, so that the compiler turns it
/// into vector compares (four per 16 octets; SSE2 is all the baseline target has).
#[inline(always)]
fn check_chunk(window: &Window) -> Fold {
    let (mut odd, mut dot) = (0u8, 0u8);
    for ((&t, &n), &a) in window[..CHUNK].iter().zip(&window[1..]).zip(&window[2..]) {
        let cr = t == b'\r';
        odd |= u8::from(cr != (n == b'\n'));
        dot |= u8::from(cr & (a == b'.'));
    }
    Fold::new(odd, dot)
}

/// [`check_chunk`] fused with appending the chunk to `out`: one pass over the data instead of a
/// check and a copy. Returns whether the chunk is plain; one fold for both findings, so that a
/// plain chunk costs one reduction ([`check_chunk`] tells which, for the rare chunk that is not).
#[inline(always)]
fn copy_chunk(out: &mut Vec<u8>, window: &Window) -> bool {
    let mut odd = 0u8;
    out.extend(
        window[..CHUNK]
            .iter()
            .zip(&window[1..])
            .zip(&window[2..])
            .map(|((&t, &n), &a)| {
                let cr = t == b'\r';
                odd |= u8::from(cr != (n == b'\n')) | u8::from(cr & (a == b'.'));
                t
            }),
    );
    odd == 0
}

/// Checks up to `chunks` whole chunks at the start of `input` (which holds at least [`PEEK`]
/// octets more); returns how many were plain, and the fold of the first that was not.
fn check_chunks(input: &[u8], chunks: usize) -> (usize, Option<Fold>) {
    #[cfg(all(feature = "simd", target_arch = "x86_64"))]
    if let Some(avx2) = pulp::x86::V3::try_new() {
        return avx2.vectorize(
            #[inline(always)]
            || check_chunks_with_baseline(input, chunks),
        );
    }
    check_chunks_with_baseline(input, chunks)
}

/// [`check_chunks`] as compiled for the caller's target features (inlined into an AVX2 context,
/// the fold becomes 32-octet compares).
#[inline(always)]
fn check_chunks_with_baseline(input: &[u8], chunks: usize) -> (usize, Option<Fold>) {
    for k in 0..chunks {
        let at = k * CHUNK;
        let fold = check_chunk(window(input, at));
        if fold.odd_line_end || fold.dot_line {
            return (k, Some(fold));
        }
    }
    (chunks, None)
}

/// [`check_chunks`] that also appends the chunks it checks to `out`: the plain ones and the
/// first that is not, which the caller cuts off (whole or in part).
///
/// `input` comes behind a reference on purpose: given a `&[u8]` argument the compiler knows that
/// `out` cannot overlap it, turns the copy into a separate `memcpy` call per chunk and reads the
/// data twice, which costs about a fifth more here (see docs/performance.md, "DATA transfer").
#[inline(never)]
fn copy_chunks(out: &mut Vec<u8>, input: &&[u8], chunks: usize) -> (usize, Option<Fold>) {
    #[cfg(all(feature = "simd", target_arch = "x86_64"))]
    if let Some(avx2) = pulp::x86::V3::try_new() {
        return avx2.vectorize(
            #[inline(always)]
            || copy_chunks_with_baseline(out, input, chunks),
        );
    }
    copy_chunks_with_baseline(out, input, chunks)
}

/// [`copy_chunks`] as compiled for the caller's target features.
#[inline(always)]
fn copy_chunks_with_baseline(
    out: &mut Vec<u8>,
    input: &&[u8],
    chunks: usize,
) -> (usize, Option<Fold>) {
    for k in 0..chunks {
        let at = k * CHUNK;
        if !copy_chunk(out, window(input, at)) {
            return (k, Some(check_chunk(window(input, at))));
        }
    }
    (chunks, None)
}

/// The chunk at `at` and the octets after it.
#[inline(always)]
fn window(input: &[u8], at: usize) -> &Window {
    input[at..at + CHUNK + PEEK]
        .try_into()
        .expect("a chunk and its peek")
}

/// Finds `LF "."`, where a line might start with a dot, inside a chunk that has one.
fn lf_dot_finder() -> &'static memmem::Finder<'static> {
    static FINDER: OnceLock<memmem::Finder<'static>> = OnceLock::new();
    FINDER.get_or_init(|| memmem::Finder::new(b"\n."))
}

/// One call's walk over its input. `run` is the start of input octets that are waiting to be
/// written verbatim (up to the current position).
struct Scan<'a, 'r, S: ?Sized> {
    input: &'a [u8],
    run: usize,
    /// The chunk scan is not tried again before this position (after it found a bare line end).
    retry_at: usize,
    /// Chunks in a row refused for a bare line end: each doubles the distance to the next try, so
    /// that text full of bare line ends (under the keep or normalise policies) costs little more.
    misses: u32,
    receiver: &'r mut DataReceiver,
    sink: &'r mut S,
}

impl<S: DataSink + ?Sized> Scan<'_, '_, S> {
    /// Walks the input; returns the consumed count if the end of data is in it.
    fn run_to_end(&mut self) -> Option<usize> {
        let input = self.input;
        let len = input.len();
        let mut pos = 0;
        let mut state = self.receiver.state;
        while pos < len {
            match state {
                State::Text
                    if pos >= self.retry_at
                        && pos + CHUNK + PEEK <= len
                        && !matches!(input[pos], b'\r' | b'\n') =>
                {
                    let (to, next, missed) = self.chunks(pos);
                    if missed {
                        // A bare line end within the next chunk: find it line by line.
                        self.retry_at = to + (CHUNK << self.misses.min(4));
                        self.misses += 1;
                    } else {
                        self.misses = 0;
                    }
                    pos = to;
                    state = next;
                }
                State::Text => match memchr2(b'\r', b'\n', &input[pos..]) {
                    None => pos = len,
                    Some(found) => {
                        let at = pos + found;
                        if input[at] == b'\n' {
                            self.bare_lf(at);
                            pos = at + 1;
                        } else if at + 1 == len {
                            // The CR is written with its run; the next slice tells what it was.
                            pos = len;
                            state = State::Cr;
                        } else if input[at + 1] == b'\n' {
                            pos = at + 2;
                            state = State::LineStart;
                        } else {
                            pos = at + 1;
                            self.bare_cr_written(pos);
                        }
                    }
                },
                State::LineStart => {
                    if input[pos] == b'.' {
                        // Never written: either stuffing or the end of data.
                        self.flush(pos);
                        pos += 1;
                        self.run = pos;
                        state = State::Dot;
                    } else {
                        state = State::Text;
                    }
                }
                State::Dot => {
                    if input[pos] == b'\r' {
                        pos += 1;
                        self.run = pos;
                        state = State::DotCr;
                    } else {
                        // A stuffed dot, now dropped; this octet starts the text.
                        state = State::Text;
                    }
                }
                State::DotCr => {
                    if input[pos] == b'\n' {
                        pos += 1;
                        self.receiver.state = State::Done;
                        return Some(pos);
                    }
                    // `"." CR x`: the dot was stuffing, and the held CR is bare.
                    self.bare_cr_held(pos);
                    state = State::Text;
                }
                State::Cr => {
                    if input[pos] == b'\n' {
                        pos += 1;
                        state = State::LineStart;
                    } else {
                        self.bare_cr_written(pos);
                        state = State::Text;
                    }
                }
                State::Done => unreachable!("feed returns before scanning once done"),
            }
        }
        self.flush(len);
        self.receiver.state = state;
        None
    }

    /// Takes whole chunks of plain lines from `pos` (in `Text` state, at an octet that is not a
    /// line end), copying them into a `Vec` sink as it checks them, and drops the dot of each
    /// stuffed line on the way. Returns where it stopped and the state there: at the `LF` before
    /// a line that starts with `"." CR` or `"." LF` (maybe the end of data), at the end of the
    /// input's last whole chunk, or before a chunk that holds a bare line end (then `true`).
    fn chunks(&mut self, mut pos: usize) -> (usize, State, bool) {
        let input = self.input;
        self.flush(pos);
        loop {
            // Whole chunks with the octets after them.
            let whole = (input.len() - pos).saturating_sub(PEEK) / CHUNK;
            let receiver = &mut *self.receiver;
            let room = receiver.config.max_size - receiver.summary.size;
            // Copy as we check when the sink is a `Vec`, the message is not refused, and all the
            // chunks fit under the size limit (else the pending run is written as usual, cut at
            // the limit).
            let copy = receiver.error.is_none() && room >= (whole * CHUNK) as u64;
            let (taken, fold) = match self.sink.as_vec_mut() {
                Some(out) if copy => {
                    let (taken, fold) = copy_chunks(out, &&input[pos..], whole);
                    receiver.summary.size += (taken * CHUNK) as u64;
                    self.run = pos + taken * CHUNK;
                    (taken, fold)
                }
                _ => check_chunks(&input[pos..], whole),
            };
            pos += taken * CHUNK;
            let Some(fold) = fold else {
                return (pos, self.state_after(pos, taken), false);
            };
            // `copy_chunks` leaves the refused chunk in the sink, for us to cut.
            let copied = match self.sink.as_vec_mut() {
                Some(out) if copy => Some(out),
                _ => None,
            };
            if fold.odd_line_end {
                if let Some(out) = copied {
                    out.truncate(out.len() - CHUNK);
                }
                return (pos, self.state_after(pos, taken), true);
            }
            // Plain lines up to and including the `LF` before the dot (which may be the first
            // octet after the chunk, left in the pending run).
            let lf = lf_dot_finder()
                .find(&input[pos..pos + CHUNK + PEEK])
                .expect("the fold saw CRLF followed by a dot");
            let dot = pos + lf + 1;
            if let Some(out) = copied {
                let keep = (lf + 1).min(CHUNK);
                out.truncate(out.len() - CHUNK + keep);
                self.receiver.summary.size += keep as u64;
                self.run = pos + keep;
            }
            match input.get(dot + 1) {
                Some(b'\r' | b'\n') | None => return (dot, State::LineStart, false),
                Some(_) => {
                    // A stuffed dot: drop it, and go on in the text after it.
                    self.flush(dot);
                    self.run = dot + 1;
                    pos = dot + 1;
                }
            }
        }
    }

    /// The state after plain chunks that ended at `pos`.
    fn state_after(&self, pos: usize, taken: usize) -> State {
        if taken == 0 {
            return State::Text;
        }
        match self.input[pos - 1] {
            b'\r' => State::Cr,
            b'\n' => State::LineStart,
            _ => State::Text,
        }
    }

    /// Writes the pending run `run..to`, unless the message is already refused.
    #[inline]
    fn flush(&mut self, to: usize) {
        if to > self.run {
            let bytes = &self.input[self.run..to];
            self.emit(bytes);
        }
        self.run = to;
    }

    /// Writes `bytes` to the sink, minding the size limit.
    #[inline]
    fn emit(&mut self, bytes: &[u8]) {
        let receiver = &mut *self.receiver;
        if receiver.error.is_some() {
            return;
        }
        let room = receiver.config.max_size - receiver.summary.size;
        if bytes.len() as u64 > room {
            // Write what fits, so that the sink's content does not depend on how the input was
            // split.
            self.sink.write(&bytes[..room as usize]);
            receiver.summary.size = receiver.config.max_size;
            receiver.fail(TransferError::TooBig {
                limit: receiver.config.max_size,
            });
            return;
        }
        receiver.summary.size += bytes.len() as u64;
        self.sink.write(bytes);
    }

    fn wire_offset(&self, at: usize) -> u64 {
        self.receiver.offset + at as u64
    }

    /// A LF at `at` with no CR before it; it is still part of the pending run.
    fn bare_lf(&mut self, at: usize) {
        self.receiver.summary.bare_lf += 1;
        match self.receiver.config.bare_lf {
            LineEndPolicy::Reject => {
                self.flush(at + 1);
                let offset = self.wire_offset(at);
                self.receiver.fail(TransferError::BareLf { offset });
            }
            LineEndPolicy::Normalize => {
                self.flush(at);
                self.emit(b"\r");
            }
            LineEndPolicy::Keep => {}
        }
    }

    /// The octet at `next` follows a CR that has been written already (as part of a run).
    fn bare_cr_written(&mut self, next: usize) {
        self.receiver.summary.bare_cr += 1;
        match self.receiver.config.bare_cr {
            LineEndPolicy::Reject => {
                self.flush(next);
                // `next` is at least 1 inside a slice, or 0 when the CR ended the last slice.
                let offset = self.wire_offset(next) - 1;
                self.receiver.fail(TransferError::BareCr { offset });
            }
            LineEndPolicy::Normalize => {
                self.flush(next);
                self.emit(b"\n");
            }
            LineEndPolicy::Keep => {}
        }
    }

    /// The octet at `next` follows a `"." CR` whose CR was held back; the run starts at `next`.
    fn bare_cr_held(&mut self, next: usize) {
        self.receiver.summary.bare_cr += 1;
        match self.receiver.config.bare_cr {
            LineEndPolicy::Reject => {
                self.emit(b"\r");
                let offset = self.wire_offset(next) - 1;
                self.receiver.fail(TransferError::BareCr { offset });
            }
            LineEndPolicy::Normalize => self.emit(b"\r\n"),
            LineEndPolicy::Keep => self.emit(b"\r"),
        }
    }
}
