//! Splits a plain-text notice into recipient blocks: each line that starts with (or consists of)
//! an address opens a block, and the following lines up to the next such line belong to it.

use crate::scan;

/// One recipient and the text the bounce says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block {
    pub(crate) addr: String,
    pub(crate) text: String,
}

/// Lead words allowed before the address on a recipient line (lower-case).
const LEADS: &[&str] = &[
    "rcpt to:",
    "recipient:",
    "recipient address:",
    "original-recipient:",
    "failed recipient:",
    "address:",
    "to:",
    "for",
    "user",
    "mailbox",
];

/// Is this line about a recipient? Returns the address when the line starts with it (after
/// punctuation such as `<`, `"`, `>>>`, `*`, or one of [`LEADS`]).
pub(crate) fn recipient_on_line(line: &str) -> Option<String> {
    let found = scan::addresses(line);
    let first = found.first()?;
    let before = line[..first.start].trim();
    let before_l = before.to_ascii_lowercase();
    let punct_only = before.bytes().all(|b| {
        matches!(
            b,
            b'<' | b'"'
                | b'\''
                | b'>'
                | b'*'
                | b'-'
                | b'#'
                | b'|'
                | b'('
                | b'['
                | b' '
                | b'\t'
                | b':'
        )
    });
    let lead = LEADS.iter().any(|l| {
        let t = before_l
            .trim_end_matches(['<', '"', ' '])
            .trim_start_matches(['>', ' ']);
        t == *l
    });
    if !(punct_only || lead) {
        return None;
    }
    Some(first.addr.to_string())
}

/// Splits the notice (before the returned message) into blocks, merging blocks of the same
/// address, in order of first appearance. Lines that are header fields of a quoted message
/// (`From:`, `To:` at column 0 followed by a display name) are not recipient lines.
pub(crate) fn recipient_blocks(notice: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut current: Option<usize> = None;
    for line in notice.lines() {
        // No `@`, no address: the line only extends the current block.
        let addr = if memchr::memchr(b'@', line.as_bytes()).is_some() {
            address_line(line)
        } else {
            None
        };
        if let Some(addr) = addr {
            match out.iter().position(|b| b.addr.eq_ignore_ascii_case(&addr)) {
                Some(i) => current = Some(i),
                None => {
                    out.push(Block {
                        addr,
                        text: String::new(),
                    });
                    current = Some(out.len() - 1);
                }
            }
        }
        if let Some(i) = current {
            let b = &mut out[i];
            if b.text.len() < 16 * 1024 {
                b.text.push_str(line);
                b.text.push('\n');
            }
        }
    }
    out
}

/// The address a line of the notice opens a block for, unless the line is a header field of a
/// quoted message.
fn address_line(line: &str) -> Option<String> {
    let head = line.trim_start();
    let is_header = [
        "from:",
        "reply-to:",
        "sender:",
        "return-path:",
        "cc:",
        "message-id:",
    ]
    .iter()
    .any(|h| scan::starts_with_ci(head, h));
    if is_header {
        None
    } else {
        recipient_on_line(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipient_lines() {
        let cases = [
            ("<a@example.org>:", Some("a@example.org")),
            ("  a@example.org", Some("a@example.org")),
            ("a@example.org [User unknown]", Some("a@example.org")),
            (">>> RCPT To:<a@example.org>", Some("a@example.org")),
            ("\"a@example.org\":", Some("a@example.org")),
            ("for a@example.org", Some("a@example.org")),
            (
                "host mx.example.org said: 550 <a@example.org> unknown",
                None,
            ),
            ("The mail to a@example.org failed", None),
        ];
        for (line, want) in cases {
            assert_eq!(recipient_on_line(line).as_deref(), want, "{line:?}");
        }
    }

    #[test]
    fn blocks_follow_recipients() {
        let t = "intro\n<a@x.example>:\n550 no such user\n<b@x.example>:\n452 full\nmore about b\n";
        let b = recipient_blocks(t);
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].addr, "a@x.example");
        assert!(b[0].text.contains("550 no such user"));
        assert!(b[1].text.contains("more about b"));
        assert!(!b[1].text.contains("550"));
    }
}
