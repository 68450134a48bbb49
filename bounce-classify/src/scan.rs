//! Small scanners over free text: addresses, reply codes, status codes, the SMTP step, and the
//! line where a bounce's returned copy of the message starts. All linear in their input.

use std::cell::RefCell;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use smtp_core::status::EnhancedStatus;

use crate::report::Command;

/// One automaton for a list of lower-case phrases, run over ASCII-lower-cased text (which keeps
/// every byte offset). Lower-casing first and searching case-sensitively lets the automaton use
/// its prefilters, which an ASCII case-insensitive automaton cannot: about twice as fast. With
/// `LeftmostFirst` the first match is the leftmost occurrence, and among occurrences at the same
/// place the phrase listed first (what `min_by_key` over `find` of each phrase in list order
/// gives).
pub(crate) fn phrases<'a>(phrases: impl IntoIterator<Item = &'a str>) -> AhoCorasick {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(phrases)
        .expect("a phrase table builds into an automaton")
}

/// The first occurrence of `needle` in `hay`: memchr's SIMD substring search, several times
/// faster than `str::find` over a whole notice (the recognisers search notices many times).
/// Setting a searcher up costs more than a short search, so each needle's searcher is built
/// once (per thread) and kept: a `'static` needle never changes and is never freed, so its
/// address and length name it.
pub(crate) fn find(hay: &str, needle: &'static str) -> Option<usize> {
    /// Slots of the per-thread table (a power of two, well above the number of needles).
    const SLOTS: usize = 256;
    type Finders = RefCell<Vec<Option<((usize, usize), memchr::memmem::Finder<'static>)>>>;
    thread_local! {
        static FINDERS: Finders = const { RefCell::new(Vec::new()) };
    }
    let key = (needle.as_ptr() as usize, needle.len());
    // Open addressing on a hash of the address: one probe for almost every needle, instead of
    // a walk along all the needles seen so far.
    let start = (key.0 ^ key.1).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (usize::BITS - 8);
    FINDERS.with_borrow_mut(|finders| {
        if finders.is_empty() {
            finders.resize_with(SLOTS, || None);
        }
        for probe in 0..SLOTS {
            let at = (start + probe) % SLOTS;
            match &finders[at] {
                Some((k, f)) if *k == key => return f.find(hay.as_bytes()),
                Some(_) => continue,
                None => {
                    let f = memchr::memmem::Finder::new(needle.as_bytes());
                    let found = f.find(hay.as_bytes());
                    finders[at] = Some((key, f));
                    return found;
                }
            }
        }
        // Table full (more needles than slots): search without keeping the searcher.
        memchr::memmem::find(hay.as_bytes(), needle.as_bytes())
    })
}

/// Does `hay` contain `needle` (lower-case) ASCII case-insensitively? Only where the needle's
/// rarest byte ([`anchor`]) occurs (in either case) is the rest compared, without a lower-cased
/// copy.
pub(crate) fn contains_ci(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return true;
    }
    let k = anchor(n);
    let a = n[k];
    memchr::memchr2_iter(a, a.to_ascii_uppercase(), h).any(|at| {
        at >= k
            && h.get(at - k..at - k + n.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(n))
    })
}

/// The index of the byte of `needle` least likely in English text (letters by their frequency,
/// any other byte as common as `m`): the fewer places it occurs, the fewer comparisons.
fn anchor(needle: &[u8]) -> usize {
    const RARE_FIRST: &[u8] = b"zqxjkvbpygfwmucldrhsnioate";
    const RANK: [u8; 256] = {
        let mut rank = [(RARE_FIRST.len() / 2) as u8; 256];
        let mut i = 0;
        while i < RARE_FIRST.len() {
            rank[RARE_FIRST[i] as usize] = i as u8;
            i += 1;
        }
        rank
    };
    (0..needle.len())
        .min_by_key(|&i| RANK[usize::from(needle[i])])
        .unwrap_or(0)
}

