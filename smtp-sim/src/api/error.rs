//! API errors, answered as JSON with the matching HTTP status.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::scenario::ScenarioErrors;

/// Why a request failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum ApiError {
    /// 404: nothing with that id.
    NotFound(String),
    /// 400: the request itself is malformed (a bad id, an unknown format).
    BadRequest(String),
    /// 422: the scenario does not validate; each error has its line, column and path.
    Scenario(ScenarioErrors),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::NotFound(what) => (
                StatusCode::NOT_FOUND,
                Json(json!({ "error": format!("no such {what}") })),
            )
                .into_response(),
            ApiError::BadRequest(why) => {
                (StatusCode::BAD_REQUEST, Json(json!({ "error": why }))).into_response()
            }
            ApiError::Scenario(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({ "error": "the scenario does not validate", "errors": errors.errors })),
            )
                .into_response(),
        }
    }
}

/// Reads an id written with or without its prefix (`m3` or `3`).
pub(crate) fn parse_id(text: &str, prefix: char, what: &str) -> Result<u64, ApiError> {
    text.strip_prefix(prefix)
        .unwrap_or(text)
        .parse()
        .map_err(|_| {
            ApiError::BadRequest(format!(
                "expected a {what} id such as {prefix}1 (found {text:?})"
            ))
        })
}
