//! The one-time token of a page's form: a hidden `form_token` field with a fresh random value
//! each time a form is drawn. A double submit, or a submit resent after the link dropped,
//! carries the same token, and `http::idempotency` answers it with the first answer instead of
//! creating a second family. Templates write `{{ crate::ui::form_token::field()|safe }}` right
//! after a `<form method="post">` tag; forms drawn again after an error get a new token.

/// The hidden field (only hex digits in its value: nothing to escape).
pub fn field() -> String {
    format!(
        r#"<input type="hidden" name="{}" value="{}">"#,
        crate::http::idempotency::FORM_FIELD,
        uuid::Uuid::new_v4().simple()
    )
}
