//! Folding a diagnostic for matching: lower case, continuation prefixes removed, white space
//! collapsed.

/// Folds text for matching: lower case, continuation prefixes (`550-5.1.1 `) removed, white space
/// collapsed to single spaces.
pub(crate) fn fold(text: &str) -> String {
    if text.is_ascii() {
        return drop_inner_prefixes(fold_ascii(text));
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.lines().enumerate() {
        let mut l = line.trim();
        if i > 0 {
            l = strip_reply_prefix(l);
        }
        for word in l.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            if word.is_ascii() {
                let at = out.len();
                out.push_str(word);
                out[at..].make_ascii_lowercase();
            } else {
                for c in word.chars() {
                    out.extend(c.to_lowercase());
                }
            }
        }
    }
    drop_inner_prefixes(out)
}

/// [`fold`]'s first step for ASCII text, byte by byte: the same lines, prefixes and words
/// (`char::is_whitespace` on ASCII is space, tab, LF, VT, FF and CR), lower-cased.
fn fold_ascii(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    for (i, line) in text.lines().enumerate() {
        let mut l = line.trim();
        if i > 0 {
            l = strip_reply_prefix(l);
        }
        // Each run of non-space bytes copied in one piece, then lower-cased in place.
        let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
        let mut rest = l.as_bytes();
        loop {
            let start = rest.iter().position(|b| !is_space(b)).unwrap_or(rest.len());
            rest = &rest[start..];
            if rest.is_empty() {
                break;
            }
            let end = rest.iter().position(is_space).unwrap_or(rest.len());
            if !out.is_empty() {
                out.push(b' ');
            }
            let at = out.len();
            out.extend_from_slice(&rest[..end]);
            out[at..].make_ascii_lowercase();
            rest = &rest[end..];
        }
    }
    // ASCII in, ASCII out.
    String::from_utf8(out).unwrap_or_default()
}

/// A multi-line reply flattened into one line by the reporting MTA (Postfix does this) keeps
/// its continuation prefixes inside the text: `550-5.7.1 Messages with multiple 550 5.7.1
/// addresses in From:`. Later copies of the leading `code[- ]status` prefix are removed.
fn drop_inner_prefixes(folded: String) -> String {
    let b = folded.as_bytes();
    if b.len() < 5 || !b[..3].iter().all(u8::is_ascii_digit) || !matches!(b[3], b'-' | b' ') {
        return folded;
    }
    let Some((_, n)) = smtp_core::status::EnhancedStatus::parse_prefix(&b[4..]) else {
        return folded;
    };
    let status = &folded[4..4 + n];
    let code = &folded[..3];
    let head_len = 4 + n;
    // The common case: the code and status are not repeated further on; nothing to copy.
    let rest = &folded[head_len..];
    let repeated = rest.match_indices(code).any(|(at, _)| {
        rest[..at].ends_with(' ')
            && rest[at + 3..]
                .strip_prefix(['-', ' '])
                .and_then(|r| r.strip_prefix(status))
                .is_some_and(|r| r.starts_with(' '))
    });
    if !repeated {
        return folded;
    }
    let mut rest = folded[head_len..].to_string();
    for sep in ['-', ' '] {
        rest = rest.replace(&format!(" {code}{sep}{status} "), " ");
    }
    format!("{}{rest}", &folded[..head_len])
}

/// `550-5.1.1 text` or `550 5.1.1 text` → `text` (only the code and status).
fn strip_reply_prefix(l: &str) -> &str {
    let b = l.as_bytes();
    if b.len() >= 4
        && b[..3].iter().all(u8::is_ascii_digit)
        && matches!(b[0], b'2' | b'4' | b'5')
        && matches!(b[3], b'-' | b' ')
    {
        let rest = l[4..].trim_start();
        if let Some((_, n)) = smtp_core::status::EnhancedStatus::parse_prefix(rest.as_bytes()) {
            return rest[n..].trim_start();
        }
        return rest;
    }
    l
}
