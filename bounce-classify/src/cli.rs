//! The command line: arguments, input discovery, parallel classification, output.

mod input;
mod output;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, ValueEnum};
use rayon::prelude::*;

use output::{Line, Summary};

/// Classify bounce emails: per recipient the reason, hard/soft, and what to do.
#[derive(Debug, Parser)]
#[command(name = "bounce-classify", version)]
pub(crate) struct Args {
    /// Files, folders (read recursively; Maildir cur/new included), mbox files, or `-` for stdin.
    #[arg(required = true)]
    pub(crate) inputs: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub(crate) format: Format,
    /// Print counts per reason and decision and the hard-bounce share instead of one line per
    /// recipient.
    #[arg(long)]
    pub(crate) summary: bool,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub(crate) threads: Option<usize>,
    /// Never show a progress bar.
    #[arg(long)]
    pub(crate) no_progress: bool,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// One JSON object per line.
    Json,
    /// A table for people.
    Table,
}

/// Runs the command; `Ok(false)` when some input failed.
pub(crate) fn run(args: &Args) -> io::Result<bool> {
    let mut sources = Vec::new();
    let mut ok = true;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut summary = Summary::default();
    let mut table_header = false;
    let mut emit = |lines: Vec<Line>, out: &mut dyn Write| -> io::Result<()> {
        for line in lines {
            if line.is_error() {
                ok = false;
            }
            if args.summary {
                summary.add(&line);
                continue;
            }
            match args.format {
                Format::Json => writeln!(out, "{}", line.to_json())?,
                Format::Table => {
                    if !table_header {
                        writeln!(out, "{}", output::table_header())?;
                        table_header = true;
                    }
                    writeln!(out, "{}", line.to_table_row())?;
                }
            }
        }
        Ok(())
    };
    for input in &args.inputs {
        if input == "-" {
            let mut buf = Vec::new();
            io::Read::read_to_end(&mut io::stdin().lock(), &mut buf)?;
            emit(input::classify_bytes("-", &buf), &mut out)?;
        } else {
            match input::discover(&PathBuf::from(input)) {
                Ok(found) => sources.extend(found),
                Err(e) => emit(vec![Line::error(input, 0, &e.to_string())], &mut out)?,
            }
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .map_err(io::Error::other)?;
    let bar = (!args.no_progress && io::stderr().is_terminal() && sources.len() > 50).then(|| {
        let b = indicatif::ProgressBar::new(sources.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {per_sec} {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    // Parallel over files in chunks, printed in input order.
    for chunk in sources.chunks(256) {
        let results: Vec<Vec<Line>> = pool.install(|| {
            chunk
                .par_iter()
                .map(|p| {
                    let r = input::classify_file(p);
                    if let Some(b) = &bar {
                        b.inc(1);
                    }
                    r
                })
                .collect()
        });
        for lines in results {
            emit(lines, &mut out)?;
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if args.summary {
        write!(out, "{}", summary)?;
    }
    out.flush()?;
    Ok(ok)
}
