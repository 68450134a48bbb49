//! Every reply a scenario file of the repository makes the simulator send (a `reply` or a
//! `close` rule) is classified by bounce-classify as the rule's `expect` says: the same reason,
//! and the same answer to "is the address bad?". The simulator's ground truth and the
//! classifier's rules cannot drift apart unnoticed.

use std::path::{Path, PathBuf};

use bounce_classify::{Command, classify_reply};
use smtp_sim::persona::{Act, Persona, Situation, Vars};
use smtp_sim::scenario::{Action, Placeholder, Rule, Scenario, Step};

/// The scenario files: the shipped ones and the benches' (the same set `.ci/run` checks).
fn scenario_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in ["smtp-sim/scenarios", "benches"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("the folder is in the repository") {
            let path = entry.unwrap().path();
            let toml = path.extension().is_some_and(|e| e == "toml");
            if toml && path.file_name().is_some_and(|n| n != "Cargo.toml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The step a rule's reply answers, as the classifier names it (`None` for the steps it has
/// no name for: a reply to NOOP or RSET is read without one).
fn command(step: Step) -> Option<Command> {
    match step {
        Step::Connect => Some(Command::Conn),
        Step::Helo => Some(Command::Helo),
        Step::Mail => Some(Command::Mail),
        Step::Rcpt => Some(Command::Rcpt),
        Step::Data | Step::EndOfData => Some(Command::Data),
        Step::Auth => Some(Command::Auth),
        _ => None,
    }
}

fn value(rule: &Rule, p: Placeholder) -> String {
    match p {
        Placeholder::Rcpt => "user@example.net".into(),
        Placeholder::Sender => "app@example.org".into(),
        Placeholder::ClientIp => "192.0.2.1".into(),
        Placeholder::Helo => "client.example".into(),
        Placeholder::Session => "7".into(),
        Placeholder::Hostname => "mx.example.net".into(),
        Placeholder::Rule => rule.id.clone(),
    }
}

fn name<T: serde::Serialize>(reason: &T) -> String {
    serde_json::to_value(reason)
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn every_scenario_reply_is_classified_as_its_rule_expects() {
    let mut checked = 0;
    let mut wrong = Vec::new();
    for file in scenario_files() {
        let scenario = Scenario::from_file(&file).unwrap_or_else(|e| panic!("{e}"));
        for rule in scenario.rules() {
            let template = match &rule.action {
                Action::Reply(t) | Action::Close(t) if t.code >= 400 => t,
                _ => continue,
            };
            let text: Vec<String> = template
                .lines
                .iter()
                .map(|l| l.render(|p| value(rule, p)))
                .collect();
            let text = text.join("\n");
            let verdict = classify_reply(template.code, template.status, &text, command(rule.step));
            checked += 1;
            let (want, got) = (name(&rule.expect.reason), name(&verdict.reason));
            if want != got || rule.expect.hard != verdict.hard_bounce {
                wrong.push(format!(
                    "{}: rule {} ({} {text:?} at {}): expected {want} (hard {}), classified {got} (hard {})",
                    file.display(),
                    rule.id,
                    template.code,
                    rule.step.name(),
                    rule.expect.hard,
                    verdict.hard_bounce
                ));
            }
        }
    }
    assert!(
        checked >= 20,
        "only {checked} replies found in the scenario files"
    );
    assert!(
        wrong.is_empty(),
        "{} of {checked}:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn every_persona_refusal_is_classified_as_the_persona_expects() {
    let vars = Vars {
        rcpt: "user@example.net",
        sender: "app@example.org",
        from_domain: "example.org",
        client_ip: "192.0.2.1".into(),
        hostname: "mx.example.net",
        zone: "zen.spamhaus.org",
        reason: "https://www.spamhaus.org/query/ip/192.0.2.1",
        id: "4Xyz",
    };
    let mut checked = 0;
    let mut wrong = Vec::new();
    for persona in Persona::ALL {
        for situation in Situation::ALL {
            let answer = persona.answer(situation);
            let (Act::Refuse(reply) | Act::Close(reply)) = answer.act else {
                continue;
            };
            let reply = reply.render(&vars);
            let text = reply.lines.join("\n");
            let verdict = classify_reply(reply.code, reply.status, &text, command(answer.step));
            checked += 1;
            let hard = answer.reason.hard_by_default(Some(reply.code));
            let (want, got) = (name(&answer.reason), name(&verdict.reason));
            if want != got || hard != verdict.hard_bounce {
                wrong.push(format!(
                    "{} {situation:?} ({} {text:?} at {}): expected {want} (hard {hard}), classified {got} (hard {})",
                    persona.name(),
                    reply.code,
                    answer.step.name(),
                    verdict.hard_bounce
                ));
            }
        }
    }
    assert!(checked >= 50, "only {checked} persona refusals");
    assert!(
        wrong.is_empty(),
        "{} of {checked}:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
