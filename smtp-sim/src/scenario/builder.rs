//! Building a scenario in Rust. The builder fills the same [`ScenarioFile`] a TOML file does and
//! is checked the same way, so both give equal [`Scenario`]s.
//!
//! ```
//! use smtp_sim::scenario::{ActionBuilder, Reason, RuleBuilder, Scenario, ScenarioBuilder, Step};
//!
//! let built = ScenarioBuilder::new()
//!     .rule(
//!         RuleBuilder::new("bounce")
//!             .step(Step::Rcpt)
//!             .rcpt("bounce@*")
//!             .action(ActionBuilder::reply(550, "<{rcpt}>: User unknown").status("5.1.1"))
//!             .expect(Reason::Userunknown),
//!     )
//!     .build()
//!     .unwrap();
//! let read = Scenario::from_toml(
//!     r#"
//!     [[rule]]
//!     id = "bounce"
//!     when = { step = "rcpt", rcpt = "bounce@*" }
//!     do = { kind = "reply", code = 550, status = "5.1.1", text = "<{rcpt}>: User unknown" }
//!     expect = { reason = "userunknown" }
//!     "#,
//!     None,
//! )
//! .unwrap();
//! assert_eq!(built, read);
//! ```

use super::file::{
    ActionFile, ExpectFile, MatchFile, Patterns, ReportFile, RuleFile, ScenarioFile, Text,
};
use super::vocab::{ActionKind, Reason, Step};
use super::{Scenario, ScenarioErrors};
use crate::capture::ReportKind;

/// Builds a [`Scenario`].
#[derive(Debug, Clone, Default)]
pub struct ScenarioBuilder {
    file: ScenarioFile,
}

impl ScenarioBuilder {
    /// An empty scenario (which accepts everything).
    pub fn new() -> Self {
        Self::default()
    }

    /// Names the scenario.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.file.name = Some(name.into());
        self
    }

    /// Describes the scenario.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.file.description = Some(text.into());
        self
    }

    /// Appends a rule (rules are tried in the order they were added).
    pub fn rule(mut self, rule: RuleBuilder) -> Self {
        self.file.rules.push(rule.rule);
        self
    }

    /// Checks the scenario.
    pub fn build(self) -> Result<Scenario, ScenarioErrors> {
        Scenario::from_source(self.file)
    }
}

/// Builds one rule. Without [`RuleBuilder::action`] it accepts; without
/// [`RuleBuilder::expect`] it expects `delivered`.
#[derive(Debug, Clone)]
pub struct RuleBuilder {
    rule: RuleFile,
}

fn push(patterns: &mut Option<Patterns>, p: &str) {
    *patterns = Some(match patterns.take() {
        None => Patterns::One(p.to_owned()),
        Some(Patterns::One(first)) => Patterns::Many(vec![first, p.to_owned()]),
        Some(Patterns::Many(mut list)) => {
            list.push(p.to_owned());
            Patterns::Many(list)
        }
    });
}

impl RuleBuilder {
    /// A rule with this id, consulted at every command until [`RuleBuilder::step`] says otherwise.
    pub fn new(id: impl Into<String>) -> Self {
        RuleBuilder {
            rule: RuleFile {
                id: id.into(),
                description: None,
                when: MatchFile::default(),
                action: ActionBuilder::accept().action,
                expect: ExpectFile {
                    reason: Reason::Delivered,
                    hard: None,
                },
            },
        }
    }

