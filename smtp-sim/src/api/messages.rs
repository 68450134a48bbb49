//! `/api/messages`: the capture store.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::ApiState;
use super::error::{ApiError, parse_id};
use crate::capture::CapturedMessage;
use crate::types::MessageId;

pub(super) async fn list(State(state): State<ApiState>) -> Json<Vec<CapturedMessage>> {
    Json(
        state
            .sim
            .with_capture(|c| c.store.iter().cloned().collect()),
    )
}

pub(super) async fn one(
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> Result<Json<CapturedMessage>, ApiError> {
    let id = MessageId(parse_id(&id, 'm', "message")?);
    state
        .sim
        .with_capture(|c| c.store.get(id).cloned())
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("message {id}")))
}

pub(super) async fn raw(
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = MessageId(parse_id(&id, 'm', "message")?);
    let raw = state
        .sim
        .with_capture(|c| c.store.get(id).map(|m| m.raw.clone()))
        .ok_or_else(|| ApiError::NotFound(format!("message {id}")))?;
    Ok(([(header::CONTENT_TYPE, "message/rfc822")], raw).into_response())
}

pub(super) async fn delete_all(State(state): State<ApiState>) -> StatusCode {
    state.sim.clear();
    StatusCode::NO_CONTENT
}
