//! What the server is set up with, besides the simulator.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use smtp_core::session::server::Config;

use super::tls::TlsSetup;

/// Accounts that AUTH PLAIN/LOGIN accept. Passwords never show in `Debug`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Accounts(BTreeMap<String, String>);

impl Accounts {
    /// Adds (or replaces) an account.
    pub fn insert(&mut self, user: impl Into<String>, password: impl Into<String>) -> &mut Self {
        self.0.insert(user.into(), password.into());
        self
    }

    /// Whether `user` exists with this `password`.
    pub fn check(&self, user: &str, password: &str) -> bool {
        self.0.get(user).is_some_and(|p| p == password)
    }

    /// Whether there is no account (AUTH is then not offered).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Accounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.keys().map(|k| (k, "<redacted>")))
            .finish()
    }
}

/// The server's settings.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The session's limits and policies. `domain` should be the simulator's host name;
    /// STARTTLS, AUTH, `ask_hello`, `ask_data` and `ask_commands` are set by the server from the fields below.
    pub session: Config,
    /// Certificate and key for STARTTLS and the implicit-TLS listener; `None`: no TLS.
    pub tls: Option<TlsSetup>,
    /// AUTH accounts; empty: AUTH is not offered.
    pub accounts: Accounts,
    /// Connections served at once; beyond it a connection is answered
    /// `421 4.7.0 <domain> Error: too many connections` and closed. Default 100, Postfix's
    /// `default_process_limit`.
    pub max_connections: usize,
    /// On shutdown, how long sessions under way may go on before they are sent `421` and
    /// closed. Default 10 s.
    pub shutdown_grace: Duration,
    /// Longest TLS handshake before the connection is closed. Default 60 s.
    pub tls_handshake_timeout: Duration,
    /// Enforce the session's idle timeouts (`421 4.4.2`). Default true. Tests that run real
    /// sockets under tokio's paused clock turn them off: tokio then advances the clock to the
    /// next timer whenever the runtime parks, even while socket data is in flight, so a
    /// pending idle deadline would fire at once.
    pub idle_timeouts: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            session: Config {
                domain: "mx.smtp-sim.test".into(),
                ..Config::default()
            },
            tls: None,
            accounts: Accounts::default(),
            max_connections: 100,
            shutdown_grace: Duration::from_secs(10),
            tls_handshake_timeout: Duration::from_secs(60),
            idle_timeouts: true,
        }
    }
}

impl ServerConfig {
    /// The session configuration for a connection (`implicit_tls`: on the port-465 listener).
    pub fn session_config(&self, implicit_tls: bool) -> Config {
        let mut config = self.session.clone();
        config.extensions.starttls = self.tls.is_some() && !implicit_tls;
        config.implicit_tls = implicit_tls;
        if self.accounts.is_empty() {
            config.auth_mechanisms.clear();
        }
        config.ask_hello = true;
        config.ask_data = true;
        config.ask_commands = true;
        config
    }

    /// The settings shared by every connection.
    pub(crate) fn shared(self) -> Arc<Self> {
        Arc::new(self)
    }
}
