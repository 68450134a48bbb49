//! Reads lines from stdin and prints one JSON object per line: the parsed value, or the error
//! with its reply code, enhanced status and offset.
//!
//! ```sh
//! printf 'MAIL FROM:<a@b> SIZE=1000\nRCPT TO:<>\n' | cargo run -p smtp-core --example parse -- commands
//! cargo run -p smtp-core --example parse -- commands --lenient < transcript.txt
//! ```
//!
//! Each input line is one command line; its line end (LF or CRLF) is replaced by CRLF before
//! parsing, so a transcript saved with Unix line ends reads as sent. `replies` mode is not built
//! yet.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use serde_json::json;
use smtp_core::command::{CommandConfig, Decoded, parse_command};

fn commands(lenient: bool) -> std::io::Result<()> {
    let config = if lenient {
        CommandConfig::lenient()
    } else {
        CommandConfig::default()
    };
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.split(b'\n') {
        let mut line = line?;
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        let input = String::from_utf8_lossy(&line).into_owned();
        line.extend_from_slice(b"\r\n");
        let out = match parse_command(&line, &config) {
            Decoded::Complete { value, .. } => json!({ "input": input, "command": value }),
            Decoded::Invalid { error, .. } => {
                json!({ "input": input, "error": error, "reply": error.reply() })
            }
            Decoded::Incomplete => json!({ "input": input, "error": { "kind": "incomplete" } }),
        };
        writeln!(stdout, "{out}")?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let lenient = args.iter().any(|a| a == "--lenient");
    match args.first().map(String::as_str) {
        Some("commands") => match commands(lenient) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("parse: {e}");
                ExitCode::FAILURE
            }
        },
        // Hook for the reply parser: reads reply lines the same way once it lands.
        Some("replies") => {
            eprintln!("parse: `replies` mode is not built yet (the reply parser has not landed)");
            ExitCode::from(2)
        }
        _ => {
            eprintln!("usage: parse commands [--lenient] | parse replies   (lines on stdin)");
            ExitCode::from(2)
        }
    }
}
