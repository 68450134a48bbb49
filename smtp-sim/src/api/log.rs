//! `/api/transcripts`, `/api/events`, `/api/outbox`: what happened.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::ApiState;
use super::error::{ApiError, parse_id};
use crate::capture::{Event, OutboxEntry, Transcript};
use crate::types::SessionId;

pub(super) async fn transcripts(State(state): State<ApiState>) -> Json<Vec<Transcript>> {
    Json(
        state
            .sim
            .with_capture(|c| c.transcripts.iter().cloned().collect()),
    )
}

pub(super) async fn transcript(
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> Result<Json<Transcript>, ApiError> {
    let id = SessionId(parse_id(&id, 's', "session")?);
    state
        .sim
        .with_capture(|c| c.transcripts.get(id).cloned())
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("session {id}")))
}

/// `?after=N`: only events numbered above N (poll with the last `seq` seen).
#[derive(Debug, Deserialize)]
pub(super) struct After {
    #[serde(default)]
    after: u64,
}

fn events_after(state: &ApiState, after: u64) -> Vec<Event> {
    state
        .sim
        .with_capture(|c| c.events.since(after).cloned().collect())
}

pub(super) async fn events(
    State(state): State<ApiState>,
    Query(q): Query<After>,
) -> Json<Vec<Event>> {
    Json(events_after(&state, q.after))
}

pub(super) async fn events_jsonl(
    State(state): State<ApiState>,
    Query(q): Query<After>,
) -> Response {
    let mut body = Vec::new();
    for event in events_after(&state, q.after) {
        if let Ok(line) = serde_json::to_vec(&event) {
            body.extend_from_slice(&line);
            body.push(b'\n');
        }
    }
    ([(header::CONTENT_TYPE, "application/x-ndjson")], body).into_response()
}

pub(super) async fn outbox(State(state): State<ApiState>) -> Json<Vec<OutboxEntry>> {
    Json(state.sim.with_capture(|c| c.outbox.entries().to_vec()))
}

/// One report as it will be sent (`message/rfc822`); 404 while it is not built.
pub(super) async fn outbox_raw(
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id, 'r', "report")?;
    let content = state
        .sim
        .with_capture(|c| c.outbox.get(id).and_then(|e| e.content.clone()))
        .ok_or_else(|| ApiError::NotFound(format!("report r{id}")))?;
    Ok(([(header::CONTENT_TYPE, "message/rfc822")], content).into_response())
}
