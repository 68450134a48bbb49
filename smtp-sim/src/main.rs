//! The `smtp-sim` command: `serve` (the default) and `check`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use smtp_sim::api::{self, ApiState};
use smtp_sim::scenario::{Scenario, default_scenario};
use smtp_sim::sim::{SimConfig, Simulator};

/// A fake receiving MX for integration tests.
#[derive(Debug, Parser)]
#[command(name = "smtp-sim", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve a scenario (the default when no command is given).
    Serve(Box<ServeArgs>),
    /// Check scenario files; print each error as `file:line:col: expected …`.
    Check {
        /// Scenario files (TOML, or JSON when the name ends in .json).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// SMTP listen address.
    #[arg(long, default_value = "127.0.0.1:2525")]
    listen: SocketAddr,
    /// HTTP API listen address.
    #[arg(long, default_value = "127.0.0.1:8025")]
    api: SocketAddr,
    /// Scenario file (default: accept everything and answer the SES simulator addresses).
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Seed of every random draw.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// The simulator's own domain (the SES simulator addresses are answered on it too).
    #[arg(long, default_value = smtp_sim::DEFAULT_SIM_DOMAIN)]
    sim_domain: String,
    /// The host name used in replies.
    #[arg(long, default_value = "mx.smtp-sim.test")]
    hostname: String,
    /// TLS certificate chain (PEM) for STARTTLS; a self-signed one is made when absent.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Folder to spool accepted messages to (`.eml` + `.json`).
    #[arg(long)]
    spool: Option<PathBuf>,
    /// File to append the event log to (JSON lines).
    #[arg(long)]
    events: Option<PathBuf>,
}

impl Default for ServeArgs {
    fn default() -> Self {
        ServeArgs::parse_from_defaults()
    }
}

impl ServeArgs {
    fn parse_from_defaults() -> Self {
        #[derive(Parser)]
        struct Only {
            #[command(flatten)]
            args: ServeArgs,
        }
        Only::parse_from(["smtp-sim"]).args
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli
        .command
        .unwrap_or_else(|| Command::Serve(Box::default()))
    {
        Command::Check { files } => check(&files),
        Command::Serve(args) => serve(*args),
    }
}

fn check(files: &[PathBuf]) -> ExitCode {
    let mut failed = false;
    for file in files {
        match Scenario::from_file(file) {
            Ok(s) => println!("{}: ok ({} rules)", file.display(), s.rules().len()),
            Err(errors) => {
                failed = true;
                for e in &errors.errors {
                    eprintln!("{e}");
                }
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn load(args: &ServeArgs) -> Result<Scenario, String> {
    match &args.scenario {
        Some(path) => Scenario::from_file(path).map_err(|e| e.to_string()),
        None => default_scenario(&args.sim_domain).map_err(|e| e.to_string()),
    }
}

fn readable(path: &Path) -> Result<(), String> {
    std::fs::metadata(path)
        .map(|_| ())
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn serve(args: ServeArgs) -> ExitCode {
    let scenario = match load(&args) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    for path in args.tls_cert.iter().chain(&args.tls_key) {
        if let Err(e) = readable(path) {
            eprintln!("smtp-sim: {e}");
            return ExitCode::FAILURE;
        }
    }
    let config = SimConfig {
        hostname: args.hostname.clone(),
        sim_domain: args.sim_domain.clone(),
        seed: args.seed,
        spool: args.spool.clone(),
        event_file: args.events.clone(),
        ..SimConfig::default()
    };
    let sim = match Simulator::new(config, scenario) {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("smtp-sim: cannot open the spool folder or event file: {e}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("smtp-sim: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(args.api).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("smtp-sim: cannot listen on {} for the API: {e}", args.api);
                return ExitCode::FAILURE;
            }
        };
        let api_addr = listener.local_addr().unwrap_or(args.api);
        eprintln!(
            "smtp-sim: the SMTP listener is not built yet (it waits for smtp-core's server \
             session); {} is NOT listening. Only the HTTP API runs.",
            args.listen
        );
        if args.tls_cert.is_some() {
            eprintln!(
                "smtp-sim: the TLS files were found but are not used until the SMTP listener exists"
            );
        }
        println!("api: http://{api_addr}");
        let state = ApiState { sim, smtp: None };
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        match api::serve(listener, state, shutdown).await {
            Ok(()) => {
                eprintln!("smtp-sim: stopped");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("smtp-sim: the API stopped: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