    /// Describes the rule.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.rule.description = Some(text.into());
        self
    }

    /// The step at which the rule is consulted.
    pub fn step(mut self, step: Step) -> Self {
        self.rule.when.step = step;
        self
    }

    /// Adds a recipient pattern (any pattern may match).
    pub fn rcpt(mut self, pattern: &str) -> Self {
        push(&mut self.rule.when.rcpt, pattern);
        self
    }

    /// Adds a sender pattern.
    pub fn sender(mut self, pattern: &str) -> Self {
        push(&mut self.rule.when.sender, pattern);
        self
    }

    /// Adds a HELO name pattern.
    pub fn helo(mut self, pattern: &str) -> Self {
        push(&mut self.rule.when.helo, pattern);
        self
    }

    /// Adds a client address or range.
    pub fn client(mut self, pattern: &str) -> Self {
        push(&mut self.rule.when.client, pattern);
        self
    }

    /// Only the Nth message of the run.
    pub fn nth_message(mut self, n: u64) -> Self {
        self.rule.when.nth_message = Some(n);
        self
    }

    /// Only the first N messages of each client.
    pub fn first_per_client(mut self, n: u64) -> Self {
        self.rule.when.first_per_client = Some(n);
        self
    }

    /// Adds a `Subject:` pattern (end of data only).
    pub fn subject(mut self, pattern: &str) -> Self {
        push(&mut self.rule.when.subject, pattern);
        self
    }

    /// Only messages larger than `octets` (end of data only).
    pub fn larger_than(mut self, octets: u64) -> Self {
        self.rule.when.larger_than = Some(octets);
        self
    }

    /// Fire with this probability.
    pub fn probability(mut self, p: f64) -> Self {
        self.rule.when.probability = Some(p);
        self
    }

    /// What the rule does.
    pub fn action(mut self, action: ActionBuilder) -> Self {
        self.rule.action = action.action;
        self
    }

    /// The reason a classifier should find; hard or soft as the taxonomy says.
    pub fn expect(mut self, reason: Reason) -> Self {
        self.rule.expect = ExpectFile { reason, hard: None };
        self
    }

    /// Overrides whether the expected outcome is a hard bounce.
    pub fn hard(mut self, hard: bool) -> Self {
        self.rule.expect.hard = Some(hard);
        self
    }
}

/// Builds an action.
#[derive(Debug, Clone)]
pub struct ActionBuilder {
    action: ActionFile,
}

impl ActionBuilder {
    fn of(kind: ActionKind) -> Self {
        ActionBuilder {
            action: ActionFile {
                kind,
                code: None,
                status: None,
                text: None,
                delay_ms: None,
                report: None,
            },
        }
    }

    /// Reply with this code and one line of text.
    pub fn reply(code: u16, text: &str) -> Self {
        let mut b = Self::of(ActionKind::Reply);
        b.action.code = Some(code);
        b.action.text = Some(Text::Line(text.to_owned()));
        b
    }

    /// Accept.
    pub fn accept() -> Self {
        Self::of(ActionKind::Accept)
    }

    /// Accept and throw away.
    pub fn discard() -> Self {
        Self::of(ActionKind::Discard)
    }

    /// Close without a reply.
    pub fn drop_connection() -> Self {
        Self::of(ActionKind::Drop)
    }

    /// Answer 421 and close.
    pub fn close() -> Self {
        Self::of(ActionKind::Close)
    }

    /// The enhanced status code.
    pub fn status(mut self, status: &str) -> Self {
        self.action.status = Some(status.to_owned());
        self
    }

    /// One line of text (replaces any text given before).
    pub fn text(mut self, text: &str) -> Self {
        self.action.text = Some(Text::Line(text.to_owned()));
        self
    }

    /// Several lines: a multi-line reply.
    pub fn lines<'a>(mut self, lines: impl IntoIterator<Item = &'a str>) -> Self {
        self.action.text = Some(Text::Lines(lines.into_iter().map(str::to_owned).collect()));
        self
    }

    /// Wait before acting.
    pub fn delay_ms(mut self, ms: u64) -> Self {
        self.action.delay_ms = Some(ms);
        self
    }

    /// After acceptance, send a report of this kind with an optional status and text.
    pub fn report(mut self, kind: ReportKind, status: Option<&str>, text: Option<&str>) -> Self {
        self.action.report = Some(ReportFile {
            kind,
            status: status.map(str::to_owned),
            text: text.map(str::to_owned),
            persona: None,
        });
        self
    }

    /// The receiver whose report the report (set by [`ActionBuilder::report`]) imitates.
    pub fn report_persona(mut self, persona: crate::persona::Persona) -> Self {
        if let Some(r) = self.action.report.as_mut() {
            r.persona = Some(persona);
        }
        self
    }
}
