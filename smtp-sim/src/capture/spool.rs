//! The optional spool folder: each stored message as `<name>.eml` (the raw bytes) beside
//! `<name>.json` (its envelope and metadata).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::store::CapturedMessage;

/// A folder messages are written to as they are stored.
#[derive(Debug, Clone)]
pub struct Spool {
    dir: PathBuf,
}

impl Spool {
    /// Uses `dir`, creating it if needed.
    pub fn open(dir: &Path) -> io::Result<Self> {
        fs::create_dir_all(dir)?;
        Ok(Spool {
            dir: dir.to_owned(),
        })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file stem of a message: its arrival time then its id, so that files of successive
    /// runs neither collide nor lose their order.
    pub fn stem(message: &CapturedMessage) -> String {
        format!("{:013}-{}", message.received.millis(), message.id)
    }

    /// Writes both files. The `.json` is written last, so a reader that sees it sees a complete
    /// `.eml`.
    pub(crate) fn write(&self, message: &CapturedMessage) -> io::Result<()> {
        let stem = Self::stem(message);
        fs::write(self.dir.join(format!("{stem}.eml")), &message.raw)?;
        let json = serde_json::to_vec_pretty(message).map_err(io::Error::other)?;
        fs::write(self.dir.join(format!("{stem}.json")), json)
    }
}
