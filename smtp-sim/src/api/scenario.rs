//! `/api/scenario`: read or replace the scenario at run time.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::ApiState;
use super::error::ApiError;
use crate::scenario::Scenario;

/// `?format=toml` (default) or `?format=json`.
#[derive(Debug, Deserialize)]
pub(super) struct Format {
    format: Option<String>,
}

pub(super) async fn get(
    State(state): State<ApiState>,
    Query(q): Query<Format>,
) -> Result<Response, ApiError> {
    let scenario = state.sim.scenario();
    match q.format.as_deref() {
        None | Some("toml") => Ok((
            [(header::CONTENT_TYPE, "application/toml")],
            scenario.to_toml(),
        )
            .into_response()),
        Some("json") => Ok((
            [(header::CONTENT_TYPE, "application/json")],
            scenario.to_json(),
        )
            .into_response()),
        Some(other) => Err(ApiError::BadRequest(format!(
            "expected format toml or json (found {other:?})"
        ))),
    }
}

#[derive(Serialize)]
pub(super) struct Replaced {
    name: Option<String>,
    rules: usize,
}

/// Takes TOML, or JSON when the content type says `json`. Refused scenarios leave the one in
/// force untouched.
pub(super) async fn put(
    State(state): State<ApiState>,
    headers: HeaderMap,
    body: String,
) -> Result<Json<Replaced>, ApiError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    let scenario = if is_json {
        Scenario::from_json(&body, Some("<request>"))
    } else {
        Scenario::from_toml(&body, Some("<request>"))
    }
    .map_err(ApiError::Scenario)?;
    let replaced = Replaced {
        name: scenario.source().name.clone(),
        rules: scenario.rules().len(),
    };
    state.sim.replace_scenario(scenario);
    Ok(Json(replaced))
}
