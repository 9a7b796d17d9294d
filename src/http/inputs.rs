//! Control characters refused at the edge, outside the JSON bodies (which the `Body` extractor
//! checks): in every query string and every urlencoded form, percent-decoded, whatever handler
//! reads them (`web::Query`, `web::Form`, the pages' own form readers). PostgreSQL cannot store
//! or even compare a NUL, so one that reached a query was a 500; here it is a 422 naming the
//! parameter, before any handler runs, so the refused request changes nothing.

use crate::domain::text::controls_in_urlencoded;
use crate::error::{AppError, FieldErrors};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage};

/// The message of each refused parameter (the text checks of the domain say the same).
const MESSAGE: &str = "must not contain control characters";

/// Middleware (use with `middleware::from_fn`, inside the session guard so that anonymous
/// requests are refused for what they are before their body is read).
pub async fn refuse_control_characters(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let mut fields = controls_in_urlencoded(req.query_string(), "query");
    if is_urlencoded_form(&req) {
        // Read with the app's size limit (an oversized body answers 413 as it would anyway),
        // then handed back to the handler untouched.
        let bytes = match req.extract::<web::Bytes>().await {
            Ok(bytes) => bytes,
            Err(e) => return Ok(req.error_response(e)),
        };
        // The extractor has already undone any content encoding: the handler must not again.
        req.headers_mut().remove(header::CONTENT_ENCODING);
        // A body that is not UTF-8 is the handler's to refuse (400), as before.
        if let Ok(text) = std::str::from_utf8(&bytes) {
            for field in controls_in_urlencoded(text, "body") {
                if !fields.contains(&field) {
                    fields.push(field);
                }
            }
        }
        req.set_payload(Payload::from(bytes));
    }
    if fields.is_empty() {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    }
    // Answered (not returned as an error) so the envelope renders it: JSON for the API, an HTML
    // page that lists the parameters for the pages.
    Ok(req.error_response(refusal(fields)))
}

/// The 422 for these parameters.
pub fn refusal(fields: Vec<String>) -> AppError {
    let fields: FieldErrors = fields.into_iter().map(|f| (f, vec![MESSAGE.to_string()])).collect();
    AppError::Validation { message: "some parameters hold control characters".into(), fields }
}

fn is_urlencoded_form(req: &ServiceRequest) -> bool {
    req.content_type().eq_ignore_ascii_case("application/x-www-form-urlencoded")
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::middleware::from_fn;
    use actix_web::{test, App, HttpResponse};

    async fn echo(body: String) -> HttpResponse {
        HttpResponse::Ok().body(body)
    }

    #[actix_web::test]
    async fn a_clean_form_reaches_the_handler_whole_and_a_dirty_one_does_not() {
        let app =
            test::init_service(App::new().wrap(from_fn(refuse_control_characters)).route("/", web::post().to(echo)))
                .await;
        let form = |body: &'static str| {
            test::TestRequest::post()
                .uri("/")
                .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded; charset=utf-8"))
                .set_payload(body)
                .to_request()
        };
        let res = test::call_service(&app, form("a=1&notes=line%0Atwo")).await;
        assert_eq!(res.status(), 200);
        assert_eq!(test::read_body(res).await, "a=1&notes=line%0Atwo");
        let res = test::call_service(&app, form("a=%00")).await;
        assert_eq!(res.status(), 422);
        let req = test::TestRequest::post().uri("/?x=%01").set_payload("plain").to_request();
        assert_eq!(test::call_service(&app, req).await.status(), 422, "the query of any request");
    }
}
