//! Output lines: JSON per the output contract, table rows, and the summary.

use std::collections::BTreeMap;
use std::fmt;

use bounce_classify::{Error, Outcome, RecipientReport};
use serde_json::{Map, Value, json};

/// One output line.
pub(crate) enum Line {
    Recipient {
        source: String,
        message: usize,
        index: usize,
        report: Box<RecipientReport>,
    },
    NotBounce {
        source: String,
        message: usize,
    },
    Error {
        source: String,
        message: usize,
        error: String,
    },
}

impl Line {
    pub(crate) fn error(source: &str, message: usize, error: &str) -> Line {
        Line::Error {
            source: source.to_string(),
            message,
            error: error.to_string(),
        }
    }

    pub(crate) fn is_error(&self) -> bool {
        matches!(self, Line::Error { .. })
    }

    pub(crate) fn from_outcome(
        source: &str,
        message: usize,
        r: Result<Outcome, Error>,
    ) -> Vec<Line> {
        match r {
            Ok(Outcome::Bounce(report)) => report
                .recipients
                .into_iter()
                .enumerate()
                .map(|(i, rr)| Line::Recipient {
                    source: source.to_string(),
                    message,
                    index: i + 1,
                    report: Box::new(rr),
                })
                .collect(),
            Ok(Outcome::NotBounce) => vec![Line::NotBounce {
                source: source.to_string(),
                message,
            }],
            Err(e) => vec![Line::error(source, message, &e.to_string())],
        }
    }

    pub(crate) fn to_json(&self) -> String {
        let v = match self {
            Line::Recipient {
                source,
                message,
                index,
                report,
            } => {
                let mut m = Map::new();
                m.insert("source".into(), json!(source));
                m.insert("message".into(), json!(message));
                m.insert("index".into(), json!(index));
                m.insert("kind".into(), json!("bounce"));
                if let Ok(Value::Object(r)) = serde_json::to_value(report) {
                    m.extend(r);
                }
                Value::Object(m)
            }
            Line::NotBounce { source, message } => {
                json!({"source": source, "message": message, "kind": "not-bounce"})
            }
            Line::Error {
                source,
                message,
                error,
            } => json!({"source": source, "message": message, "error": error}),
        };
        v.to_string()
    }

    pub(crate) fn to_table_row(&self) -> String {
        match self {
            Line::Recipient {
                source,
                message,
                index,
                report: r,
            } => format!(
                "{:<32} {:>3} {:>3} {:<36} {:<16} {:<5} {:<7} {:<4} {}",
                short(source, 32),
                message,
                index,
                short(&r.recipient, 36),
                r.reason.as_str(),
                if r.hard_bounce { "hard" } else { "soft" },
                r.status.as_deref().unwrap_or("-"),
                r.reply_code.map_or("-".to_string(), |c| c.to_string()),
                serde_json::to_value(r.decision)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            ),
            Line::NotBounce { source, message } => {
                format!(
                    "{:<32} {:>3}   - (not a bounce)",
                    short(source, 32),
                    message
                )
            }
            Line::Error {
                source,
                message,
                error,
            } => format!(
                "{:<32} {:>3}   - error: {error}",
                short(source, 32),
                message
            ),
        }
    }
}

pub(crate) fn table_header() -> String {
    format!(
        "{:<32} {:>3} {:>3} {:<36} {:<16} {:<5} {:<7} {:<4} {}",
        "source", "msg", "#", "recipient", "reason", "hard", "status", "code", "decision"
    )
}

fn short(s: &str, n: usize) -> String {
    let count = s.chars().count();
    if count <= n {
        return s.to_string();
    }
    let tail: String = s.chars().skip(count - (n - 1)).collect();
    format!("…{tail}")
}

/// Counts for `--summary`.
#[derive(Default)]
pub(crate) struct Summary {
    messages: usize,
    not_bounces: usize,
    errors: usize,
    recipients: usize,
    hard: usize,
    reasons: BTreeMap<String, usize>,
    decisions: BTreeMap<String, usize>,
}

impl Summary {
    pub(crate) fn add(&mut self, line: &Line) {
        match line {
            Line::Recipient { index, report, .. } => {
                if *index == 1 {
                    self.messages += 1;
                }
                self.recipients += 1;
                if report.hard_bounce {
                    self.hard += 1;
                }
                *self
                    .reasons
                    .entry(report.reason.as_str().into())
                    .or_default() += 1;
                let d = serde_json::to_value(report.decision)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                *self.decisions.entry(d).or_default() += 1;
            }
            Line::NotBounce { .. } => self.not_bounces += 1,
            Line::Error { .. } => self.errors += 1,
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "bounces {}  recipients {}  not bounces {}  errors {}",
            self.messages, self.recipients, self.not_bounces, self.errors
        )?;
        let share = if self.recipients == 0 {
            0.0
        } else {
            100.0 * self.hard as f64 / self.recipients as f64
        };
        writeln!(f, "hard bounces {} ({share:.1} % of recipients)", self.hard)?;
        writeln!(f, "per reason:")?;
        let mut reasons: Vec<_> = self.reasons.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (r, n) in reasons {
            writeln!(f, "  {r:<16} {n:>6}")?;
        }
        writeln!(f, "per decision:")?;
        let mut decisions: Vec<_> = self.decisions.iter().collect();
        decisions.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (d, n) in decisions {
            writeln!(f, "  {d:<16} {n:>6}")?;
        }
        Ok(())
    }
}
