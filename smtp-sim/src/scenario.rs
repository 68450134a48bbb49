//! Scenarios: ordered rules that say how the simulator answers, loaded from TOML (or JSON) or
//! built in Rust, and checked before use.
//!
//! ```
//! use smtp_sim::scenario::Scenario;
//!
//! let toml = r#"
//! [[rule]]
//! id = "bounce"
//! when = { step = "rcpt", rcpt = "bounce@*" }
//! do = { kind = "reply", code = 550, status = "5.1.1", text = "<{rcpt}>: User unknown" }
//! expect = { reason = "userunknown" }
//! "#;
//! let scenario = Scenario::from_toml(toml, Some("example.toml")).unwrap();
//! assert_eq!(scenario.rules()[0].id, "bounce");
//! assert!(scenario.rules()[0].expect.hard);
//!
//! let bad = toml.replace("5.1.1", "4.1.1");
//! let errors = Scenario::from_toml(&bad, Some("bad.toml")).unwrap_err();
//! assert_eq!(
//!     errors.to_string(),
//!     "bad.toml:5:45: rule[0].do.status: expected a status of class 5 to agree with reply code 550 (found 4.1.1)"
//! );
//! ```

mod builder;
mod defaults;
mod error;
mod file;
mod internet_compile;
mod internet_file;
mod model;
mod pattern;
mod template;
mod validate;
mod vocab;

#[cfg(test)]
mod tests;

use std::path::Path as FsPath;

pub use builder::{ActionBuilder, RuleBuilder, ScenarioBuilder};
pub use defaults::{SES_SIMULATOR_DOMAIN, default_scenario};
pub use error::{ScenarioError, ScenarioErrors};
pub use file::{
    ActionFile, ExpectFile, MatchFile, Patterns, ReportFile, RuleFile, ScenarioFile, Text,
};
pub use internet_file::{
    CheckFile, CheckKind, ClientFile, DnsFile, DomainFile, GreylistFile, RateLimitFile, SenderFile,
    SpfSetup, ThrottleFile, ZoneFile,
};
pub use model::{AcceptText, Action, Conditions, Expectation, ReplyTemplate, ReportSpec, Rule};
pub use pattern::{AddressPattern, Glob, IpPattern, PatternError};
pub use template::{Placeholder, Template, TemplateError};
pub use validate::MAX_DELAY;
pub use vocab::{ActionKind, Reason, Step};

use error::{expected_from_serde, line_column, span_of};

/// A checked scenario: its source (to show or save it again) and its compiled rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    source: ScenarioFile,
    rules: Vec<Rule>,
    internet: crate::internet::InternetConfig,
}

impl Scenario {
    /// Checks a scenario given as data (the builder ends here too). Errors carry the path of
    /// each bad value but no line or column.
    pub fn from_source(source: ScenarioFile) -> Result<Self, ScenarioErrors> {
        Self::check(source, None, |_| None)
    }

    /// Reads and checks a TOML scenario; `file` names it in error messages.
    pub fn from_toml(text: &str, file: Option<&str>) -> Result<Self, ScenarioErrors> {
        let located = |span: std::ops::Range<usize>, path: String, expected: String| {
            let (line, column) = line_column(text, span.start);
            ScenarioError {
                file: file.map(str::to_owned),
                line: Some(line),
                column: Some(column),
                path,
                expected,
            }
        };
        let source: ScenarioFile = match toml::from_str(text) {
            Ok(source) => source,
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                return Err(ScenarioErrors {
                    errors: vec![located(
                        span,
                        String::new(),
                        expected_from_serde(e.message()),
                    )],
                });
            }
        };
        // The document parsed once as typed data, so it parses again as a spanned tree.
        let tree = toml::de::DeTable::parse(text).ok().map(|table| {
            let span = table.span();
            toml::Spanned::new(span, toml::de::DeValue::Table(table.into_inner()))
        });
        Self::check(source, file, |path| {
            tree.as_ref()
                .map(|tree| line_column(text, span_of(tree, path).start))
        })
    }

    /// Reads and checks a JSON scenario (the same fields as TOML). Syntax and type errors have
    /// a line and column; other errors have the path of the bad value.
    pub fn from_json(text: &str, file: Option<&str>) -> Result<Self, ScenarioErrors> {
        match serde_json::from_str::<ScenarioFile>(text) {
            Ok(source) => Self::check(source, file, |_| None),
            Err(e) => Err(ScenarioErrors {
                errors: vec![ScenarioError {
                    file: file.map(str::to_owned),
                    line: Some(e.line()),
                    column: Some(e.column()),
                    path: String::new(),
                    expected: expected_from_serde(&strip_serde_json_position(&e.to_string())),
                }],
            }),
        }
    }

    /// Reads a scenario file: JSON if its name ends in `.json`, TOML otherwise.
    pub fn from_file(path: &FsPath) -> Result<Self, ScenarioErrors> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ScenarioErrors {
            errors: vec![ScenarioError {
                file: Some(name.clone()),
                line: None,
                column: None,
                path: String::new(),
                expected: format!("expected a readable file ({e})"),
            }],
        })?;
        if path.extension().is_some_and(|e| e == "json") {
            Self::from_json(&text, Some(&name))
        } else {
            Self::from_toml(&text, Some(&name))
        }
    }

    fn check(
        source: ScenarioFile,
        file: Option<&str>,
        locate: impl Fn(&error::Path) -> Option<(usize, usize)>,
    ) -> Result<Self, ScenarioErrors> {
        match validate::compile(&source) {
            Ok((rules, internet)) => Ok(Scenario {
                source,
                rules,
                internet,
            }),
            Err(problems) => {
                let errors = problems
                    .into_iter()
                    .map(|(path, expected)| {
                        let at = locate(&path);
                        ScenarioError {
                            file: file.map(str::to_owned),
                            line: at.map(|a| a.0),
                            column: at.map(|a| a.1),
                            path: path.to_string(),
                            expected,
                        }
                    })
                    .collect();
                Err(ScenarioErrors { errors })
            }
        }
    }

    /// The compiled rules, in order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Whether any rule matches on the message's `Subject:` (the driver reads it only then).
    pub fn reads_subject(&self) -> bool {
        self.rules.iter().any(|r| !r.conditions.subject.is_empty())
    }

    /// The internet around the simulator: DNS world, checks, personas, profiles, identities.
    pub fn internet(&self) -> &crate::internet::InternetConfig {
        &self.internet
    }

    /// The scenario as it was written (or built).
    pub fn source(&self) -> &ScenarioFile {
        &self.source
    }

    /// The scenario written as TOML; reading it back gives an equal scenario.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(&self.source).unwrap_or_else(|e| format!("# cannot write: {e}\n"))
    }

    /// The scenario written as JSON; reading it back gives an equal scenario.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.source).unwrap_or_else(|e| format!("\"{e}\""))
    }
}

/// serde_json appends " at line L column C"; the position is reported in its own fields.
fn strip_serde_json_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}
