//! The HTTP API (axum), served on its own port. Every route is listed, with a curl example, in
//! the crate's README.
//!
//! | method | path | what |
//! |---|---|---|
//! | GET | `/health` | liveness, counts, and whether the SMTP listener runs |
//! | GET | `/api/messages` | stored messages (metadata, no bodies) |
//! | DELETE | `/api/messages` | delete all: messages, transcripts, events in memory, outbox |
//! | GET | `/api/messages/{id}` | one message as JSON |
//! | GET | `/api/messages/{id}/raw` | one message as sent (`message/rfc822`) |
//! | GET | `/api/transcripts` | session transcripts |
//! | GET | `/api/transcripts/{session}` | one transcript |
//! | GET | `/api/events?after=N` | decisions as a JSON array |
//! | GET | `/api/events.jsonl?after=N` | decisions as JSON lines |
//! | GET | `/api/outbox` | reports owed to senders |
//! | GET | `/api/scenario?format=toml\|json` | the scenario in force |
//! | PUT | `/api/scenario` | replace it (TOML, or JSON with `Content-Type: application/json`) |

mod error;
mod log;
mod messages;
mod scenario;

#[cfg(test)]
mod tests;

use std::net::SocketAddr;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::sim::Simulator;

pub use error::ApiError;

/// What the API serves from.
#[derive(Debug, Clone)]
pub struct ApiState {
    /// The simulator.
    pub sim: Simulator,
    /// Where the SMTP listener listens, if one runs beside the API.
    pub smtp: Option<SocketAddr>,
}

/// The API's routes.
pub fn router(state: ApiState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route(
            "/api/messages",
            get(messages::list).delete(messages::delete_all),
        )
        .route("/api/messages/{id}", get(messages::one))
        .route("/api/messages/{id}/raw", get(messages::raw))
        .route("/api/transcripts", get(log::transcripts))
        .route("/api/transcripts/{session}", get(log::transcript))
        .route("/api/events", get(log::events))
        .route("/api/events.jsonl", get(log::events_jsonl))
        .route("/api/outbox", get(log::outbox))
        .route("/api/outbox/{id}/raw", get(log::outbox_raw))
        .route("/api/scenario", get(scenario::get).put(scenario::put))
        .with_state(state)
}

/// Serves the API on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: ApiState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    smtp: Option<SocketAddr>,
    smtp_note: Option<&'static str>,
    scenario: Option<String>,
    rules: usize,
    messages: usize,
    outbox: usize,
}

async fn health(State(state): State<ApiState>) -> Json<Health> {
    let scenario = state.sim.scenario();
    let (messages, outbox) = state
        .sim
        .with_capture(|c| (c.store.len(), c.outbox.entries().len()));
    Json(Health {
        status: "ok",
        smtp: state.smtp,
        smtp_note: state
            .smtp
            .is_none()
            .then_some("no SMTP listener runs beside this API"),
        scenario: scenario.source().name.clone(),
        rules: scenario.rules().len(),
        messages,
        outbox,
    })
}