/// Does `hay` contain `needle`? [`find`] for yes/no.
pub(crate) fn contains(hay: &str, needle: &'static str) -> bool {
    find(hay, needle).is_some()
}

/// The words of `text` joined by single spaces: `text.split_whitespace()` joined with `" "`,
/// in one pass without the intermediate vector (ASCII text byte by byte).
pub(crate) fn words(text: &str) -> String {
    if text.is_ascii() {
        // `char::is_whitespace` on ASCII: space, tab, LF, VT, FF, CR.
        let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
        let b = text.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
            let start = i;
            while i < b.len() && !is_space(b[i]) {
                i += 1;
            }
            if start < i {
                if !out.is_empty() {
                    out.push(b' ');
                }
                out.extend_from_slice(&b[start..i]);
            }
        }
        // ASCII in, ASCII out.
        return String::from_utf8(out).unwrap_or_default();
    }
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Does `s` start with `prefix` (ASCII case-insensitive; `prefix` lower-case)?
pub(crate) fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

fn is_local_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&b)
}

fn is_domain_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'.'
}

/// An address found in text: byte range and the address (lower-cased domain kept as written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found<'a> {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) addr: &'a str,
}

/// Finds `local@domain` addresses: a local part of atom characters and a domain with at least
/// one dot (or a bracketed literal).
pub(crate) fn addresses(text: &str) -> Vec<Found<'_>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = memchr::memchr(b'@', &b[from..]) {
        let at = from + pos;
        from = at + 1;
        let mut s = at;
        while s > 0 && is_local_char(b[s - 1]) {
            s -= 1;
        }
        while s < at && b[s] == b'.' {
            s += 1;
        }
        let mut e = at + 1;
        if b.get(e) == Some(&b'[') {
            while e < b.len() && b[e] != b']' && e - at < 64 {
                e += 1;
            }
            if b.get(e) == Some(&b']') {
                e += 1;
            } else {
                continue;
            }
        } else {
            while e < b.len() && is_domain_char(b[e]) {
                e += 1;
            }
            while e > at + 1 && matches!(b[e - 1], b'.' | b'-') {
                e -= 1;
            }
        }
        if s == at && at > 0 && b[at - 1] == b'"' {
            s = quoted_local_start(b, at).unwrap_or(at);
        }
        if let Some((bs, be)) = bracketed(b, s, at, e) {
            (s, e) = (bs, be);
        }
        let domain = &text[at + 1..e];
        if s == at || domain.is_empty() || !(domain.contains('.') || domain.starts_with('[')) {
            continue;
        }
        if out.last().is_some_and(|f: &Found<'_>| f.end > s) {
            continue;
        }
        out.push(Found {
            start: s,
            end: e,
            addr: &text[s..e],
        });
        from = e.max(from);
    }
    out
}

/// Where a quoted local part (`"john smith"@example.org`, RFC 5321 `Quoted-string`) ending
/// just before the `@` at `at` starts: its opening quote, on the same line, at most 64 bytes
/// back (the local part's limit), with no quote inside but an escaped one.
fn quoted_local_start(b: &[u8], at: usize) -> Option<usize> {
    let close = at - 1;
    let mut i = close;
    while i > 0 && close - i < 64 {
        i -= 1;
        match b[i] {
            b'\n' | b'\r' => return None,
            b'"' if i == 0 || b[i - 1] != b'\\' => return (i + 1 < close).then_some(i),
            _ => {}
        }
    }
    None
}

