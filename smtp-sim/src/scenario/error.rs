//! Why a scenario was refused: each error says where (file, line, column, and the path of the
//! value) and what was expected there.

use std::fmt;

use serde::Serialize;
use toml::de::DeValue;

/// One step of the path to a value in a scenario (`rule[2].do.code`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(&'static str),
    Index(usize),
    /// A key chosen by the scenario's author (a domain, a zone, a profile name).
    Name(String),
}

/// A path to a value, written as `rule[2].do.code`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Path(pub(crate) Vec<Seg>);

impl Path {
    pub(crate) fn key(&self, key: &'static str) -> Path {
        let mut segs = self.0.clone();
        segs.push(Seg::Key(key));
        Path(segs)
    }

    pub(crate) fn name(&self, name: &str) -> Path {
        let mut segs = self.0.clone();
        segs.push(Seg::Name(name.to_owned()));
        Path(segs)
    }

    pub(crate) fn index(&self, index: usize) -> Path {
        let mut segs = self.0.clone();
        segs.push(Seg::Index(index));
        Path(segs)
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => f.write_str(k)?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
                Seg::Name(k) => write!(f, "[{k:?}]")?,
            }
        }
        Ok(())
    }
}

/// One reason a scenario was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioError {
    /// The file (or `<request>` for an API body), if known.
    pub file: Option<String>,
    /// 1-based line, when the source position is known.
    pub line: Option<usize>,
    /// 1-based column in characters, when the source position is known.
    pub column: Option<usize>,
    /// The path of the offending value (`rule[2].do.code`), empty for syntax errors.
    pub path: String,
    /// What was expected there, starting with the word "expected".
    pub expected: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.file.as_deref().unwrap_or("<scenario>"))?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, ":{line}:{column}")?;
        }
        f.write_str(": ")?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.expected)
    }
}

/// All the reasons a scenario was refused, in source order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioErrors {
    /// The errors (never empty).
    pub errors: Vec<ScenarioError>,
}

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioErrors {}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Rewrites a serde message so that it says what was expected.
pub(crate) fn expected_from_serde(message: &str) -> String {
    let message = message.trim();
    if let Some(field) = message.strip_prefix("missing field ") {
        return format!("expected field {field}");
    }
    if let Some((found, expected)) = message.split_once(", expected ") {
        return format!("expected {expected} ({found})");
    }
    if message.starts_with("expected") {
        return message.to_owned();
    }
    format!("expected valid input ({message})")
}

/// The byte span of the value at `path` in a parsed TOML document, or of the closest enclosing
/// value that exists (a missing field is reported at its table).
pub(crate) fn span_of(root: &toml::Spanned<DeValue<'_>>, path: &Path) -> std::ops::Range<usize> {
    let mut node = root;
    for seg in &path.0 {
        let next = match seg {
            Seg::Key(k) => node.get_ref().get(*k),
            Seg::Index(i) => node.get_ref().get(*i),
            Seg::Name(k) => node.get_ref().get(k.as_str()),
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    node.span()
}
