//! Scenario files, as the simulator reads them from disk and from `PUT /api/scenario`: any text
//! is either a scenario that writes back (TOML and JSON) to an equal one, or a list of errors
//! that each point inside the text.

use smtp_sim::scenario::Scenario;

/// Reads `data` as TOML, or as JSON when it starts with `{`, and checks the outcome.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = if text.trim_start().starts_with('{') {
        Scenario::from_json(text, Some("fuzz.json"))
    } else {
        Scenario::from_toml(text, Some("fuzz.toml"))
    };
    match parsed {
        Ok(scenario) => {
            let toml = scenario.to_toml();
            let again = Scenario::from_toml(&toml, None)
                .unwrap_or_else(|e| panic!("written TOML does not read back: {e}\n{toml}"));
            assert_eq!(again, scenario, "through TOML:\n{toml}");
            let json = scenario.to_json();
            let again = Scenario::from_json(&json, None)
                .unwrap_or_else(|e| panic!("written JSON does not read back: {e}\n{json}"));
            assert_eq!(again, scenario, "through JSON:\n{json}");
        }
        Err(errors) => {
            assert!(!errors.errors.is_empty(), "a refusal without an error");
            let lines = text.lines().count().max(1);
            for e in &errors.errors {
                assert!(e.expected.starts_with("expected"), "{e:?}");
                if let Some(line) = e.line {
                    // A position one past the last line is where an unterminated value ends.
                    assert!(
                        line >= 1 && line <= lines + 1,
                        "line {line} of {lines}: {e:?}"
                    );
                }
            }
            let _ = errors.to_string();
        }
    }
}
