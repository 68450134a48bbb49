//! The MIME walk: turns raw bytes into the parts a recogniser looks at.
//!
//! Line ends are made uniform first (CRLF and lone CR become LF), so nothing after this point
//! depends on how the bounce was stored. mail-parser then decodes MIME, transfer encodings and
//! charsets; we keep the top-level headers, the human-readable notice, the machine-readable
//! report parts and the returned message's headers.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::sync::LazyLock;

use mail_parser::{MessageParser, MimeHeaders, PartType};

/// Input larger than this is cut before MIME parsing; a bounce's report sits at its start and
/// the rest is the returned message. Keeps time and memory bounded.
pub(crate) const MAX_INPUT: usize = 8 * 1024 * 1024;

/// Text kept from one part at most: enough for any notice, bounded for huge attachments.
const MAX_TEXT: usize = 256 * 1024;

/// The pieces of a message that recognisers read.
#[derive(Debug, Default)]
pub(crate) struct Message {
    /// Top-level header fields' text: each lower-case name and decoded, unfolded value, one
    /// after the other (one buffer for all of them, not two strings per field).
    header_text: String,
    /// Per header field, in order: where its name ends and its value ends in `header_text`
    /// (each starts where the previous piece ends).
    header_ends: Vec<(usize, usize)>,
    /// `type/subtype` of the top-level part, lower-case.
    pub(crate) content_type: String,
    /// The `report-type` parameter of a `multipart/report`, lower-case.
    pub(crate) report_type: Option<String>,
    /// Bodies of `message/delivery-status` (and `message/global-delivery-status`) parts.
    pub(crate) delivery_status: Vec<String>,
    /// Body of a `message/feedback-report` part.
    pub(crate) feedback_report: Option<String>,
    /// The human-readable text of the message (text parts outside any returned message), LF line
    /// ends, HTML reduced to text.
    pub(crate) notice: String,
    /// Header block of the returned message (`message/rfc822` or `text/rfc822-headers`).
    pub(crate) original_headers: String,
    /// Where the returned message starts in `notice` ([`crate::scan::original_start`]), found on first
    /// use: several recognisers ask.
    notice_end: OnceCell<usize>,
    /// `notice` ASCII-lower-cased, made on first use: several recognisers search it.
    notice_lower: OnceCell<String>,
}

impl Message {
    /// The top-level header fields in order: lower-case name, decoded and unfolded value.
    pub(crate) fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        let mut start = 0;
        self.header_ends.iter().map(move |&(name_end, value_end)| {
            let field = (
                &self.header_text[start..name_end],
                &self.header_text[name_end..value_end],
            );
            start = value_end;
            field
        })
    }

    /// Does the message have any top-level header field?
    pub(crate) fn has_headers(&self) -> bool {
        !self.header_ends.is_empty()
    }

    /// The first top-level header `name` (lower-case), if any.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// Adds a header field: `name` lower-cased, `value` unfolded.
    fn push_header(&mut self, name: &str, value: &str) {
        let start = self.header_text.len();
        self.header_text.push_str(name);
        self.header_text[start..].make_ascii_lowercase();
        let name_end = self.header_text.len();
        unfold_into(&mut self.header_text, value);
        self.header_ends.push((name_end, self.header_text.len()));
    }

    /// The byte offset in `notice` where the returned copy of the message starts (the notice's
    /// length when there is none): [`crate::scan::original_start`] of the notice, computed once.
    pub(crate) fn notice_end(&self) -> usize {
        *self
            .notice_end
            .get_or_init(|| crate::scan::original_start_in(&self.notice, self.notice_lower()))
    }

    /// `notice` ASCII-lower-cased (every byte offset the same as in `notice`), made once.
    pub(crate) fn notice_lower(&self) -> &str {
        self.notice_lower
            .get_or_init(|| self.notice.to_ascii_lowercase())
    }

    /// `Subject`, or empty.
    pub(crate) fn subject(&self) -> &str {
        self.header("subject").unwrap_or("")
    }

    /// `From`, or empty.
    pub(crate) fn from(&self) -> &str {
        self.header("from").unwrap_or("")
    }

    /// A header of the returned message (lower-case name), if that part was found.
    pub(crate) fn original_header(&self, name: &str) -> Option<String> {
        header_in_block(&self.original_headers, name)
    }
}

