//! The returned message's body left out of the parse.
//!
//! mail-parser parses a `message/rfc822` part as a message of its own: every part of it, every
//! transfer encoding and charset in it decoded. The MIME walk reads only the returned message's
//! header block, so that work is wasted (about 5 % of a pass over the development corpus, more
//! for bounces that return a large message). [`lean_copy`] makes a copy of the message without
//! the returned message's body, when the returned message is the report's last part; the copy
//! is parsed instead of the message when it provably reads the same (see [`lean_copy`] and
//! [`reads_the_same`]).

use std::sync::LazyLock;

use mail_parser::{Message, MimeHeaders, PartType};

/// A message without its returned message's body, and what the parse of it must show.
#[derive(Debug)]
pub(super) struct Lean {
    /// The message up to the end of the returned message's header block, then the delimiter
    /// that closes the report and what follows it.
    pub(super) bytes: Vec<u8>,
    /// Where `message/rfc822` is (in both copies: nothing before it changes).
    content_type_at: usize,
    /// The boundary of the report (the multipart the returned message is the last part of).
    boundary: Vec<u8>,
    /// The returned message's header block, up to (not including) the blank line.
    header_block: (usize, usize),
}

/// The first blank line (`\n\n`, LF line ends) in `bytes`.
fn blank_line(bytes: &[u8]) -> Option<usize> {
    static FINDER: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"\n\n"));
    FINDER.find(bytes)
}

/// Where the subtype `rfc822` of the first `Content-Type: message/rfc822` header line is (the
/// field name at the start of the line, ASCII case-insensitively; the subtype ends the token).
fn returned_subtype(bytes: &[u8]) -> Option<usize> {
    static FINDER: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"822"));
    FINDER.find_iter(bytes).find_map(|end| {
        let at = end.checked_sub(3)?;
        let head = at.checked_sub(b"message/".len())?;
        let token_ends = bytes
            .get(end + 3)
            .is_none_or(|b| matches!(b, b';' | b' ' | b'\t' | b'\n' | b'"'));
        if !token_ends || !bytes[head..end].eq_ignore_ascii_case(b"message/rfc") {
            return None;
        }
        let line = memchr::memrchr(b'\n', &bytes[..head]).map_or(0, |i| i + 1);
        let before = &bytes[line..head];
        let field = b"content-type:";
        (before.len() >= field.len()
            && before[..field.len()].eq_ignore_ascii_case(field)
            && before[field.len()..]
                .iter()
                .all(|b| matches!(b, b' ' | b'\t')))
        .then_some(at)
    })
}

/// The message (LF line ends) without its returned message's body, when:
/// - a `Content-Type: message/rfc822` line heads a part whose delimiter line (`--boundary`) is
///   the line before its header block;
/// - that part's body (the returned message) starts with a header field and has a blank line,
///   within [`super::MAX_TEXT`] bytes of its start, before the next delimiter;
/// - the first delimiter after the part's header block closes the multipart (`--boundary--`)
///   and is the only one after it, or there is none (a report cut off inside the returned
///   message): the returned message is the last part, and no delimiter inside it can end it
///   early or start another part.
///
/// Then mail-parser frames every part before the returned message alike in both copies (the
/// bytes up to its body are the same), and no part follows it in either.
pub(super) fn lean_copy(bytes: &[u8]) -> Option<Lean> {
    let content_type_at = returned_subtype(bytes)?;
    // The part's header block: back to the delimiter line, forward to the blank line.
    let mut line_end = memchr::memrchr(b'\n', &bytes[..content_type_at])?;
    let boundary = loop {
        let start = memchr::memrchr(b'\n', &bytes[..line_end]).map_or(0, |i| i + 1);
        let line = &bytes[start..line_end];
        if let Some(b) = line.strip_prefix(b"--") {
            break b.trim_ascii_end();
        }
        if line.is_empty() || start == 0 {
            return None;
        }
        line_end = start - 1;
    };
    if boundary.is_empty() {
        return None;
    }
    let body = content_type_at + blank_line(&bytes[content_type_at..])? + 2;
    if !bytes
        .get(body)
        .is_some_and(|b| b.is_ascii_graphic() && *b != b':')
    {
        return None;
    }
    let header_end = body + blank_line(&bytes[body..])?;
    let delimiter = [b"--", boundary].concat();
    let mut after = memchr::memmem::find_iter(&bytes[body..], &delimiter);
    // No delimiter at all after it: a cut-off report whose returned message runs to the end.
    let close = after.next().map_or(bytes.len(), |at| body + at);
    let closed = close < bytes.len();
    if close < header_end + 2
        || header_end + 2 - body > super::MAX_TEXT
        || closed
            && (!bytes[close + delimiter.len()..].starts_with(b"--") || after.next().is_some())
    {
        return None;
    }
    let mut lean = Vec::with_capacity(header_end + 3 + bytes.len() - close);
    lean.extend_from_slice(&bytes[..header_end + 2]);
    lean.push(b'\n');
    lean.extend_from_slice(&bytes[close..]);
    Some(Lean {
        bytes: lean,
        content_type_at,
        boundary: boundary.to_vec(),
        header_block: (body, header_end),
    })
}

