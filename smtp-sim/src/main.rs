//! The `smtp-sim` command: `serve` (the default) and `check`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use smtp_sim::api::{self, ApiState};
use smtp_sim::capture::StoreLimits;
use smtp_sim::scenario::{Scenario, default_scenario};
use smtp_sim::server::{self, Clock, Listener, ReportDelivery, ServerConfig, TlsSetup};
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
    /// Also listen for implicit TLS (port 465 style) on this address.
    #[arg(long)]
    tls_listen: Option<SocketAddr>,
    /// Do not offer STARTTLS (by default it is offered with the given or a self-signed
    /// certificate).
    #[arg(long)]
    no_tls: bool,
    /// An AUTH account as `user:password` (repeatable); AUTH is offered under TLS once one is given.
    #[arg(long = "account", value_name = "USER:PASSWORD")]
    accounts: Vec<String>,
    /// Expect a PROXY protocol (v1/v2) header on every connection.
    #[arg(long)]
    proxy_protocol: bool,
    /// Let clients send XCLIENT (loopback test clients presenting public identities).
    #[arg(long)]
    xclient: bool,
    /// Connections served at once; beyond it `421 4.7.0`.
    #[arg(long, default_value_t = 100)]
    max_connections: usize,
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
    /// Messages the store keeps; beyond it a message is refused with `452 4.3.1`.
    #[arg(long, default_value_t = StoreLimits::default().max_messages)]
    max_messages: usize,
    /// Bytes of raw messages the store keeps; beyond it `452 4.3.1`.
    #[arg(long, default_value_t = StoreLimits::default().max_bytes)]
    max_store_bytes: usize,
    /// Deliver the outbox's reports (bounces, auto-replies, complaints) by SMTP to this
    /// `host:port`, with the null envelope sender.
    #[arg(long, value_name = "HOST:PORT")]
    deliver_reports: Option<String>,
    /// Threads of the async runtime. `1` serves every connection from one thread, as
    /// Postfix's smtp-sink does (no wake-ups across threads); more spread the connections over
    /// that many worker threads. Default: 1.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    threads: u16,
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
        limits: StoreLimits {
            max_messages: args.max_messages,
            max_bytes: args.max_store_bytes,
        },
        ..SimConfig::default()
    };
    let sim = match Simulator::new(config, scenario) {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("smtp-sim: cannot open the spool folder or event file: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut builder = if args.threads == 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(usize::from(args.threads));
        b
    };
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("smtp-sim: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let server_config = match server_config(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("smtp-sim: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(args, sim, server_config))
}

fn server_config(args: &ServeArgs) -> Result<ServerConfig, String> {
    let mut config = ServerConfig::default();
    config.session.domain = args.hostname.clone();
    config.session.proxy_protocol = args.proxy_protocol;
    config.session.xclient = args.xclient;
    config.max_connections = args.max_connections;
    for account in &args.accounts {
        let (user, password) = account
            .split_once(':')
            .ok_or_else(|| format!("--account {account}: expected USER:PASSWORD"))?;
        config.accounts.insert(user, password);
    }
    config.tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => {
            Some(TlsSetup::from_pem_files(cert, key).map_err(|e| e.to_string())?)
        }
        _ if args.no_tls && args.tls_listen.is_none() => None,
        _ => Some(
            TlsSetup::self_signed(&["localhost", "127.0.0.1", &args.hostname])
                .map_err(|e| e.to_string())?,
        ),
    };
    Ok(config)
}

async fn run(args: ServeArgs, sim: Simulator, config: ServerConfig) -> ExitCode {
    let starttls = config.tls.is_some() && !args.no_tls;
    let mut config = config;
    let implicit = config.tls.clone();
    if !starttls {
        config.tls = None;
    }
    // The scenario's `[throttle]` puts the SMTP listener behind the port-25 gate.
    let throttle = sim.scenario().internet().throttle;
    let smtp = match throttle {
        Some(gate) => smtp_sim::throttle::GatedListener::bind(args.listen, gate, sim.config().seed)
            .map(|l| Listener::Gated(Box::new(l))),
        None => tokio::net::TcpListener::bind(args.listen)
            .await
            .map(Listener::Tcp),
    };
    let smtp = match smtp {
        Ok(l) => l,
        Err(e) => {
            eprintln!("smtp-sim: cannot listen on {} for SMTP: {e}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    let mut listeners = vec![smtp];
    if let Some(addr) = args.tls_listen {
        if config.tls.is_none() {
            // Implicit TLS keeps its certificate even when STARTTLS is off.
            config.tls = implicit;
            config.session.extensions.starttls = false;
        }
        match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => listeners.push(Listener::ImplicitTls(l)),
            Err(e) => {
                eprintln!("smtp-sim: cannot listen on {addr} for implicit TLS: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let api_listener = match tokio::net::TcpListener::bind(args.api).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("smtp-sim: cannot listen on {} for the API: {e}", args.api);
            return ExitCode::FAILURE;
        }
    };
    let api_addr = api_listener.local_addr().unwrap_or(args.api);
    let handle = match server::spawn(sim.clone(), config, Clock::from_system_time(), listeners) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("smtp-sim: cannot start the SMTP listener: {e}");
            return ExitCode::FAILURE;
        }
    };
    let addrs = handle.local_addrs().to_vec();
    let delivery = args.deliver_reports.clone().map(|target| {
        println!("reports: delivered to {target}");
        ReportDelivery::new(target, args.hostname.clone())
            .spawn(sim.clone(), handle.shared().stored())
    });
    println!(
        "smtp: {}{}",
        addrs[0],
        if starttls { " (STARTTLS)" } else { "" }
    );
    if let Some(tls) = addrs.get(1) {
        println!("smtps: {tls} (implicit TLS)");
    }
    println!("api: http://{api_addr}");
    let (stop_api, api_stopped) = tokio::sync::oneshot::channel::<()>();
    let state = ApiState {
        sim,
        smtp: Some(addrs[0]),
    };
    let api_task = tokio::spawn(api::serve(api_listener, state, async {
        let _ = api_stopped.await;
    }));
    let _ = tokio::signal::ctrl_c().await;
    eprintln!("smtp-sim: stopping (sessions under way get 10 s)");
    let _ = stop_api.send(());
    handle.shutdown().await;
    if let Some(delivery) = delivery {
        delivery.abort();
    }
    match api_task.await {
        Ok(Ok(())) => {
            eprintln!("smtp-sim: stopped");
            ExitCode::SUCCESS
        }
        Ok(Err(e)) => {
            eprintln!("smtp-sim: the API stopped: {e}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("smtp-sim: the API task failed: {e}");
            ExitCode::FAILURE
        }
    }
}