/// An address in angle brackets with UTF-8 in it (`<用户@例子.测试>`, RFC 6531): when the atom
/// scan of `s..e` around the `@` at `at` stopped at a non-ASCII byte, the brackets around it,
/// if both are there with no space, bracket or second `@` between, give the address. Outside
/// brackets non-ASCII text is never taken in: Japanese notices write addresses right against
/// their words (`a@example.jpへ`).
fn bracketed(b: &[u8], s: usize, at: usize, e: usize) -> Option<(usize, usize)> {
    let stopped_local = s > 0 && b[s - 1] >= 0x80;
    let stopped_domain = b.get(e).is_some_and(|&c| c >= 0x80);
    if !stopped_local && !stopped_domain {
        return None;
    }
    let inside =
        |c: u8| !(c.is_ascii_whitespace() || c.is_ascii_control() || b"<>@\"".contains(&c));
    let mut open = s;
    while open > 0 && at - open < 64 && inside(b[open - 1]) {
        open -= 1;
    }
    let mut close = e;
    while close < b.len() && close - at < 255 && inside(b[close]) {
        close += 1;
    }
    let ok = open > 0
        && b[open - 1] == b'<'
        && b.get(close) == Some(&b'>')
        && open < at
        && close > at + 1
        && std::str::from_utf8(&b[open..close]).is_ok();
    ok.then_some((open, close))
}

/// The first SMTP reply code (4xx/5xx) standing alone in the text: three digits not glued to
/// other digits, letters or dots, followed by a space, `-` (a multi-line reply, not `550-1234`),
/// punctuation or the end of the text.
pub(crate) fn reply_code(text: &str) -> Option<u16> {
    let b = text.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let last = b.len().saturating_sub(2);
    // Only a `4` or a `5` can start a code: jump from one to the next.
    for i in memchr::memchr2_iter(b'4', b'5', &b[..last]) {
        if !digit(i + 1) || !digit(i + 2) {
            continue;
        }
        let prev_ok = i == 0
            || b[i - 1].is_ascii_whitespace()
            || matches!(
                b[i - 1],
                b'(' | b'[' | b'<' | b'"' | b'\'' | b':' | b';' | b'>' | b','
            );
        let next_ok = match b.get(i + 3) {
            None => true,
            Some(b'-') => !digit(i + 4) || b.get(i + 5) == Some(&b'.'),
            Some(b'.') => !digit(i + 4),
            Some(n) => {
                n.is_ascii_whitespace() || matches!(n, b',' | b')' | b']' | b'"' | b';' | b':')
            }
        };
        let code = u16::from(b[i] - b'0') * 100
            + u16::from(b[i + 1] - b'0') * 10
            + u16::from(b[i + 2] - b'0');
        if prev_ok && next_ok && (b[i] == b'4' && code <= 459 || b[i] == b'5' && code <= 559) {
            return Some(code);
        }
    }
    None
}

/// The first enhanced status code in the text (class 4 or 5 preferred over 2).
pub(crate) fn status(text: &str) -> Option<EnhancedStatus> {
    let mut rest = text.as_bytes();
    let mut first = None;
    while let Some((s, at)) = EnhancedStatus::find(rest) {
        if s.class != smtp_core::status::StatusClass::Success {
            return Some(s);
        }
        first.get_or_insert(s);
        rest = &rest[at + 1..];
    }
    first
}

/// The SMTP step named in the text. Three tries, in order:
/// 1. an explicit statement (`in reply to RCPT TO command`, `after end of data`, `did not like
///    our final DATA`, `[RCPT_TO]`, `SMTP command: DATA`, …), the first in the text;
/// 2. a session transcript: the last `>>> COMMAND` line before the first `<<< 4xx/5xx` reply;
/// 3. a bare command name next to the error (`RCPT TO:<…>`, `MAIL FROM`).
pub(crate) fn command(text: &str) -> Option<Command> {
    static EXPLICIT_AC: LazyLock<AhoCorasick> =
        LazyLock::new(|| phrases(EXPLICIT.iter().map(|(p, _)| *p)));
    static BARE_AC: LazyLock<AhoCorasick> = LazyLock::new(|| phrases(BARE.iter().map(|(p, _)| *p)));
    let t = text.to_ascii_lowercase();
    if let Some(m) = EXPLICIT_AC.find(&t) {
        return Some(EXPLICIT[m.pattern().as_usize()].1);
    }
    if let Some(c) = transcript_command(&t) {
        return Some(c);
    }
    BARE_AC.find(&t).map(|m| BARE[m.pattern().as_usize()].1)
}

