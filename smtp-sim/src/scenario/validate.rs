//! Checks a [`ScenarioFile`] and compiles it into rules. Every problem is collected (not only
//! the first) with the path of the value and what was expected.

use std::collections::BTreeSet;
use std::time::Duration;

use smtp_core::status::EnhancedStatus;

use super::error::Path;
use super::file::{ActionFile, MatchFile, Patterns, ReportFile, RuleFile, ScenarioFile, Text};
use super::model::{AcceptText, Action, Conditions, Expectation, ReplyTemplate, ReportSpec, Rule};
use super::pattern::{AddressPattern, Glob, IpPattern, PatternError};
use super::template::Template;
use super::vocab::{ActionKind, Step};
use crate::internet::InternetConfig;

/// The longest delay a rule may ask for: RFC 5321 §4.5.3.2 gives clients 5 minutes for most
/// replies and 10 for the end of data, so a longer delay could only test a timeout twice over.
pub const MAX_DELAY: Duration = Duration::from_secs(600);

/// The text of a `close` action without one, as RFC 5321 §4.2.3 words 421.
const CLOSE_TEXT: &str = "{hostname} Service not available, closing transmission channel";

type Problems = Vec<(Path, String)>;

/// Compiles every rule and the internet sections, or returns every problem found.
pub(crate) fn compile(file: &ScenarioFile) -> Result<(Vec<Rule>, InternetConfig), Problems> {
    let mut problems = Problems::new();
    let internet = super::internet_compile::compile(file, &mut problems);
    let mut ids = BTreeSet::new();
    let mut rules = Vec::new();
    for (i, rule) in file.rules.iter().enumerate() {
        let path = Path::default().key("rule").index(i);
        if !ids.insert(rule.id.as_str()) {
            problems.push((
                path.key("id"),
                format!(
                    "expected a unique rule id (`{}` is used by an earlier rule)",
                    rule.id
                ),
            ));
        }
        if let Some(rule) = compile_rule(rule, &path, &mut problems) {
            rules.push(rule);
        }
    }
    if problems.is_empty() {
        Ok((rules, internet))
    } else {
        Err(problems)
    }
}

fn compile_rule(rule: &RuleFile, path: &Path, problems: &mut Problems) -> Option<Rule> {
    let before = problems.len();
    let id_ok = !rule.id.is_empty()
        && rule.id.len() <= 64
        && rule
            .id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if !id_ok {
        problems.push((
            path.key("id"),
            "expected an id of 1 to 64 letters, digits, `-`, `_` or `.`".into(),
        ));
    }
    let step = rule.when.step;
    let conditions = compile_conditions(&rule.when, &path.key("when"), problems);
    let action = compile_action(&rule.action, step, &path.key("do"), problems);
    let delay = Duration::from_millis(rule.action.delay_ms.unwrap_or(0));
    if delay > MAX_DELAY {
        problems.push((
            path.key("do").key("delay_ms"),
            format!("expected a delay of at most {} ms", MAX_DELAY.as_millis()),
        ));
    }
    let code = match &action {
        Some(Action::Reply(r) | Action::Close(r)) => Some(r.code),
        _ => None,
    };
    let expect = Expectation {
        reason: rule.expect.reason,
        hard: rule
            .expect
            .hard
            .unwrap_or_else(|| rule.expect.reason.hard_by_default(code)),
    };
    if problems.len() > before {
        return None;
    }
    Some(Rule {
        id: rule.id.clone(),
        step,
        conditions: conditions?,
        action: action?,
        delay,
        expect,
    })
}

