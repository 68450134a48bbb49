//! What of the client's bytes goes into the transcript: command lines, not message data, and
//! never AUTH secrets.

use crate::capture::Direction;
use crate::types::Timestamp;

/// Longest client line kept in a transcript; the rest of a longer line is cut.
const MAX_LINE: usize = 1024;

/// Splits the client's bytes into transcript lines.
#[derive(Debug, Default)]
pub(super) struct ClientLines {
    partial: Vec<u8>,
    /// Message text after `354`: not transcribed, until the `.` line.
    in_data: bool,
    /// Octets of a BDAT chunk still to skip.
    chunk_left: u64,
    /// The next line answers a `334` challenge.
    secret_next: bool,
}

impl ClientLines {
    /// The server sent a reply line with this code.
    pub(super) fn server_code(&mut self, code: &[u8]) {
        match code {
            b"354" => self.in_data = true,
            b"334" => self.secret_next = true,
            _ => {}
        }
    }

    /// Takes bytes read from the client; hands each line to transcribe to `keep` (without its
    /// line end). Message text is skipped without being copied.
    pub(super) fn feed(&mut self, mut input: &[u8], mut keep: impl FnMut(&[u8])) {
        while !input.is_empty() {
            if self.chunk_left > 0 {
                let skip = usize::try_from(self.chunk_left)
                    .unwrap_or(usize::MAX)
                    .min(input.len());
                self.chunk_left -= skip as u64;
                input = &input[skip..];
                continue;
            }
            let Some(i) = memchr::memchr(b'\n', input) else {
                self.keep_partial(input);
                return;
            };
            let (line, rest) = input.split_at(i + 1);
            input = rest;
            if self.partial.is_empty() {
                // The whole line is in this read: no copy.
                let line = &line[..line.len().min(MAX_LINE + 2)];
                self.line(line, &mut keep);
            } else {
                self.keep_partial(line);
                let line = std::mem::take(&mut self.partial);
                self.line(&line, &mut keep);
                // Keep the allocation for the next split line.
                self.partial = line;
                self.partial.clear();
            }
        }
    }

    /// Keeps the start of a line that goes on in a later read (at most `MAX_LINE` + 2 bytes).
    fn keep_partial(&mut self, bytes: &[u8]) {
        let room = (MAX_LINE + 2).saturating_sub(self.partial.len());
        self.partial
            .extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    fn line(&mut self, line: &[u8], keep: &mut impl FnMut(&[u8])) {
        let text = trim_crlf(line);
        if self.in_data {
            if text == b"." {
                self.in_data = false;
            }
            return;
        }
        if std::mem::take(&mut self.secret_next) {
            keep(b"<redacted>");
            return;
        }
        if starts_with_ignore_case(text, b"AUTH ") {
            // Keep the mechanism; hide an initial response.
            let mut words = text.splitn(3, |b| *b == b' ');
            let verb = words.next().unwrap_or_default();
            let mechanism = words.next().unwrap_or_default();
            let mut kept = [verb, b" ", mechanism].concat();
            if words.next().is_some() {
                kept.extend_from_slice(b" <redacted>");
            }
            keep(&kept);
            return;
        }
        if starts_with_ignore_case(text, b"BDAT ") {
            let size = std::str::from_utf8(&text[5..])
                .ok()
                .and_then(|rest| rest.split(' ').next())
                .and_then(|n| n.parse::<u64>().ok());
            self.chunk_left = size.unwrap_or(0);
        }
        keep(text);
    }
}

/// Transcript lines waiting to be handed to the simulator together (one lock for all the lines
/// of a read and its replies, instead of one per line). The buffers are kept between batches.
#[derive(Debug, Default)]
pub(super) struct PendingLines {
    bytes: Vec<u8>,
    /// Each line: when, who, and where its text ends in `bytes`.
    lines: Vec<(Timestamp, Direction, usize)>,
}

impl PendingLines {
    /// Adds a line.
    pub(super) fn push(&mut self, at: Timestamp, direction: Direction, text: &[u8]) {
        self.bytes.extend_from_slice(text);
        self.lines.push((at, direction, self.bytes.len()));
    }

    /// Whether there is nothing to hand over.
    pub(super) fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The lines in order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (Timestamp, Direction, &[u8])> {
        let mut start = 0;
        self.lines.iter().map(move |&(at, direction, end)| {
            let text = &self.bytes[start..end];
            start = end;
            (at, direction, text)
        })
    }

    /// Forgets the lines (keeping the buffers).
    pub(super) fn clear(&mut self) {
        self.bytes.clear();
        self.lines.clear();
    }
}

fn starts_with_ignore_case(text: &[u8], prefix: &[u8]) -> bool {
    text.get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
}

fn trim_crlf(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The reply lines in bytes the server wrote, each with its code.
pub(super) fn reply_lines(out: &[u8]) -> impl Iterator<Item = &[u8]> {
    out.split_inclusive(|b| *b == b'\n').map(trim_crlf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_bdat_and_auth_are_kept_out() {
        let mut l = ClientLines::default();
        let mut got = Vec::new();
        let mut feed = |l: &mut ClientLines, input: &[u8]| l.feed(input, |t| got.push(t.to_vec()));
        feed(&mut l, b"EHLO c\r\nMAIL FROM:<a@b>\r\nDA");
        feed(&mut l, b"TA\r\n");
        l.server_code(b"354");
        feed(
            &mut l,
            b"Subject: secret\r\n\r\nbody\r\n.\r\nBDAT 5 LAST\r\nab\r\n",
        );
        feed(&mut l, b"\rAUTH PLAIN AGEAYg==\r\nAUTH LOGIN\r\n");
        l.server_code(b"334");
        feed(&mut l, b"dXNlcg==\r\nQUIT\r\n");
        let got: Vec<String> = got
            .iter()
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect();
        assert_eq!(
            got,
            [
                "EHLO c",
                "MAIL FROM:<a@b>",
                "DATA",
                "BDAT 5 LAST",
                "AUTH PLAIN <redacted>",
                "AUTH LOGIN",
                "<redacted>",
                "QUIT"
            ]
        );
    }

    #[test]
    fn long_lines_are_cut() {
        let mut l = ClientLines::default();
        let long = [vec![b'x'; 5000], b"\r\n".to_vec()].concat();
        let mut got = Vec::new();
        l.feed(&long, |t| got.push(t.to_vec()));
        // The same line split over reads is cut the same way.
        for piece in long.chunks(700) {
            l.feed(piece, |t| got.push(t.to_vec()));
        }
        assert_eq!(got.len(), 2);
        assert!(got[0].len() <= MAX_LINE + 2);
        assert_eq!(got[0], got[1]);
    }
}