/// Explicit statements of the SMTP step (lower-case), in priority order for ties.
const EXPLICIT: &[(&str, Command)] = &[
    ("in reply to end of data", Command::Data),
    ("in reply to data", Command::Data),
    ("in reply to rcpt to", Command::Rcpt),
    ("in reply to mail from", Command::Mail),
    ("in reply to helo", Command::Helo),
    ("in reply to ehlo", Command::Helo),
    ("in reply to initial connection", Command::Conn),
    ("in reply to starttls", Command::StartTls),
    ("after end of data", Command::Data),
    ("after data", Command::Data),
    ("after rcpt to", Command::Rcpt),
    ("after rcpt", Command::Rcpt),
    ("after mail from", Command::Mail),
    ("after mail", Command::Mail),
    ("after helo", Command::Helo),
    ("after ehlo", Command::Helo),
    ("after initial connection", Command::Conn),
    ("after starttls", Command::StartTls),
    ("after auth", Command::Auth),
    ("after pipelined", Command::Rcpt),
    ("our final data", Command::Data),
    ("like our data", Command::Data),
    ("like our rcpt to", Command::Rcpt),
    ("like our mail from", Command::Mail),
    ("rcpt to response", Command::Rcpt),
    ("data response", Command::Data),
    ("mail from response", Command::Mail),
    ("connection response", Command::Conn),
    ("following rcpt command", Command::Rcpt),
    ("after rcpt command", Command::Rcpt),
    ("for rcpt command", Command::Rcpt),
    ("for text command", Command::Data),
    ("for data command", Command::Data),
    ("for mail command", Command::Mail),
    ("[rcpt_to]", Command::Rcpt),
    ("[mail_from]", Command::Mail),
    ("[data]", Command::Data),
    ("smtp command data", Command::Data),
    ("smtp command\ndata", Command::Data),
    ("smtp command rcpt", Command::Rcpt),
    ("smtp command\nrcpt", Command::Rcpt),
    ("smtp command mail", Command::Mail),
    ("smtp command\nmail", Command::Mail),
    ("end of data", Command::Data),
];

/// Bare command names (lower-case), in priority order for ties.
const BARE: &[(&str, Command)] = &[
    ("rcpt to", Command::Rcpt),
    ("mail from", Command::Mail),
    ("starttls", Command::StartTls),
    ("ehlo", Command::Helo),
    ("helo", Command::Helo),
    ("greeting", Command::Conn),
    ("banner", Command::Conn),
];

/// The last `>>> COMMAND` line before the first `<<< 4xx`/`<<< 5xx` line of a transcript
/// (command names ASCII case-insensitive).
fn transcript_command(text: &str) -> Option<Command> {
    // Without a `>>>` line nothing is found: skip the walk over the lines.
    if !contains(text, ">>>") {
        return None;
    }
    let mut last = None;
    for line in text.lines() {
        let l = line.trim_start();
        if let Some(cmd) = l.strip_prefix(">>>") {
            let cmd = cmd.trim_start();
            last = [
                ("rcpt", Command::Rcpt),
                ("mail", Command::Mail),
                ("data", Command::Data),
                (".", Command::Data),
                ("ehlo", Command::Helo),
                ("helo", Command::Helo),
                ("starttls", Command::StartTls),
                ("auth", Command::Auth),
            ]
            .iter()
            .find(|(p, _)| starts_with_ci(cmd, p))
            .map(|(_, c)| *c)
            .or(last);
        } else if let Some(reply) = l.strip_prefix("<<<")
            && matches!(reply.trim_start().as_bytes().first(), Some(b'4' | b'5'))
            && last.is_some()
        {
            // With pipelining, RCPT refusals arrive after DATA was sent; a reply naming an
            // address (`550 5.1.1 <a@b.c>... User unknown`) answers the RCPT.
            if last == Some(Command::Data) && reply.contains(">...") {
                return Some(Command::Rcpt);
            }
            return last;
        }
    }
    None
}

