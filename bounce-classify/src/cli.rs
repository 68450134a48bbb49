//! The command line: arguments, input discovery, parallel classification, output.

mod input;
mod output;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, ValueEnum};
use rayon::prelude::*;

use output::{Classified, Summary};

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
    let stdout = io::stdout();
    let mut out = Output {
        args,
        out: io::BufWriter::with_capacity(64 * 1024, stdout.lock()),
        ok: true,
        summary: Summary::default(),
        table_header: false,
    };
    let mut sources = Vec::new();
    for input in &args.inputs {
        if input == "-" {
            let mut buf = Vec::new();
            io::Read::read_to_end(&mut io::stdin().lock(), &mut buf)?;
            input::classify_bytes("-".into(), &buf, |c| out.emit(&c))?;
        } else {
            match input::discover(&PathBuf::from(input)) {
                Ok(found) => sources.extend(found),
                Err(e) => out.emit(&Classified::error(input.into(), e.to_string()))?,
            }
        }
    }
    let bar = (!args.no_progress && io::stderr().is_terminal() && sources.len() > 50).then(|| {
        let b = indicatif::ProgressBar::new(sources.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {per_sec} {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    // `--threads 1` needs no pool; otherwise rayon picks the count (0: one per core).
    let pool = match args.threads {
        Some(1) => None,
        n => Some(
            rayon::ThreadPoolBuilder::new()
                .num_threads(n.unwrap_or(0))
                .build()
                .map_err(io::Error::other)?,
        )
        .filter(|p| p.current_num_threads() > 1),
    };
    if let Some(pool) = pool {
        // Parallel over files in chunks, printed in input order.
        for chunk in sources.chunks(256) {
            let results: Vec<Vec<Classified>> = pool.install(|| {
                chunk
                    .par_iter()
                    .map_init(input::Reader::default, |reader, p| {
                        let mut found = Vec::new();
                        let pushed = input::classify_file(p, reader, |c| {
                            found.push(c);
                            Ok::<_, std::convert::Infallible>(())
                        });
                        let Ok(()) = pushed;
                        if let Some(b) = &bar {
                            b.inc(1);
                        }
                        found
                    })
                    .collect()
            });
            for c in results.iter().flatten() {
                out.emit(c)?;
            }
        }
    } else {
        // One thread: read, classify and write each file in turn on this thread, with one
        // read buffer; no pool, no hand-over of results.
        let mut reader = input::Reader::default();
        for p in &sources {
            input::classify_file(p, &mut reader, |c| out.emit(&c))?;
            if let Some(b) = &bar {
                b.inc(1);
            }
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    out.finish()
}

/// Where the lines go: JSON lines, table rows or the summary's counts.
struct Output<'a, W: Write> {
    args: &'a Args,
    out: W,
    /// No input failed so far.
    ok: bool,
    summary: Summary,
    table_header: bool,
}

impl<W: Write> Output<'_, W> {
    /// Writes (or counts) the lines of one message.
    fn emit(&mut self, c: &Classified<'_>) -> io::Result<()> {
        c.for_each_line(|line| {
            if line.is_error() {
                self.ok = false;
            }
            if self.args.summary {
                self.summary.add(line);
                return Ok(());
            }
            match self.args.format {
                Format::Json => {
                    line.write_json(&mut self.out)?;
                    self.out.write_all(b"\n")
                }
                Format::Table => {
                    if !self.table_header {
                        writeln!(self.out, "{}", output::table_header())?;
                        self.table_header = true;
                    }
                    writeln!(self.out, "{}", line.to_table_row())
                }
            }
        })
    }

    /// Writes the summary if asked for and flushes; `Ok(false)` when some input failed.
    fn finish(mut self) -> io::Result<bool> {
        if self.args.summary {
            write!(self.out, "{}", self.summary)?;
        }
        self.out.flush()?;
        Ok(self.ok)
    }
}
