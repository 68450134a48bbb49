//! Finding messages: files, folders (recursively, sorted; Maildir `cur`/`new`), mbox files.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::output::Line;

/// Files under a path, in a stable (sorted) order. Hidden files and Maildir `tmp` are skipped.
pub(crate) fn discover(path: &Path) -> io::Result<Vec<PathBuf>> {
    let meta = fs::metadata(path)?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<_> = fs::read_dir(&dir)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| !n.starts_with('.') && n != "tmp")
            })
            .collect();
        entries.sort();
        let mut dirs = Vec::new();
        for p in entries {
            if p.is_dir() {
                dirs.push(p);
            } else {
                out.push(p);
            }
        }
        // Depth-first in sorted order: push reversed so the first sorts first.
        stack.extend(dirs.into_iter().rev());
    }
    Ok(out)
}

/// Reads and classifies one file (a single message or an mbox).
pub(crate) fn classify_file(path: &Path) -> Vec<Line> {
    let source = path.to_string_lossy();
    match fs::read(path) {
        Ok(bytes) => classify_bytes(&source, &bytes),
        Err(e) => vec![Line::error(&source, 0, &e.to_string())],
    }
}

/// Classifies the bytes of a single message or an mbox.
pub(crate) fn classify_bytes(source: &str, bytes: &[u8]) -> Vec<Line> {
    let messages = split_mbox(bytes);
    let mut lines = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        lines.extend(Line::from_outcome(
            source,
            i,
            bounce_classify::try_classify(m),
        ));
    }
    lines
}

/// Splits an mbox at `From ` lines that follow a blank line (or start the file). A file that is
/// not an mbox is one message.
pub(crate) fn split_mbox(bytes: &[u8]) -> Vec<&[u8]> {
    if !bytes.starts_with(b"From ") {
        return vec![bytes];
    }
    let mut starts = vec![0];
    let mut i = 0;
    while let Some(p) = memchr::memmem::find(&bytes[i..], b"\nFrom ") {
        let at = i + p + 1;
        let prev_blank = at >= 2
            && (bytes[at - 2] == b'\n'
                || (at >= 3
                    && &bytes[at - 3..at - 1] == b"\r\n"
                    && bytes.get(at.wrapping_sub(4)) == Some(&b'\n')));
        if prev_blank {
            starts.push(at);
        }
        i = at;
    }
    let mut out = Vec::with_capacity(starts.len());
    for (k, s) in starts.iter().enumerate() {
        let e = starts.get(k + 1).copied().unwrap_or(bytes.len());
        out.push(&bytes[*s..e]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_mbox() {
        let one = b"Subject: x\n\nbody\n";
        assert_eq!(split_mbox(one).len(), 1);
        let two =
            b"From a@b Mon\nSubject: x\n\nbody\nFrom here on\n\nFrom c@d Tue\nSubject: y\n\nz\n";
        let parts = split_mbox(two);
        assert_eq!(parts.len(), 2);
        assert!(parts[0].ends_with(b"From here on\n\n"));
        assert!(parts[1].starts_with(b"From c@d"));
    }
}
