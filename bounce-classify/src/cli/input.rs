//! Finding messages: files, folders (recursively, sorted; Maildir `cur`/`new`), mbox files;
//! reading them into a reused buffer.

use std::borrow::Cow;
use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::output::Classified;

/// Files under a path, in a stable (sorted) order. Hidden files and Maildir `tmp` are skipped.
pub(crate) fn discover(path: &Path) -> io::Result<Vec<PathBuf>> {
    let meta = fs::metadata(path)?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<(OsString, bool)> = Vec::new();
        for e in fs::read_dir(&dir)?.filter_map(Result::ok) {
            let name = e.file_name();
            if name
                .to_str()
                .is_none_or(|n| n.starts_with('.') || n == "tmp")
            {
                continue;
            }
            // The entry's own type comes with the directory listing; only a symbolic link
            // costs a `stat` to learn what it points to.
            let is_dir = match e.file_type() {
                Ok(t) if !t.is_symlink() => t.is_dir(),
                _ => e.path().is_dir(),
            };
            entries.push((name, is_dir));
        }
        // Sorted by name: within one folder that is the order of the whole paths (a path
        // compares component by component, and these differ only in the last one).
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut dirs = Vec::new();
        for (name, is_dir) in entries {
            let p = dir.join(name);
            if is_dir {
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

/// Reads whole files into one buffer that is kept from file to file, so reading costs an
/// `open`, two `read`s and a `close` per file and no allocation once the buffer has grown to
/// the largest file (`fs::read` also asks for the size and allocates each time).
#[derive(Default)]
pub(crate) struct Reader {
    buf: Vec<u8>,
}

impl Reader {
    /// First size of the buffer; it doubles as larger files need.
    const START: usize = 64 * 1024;

    /// The bytes of the file at `path`, valid until the next read.
    pub(crate) fn read(&mut self, path: &Path) -> io::Result<&[u8]> {
        let mut file = File::open(path)?;
        let mut len = 0;
        loop {
            if len == self.buf.len() {
                let grown = (self.buf.len() * 2).max(Self::START);
                self.buf.resize(grown, 0);
            }
            match file.read(&mut self.buf[len..]) {
                Ok(0) => return Ok(&self.buf[..len]),
                Ok(n) => len += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// Reads and classifies one file (a single message or an mbox); a file that cannot be read
/// gives one error.
pub(crate) fn classify_file<'a, E>(
    path: &'a Path,
    reader: &mut Reader,
    mut f: impl FnMut(Classified<'a>) -> Result<(), E>,
) -> Result<(), E> {
    let source = path.to_string_lossy();
    match reader.read(path) {
        Ok(bytes) => classify_bytes(source, bytes, &mut f),
        Err(e) => f(Classified::error(source, e.to_string())),
    }
}

/// Classifies the bytes of a single message or an mbox, message by message.
pub(crate) fn classify_bytes<'a, E>(
    source: Cow<'a, str>,
    bytes: &[u8],
    mut f: impl FnMut(Classified<'a>) -> Result<(), E>,
) -> Result<(), E> {
    for (i, m) in split_mbox(bytes).into_iter().enumerate() {
        f(Classified::new(
            source.clone(),
            i,
            bounce_classify::try_classify(m),
        ))?;
    }
    Ok(())
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

    /// Sizes around the buffer's first size and its doublings, large before small so that a
    /// later file must not show an earlier one's tail; then a missing file.
    #[test]
    fn reader_gives_each_file_whole_through_one_buffer() {
        let dir =
            std::env::temp_dir().join(format!("bounce-classify-reader-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let start = Reader::START;
        let sizes = [
            0,
            1,
            start - 1,
            start,
            start + 1,
            3 * start + 7,
            2 * start,
            5,
            0,
        ];
        let mut reader = Reader::default();
        for (i, size) in sizes.into_iter().enumerate() {
            let want: Vec<u8> = (0..size).map(|k| (k * 31 + i) as u8).collect();
            let path = dir.join(format!("{i}"));
            fs::write(&path, &want).unwrap();
            assert!(
                reader.read(&path).unwrap() == want,
                "file {i} of {size} bytes"
            );
        }
        let err = reader.read(&dir.join("missing")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn discovers_files_in_order_through_maildirs_and_links() {
        let root =
            std::env::temp_dir().join(format!("bounce-classify-discover-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let files = [
            "box/cur/2",
            "box/new/1",
            "box/tmp/partial",
            "box/.hidden",
            "a.eml",
            "other/b.eml",
        ];
        for f in files {
            let path = root.join(f);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, b"Subject: x\n\nbody\n").unwrap();
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("other"), root.join("linked-dir")).unwrap();
            std::os::unix::fs::symlink(root.join("a.eml"), root.join("linked.eml")).unwrap();
        }
        let found: Vec<String> = discover(&root)
            .unwrap()
            .iter()
            .map(|p| {
                p.strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        let mut want = vec!["a.eml"];
        if cfg!(unix) {
            want.push("linked.eml");
        }
        want.extend(["box/cur/2", "box/new/1"]);
        if cfg!(unix) {
            want.push("linked-dir/b.eml");
        }
        want.push("other/b.eml");
        fs::remove_dir_all(&root).unwrap();
        assert_eq!(found, want);
    }
}