/// Makes line ends LF: CRLF and lone CR both become LF. Also drops an mbox `From ` line at the
/// very start. Input that needs neither is returned as it is, without a copy.
pub(crate) fn normalize(input: &[u8]) -> Cow<'_, [u8]> {
    let input = &input[..input.len().min(MAX_INPUT)];
    let mut out = match memchr::memchr(b'\r', input) {
        None => Cow::Borrowed(input),
        Some(first) => {
            let mut out = Vec::with_capacity(input.len());
            out.extend_from_slice(&input[..first]);
            let mut rest = &input[first..];
            // `rest` starts with a CR here.
            loop {
                out.push(b'\n');
                rest = &rest[if rest.get(1) == Some(&b'\n') { 2 } else { 1 }..];
                match memchr::memchr(b'\r', rest) {
                    Some(i) => {
                        out.extend_from_slice(&rest[..i]);
                        rest = &rest[i..];
                    }
                    None => {
                        out.extend_from_slice(rest);
                        break;
                    }
                }
            }
            Cow::Owned(out)
        }
    };
    if out.starts_with(b"From ")
        && let Some(eol) = memchr::memchr(b'\n', &out)
    {
        match &mut out {
            Cow::Borrowed(b) => *b = &b[eol + 1..],
            Cow::Owned(v) => {
                v.drain(..=eol);
            }
        }
    }
    out
}

/// mail-parser asked for what the MIME walk reads: the MIME header fields are parsed (they
/// shape the part tree and the decoding); every other field is skipped, since the walk takes
/// the top-level fields raw (`headers_raw`) and decodes them itself. This spares the parse of
/// `Received`, address and date fields that nothing here reads.
static PARSER: LazyLock<MessageParser> = LazyLock::new(|| {
    MessageParser::new()
        .with_mime_headers()
        .default_header_ignore()
});

