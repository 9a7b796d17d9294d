//! What the server refuses, written into the OpenAPI document so that a client (and the fuzzer,
//! `make fuzz`) knows it before sending: no string anywhere may hold a control character other
//! than a line break or a tab (`http::inputs` refuses them at the edge, 422), every list's
//! `limit` is 1 to 500 and its `offset` not negative (`http::filters::PageQuery`), and an edit
//! (PATCH) states the `version` it edited (in the body, or as `If-Match`, which the document
//! does not model: the body's field is marked required).

use utoipa::openapi::schema::{ArrayItems, Schema, SchemaType, Type};
use utoipa::openapi::RefOr;
use utoipa::Modify;

/// A string without the control characters the server refuses (Rust's `char::is_control`,
/// line breaks and tabs aside).
pub const NO_CONTROLS: &str = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$";

/// The modifier.
pub struct InputRules;

fn is_type(t: &SchemaType, want: Type) -> bool {
    matches!(t, SchemaType::Type(x) if *x == want) || matches!(t, SchemaType::Array(v) if v.contains(&want))
}

/// Adds the pattern to every free string of a schema (one without a format, an enum or a
/// pattern of its own), recursively.
fn strings(schema: &mut RefOr<Schema>) {
    let RefOr::T(schema) = schema else { return };
    match schema {
        Schema::Object(o) => {
            if is_type(&o.schema_type, Type::String) && o.format.is_none() && o.enum_values.is_none() && o.pattern.is_none() {
                o.pattern = Some(NO_CONTROLS.to_string());
            }
            o.properties.values_mut().for_each(strings);
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                strings(items);
            }
        }
        Schema::OneOf(o) => o.items.iter_mut().for_each(strings),
        Schema::AllOf(o) => o.items.iter_mut().for_each(strings),
        Schema::AnyOf(o) => o.items.iter_mut().for_each(strings),
        _ => {}
    }
}

/// The component names of the PATCH operations' JSON bodies.
fn edit_bodies(openapi: &utoipa::openapi::OpenApi) -> Vec<String> {
    let mut names = Vec::new();
    for item in openapi.paths.paths.values() {
        let Some(body) = item.patch.as_ref().and_then(|op| op.request_body.as_ref()) else { continue };
        for content in body.content.values() {
            if let Some(RefOr::Ref(r)) = &content.schema {
                names.extend(r.ref_location.rsplit('/').next().map(str::to_string));
            }
        }
    }
    names
}

/// The names of the components a schema refers to, directly.
fn refs_in(schema: &RefOr<Schema>, out: &mut Vec<String>) {
    match schema {
        RefOr::Ref(r) => out.extend(r.ref_location.rsplit('/').next().map(str::to_string)),
        RefOr::T(Schema::Object(o)) => o.properties.values().for_each(|p| refs_in(p, out)),
        RefOr::T(Schema::Array(a)) => {
            if let ArrayItems::RefOrSchema(items) = &a.items {
                refs_in(items, out);
            }
        }
        RefOr::T(Schema::OneOf(o)) => o.items.iter().for_each(|i| refs_in(i, out)),
        RefOr::T(Schema::AllOf(o)) => o.items.iter().for_each(|i| refs_in(i, out)),
        RefOr::T(Schema::AnyOf(o)) => o.items.iter().for_each(|i| refs_in(i, out)),
        RefOr::T(_) => {}
    }
}

/// The components reachable from the JSON request bodies: the rule is about what clients send
/// (answers may echo a file's bytes, e.g. an import's problems).
fn request_components(openapi: &utoipa::openapi::OpenApi) -> std::collections::BTreeSet<String> {
    let mut todo = Vec::new();
    for item in openapi.paths.paths.values() {
        for op in [&item.get, &item.post, &item.put, &item.patch, &item.delete].into_iter().flatten() {
            for (kind, content) in op.request_body.iter().flat_map(|b| b.content.iter()) {
                if let (true, Some(schema)) = (kind.contains("json"), &content.schema) {
                    refs_in(schema, &mut todo);
                }
            }
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    let components = openapi.components.as_ref();
    while let Some(name) = todo.pop() {
        if seen.insert(name.clone()) {
            if let Some(schema) = components.and_then(|c| c.schemas.get(&name)) {
                refs_in(schema, &mut todo);
            }
        }
    }
    seen
}

impl Modify for InputRules {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let edits = edit_bodies(openapi);
        let sent = request_components(openapi);
        if let Some(components) = openapi.components.as_mut() {
            components.schemas.iter_mut().filter(|(name, _)| sent.contains(name.as_str())).for_each(|(_, s)| strings(s));
            for name in &edits {
                if let Some(RefOr::T(Schema::Object(o))) = components.schemas.get_mut(name) {
                    if o.properties.contains_key("version") && !o.required.iter().any(|r| r == "version") {
                        o.required.push("version".to_string());
                    }
                }
            }
        }
        for item in openapi.paths.paths.values_mut() {
            for op in [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten() {
                for p in op.parameters.iter_mut().flatten() {
                    let name = p.name.clone();
                    let Some(RefOr::T(Schema::Object(o))) = p.schema.as_mut() else { continue };
                    match name.as_str() {
                        "limit" => {
                            o.minimum = Some(utoipa::Number::Int(1));
                            o.maximum = Some(utoipa::Number::Int(crate::http::filters::MAX_LIMIT as isize));
                        }
                        "offset" => o.minimum = Some(utoipa::Number::Int(0)),
                        // Ages are whole years of a person (`http::filters`), day counts at most ten years.
                        "age_min" | "age_max" => {
                            o.minimum = Some(utoipa::Number::Int(0));
                            o.maximum = Some(utoipa::Number::Int(120));
                        }
                        "days" | "stuck_days" => {
                            o.minimum = Some(utoipa::Number::Int(1));
                            o.maximum = Some(utoipa::Number::Int(3650));
                        }
                        // A day the registry can hold (years 1900 to 2100).
                        "as_of" => o.pattern = Some(r"^(19\d\d|20\d\d|2100)-\d\d-\d\d$".to_string()),
                        _ => {}
                    }
                }
                for p in op.parameters.iter_mut().flatten() {
                    if let Some(schema) = p.schema.as_mut() {
                        strings(schema);
                    }
                }
                if let Some(body) = op.request_body.as_mut() {
                    // JSON only: an uploaded file (CSV, XLSX) is the import's to judge, row by row.
                    for (kind, content) in body.content.iter_mut() {
                        if let (true, Some(schema)) = (kind.contains("json"), content.schema.as_mut()) {
                            strings(schema);
                        }
                    }
                }
            }
        }
    }
}
