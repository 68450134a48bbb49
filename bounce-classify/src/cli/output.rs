//! Output lines: JSON per the output contract, table rows, and the summary.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Write};

use bounce_classify::{Command, Decision, Error, Outcome, Reason, RecipientReport, SesBounce};
use serde::Serialize;

/// What one message came to: a bounce's report, "not a bounce", or why it could not be read.
/// The output lines are views into it ([`Classified::for_each_line`]), so a recipient's report
/// is written where it lies, not moved or copied into a line of its own.
pub(crate) struct Classified<'a> {
    source: Cow<'a, str>,
    message: usize,
    result: Result<Outcome, String>,
}

impl<'a> Classified<'a> {
    /// Message number `message` (0 for a file that is not an mbox) of `source`, classified.
    pub(crate) fn new(
        source: Cow<'a, str>,
        message: usize,
        result: Result<Outcome, Error>,
    ) -> Self {
        Classified {
            source,
            message,
            result: result.map_err(|e| e.to_string()),
        }
    }

    /// An input that could not be read (`message` 0).
    pub(crate) fn error(source: Cow<'a, str>, error: String) -> Self {
        Classified {
            source,
            message: 0,
            result: Err(error),
        }
    }

    /// Calls `f` with each output line, in order: one per recipient of a bounce, else one.
    pub(crate) fn for_each_line(
        &self,
        mut f: impl FnMut(&Line<'_>) -> io::Result<()>,
    ) -> io::Result<()> {
        let (source, message) = (&*self.source, self.message);
        match &self.result {
            Ok(Outcome::Bounce(report)) => {
                for (i, report) in report.recipients.iter().enumerate() {
                    f(&Line::Recipient {
                        source,
                        message,
                        index: i + 1,
                        report,
                    })?;
                }
                Ok(())
            }
            Ok(Outcome::NotBounce) => f(&Line::NotBounce { source, message }),
            Err(error) => f(&Line::Error {
                source,
                message,
                error,
            }),
        }
    }
}

/// One output line, borrowed from its [`Classified`] message.
pub(crate) enum Line<'a> {
    Recipient {
        source: &'a str,
        message: usize,
        index: usize,
        report: &'a RecipientReport,
    },
    NotBounce {
        source: &'a str,
        message: usize,
    },
    Error {
        source: &'a str,
        message: usize,
        error: &'a str,
    },
}

impl Line<'_> {
    pub(crate) fn is_error(&self) -> bool {
        matches!(self, Line::Error { .. })
    }

    /// Writes the line's JSON object (no line end). Keys are in sorted order, the order a
    /// `serde_json::Map` writes them in, as they always were.
    pub(crate) fn write_json(&self, out: &mut impl Write) -> io::Result<()> {
        match *self {
            Line::Recipient {
                source,
                message,
                index,
                report,
            } => serde_json::to_writer(out, &RecipientJson::new(source, message, index, report)),
            Line::NotBounce { source, message } => serde_json::to_writer(
                out,
                &NotBounceJson {
                    kind: "not-bounce",
                    message,
                    source,
                },
            ),
            Line::Error {
                source,
                message,
                error,
            } => serde_json::to_writer(
                out,
                &ErrorJson {
                    error,
                    message,
                    source,
                },
            ),
        }
        .map_err(io::Error::from)
    }

    #[cfg(test)]
    pub(crate) fn to_json(&self) -> String {
        let mut v = Vec::new();
        self.write_json(&mut v).expect("writing to a Vec");
        String::from_utf8(v).expect("serde_json writes UTF-8")
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

/// A recipient's JSON line: the report's fields and the line's own (`source`, `message`,
/// `index`, `kind`), keys in sorted order (the order of a `serde_json::Map`), written straight
/// from borrowed fields. [`RecipientJson::new`] takes the report apart field by field, so a new
/// report field does not compile until it has its place here.
#[derive(Serialize)]
struct RecipientJson<'a> {
    action: &'a Option<String>,
    command: Option<Command>,
    date: &'a Option<String>,
    decision: Decision,
    decoded_by: &'a str,
    diagnostic: &'a Option<String>,
    diagnostic_type: &'a Option<String>,
    feedback_type: &'a Option<String>,
    hard_bounce: bool,
    index: usize,
    kind: &'static str,
    message: usize,
    original_recipient: &'a Option<String>,
    permanent: bool,
    reason: Reason,
    recipient: &'a str,
    remote_mta: &'a Option<String>,
    reply_code: Option<u16>,
    reporting_mta: &'a Option<String>,
    rule: &'a str,
    ses: Option<SesJson<'a>>,
    source: &'a str,
    status: &'a Option<String>,
}

/// [`SesBounce`] with its keys in sorted order.
#[derive(Serialize)]
struct SesJson<'a> {
    subtype: &'a str,
    #[serde(rename = "type")]
    bounce_type: &'a str,
}

/// A "not a bounce" line, keys in sorted order.
#[derive(Serialize)]
struct NotBounceJson<'a> {
    kind: &'static str,
    message: usize,
    source: &'a str,
}

