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
///
/// Only a line with an `@` can open a block: the `@`s are found in one pass, and the lines
/// between them are added to the current block in one piece (line by line only near the size
/// limit). Text with CR in it is read line by line (`str::lines` drops a CR before an LF).
pub(crate) fn recipient_blocks(notice: &str) -> Vec<Block> {
    let b = notice.as_bytes();
    if memchr::memchr(b'\r', b).is_some() {
        return recipient_blocks_by_line(notice);
    }
    let mut out: Vec<Block> = Vec::new();
    let mut current: Option<usize> = None;
    // The start of the first line not read yet.
    let mut pos = 0;
    let mut ats = memchr::memchr_iter(b'@', b);
    while pos < b.len() {
        let Some(at) = ats.find(|&at| at >= pos) else {
            if let Some(i) = current {
                add_lines(&mut out[i].text, &notice[pos..]);
            }
            break;
        };
        let start = memchr::memrchr(b'\n', &b[pos..at]).map_or(pos, |i| pos + i + 1);
        let end = memchr::memchr(b'\n', &b[at..]).map_or(b.len(), |i| at + i);
        if let Some(i) = current {
            add_lines(&mut out[i].text, &notice[pos..start]);
        }
        let line = &notice[start..end];
        if let Some(addr) = address_line(line) {
            current = Some(open_block(&mut out, addr));
        }
        if let Some(i) = current {
            add_lines(&mut out[i].text, line);
        }
        pos = end + 1;
    }
    out
}

/// [`recipient_blocks`] one line at a time.
fn recipient_blocks_by_line(notice: &str) -> Vec<Block> {
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
            current = Some(open_block(&mut out, addr));
        }
        if let Some(i) = current {
            add_line(&mut out[i].text, line);
        }
    }
    out
}

/// Most text kept for one block: a line is added while the block is shorter than this.
const MAX_BLOCK: usize = 16 * 1024;

/// The index of the block of `addr` (ASCII case-insensitively), a new one if there is none.
fn open_block(out: &mut Vec<Block>, addr: String) -> usize {
    match out.iter().position(|b| b.addr.eq_ignore_ascii_case(&addr)) {
        Some(i) => i,
        None => {
            out.push(Block {
                addr,
                text: String::new(),
            });
            out.len() - 1
        }
    }
}

/// Adds one line (without its line end) to a block's text, if the block is not full.
fn add_line(text: &mut String, line: &str) {
    if text.len() < MAX_BLOCK {
        text.push_str(line);
        text.push('\n');
    }
}

/// Adds the lines of `lines` (LF line ends, the last one's optional) as [`add_line`] would one
/// by one: in one piece when the block cannot fill up before the last of them.
fn add_lines(text: &mut String, lines: &str) {
    if lines.is_empty() {
        return;
    }
    if text.len() + lines.len() <= MAX_BLOCK {
        text.push_str(lines);
        if !lines.ends_with('\n') {
            text.push('\n');
        }
        return;
    }
    for line in lines.lines() {
        add_line(text, line);
    }
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
    fn the_one_pass_split_is_the_line_by_line_one() {
        let long = "x".repeat(700);
        let mut near_limit = String::from("<a@x.example>:\n");
        for i in 0..30 {
            near_limit.push_str(&format!("{long} {i}\n"));
            if i % 7 == 0 {
                near_limit.push_str("b@x.example said\n\n<c@x.example>\n");
            }
        }
        let cases = [
            "",
            "\n",
            "a@x.example",
            "a@x.example\n",
            "intro\n\n<a@x.example>:\n550 no\n\nmore\n<B@X.example> again\nlast",
            "<a@x.example> one@two three@four\n<a@x.example>\ntext\n\n",
            "no address at all\nbut @ signs @ here\n<a@x.example>\n@\n",
            "From: <a@x.example>\n<b@x.example>\ntail without end",
            &near_limit,
        ];
        for text in cases {
            assert_eq!(
                recipient_blocks(text),
                recipient_blocks_by_line(text),
                "{text:?}"
            );
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
