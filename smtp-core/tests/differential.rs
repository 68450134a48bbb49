//! Differential test against smtp-proto 0.2.5 on the shared corpus `tests/data/commands.txt`.
//!
//! Each line is parsed by both; the outcome is reduced to a comparable key (verb, and for
//! MAIL/RCPT the mailbox; `ERR` for a rejection, `UNKNOWN` for an unknown verb). A line tagged
//! `same` must give equal keys; a line tagged with a difference id (listed, with the reason, in
//! `docs/differential-smtp-proto.md`) must give different keys. Set `DIFF_REPORT=1` to print the
//! table.

use smtp_core::address::{ForwardPath, ReversePath};
use smtp_core::command::{Command, CommandConfig, Decoded, parse_command};

fn ours(line: &[u8]) -> String {
    match parse_command(line, &CommandConfig::default()) {
        Decoded::Complete { value, .. } => match value.command {
            Command::Mail(m) => match m.from {
                ReversePath::Null => "MAIL ".to_string(),
                ReversePath::Path(p) => format!("MAIL {}", p.mailbox),
            },
            Command::Rcpt(r) => match r.to {
                ForwardPath::Postmaster(p) => format!("RCPT {p}"),
                ForwardPath::Path(p) => format!("RCPT {}", p.mailbox),
            },
            Command::Bdat { size, last } => format!("BDAT {size} {last}"),
            Command::Unknown(_) => "UNKNOWN".to_string(),
            other => other.verb().into_owned(),
        },
        Decoded::Invalid { error, .. }
            if error.kind == smtp_core::ErrorKind::UnrecognizedCommand =>
        {
            "UNKNOWN".to_string()
        }
        Decoded::Invalid { .. } => "ERR".to_string(),
        Decoded::Incomplete => "INCOMPLETE".to_string(),
    }
}

fn theirs(line: &[u8]) -> String {
    use smtp_proto::{Error, Request};
    match Request::parse(&mut line.iter()) {
        Ok(Request::Mail { from }) => format!("MAIL {}", from.address),
        Ok(Request::Rcpt { to }) => format!("RCPT {}", to.address),
        Ok(Request::Bdat {
            chunk_size,
            is_last,
        }) => format!("BDAT {chunk_size} {is_last}"),
        Ok(other) => other.name().to_string(),
        Err(Error::UnknownCommand) => "UNKNOWN".to_string(),
        Err(Error::NeedsMoreData { .. }) => "INCOMPLETE".to_string(),
        Err(_) => "ERR".to_string(),
    }
}

#[test]
fn differential_against_smtp_proto() {
    let corpus = include_str!("data/commands.txt");
    let report = std::env::var_os("DIFF_REPORT").is_some();
    let mut rows = 0;
    let mut failures = Vec::new();
    for row in corpus
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (tag, text) = row.split_once('\t').expect("tag TAB line");
        let line = format!("{text}\r\n");
        let (a, b) = (ours(line.as_bytes()), theirs(line.as_bytes()));
        rows += 1;
        if report {
            println!("{tag:5} | {text:60} | ours: {a:30} | smtp-proto: {b}");
        }
        let agree = a == b;
        if agree != (tag == "same") {
            failures.push(format!("{tag} {text:?}: ours {a:?}, smtp-proto {b:?}"));
        }
    }
    assert!(rows > 40, "corpus too small: {rows} rows");
    assert!(
        failures.is_empty(),
        "tags do not match:\n{}",
        failures.join("\n")
    );
}

/// D12 and D13: inputs the text corpus cannot hold (invalid UTF-8; a line far over the limit).
#[test]
fn bytes_the_corpus_cannot_hold() {
    let invalid = b"MAIL FROM:<\xff@example.org>\r\n";
    assert_eq!(ours(invalid), "ERR");
    assert_eq!(theirs(invalid), "MAIL \u{fffd}@example.org", "D12 changed");
    let long = format!("NOOP {}\r\n", "a".repeat(5000));
    assert_eq!(ours(long.as_bytes()), "ERR");
    assert_eq!(theirs(long.as_bytes()), "NOOP", "D13 changed");
}