/// Parses a message. `None` when mail-parser finds no message at all.
pub(crate) fn read(input: &[u8]) -> Option<Message> {
    let bytes = normalize(input);
    let parsed = PARSER.parse(&bytes[..])?;
    let mut msg = Message::default();
    let (mut size, mut count) = (0, 0);
    for (name, value) in parsed.headers_raw() {
        size += name.len() + value.len();
        count += 1;
    }
    msg.header_text.reserve(size);
    msg.header_ends.reserve(count);
    for (name, value) in parsed.headers_raw() {
        msg.push_header(name, &decode_words(value));
    }
    let root = parsed.root_part();
    if let Some(ct) = root.content_type() {
        msg.content_type = format!(
            "{}/{}",
            ct.ctype().to_ascii_lowercase(),
            ct.subtype().unwrap_or("").to_ascii_lowercase()
        );
        msg.report_type = ct.attribute("report-type").map(|s| s.to_ascii_lowercase());
    }
    let mut has_plain = false;
    // HTML renderings are reduced to text only when no plain part exists (the common
    // multipart/alternative carries both, and the HTML one is often the larger).
    let mut htmls: Vec<Cow<'_, str>> = Vec::new();
    for part in &parsed.parts {
        let (ctype, subtype) = match part.content_type() {
            Some(ct) => (lower(ct.ctype()), lower(ct.subtype().unwrap_or(""))),
            None => (Cow::Borrowed("text"), Cow::Borrowed("plain")),
        };
        match &part.body {
            PartType::Multipart(_) => {}
            PartType::Message(inner) => {
                if msg.original_headers.is_empty() {
                    msg.original_headers = header_block(inner.raw_message());
                }
            }
            body => {
                // Made only for the parts that are read (an attachment is not converted).
                let text = || -> Cow<'_, str> {
                    match body {
                        PartType::Text(t) | PartType::Html(t) => Cow::Borrowed(cut(t)),
                        PartType::Binary(b) | PartType::InlineBinary(b) => lossy(cut_bytes(b)),
                        _ => Cow::Borrowed(""),
                    }
                };
                match (&*ctype, &*subtype) {
                    ("message", "delivery-status" | "global-delivery-status") => {
                        msg.delivery_status.push(text().into_owned())
                    }
                    ("message", "feedback-report") => {
                        msg.feedback_report = Some(text().into_owned())
                    }
                    ("text" | "message", "rfc822-headers") if msg.original_headers.is_empty() => {
                        msg.original_headers = text().into_owned();
                    }
                    // An attached message mail-parser kept as bytes (encoded transfer).
                    ("message", "rfc822" | "global") if msg.original_headers.is_empty() => {
                        msg.original_headers = header_block(text().as_bytes());
                    }
                    ("text" | "message", "rfc822-headers") | ("message", _) => {}
                    ("text", "html") => htmls.push(text()),
                    ("text", _) => {
                        has_plain = true;
                        msg.notice.push_str(&text());
                        msg.notice.push('\n');
                    }
                    _ => {}
                }
            }
        }
    }
    if !has_plain {
        let mut html = String::new();
        for text in &htmls {
            html.push_str(&html_to_text(text));
            html.push('\n');
        }
        msg.notice = html;
    }
    // (A multipart/alternative holds renderings of one text and no returned message: its short
    // notice is all there is.)
    if msg.content_type.starts_with("multipart/")
        && msg.content_type != "multipart/alternative"
        && msg.delivery_status.is_empty()
        && msg.feedback_report.is_none()
        && msg.notice.trim().len() < 300
    {
        // A multipart whose boundary does not match its parts (seen in real bounces): read the
        // raw body as text so that recognisers still see the notice and any DSN fields.
        let body_at = memchr::memmem::find(&bytes, b"\n\n").map_or(bytes.len(), |i| i + 2);
        msg.notice = lossy(cut_bytes(&bytes[body_at..])).into_owned();
    }
    if msg.notice.contains('\r') {
        msg.notice = msg.notice.replace("\r\n", "\n").replace('\r', "\n");
    }
    Some(msg)
}