/// Does the parse of the lean copy read as the parse of the message `bytes` would? The
/// report's boundary is the one assumed, its last part is the returned message headed by the
/// `Content-Type` line found, and the header block mail-parser gives for it is the one of the
/// message (what the MIME walk takes from it).
pub(super) fn reads_the_same(lean: &Lean, parsed: &Message<'_>, bytes: &[u8]) -> bool {
    let Some(part) = parsed.parts.last() else {
        return false;
    };
    let PartType::Message(inner) = &part.body else {
        return false;
    };
    let boundary = parsed
        .root_part()
        .content_type()
        .and_then(|ct| ct.attribute("boundary"));
    let raw = inner.raw_message();
    let raw = &raw[..raw.len().min(super::MAX_TEXT)];
    let block = blank_line(raw).map_or(raw, |end| &raw[..end]);
    let (start, end) = lean.header_block;
    parsed.parts.len() > 1
        && boundary.is_some_and(|b| b.as_bytes() == lean.boundary)
        && (part.offset_header as usize) <= lean.content_type_at
        && lean.content_type_at < part.offset_body as usize
        && block == &bytes[start..end]
}

#[cfg(test)]
mod tests {
    use super::super::{normalize, read_with};
    use super::lean_copy;

    /// A report whose parts after the notice are `tail` (LF line ends).
    fn report(tail: &str) -> String {
        format!(
            "From: MAILER-DAEMON@example.org\nSubject: Undelivered Mail\nMIME-Version: 1.0\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"B-1\"\n\n\
--B-1\nContent-Type: text/plain\n\nThe mail system said no.\n\
--B-1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; example.org\n\n\
Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\n{tail}"
        )
    }

    const RETURNED: &str = "--B-1\nContent-Type: message/rfc822\n\nTo: a@example.com\n\
Subject: hi\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n\
caf=C3=A9\n";

    #[test]
    fn the_lean_parse_reads_as_the_full_one() {
        let cases = [
            // (tail after the delivery-status part, is the returned body left out?)
            (format!("{RETURNED}--B-1--\n"), true),
            (format!("{RETURNED}--B-1--\nepilogue\n"), true),
            (
                RETURNED.replace("message/rfc822", "Message/RFC822") + "--B-1--\n",
                true,
            ),
            (
                RETURNED.replace("message/rfc822", "message/rfc822; name=x") + "--B-1--\n",
                true,
            ),
            // Cut off inside the returned message: it runs to the end in both readings.
            (RETURNED.to_string(), true),
            // A part after the returned message.
            (
                format!("{RETURNED}--B-1\nContent-Type: text/plain\n\nmore\n--B-1--\n"),
                false,
            ),
            // The report's delimiter inside the returned message.
            (format!("{RETURNED}--B-1\n--B-1--\n"), false),
            (format!("{RETURNED}x --B-1 y\n--B-1--\n"), false),
            // A returned message with no header block, or no blank line after it.
            (
                "--B-1\nContent-Type: message/rfc822\n\n\nbody\n--B-1--\n".to_string(),
                false,
            ),
            (
                "--B-1\nContent-Type: message/rfc822\n\nTo: a@example.com\n--B-1--\n".to_string(),
                false,
            ),
            // Encoded: mail-parser decodes it and parses the result.
            (
                "--B-1\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n\
VG86IGFAZXhhbXBsZS5jb20KClRleHQK\n--B-1--\n"
                    .to_string(),
                false,
            ),
            // The type named in text, not in a header field.
            (
                "--B-1\nContent-Type: text/plain\n\nContent-Type: message/rfc822\n\nTo: x@y.z\n\n\
--B-1--\n"
                    .to_string(),
                false,
            ),
            // A `text/rfc822-headers` part is not a message.
            (
                "--B-1\nContent-Type: text/rfc822-headers\n\nTo: a@example.com\n--B-1--\n"
                    .to_string(),
                false,
            ),
            ("--B-1--\n".to_string(), false),
        ];
        for (tail, lean) in cases {
            let raw = report(&tail);
            for eol in ["\n", "\r\n", "\r"] {
                let input = raw.replace('\n', eol);
                let bytes = normalize(input.as_bytes());
                assert_eq!(lean_copy(&bytes).is_some(), lean, "{tail:?} {eol:?}");
                let (a, b) = (
                    read_with(input.as_bytes(), true),
                    read_with(input.as_bytes(), false),
                );
                assert!(a.is_some(), "{tail:?}");
                assert_eq!(format!("{a:?}"), format!("{b:?}"), "{tail:?} {eol:?}");
            }
        }
    }

    /// Every message of the development corpora reads the same either way (the corpora are
    /// `<repo>/../shared/corpus/sisimai/dev*`, else `/work/shared/…`).
    #[test]
    fn corpus_messages_read_the_same_either_way() {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut lean = 0;
        let mut read = 0;
        for name in ["dev", "dev-crlf", "dev-cr"] {
            let Some(dir) = [
                repo.join("../shared/corpus/sisimai").join(name),
                std::path::Path::new("/work/shared/corpus/sisimai").join(name),
            ]
            .into_iter()
            .find(|d| d.is_dir()) else {
                eprintln!("corpus sisimai/{name} missing: not compared");
                continue;
            };
            for entry in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
                let input = std::fs::read(entry.path()).unwrap();
                lean += usize::from(lean_copy(&normalize(&input)).is_some());
                read += 1;
                let (a, b) = (read_with(&input, true), read_with(&input, false));
                assert_eq!(format!("{a:?}"), format!("{b:?}"), "{:?}", entry.path());
            }
        }
        eprintln!("{read} corpus messages compared, {lean} with the returned body left out");
        assert!(read == 0 || lean > 0, "the lean parse is never tried");
    }
}