fn compile_conditions(
    when: &MatchFile,
    path: &Path,
    problems: &mut Problems,
) -> Option<Conditions> {
    let before = problems.len();
    let step = when.step;
    let known = [
        (
            "rcpt",
            when.rcpt.is_some(),
            step.knows_rcpt(),
            "rcpt, data, end_of_data",
        ),
        (
            "sender",
            when.sender.is_some(),
            step.knows_sender(),
            "mail, rcpt, data, end_of_data",
        ),
        (
            "helo",
            when.helo.is_some(),
            step.knows_helo(),
            "any step after connect",
        ),
    ];
    for (key, present, knows, steps) in known {
        if present && !knows && !step.is_free_command() {
            problems.push((
                path.key(key),
                format!(
                    "expected no `{key}` condition at step `{}`: it is not known yet ({key} \
                     conditions work at {steps})",
                    step.name()
                ),
            ));
        }
    }
    // The message is known at the end of data only; an `any` rule is never asked there.
    for (key, present) in [
        ("subject", when.subject.is_some()),
        ("larger_than", when.larger_than.is_some()),
    ] {
        if present && !step.knows_message() {
            problems.push((
                path.key(key),
                format!(
                    "expected no `{key}` condition at step `{}`: the message is known only at \
                     end_of_data",
                    step.name()
                ),
            ));
        }
    }
    let subject = patterns(&when.subject, &path.key("subject"), problems, |p| {
        Glob::new(p, true)
    });
    let rcpt = patterns(&when.rcpt, &path.key("rcpt"), problems, AddressPattern::new);
    let sender = patterns(
        &when.sender,
        &path.key("sender"),
        problems,
        AddressPattern::new,
    );
    let helo = patterns(&when.helo, &path.key("helo"), problems, |p| {
        Glob::new(p, true)
    });
    let client = patterns(&when.client, &path.key("client"), problems, IpPattern::new);
    for (key, value) in [
        ("nth_message", when.nth_message),
        ("first_per_client", when.first_per_client),
    ] {
        if value == Some(0) {
            problems.push((path.key(key), "expected a count of at least 1".into()));
        }
    }
    if let Some(p) = when.probability
        && !(p.is_finite() && (0.0..=1.0).contains(&p))
    {
        problems.push((
            path.key("probability"),
            "expected a probability between 0 and 1".into(),
        ));
    }
    if problems.len() > before {
        return None;
    }
    Some(Conditions {
        rcpt,
        sender,
        helo,
        client,
        nth_message: when.nth_message,
        first_per_client: when.first_per_client,
        subject,
        larger_than: when.larger_than,
        probability: when.probability,
    })
}

fn patterns<T>(
    value: &Option<Patterns>,
    path: &Path,
    problems: &mut Problems,
    compile: impl Fn(&str) -> Result<T, PatternError>,
) -> Vec<T> {
    let Some(value) = value else {
        return Vec::new();
    };
    let list = value.as_list();
    if list.is_empty() {
        problems.push((path.clone(), "expected at least one pattern".into()));
    }
    let mut out = Vec::new();
    for (i, p) in list.into_iter().enumerate() {
        let at = match value {
            Patterns::One(_) => path.clone(),
            Patterns::Many(_) => path.index(i),
        };
        match compile(p) {
            Ok(compiled) => out.push(compiled),
            Err(e) => problems.push((at, format!("expected {e}"))),
        }
    }
    out
}

fn compile_action(
    action: &ActionFile,
    step: Step,
    path: &Path,
    problems: &mut Problems,
) -> Option<Action> {
    let before = problems.len();
    let forbid = |problems: &mut Problems, key: &'static str, present: bool, why: &str| {
        if present {
            problems.push((path.key(key), format!("expected no `{key}` here: {why}")));
        }
    };
    if action.kind != ActionKind::Accept {
        forbid(
            problems,
            "report",
            action.report.is_some(),
            "only `accept` sends reports",
        );
    }
    let compiled = match action.kind {
        ActionKind::Reply => {
            let Some(code) = action.code else {
                problems.push((path.clone(), "expected field `code` for a reply".into()));
                return None;
            };
            check_code(code, step, &path.key("code"), problems);
            let Some(text) = &action.text else {
                problems.push((path.clone(), "expected field `text` for a reply".into()));
                return None;
            };
            let status = status(&action.status, Some(code), &path.key("status"), problems);
            let lines = lines(text, &path.key("text"), problems);
            Action::Reply(ReplyTemplate {
                code,
                status,
                lines,
            })
        }
        ActionKind::Close => {
            let code = action.code.unwrap_or(421);
            if code != 421 {
                problems.push((
                    path.key("code"),
                    "expected 421 (or no code) for `close`".into(),
                ));
            }
            let status = status(&action.status, Some(421), &path.key("status"), problems);
            let default = Text::Line(CLOSE_TEXT.into());
            let lines = lines(
                action.text.as_ref().unwrap_or(&default),
                &path.key("text"),
                problems,
            );
            Action::Close(ReplyTemplate {
                code,
                status,
                lines,
            })
        }
        ActionKind::Drop => {
            let why = "`drop` closes the connection without a reply";
            forbid(problems, "code", action.code.is_some(), why);
            forbid(problems, "status", action.status.is_some(), why);
            forbid(problems, "text", action.text.is_some(), why);
            Action::Drop
        }
        ActionKind::Accept | ActionKind::Discard => {
            let why = "the step decides the positive code (250, 354, 220, 235)";
            forbid(problems, "code", action.code.is_some(), why);
            if action.kind == ActionKind::Discard && !matches!(step, Step::Rcpt | Step::EndOfData) {
                problems.push((
                    path.key("kind"),
                    "expected `discard` only at step `rcpt` or `end_of_data`".into(),
                ));
            }
            if step == Step::Data || step == Step::Any {
                // (`any` may answer DATA.)
                forbid(
                    problems,
                    "status",
                    action.status.is_some(),
                    "354 carries no enhanced status",
                );
            }
            let status = status(&action.status, Some(250), &path.key("status"), problems);
            let text = action.text.as_ref().map(|t| AcceptText {
                status,
                lines: lines(t, &path.key("text"), problems),
            });
            if action.text.is_none() && action.status.is_some() {
                problems.push((
                    path.key("text"),
                    "expected a `text` to go with the `status`".into(),
                ));
            }
            if action.kind == ActionKind::Discard {
                Action::Discard { text }
            } else {
                let report = action
                    .report
                    .as_ref()
                    .map(|r| report(r, step, &path.key("report"), problems));
                Action::Accept {
                    text,
                    report: report.flatten(),
                }
            }
        }
    };
    if problems.len() > before {
        return None;
    }
    Some(compiled)
}