/// `s` ASCII-lower-cased, copied only when it has an upper-case letter.
fn lower(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// `String::from_utf8_lossy`, with the common case (valid UTF-8, mostly ASCII) checked first by
/// `str::from_utf8`, whose word-at-a-time ASCII path is several times faster than the lossy
/// chunk walk over the same bytes.
fn lossy(bytes: &[u8]) -> Cow<'_, str> {
    if let Some(text) = raw_iso_2022_jp(bytes) {
        return Cow::Owned(text);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Text in ISO-2022-JP written into a part that names no charset, decoded. Japanese MTAs (Lotus
/// Domino, carriers' mailers) write their notices in it, a DSN's `Diagnostic-Code` included; it
/// is 7-bit, so without this it passes as ASCII with its escape sequences in the text. Only a
/// switch into JIS X 0208 (`ESC $ B` or `ESC $ @`) counts as the mark.
fn raw_iso_2022_jp(bytes: &[u8]) -> Option<String> {
    let marked = memchr::memchr_iter(0x1b, bytes)
        .any(|at| matches!(bytes.get(at + 1..at + 3), Some(b"$B" | b"$@")));
    if !marked {
        return None;
    }
    mail_parser::decoders::charsets::map::charset_decoder(b"iso-2022-jp")
        .map(|decode| decode(bytes))
}

fn cut(s: &str) -> &str {
    if s.len() <= MAX_TEXT {
        return s;
    }
    let mut end = MAX_TEXT;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn cut_bytes(b: &[u8]) -> &[u8] {
    &b[..b.len().min(MAX_TEXT)]
}

/// The header block of a raw message: up to the first blank line, bounded.
fn header_block(raw: &[u8]) -> String {
    let raw = cut_bytes(raw);
    let end = memchr::memmem::find(raw, b"\n\n").unwrap_or(raw.len());
    lossy(&raw[..end]).into_owned()
}

/// Finds header `name` (lower-case) in a header block; folded lines are joined.
pub(crate) fn header_in_block(block: &str, name: &str) -> Option<String> {
    let mut lines = block.lines().peekable();
    while let Some(line) = lines.next() {
        let Some((n, v)) = line.split_once(':') else {
            continue;
        };
        if n.trim().eq_ignore_ascii_case(name) && !n.starts_with([' ', '\t']) {
            let mut value = v.trim().to_string();
            while let Some(next) = lines.peek() {
                if next.starts_with([' ', '\t']) {
                    value.push(' ');
                    value.push_str(next.trim());
                    lines.next();
                } else {
                    break;
                }
            }
            return Some(decode_words(&value).into_owned());
        }
    }
    None
}

/// The value's lines trimmed, blank ones dropped, joined by single spaces; one pass, no
/// intermediate vector (every raw value ends with its line end, so this runs for each field).
#[cfg(test)]
fn unfold(v: &str) -> String {
    let mut out = String::new();
    unfold_into(&mut out, v);
    out
}

/// [`unfold`] appended to `out` (which may already hold other text).
fn unfold_into(out: &mut String, v: &str) {
    let start = out.len();
    let mut from = 0;
    // Splitting at the ASCII bytes CR and LF keeps every piece valid UTF-8.
    for end in memchr::memchr2_iter(b'\n', b'\r', v.as_bytes()).chain([v.len()]) {
        let piece = v[from..end].trim();
        from = end + 1;
        if piece.is_empty() {
            continue;
        }
        if out.len() > start {
            out.push(' ');
        }
        out.push_str(piece);
    }
}

/// Decodes RFC 2047 encoded words by letting mail-parser read a one-field message.
fn decode_words(value: &str) -> Cow<'_, str> {
    if !value.contains("=?") {
        return Cow::Borrowed(value);
    }
    let raw = format!("Subject: {}\n\n", value.trim());
    MessageParser::default()
        .parse(raw.as_bytes())
        .and_then(|m| m.subject().map(|s| Cow::Owned(s.to_string())))
        .unwrap_or(Cow::Borrowed(value))
}

/// Reduces HTML to text: tags dropped (block tags become line breaks), common entities decoded.
pub(crate) fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt..];
        let Some(gt) = after.find('>') else {
            rest = "";
            break;
        };
        let tag = after[1..gt].trim_start_matches('/').to_ascii_lowercase();
        let name = tag.split([' ', '\t', '\n', '/']).next().unwrap_or("");
        if matches!(
            name,
            "br" | "p" | "div" | "tr" | "li" | "h1" | "h2" | "h3" | "table" | "td"
        ) {
            out.push('\n');
        }
        if name == "style" || name == "script" {
            // skip to the closing tag
            let close = format!("</{name}");
            let body = &after[gt + 1..];
            match body.to_ascii_lowercase().find(&close) {
                Some(c) => {
                    let tail = &body[c..];
                    rest = tail.find('>').map_or("", |g| &tail[g + 1..]);
                }
                None => rest = "",
            }
            continue;
        }
        rest = &after[gt + 1..];
    }
    out.push_str(rest);
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The message `raw` (written with LF line ends) read three times: with LF, CRLF and CR line
/// ends, as real bounces come. Tests of every recogniser run on all three.
#[cfg(test)]
pub(crate) fn with_each_line_end(raw: &str) -> impl Iterator<Item = Message> + '_ {
    ["\n", "\r\n", "\r"]
        .into_iter()
        .map(move |eol| read(raw.replace('\n', eol).as_bytes()).expect("a message"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ends_become_lf() {
        let cases: [(&[u8], &[u8]); 9] = [
            (b"a\r\nb\r\n", b"a\nb\n"),
            (b"a\rb\r", b"a\nb\n"),
            (b"a\nb", b"a\nb"),
            (b"a\r\r\nb", b"a\n\nb"),
            (b"From x@y Mon\nA: b\n", b"A: b\n"),
            (b"From x@y Mon\r\nA: b\r", b"A: b\n"),
            (b"\r", b"\n"),
            (b"\r\n\r\r", b"\n\n\n"),
            (b"", b""),
        ];
        for (input, want) in cases {
            assert_eq!(&normalize(input)[..], want);
        }
    }

    #[test]
    fn folded_values_are_unfolded() {
        let cases = [
            " a b\n",
            "from x\n\tby y\r\n  with z\n",
            "\n\n",
            "",
            "one",
            "caf\u{e9}\r\n \u{a0}na\u{ef}ve \n",
        ];
        for v in cases {
            let want = v
                .split(['\n', '\r'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            assert_eq!(unfold(v), want, "{v:?}");
        }
    }

    #[test]
    fn html_is_reduced_to_text() {
        assert_eq!(
            html_to_text("<p>550 &lt;a@b&gt;</p><style>x{}</style>ok<br>"),
            "\n550 <a@b>\nok\n"
        );
    }

    #[test]
    fn a_short_alternative_is_read_as_parsed() {
        let raw = "From: a@example.org\nSubject: Auto: hi\nMIME-Version: 1.0\n\
Content-Type: multipart/alternative; boundary=\"MC=_1\"\n\n--MC=_1\n\
Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\n\
This inbox is no longer in use. Please contact so=\nmeone else.\n\n--MC=_1\n\
Content-Type: text/html\n\n<p>This inbox is no longer in use.</p>\n--MC=_1--\n";
        let m = read(raw.as_bytes()).unwrap();
        assert_eq!(
            m.notice.trim(),
            "This inbox is no longer in use. Please contact someone else."
        );
    }

    #[test]
    fn raw_iso_2022_jp_without_a_charset_is_decoded() {
        // "ユーザー a@example.jp は見つかりません" as Domino writes it into Diagnostic-Code.
        let diagnostic = "\x1b$B%f!<%6!<\x1b(B a@example.jp \x1b$B$O8+$D$+$j$^$;$s\x1b(B";
        let raw = format!(
            "From: MAILER-DAEMON@example.jp\nSubject: Undelivered\nMIME-Version: 1.0\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n--B\n\
Content-Type: text/plain\n\nNot delivered.\n--B\nContent-Type: message/delivery-status\n\n\
Reporting-MTA: dns; example.jp\n\nFinal-Recipient: rfc822; a@example.jp\nAction: failed\n\
Diagnostic-Code: smtp; {diagnostic}\n--B--\n"
        );
        for m in with_each_line_end(&raw) {
            let dsn = &m.delivery_status[0];
            assert!(
                dsn.contains("ユーザー a@example.jp は見つかりません"),
                "{dsn:?}"
            );
        }
        // Escape sequences that never switch to JIS X 0208 are left alone.
        assert_eq!(lossy(b"a \x1b(B b"), "a \x1b(B b");
        assert_eq!(raw_iso_2022_jp(b"plain text"), None);
    }

    #[test]
    fn report_parts_are_found() {
        let raw = "From: MAILER-DAEMON@example.org\nSubject: Undelivered\nMIME-Version: 1.0\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n--B\n\
Content-Type: text/plain\n\nThe mail system said no.\n--B\nContent-Type: message/delivery-status\n\n\
Reporting-MTA: dns; example.org\n\nFinal-Recipient: rfc822; a@example.com\nAction: failed\n--B\n\
Content-Type: text/rfc822-headers\n\nTo: a@example.com\nSubject: hi\n--B--\n";
        for m in with_each_line_end(raw) {
            assert_eq!(m.content_type, "multipart/report");
            assert_eq!(m.report_type.as_deref(), Some("delivery-status"));
            assert_eq!(m.delivery_status.len(), 1);
            assert!(m.delivery_status[0].contains("Final-Recipient"));
            assert!(m.notice.contains("said no"));
            assert_eq!(m.original_header("to").as_deref(), Some("a@example.com"));
            assert_eq!(m.subject(), "Undelivered");
        }
    }
}
