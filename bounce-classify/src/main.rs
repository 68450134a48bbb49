//! `bounce-classify`: classify bounce emails from files, folders (Maildir), mbox files or stdin,
//! and write one JSON line per recipient (or a table, or a summary).

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    match cli::run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("bounce-classify: {e}");
            ExitCode::from(2)
        }
    }
}