/// An error line, keys in sorted order.
#[derive(Serialize)]
struct ErrorJson<'a> {
    error: &'a str,
    message: usize,
    source: &'a str,
}

impl<'a> RecipientJson<'a> {
    fn new(source: &'a str, message: usize, index: usize, report: &'a RecipientReport) -> Self {
        let RecipientReport {
            recipient,
            original_recipient,
            reason,
            hard_bounce,
            permanent,
            status,
            reply_code,
            action,
            diagnostic,
            diagnostic_type,
            remote_mta,
            reporting_mta,
            command,
            date,
            feedback_type,
            decoded_by,
            rule,
            decision,
            ses,
        } = report;
        RecipientJson {
            action,
            command: *command,
            date,
            decision: *decision,
            decoded_by,
            diagnostic,
            diagnostic_type,
            feedback_type,
            hard_bounce: *hard_bounce,
            index,
            kind: "bounce",
            message,
            original_recipient,
            permanent: *permanent,
            reason: *reason,
            recipient,
            remote_mta,
            reply_code: *reply_code,
            reporting_mta,
            rule,
            ses: ses.as_ref().map(
                |SesBounce {
                     bounce_type,
                     subtype,
                 }| SesJson {
                    subtype,
                    bounce_type,
                },
            ),
            source,
            status,
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

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::*;

    /// The line as a merged `serde_json::Map` writes it: the reference for key order and form.
    fn via_map(source: &str, message: usize, index: usize, report: &RecipientReport) -> String {
        let mut m = Map::new();
        m.insert("source".into(), json!(source));
        m.insert("message".into(), json!(message));
        m.insert("index".into(), json!(index));
        m.insert("kind".into(), json!("bounce"));
        if let Ok(Value::Object(r)) = serde_json::to_value(report) {
            m.extend(r);
        }
        Value::Object(m).to_string()
    }

    #[test]
    fn recipient_lines_keep_the_map_form() {
        let bounces: [&[u8]; 2] = [
            b"From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\n\
Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n\
Final-Recipient: rfc822; gone@example.com\nAction: failed\nStatus: 5.1.1\n\
Remote-MTA: dns; mx.example.com\n\
Diagnostic-Code: smtp; 550 5.1.1 <gone@example.com>: \"quoted\" \\ User unknown \xc3\xa9\n--b--\n",
            b"From: postmaster@example.org\nSubject: failure\n\nSorry.\n\nReporting-MTA: dns; x.example\n\n\
Final-Recipient: rfc822; b@example.com\nAction: delivered\nStatus: 2.0.0\n",
        ];
        for raw in bounces {
            let Outcome::Bounce(report) = bounce_classify::classify(raw) else {
                panic!("a bounce: {}", String::from_utf8_lossy(raw));
            };
            for (i, r) in report.recipients.iter().enumerate() {
                let line = Line::Recipient {
                    source: "dir/\"a\".eml",
                    message: 3,
                    index: i + 1,
                    report: r,
                };
                assert_eq!(line.to_json(), via_map("dir/\"a\".eml", 3, i + 1, r));
            }
        }
    }

    /// The other two lines as `json!` maps wrote them before they had structs of their own,
    /// and each message's lines in order.
    #[test]
    fn other_lines_keep_the_map_form() {
        let source = "dir/\"b\"\\é.eml";
        let cases = [
            (
                Classified::new(source.into(), 2, Ok(Outcome::NotBounce)),
                json!({"source": source, "message": 2, "kind": "not-bounce"}),
            ),
            (
                Classified::new(source.into(), 0, Err(Error::NotAMessage)),
                json!({"source": source, "message": 0, "error": Error::NotAMessage.to_string()}),
            ),
            (
                Classified::error(
                    source.into(),
                    "No such file or directory (os error 2)".into(),
                ),
                json!({"source": source, "message": 0, "error": "No such file or directory (os error 2)"}),
            ),
        ];
        for (classified, want) in cases {
            let mut lines = Vec::new();
            classified
                .for_each_line(|l| {
                    lines.push((l.to_json(), l.is_error()));
                    Ok(())
                })
                .unwrap();
            let is_error = want.get("error").is_some();
            assert_eq!(lines, [(want.to_string(), is_error)]);
        }
    }

    #[test]
    fn a_bounce_gives_one_line_per_recipient_in_order() {
        let raw = b"From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\n\
Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n\
Final-Recipient: rfc822; one@example.com\nAction: failed\nStatus: 5.1.1\n\n\
Final-Recipient: rfc822; two@example.com\nAction: failed\nStatus: 5.2.2\n--b--\n";
        let classified = Classified::new("x".into(), 0, bounce_classify::try_classify(raw));
        let mut seen = Vec::new();
        classified
            .for_each_line(|l| {
                let Line::Recipient { index, report, .. } = l else {
                    panic!("a recipient line: {}", l.to_json());
                };
                seen.push((*index, report.recipient.clone()));
                Ok(())
            })
            .unwrap();
        assert_eq!(
            seen,
            [
                (1, "one@example.com".to_string()),
                (2, "two@example.com".to_string())
            ]
        );
    }
}