/// RFC 5321 §4.2: the first digit 2 to 5, the second 0 to 5. A 3xx reply only makes sense as
/// the answer to DATA (354).
fn check_code(code: u16, step: Step, path: &Path, problems: &mut Problems) {
    let ok = (200..=559).contains(&code) && (code / 10) % 10 <= 5;
    if !ok {
        problems.push((
            path.clone(),
            format!(
                "expected a reply code from 200 to 559 whose second digit is 0 to 5 (found {code})"
            ),
        ));
    } else if code / 100 == 3 && step != Step::Data {
        problems.push((
            path.clone(),
            format!("expected a 2xx, 4xx or 5xx code: 3xx only answers DATA (found {code})"),
        ));
    }
}

fn status(
    value: &Option<String>,
    code: Option<u16>,
    path: &Path,
    problems: &mut Problems,
) -> Option<EnhancedStatus> {
    let text = value.as_deref()?;
    let Ok(status) = text.parse::<EnhancedStatus>() else {
        problems.push((
            path.clone(),
            format!("expected an enhanced status code such as 5.1.1 (found {text:?})"),
        ));
        return None;
    };
    if let Some(code) = code {
        if code / 100 == 3 {
            problems.push((
                path.clone(),
                "expected no enhanced status with a 3xx reply".into(),
            ));
            return None;
        }
        if !status.agrees_with_reply_code(code) {
            problems.push((
                path.clone(),
                format!(
                    "expected a status of class {} to agree with reply code {code} (found {status})",
                    code / 100
                ),
            ));
            return None;
        }
    }
    Some(status)
}

fn lines(text: &Text, path: &Path, problems: &mut Problems) -> Vec<Template> {
    let list = text.lines();
    if list.is_empty() {
        problems.push((path.clone(), "expected at least one line of text".into()));
    }
    let mut out = Vec::new();
    for (i, line) in list.into_iter().enumerate() {
        let at = match text {
            Text::Line(_) => path.clone(),
            Text::Lines(_) => path.index(i),
        };
        if line.len() > 500 {
            problems.push((
                at.clone(),
                "expected a line of at most 500 bytes (RFC 5321 §4.5.3.1.5: 512 with the code)"
                    .into(),
            ));
        }
        match Template::new(line) {
            Ok(t) => out.push(t),
            Err(e) => problems.push((at, format!("expected {}", e.0))),
        }
    }
    out
}

fn report(
    report: &ReportFile,
    step: Step,
    path: &Path,
    problems: &mut Problems,
) -> Option<ReportSpec> {
    if !matches!(step, Step::Rcpt | Step::EndOfData) {
        problems.push((
            path.clone(),
            "expected a report only at step `rcpt` or `end_of_data` (it is sent once the message \
             is stored)"
                .into(),
        ));
        return None;
    }
    let status = status(&report.status, None, &path.key("status"), problems);
    let text = match report.text.as_deref().map(Template::new) {
        None => None,
        Some(Ok(t)) => Some(t),
        Some(Err(e)) => {
            problems.push((path.key("text"), format!("expected {}", e.0)));
            return None;
        }
    };
    Some(ReportSpec {
        kind: report.kind,
        status,
        text,
        persona: report.persona,
    })
}
