//! Small pieces of RFC 5322 / MIME writing and reading shared by the report builders: dates,
//! line ends, the original message's header block and fields, and header-line wrapping.

use crate::types::Timestamp;

/// `date-time` of RFC 5322 §3.3 in UTC: `Tue, 3 Mar 2026 09:05:00 +0000`.
///
/// ```text
/// date-time = [ day-of-week "," ] date time [CFWS]
/// date      = day month year
/// time      = time-of-day zone
/// ```
pub(crate) fn rfc5322_date(at: Timestamp) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = at.millis() / 1000;
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{}, {d} {} {y} {:02}:{:02}:{:02} +0000",
        DAYS[(days % 7) as usize],
        MONTHS[(m - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// `YYYYMMDDhhmmss` in UTC, for identifiers.
pub(crate) fn compact_date(at: Timestamp) -> String {
    let secs = at.millis() / 1000;
    let (y, m, d) = civil_from_days(secs / 86_400);
    let rem = secs % 86_400;
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Year, month (1–12) and day (1–31) of a day count since 1970-01-01, in the proleptic
/// Gregorian calendar: count 400-year eras of 146,097 days, then years of a March-based year
/// (so the leap day ends the year), then months of 153 days per 5.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468; // days from 0000-03-01 to 1970-01-01
    let era = z / 146_097;
    let doe = z % 146_097; // day of era, 0..=146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of the March-based year
    let mp = (5 * doy + 2) / 153; // March = 0
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

/// The text with every line end (CRLF, LF or a lone CR) made CRLF.
pub(crate) fn crlf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 40);
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'\r' => {
                out.extend_from_slice(b"\r\n");
                if raw.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'\n' => out.extend_from_slice(b"\r\n"),
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// The header block of a message with CRLF line ends, up to and without the blank line that
/// ends it (the whole input when it has no body).
pub(crate) fn header_block(raw: &[u8]) -> Vec<u8> {
    let norm = crlf(raw);
    if norm.starts_with(b"\r\n") {
        return Vec::new();
    }
    match norm.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(at) => norm[..at + 2].to_vec(),
        None => norm,
    }
}

/// The unfolded value of the first header field `name` (case-insensitive) of a message.
pub(crate) fn header(raw: &[u8], name: &str) -> Option<String> {
    let block = header_block(raw);
    let text = String::from_utf8_lossy(&block);
    let mut found: Option<String> = None;
    for line in text.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some(v) = found.as_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        if found.is_some() {
            break;
        }
        if let Some((n, v)) = line.split_once(':')
            && n.trim_end().eq_ignore_ascii_case(name)
        {
            found = Some(v.trim().to_owned());
        }
    }
    found
}

/// Whether the message is all 7-bit (its MIME part can say `7bit`).
pub(crate) fn is_7bit(raw: &[u8]) -> bool {
    raw.is_ascii()
}

/// Breaks `text` into lines of at most `width` characters at spaces, continuing lines with
/// `indent`, as Postfix lays out the recipient lines of its notices. Words longer than the
/// width stay whole.
pub(crate) fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut line_len = 0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if line_len > 0 && line_len + 1 + word.chars().count() > width {
            out.push_str("\r\n");
            out.push_str(indent);
            line_len = indent.len();
        } else if line_len > 0 {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += word.chars().count();
    }
    out
}

/// The domain of an address (`""` when it has none).
pub(crate) fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map_or("", |(_, d)| d)
}

/// A header value made safe to write: line ends and other control characters become spaces.
pub(crate) fn clean(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let cases = [
            (0, "Thu, 1 Jan 1970 00:00:00 +0000", "19700101000000"),
            (
                951_782_400_000,
                "Tue, 29 Feb 2000 00:00:00 +0000",
                "20000229000000",
            ),
            (
                1_772_528_700_123,
                "Tue, 3 Mar 2026 09:05:00 +0000",
                "20260303090500",
            ),
            (
                4_102_444_799_000,
                "Thu, 31 Dec 2099 23:59:59 +0000",
                "20991231235959",
            ),
        ];
        for (ms, want, compact) in cases {
            assert_eq!(rfc5322_date(Timestamp(ms)), want, "{ms}");
            assert_eq!(compact_date(Timestamp(ms)), compact, "{ms}");
        }
    }

    #[test]
    fn line_ends_and_headers() {
        let cases: [(&[u8], &[u8]); 4] = [
            (b"a\nb\r\nc\rd", b"a\r\nb\r\nc\r\nd"),
            (b"", b""),
            (b"\r\r\n\n", b"\r\n\r\n\r\n"),
            (b"x\r", b"x\r\n"),
        ];
        for (input, want) in cases {
            assert_eq!(crlf(input), want);
        }
        let msg =
            b"Subject: a\n  folded\nMessage-ID: <1@x>\nsubject: second\n\nbody\nSubject: no\n";
        assert_eq!(header(msg, "subject").as_deref(), Some("a folded"));
        assert_eq!(header(msg, "MESSAGE-ID").as_deref(), Some("<1@x>"));
        assert_eq!(header(msg, "references"), None);
        assert_eq!(
            header_block(msg),
            b"Subject: a\r\n  folded\r\nMessage-ID: <1@x>\r\nsubject: second\r\n"
        );
        assert_eq!(header_block(b"\r\nbody"), b"");
        assert_eq!(header_block(b"A: b"), b"A: b");
    }

    #[test]
    fn wrapping() {
        assert_eq!(wrap("a bb ccc dddd", 6, "  "), "a bb\r\n  ccc\r\n  dddd");
        assert_eq!(wrap("short", 80, "    "), "short");
        assert_eq!(
            wrap("averyveryverylongword x", 5, " "),
            "averyveryverylongword\r\n x"
        );
    }
}
