//! What of the client's bytes goes into the transcript: command lines, not message data, and
//! never AUTH secrets.

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

    /// Takes bytes read from the client; returns the lines to transcribe.
    pub(super) fn feed(&mut self, mut input: &[u8]) -> Vec<Vec<u8>> {
        let mut lines = Vec::new();
        while !input.is_empty() {
            if self.chunk_left > 0 {
                let skip = usize::try_from(self.chunk_left)
                    .unwrap_or(usize::MAX)
                    .min(input.len());
                self.chunk_left -= skip as u64;
                input = &input[skip..];
                continue;
            }
            let (line, rest, complete) = match memchr_lf(input) {
                Some(i) => (&input[..=i], &input[i + 1..], true),
                None => (input, &input[input.len()..], false),
            };
            input = rest;
            if self.partial.len() < MAX_LINE + 2 {
                let room = MAX_LINE + 2 - self.partial.len();
                self.partial
                    .extend_from_slice(&line[..line.len().min(room)]);
            }
            if complete {
                let line = std::mem::take(&mut self.partial);
                if let Some(kept) = self.line(line) {
                    lines.push(kept);
                }
            }
        }
        lines
    }

    fn line(&mut self, line: Vec<u8>) -> Option<Vec<u8>> {
        let text = trim_crlf(&line);
        if self.in_data {
            if text == b"." {
                self.in_data = false;
            }
            return None;
        }
        if std::mem::take(&mut self.secret_next) {
            return Some(b"<redacted>".to_vec());
        }
        let upper = text.to_ascii_uppercase();
        if upper.starts_with(b"AUTH ") {
            // Keep the mechanism; hide an initial response.
            let mut words = text.splitn(3, |b| *b == b' ');
            let verb = words.next().unwrap_or_default();
            let mechanism = words.next().unwrap_or_default();
            let mut kept = [verb, b" ", mechanism].concat();
            if words.next().is_some() {
                kept.extend_from_slice(b" <redacted>");
            }
            return Some(kept);
        }
        if upper.starts_with(b"BDAT ") {
            let size = std::str::from_utf8(&text[5..])
                .ok()
                .and_then(|rest| rest.split(' ').next())
                .and_then(|n| n.parse::<u64>().ok());
            self.chunk_left = size.unwrap_or(0);
        }
        Some(text.to_vec())
    }
}

fn memchr_lf(input: &[u8]) -> Option<usize> {
    input.iter().position(|b| *b == b'\n')
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
        let mut got = l.feed(b"EHLO c\r\nMAIL FROM:<a@b>\r\nDA");
        got.extend(l.feed(b"TA\r\n"));
        l.server_code(b"354");
        got.extend(l.feed(b"Subject: secret\r\n\r\nbody\r\n.\r\nBDAT 5 LAST\r\nab\r\n"));
        got.extend(l.feed(b"\rAUTH PLAIN AGEAYg==\r\nAUTH LOGIN\r\n"));
        l.server_code(b"334");
        got.extend(l.feed(b"dXNlcg==\r\nQUIT\r\n"));
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
        let got = l.feed(&long);
        assert_eq!(got.len(), 1);
        assert!(got[0].len() <= MAX_LINE + 2);
    }
}
