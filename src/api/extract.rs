//! Request parsing shared by the handlers: extractor error mapping (so malformed input gets
//! 400/413/415/422 in the error envelope, never a bare actix answer), pagination, versions.

use crate::error::{AppError, AppResult};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError, UrlencodedError};
use actix_web::{web, HttpRequest};
use serde::Serialize;
use utoipa::ToSchema;

pub use crate::http::filters::{PageQuery, DEFAULT_LIMIT, MAX_LIMIT};

/// Maps JSON body errors onto the envelope's codes.
pub fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    match err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => AppError::PayloadTooLarge,
        JsonPayloadError::ContentType => AppError::UnsupportedMediaType,
        JsonPayloadError::Deserialize(e) if e.is_data() => AppError::Validation {
            message: format!("the request body does not have the expected fields: {e}"),
            fields: Default::default(),
        },
        JsonPayloadError::Deserialize(e) => AppError::MalformedJson(e.to_string()),
        other => AppError::BadRequest(other.to_string()),
    }
    .into()
}

/// Maps form body errors (HTML forms) onto the envelope's codes.
pub fn form_error(err: UrlencodedError, _req: &HttpRequest) -> actix_web::Error {
    match err {
        UrlencodedError::Overflow { .. } => AppError::PayloadTooLarge,
        UrlencodedError::ContentType => AppError::UnsupportedMediaType,
        other => AppError::BadRequest(other.to_string()),
    }
    .into()
}

/// Query-string errors: the parameter is named in the message.
pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    AppError::Validation { message: format!("invalid query parameter: {err}"), fields: Default::default() }.into()
}

/// A path segment that does not parse (e.g. not a UUID) names nothing that exists.
pub fn path_error(_err: PathError, _req: &HttpRequest) -> actix_web::Error {
    AppError::NotFound.into()
}

/// A page of a list, with the total count of matching items.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paginated<T> {
    pub items: Vec<T>,
    /// How many items match: exactly, or at least this many when `total_exact` is false (a
    /// broad filter over a large registry is counted up to 1,000; see docs/performance.md).
    pub total: i64,
    pub total_exact: bool,
    pub limit: i64,
    pub offset: i64,
}

impl<T> Paginated<T> {
    /// A page of a list counted exactly.
    pub fn exact(items: Vec<T>, total: i64, page: crate::db::repo::Page) -> Paginated<T> {
        Paginated { items, total, total_exact: true, limit: page.limit, offset: page.offset }
    }

    /// A page of a registry list, whose total may be a lower bound.
    pub fn of(items: Vec<T>, total: crate::db::repo::lists::Total, page: crate::db::repo::Page) -> Paginated<T> {
        Paginated { items, total: total.n, total_exact: total.exact, limit: page.limit, offset: page.offset }
    }
}

/// A saved record with what looked implausible about it (never a refusal: see
/// `domain::records::plausibility`): the record's fields plus `warnings`.
#[derive(Debug, Serialize)]
pub struct WithWarnings<T: Serialize> {
    #[serde(flatten)]
    pub value: T,
    pub warnings: Vec<crate::domain::records::plausibility::Warning>,
}

/// The `ETag` header of a versioned record; `expected_version` reads it back from `If-Match`.
pub fn etag(version: i64) -> (actix_web::http::header::HeaderName, String) {
    (actix_web::http::header::ETAG, format!("\"{version}\""))
}

/// The expected version of an update: `If-Match: "<n>"` or the body's `version` field.
pub fn expected_version(req: &HttpRequest, body_version: Option<i64>) -> AppResult<i64> {
    let header = req
        .headers()
        .get(actix_web::http::header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"').to_string());
    match (header, body_version) {
        (Some(h), _) => h.parse::<i64>().map_err(|_| AppError::field("version", "If-Match must be a version number")),
        (None, Some(v)) => Ok(v),
        (None, None) => {
            Err(AppError::field("version", "is required: send the version you edited (If-Match or version)"))
        }
    }
}

/// A JSON body checked at the edge before any of it reaches a service or a database: a control
/// character (NUL above all, which PostgreSQL cannot store) anywhere in it answers 422 naming
/// the field, then the body is read into `T` (a shape mismatch answers 422 too).
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<T> Body<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Body<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: serde::de::DeserializeOwned + 'static> actix_web::FromRequest for Body<T> {
    type Error = actix_web::Error;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let value = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move {
            let mut value = value.await?.into_inner();
            whole_numbers(&mut value);
            let controls = crate::domain::text::controls_in_json(&value);
            if !controls.is_empty() {
                let fields = controls.into_iter().map(|f| (f, vec!["must not contain control characters".into()]));
                return Err(AppError::Validation {
                    message: "some fields are not valid".into(),
                    fields: fields.collect(),
                }
                .into());
            }
            // The path of the first field that does not fit (an unknown choice, a string for a
            // number) is named, like every other field problem.
            serde_path_to_error::deserialize::<_, T>(value).map(Body).map_err(|e| {
                let path = e.path().to_string();
                let message = e.into_inner().to_string();
                let mut fields = crate::error::FieldErrors::new();
                if path != "." {
                    fields.insert(path, vec![message.clone()]);
                }
                AppError::Validation {
                    message: format!("the request body does not have the expected fields: {message}"),
                    fields,
                }
                .into()
            })
        })
    }
}

/// Numbers written with a zero fraction (`3.0`) made integers: JSON (and JSON Schema) does not
/// tell `3.0` from `3`, and some clients write every number as a float, so an integer field
/// (a version, a year) takes them. A fraction that is not zero still fails where an integer is
/// expected.
fn whole_numbers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15) {
                *value = serde_json::Value::from(f as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        serde_json::Value::Object(map) => map.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// A path segment that must be a country code (anything else names nothing: 404).
pub fn country(segment: &str) -> AppResult<crate::domain::country::CountryCode> {
    crate::domain::country::CountryCode::parse(segment).map_err(|_| AppError::NotFound)
}

/// The extractor configurations of the app.
pub fn configs(max_body: usize) -> (web::JsonConfig, web::FormConfig, web::QueryConfig, web::PathConfig) {
    (
        web::JsonConfig::default().limit(max_body).error_handler(json_error),
        web::FormConfig::default().limit(max_body).error_handler(form_error),
        web::QueryConfig::default().error_handler(query_error),
        web::PathConfig::default().error_handler(path_error),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn whole_floats_become_integers_and_fractions_stay() {
        let mut v = serde_json::json!({"version": 3.0, "frequency": 0.5, "parts": [1990.0, -2.0], "big": 1e300});
        super::whole_numbers(&mut v);
        assert_eq!(v, serde_json::json!({"version": 3, "frequency": 0.5, "parts": [1990, -2], "big": 1e300}));
    }
}
