//! Reads lines from stdin and prints one JSON object per line: the parsed value, or the error
//! with its reply code, enhanced status and offset.
//!
//! ```sh
//! printf 'MAIL FROM:<a@b> SIZE=1000\nRCPT TO:<>\n' | cargo run -p smtp-core --example parse -- commands
//! cargo run -p smtp-core --example parse -- commands --lenient < transcript.txt
//! ```
//!
//! In `commands` mode each input line is one command line. In `replies` mode the lines are read
//! as a stream of server replies (a multi-line reply spans several input lines) and one object is
//! printed per reply. Either way each line end (LF or CRLF) is replaced by CRLF before parsing,
//! so a transcript saved with Unix line ends reads as sent.
//!
//! ```sh
//! printf '250-mx.example.org\n250 SIZE 1000\n550 5.1.1 No such user\n' | cargo run -p smtp-core --example parse -- replies
//! ```

use std::io::{BufRead, Write};
use std::process::ExitCode;

use serde_json::json;
use smtp_core::command::{CommandConfig, Decoded, parse_command};
use smtp_core::reply::{ReplyConfig, ReplyError, ReplyReader, StatusCheck};

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

/// The reader's errors as JSON: the kind and the offset in the stream (as CRLF-terminated input).
fn reply_error(error: &ReplyError) -> serde_json::Value {
    json!({ "message": error.to_string(), "offset": error.offset() })
}

fn replies(lenient: bool) -> std::io::Result<()> {
    let mut config = ReplyConfig::default();
    if lenient {
        config.status_check = StatusCheck::Report;
    }
    let mut reader = ReplyReader::new(config);
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.split(b'\n') {
        let mut line = line?;
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        line.extend_from_slice(b"\r\n");
        reader.push(&line);
        while let Some(next) = reader.next_reply() {
            let out = match next {
                Ok(reply) => json!({ "reply": reply }),
                Err(error) => json!({ "error": reply_error(&error) }),
            };
            writeln!(stdout, "{out}")?;
        }
    }
    if reader.buffered() > 0 {
        writeln!(
            stdout,
            "{}",
            json!({ "error": reply_error(&ReplyError::Incomplete) })
        )?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let lenient = args.iter().any(|a| a == "--lenient");
    let run = match args.first().map(String::as_str) {
        Some("commands") => commands(lenient),
        Some("replies") => replies(lenient),
        _ => {
            eprintln!("usage: parse commands|replies [--lenient]   (lines on stdin)");
            return ExitCode::from(2);
        }
    };
    match run {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("parse: {e}");
            ExitCode::FAILURE
        }
    }
}