/// Where the returned copy of the original message starts in a plain-text bounce: a marker line
/// (`--- Below this line is a copy of the message.`, `------ This is a copy of the message…`,
/// `----- Original message -----`, …) or a header block of the returned message. Returns the
/// byte offset of that line, or the text length.
pub(crate) fn original_start(text: &str) -> usize {
    original_start_in(text, &text.to_ascii_lowercase())
}

/// [`original_start`] with `lower` = `text` ASCII-lower-cased given (a message keeps its
/// notice's lower-case copy). Rather than walking every line, it searches the lower-cased text
/// from the end of the first non-blank line for the markers and the two header names, and
/// checks each hit's line; the first line that qualifies is the answer.
pub(crate) fn original_start_in(text: &str, lower: &str) -> usize {
    static MARKERS_AC: LazyLock<AhoCorasick> = LazyLock::new(|| phrases(MARKERS.iter().copied()));
    static HEADERS_AC: LazyLock<AhoCorasick> =
        LazyLock::new(|| phrases(["return-path:", "received: from"]));
    let b = text.as_bytes();
    // Only lines after the first one holding text count.
    let mut from = 0;
    loop {
        if from >= b.len() {
            return text.len();
        }
        let end = memchr::memchr(b'\n', &b[from..]).map_or(b.len(), |i| from + i + 1);
        let blank = text[from..end].trim().is_empty();
        from = end;
        if !blank {
            break;
        }
    }
    if from >= b.len() {
        return text.len();
    }
    let line_start = |at: usize| memchr::memrchr(b'\n', &b[..at]).map_or(0, |i| i + 1);
    // No marker spans a line end, so the (non-overlapping, leftmost-first) matches found in a
    // line do not depend on where the search started, as long as it started at a line start.
    let marker = MARKERS_AC
        .find_iter(&lower[from..])
        .map(|m| line_start(from + m.start()))
        .find(|&ls| {
            !starts_with_ci(
                text[ls..].trim_start(),
                "----- transcript of session follows",
            )
        });
    // A header name counts at the start of its line (after white space only). Only the lines
    // before the marker's can move the start up: a header found on the marker's line or after
    // it starts no earlier (and no pattern spans a line end, so the matches before a line
    // start are the same whether the search goes on past it or not).
    let header_end = marker.unwrap_or(text.len()).max(from);
    let header = HEADERS_AC
        .find_iter(&lower[from..header_end])
        .map(|m| (line_start(from + m.start()), from + m.start()))
        .find(|&(ls, at)| text[ls..at].trim_start().is_empty())
        .map(|(ls, _)| ls);
    match (marker, header) {
        (Some(a), Some(h)) => a.min(h),
        (a, h) => a.or(h).unwrap_or(text.len()),
    }
}

/// The lines that start the returned message (lower-case; none spans a line end).
const MARKERS: &[&str] = &[
    "below this line is a copy of the message",
    "below is a copy of the original message",
    "this is a copy of the message",
    "copy of the message, including all the headers",
    "original message follows",
    "original message -----",
    "----- original message",
    "-------original message",
    "message text follows",
    "the header of the original message",
    "header of the original message",
    "original message header",
    "undelivered message headers",
    "undeliverable message headers",
    "message headers follow",
    "----- transcript of session follows",
    "returned message --------",
    "your message reads (in part)",
    "------ original message",
    "content-type: message/rfc822",
    "the original message headers are",
    "the original message was:",
    "--- original message",
    "unsent message below",
    "included is a copy of the message",
    "original mail header",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_addresses() {
        let cases: [(&str, &[&str]); 13] = [
            ("<a@example.org>:", &["a@example.org"]),
            ("to a.b+c@mx.example.co.jp.", &["a.b+c@mx.example.co.jp"]),
            ("user@localhost", &[]),
            (
                "x@[192.0.2.1] and y@z.example",
                &["x@[192.0.2.1]", "y@z.example"],
            ),
            ("@@@", &[]),
            ("\"a@b.c\" said", &["a@b.c"]),
            ("RCPT TO:<k@e.jp>", &["k@e.jp"]),
            (
                "<\"john smith\"@corp.example>: said",
                &["\"john smith\"@corp.example"],
            ),
            ("\"unclosed@corp.example", &["unclosed@corp.example"]),
            ("<用户@例子.测试>: 550", &["用户@例子.测试"]),
            ("<josé@example.org>", &["josé@example.org"]),
            // Outside brackets, text written against an address is not part of it.
            ("宛先:jiro@example.jpへの配送", &["jiro@example.jp"]),
            ("「a@example.jp」", &["a@example.jp"]),
        ];
        for (input, want) in cases {
            let got: Vec<_> = addresses(input).into_iter().map(|f| f.addr).collect();
            assert_eq!(got, want, "{input:?}");
        }
    }

    #[test]
    fn finds_reply_codes() {
        let cases = [
            ("550 5.1.1 unknown", Some(550)),
            ("host said: 452 4.2.2 full", Some(452)),
            ("550-5.7.26 text", Some(550)),
            ("192.0.2.50 said 550", Some(550)),
            ("port 4500 open", None),
            ("5.1.1 only", None),
            ("(#5.5.0)", None),
            ("error 421", Some(421)),
            ("id 550-1234", None),
        ];
        for (input, want) in cases {
            assert_eq!(reply_code(input), want, "{input:?}");
        }
    }

    #[test]
    fn finds_status_and_command() {
        assert_eq!(
            status("550 5.1.1 x").map(|s| s.to_string()).as_deref(),
            Some("5.1.1")
        );
        assert_eq!(
            status("2.0.0 ok then 5.2.2")
                .map(|s| s.to_string())
                .as_deref(),
            Some("5.2.2")
        );
        assert_eq!(status("1.2.3.4"), None);
        let cases = [
            ("(in reply to RCPT TO command)", Some(Command::Rcpt)),
            ("(in reply to end of DATA command)", Some(Command::Data)),
            (
                "SMTP error from remote mail server after MAIL FROM:<a@b.c>",
                Some(Command::Mail),
            ),
            ("did not like our final DATA", Some(Command::Data)),
            ("(in reply to initial connection)", Some(Command::Conn)),
            ("said: 550 no", None),
            (
                ">>> MAIL From:<a@b.c>\n<<< 250 ok\n>>> RCPT To:<d@e.f>\n<<< 550 5.1.1 unknown\n>>> DATA\n<<< 554 no valid recipients",
                Some(Command::Rcpt),
            ),
            ("-------SMTP command\nDATA\n", Some(Command::Data)),
            (
                ">>> DATA\n<<< 550 5.1.1 <a@b.c>... User unknown\n",
                Some(Command::Rcpt),
            ),
            (
                ">>> DATA\n<<< 554 5.7.1 Message refused\n",
                Some(Command::Data),
            ),
        ];
        for (input, want) in cases {
            assert_eq!(command(input), want, "{input:?}");
        }
    }

    #[test]
    fn words_are_the_whitespace_split_joined() {
        let cases = [
            "",
            "   ",
            "one",
            "  a\tb\r\nc  ",
            "a\x0bb\x0cc\x1fd",
            "x\u{a0}y\u{3000}z\u{2028}w",
            "caf\u{e9}  na\u{ef}ve\n",
        ];
        for text in cases {
            let want = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(words(text), want, "{text:?}");
        }
        assert_eq!(find("abc abc", "c a"), Some(2));
        assert!(contains("xyz", "yz") && !contains("xyz", "zy"));
    }

    /// The line-by-line walk `original_start` replaced, kept as the oracle.
    fn original_start_by_lines(text: &str) -> usize {
        static MARKERS_AC: LazyLock<AhoCorasick> =
            LazyLock::new(|| phrases(MARKERS.iter().copied()));
        let b = text.as_bytes();
        let lower = text.to_ascii_lowercase();
        // One pass of the automaton over the text; no marker spans a line end, so a line holds a
        // marker exactly when one of these (non-overlapping) matches starts in it.
        let mut markers = MARKERS_AC.find_iter(&lower).peekable();
        let mut offset = 0;
        let mut seen_text = false;
        while offset < b.len() {
            let end = memchr::memchr(b'\n', &b[offset..]).map_or(b.len(), |i| offset + i + 1);
            let line = &text[offset..end];
            if seen_text {
                while markers.next_if(|m| m.start() < offset).is_some() {}
                let has_marker = markers.peek().is_some_and(|m| m.start() < end);
                let l = line.trim_start();
                if has_marker && !starts_with_ci(l, "----- transcript of session follows") {
                    return offset;
                }
                if starts_with_ci(l, "return-path:") || starts_with_ci(l, "received: from") {
                    return offset;
                }
            }
            if !line.trim().is_empty() {
                seen_text = true;
            }
            offset = end;
        }
        text.len()
    }

    #[test]
    fn original_start_agrees_with_the_line_walk() {
        let texts = [
            "",
            "\n\n",
            "just text\n",
            "Below this line is a copy of the message.\nReturn-Path: <a@b>\n",
            "Hi\n  Return-Path: <a@b>\n",
            "Hi\nx Return-Path: <a@b>\nReceived: from y\n",
            "Hi\n----- Transcript of session follows -----\n--- Below this line is a copy of the message.\n",
            "Hi\n----- transcript of session follows ----- original message follows\nmore\n",
            "\n  \nfirst\n\u{a0}Received: from x\nOriginal message follows\n",
            "Original message follows\nsecond\n",
            "text\nsome ----- Original Message ----- here",
            "text\nRECEIVED: FROM x",
            "caf\u{e9}\n\u{2003}return-path: x\n",
        ];
        for t in texts {
            assert_eq!(original_start(t), original_start_by_lines(t), "{t:?}");
        }
        for corpus in ["dev", "dev-crlf"] {
            let Some(dir) = corpus_dir(corpus) else {
                eprintln!("corpus {corpus} missing: comparison on the corpus skipped");
                continue;
            };
            for entry in std::fs::read_dir(dir).unwrap() {
                let raw = std::fs::read(entry.unwrap().path()).unwrap();
                let t = String::from_utf8_lossy(&raw);
                for from in [0, t.len() / 3] {
                    let from = (from..=t.len()).find(|&i| t.is_char_boundary(i)).unwrap();
                    let t = &t[from..];
                    assert_eq!(original_start(t), original_start_by_lines(t));
                }
            }
        }
    }

    fn corpus_dir(name: &str) -> Option<std::path::PathBuf> {
        let repo = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus/sisimai/");
        [
            std::path::PathBuf::from(repo).join(name),
            std::path::PathBuf::from("/work/shared/corpus/sisimai").join(name),
        ]
        .into_iter()
        .find(|p| p.is_dir())
    }

    #[test]
    fn finds_where_the_original_starts() {
        let t = "Hi.\n<a@b.c>:\n550 no\n--- Below this line is a copy of the message.\nReturn-Path: <x@y.z>\n";
        assert_eq!(&t[original_start(t)..][..7], "--- Bel");
        let t = "notice\nReceived: from x\n";
        assert_eq!(&t[original_start(t)..], "Received: from x\n");
        assert_eq!(original_start("just text\n"), 10);
    }
}
