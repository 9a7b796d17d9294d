//! What the server refuses, written into the OpenAPI document so that a client (and the fuzzer,
//! `make fuzz`) knows it before sending, and a request the document allows is one the server
//! takes: no string a client sends may hold a control character other than a line break or a
//! tab (`http::inputs` refuses them at the edge, 422), nor may any key; ids are UUIDs, country
//! codes two capital letters, days and partial dates exist (`shapes`); every list's `limit` is
//! 1 to 500 and its `offset` not negative (`http::filters::PageQuery`); a filter's choices are
//! its enum's values, or empty for none; an edit states the `version` it edited (in the body,
//! or as `If-Match`, which the document does not model: the body's field is marked required);
//! a property the document does not name is ignored, so it may be any clean value.

pub mod shapes;

use shapes::{COUNTRY, FACILITY, NAME, NO_CONTROLS, PURPOSE, UUID};
use utoipa::openapi::schema::{ArrayItems, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::RefOr;
use utoipa::Modify;

/// The modifier.
pub struct InputRules;

fn is_type(t: &SchemaType, want: Type) -> bool {
    matches!(t, SchemaType::Type(x) if *x == want) || matches!(t, SchemaType::Array(v) if v.contains(&want))
}

/// The pattern of a free string by the name of the property or parameter that holds it: ids
/// (`*_id`, `*_ids`, a case's `members`, the pair `a` and `b`) are UUIDs, country codes two
/// capital letters, anything else any text without control characters.
fn pattern_for(name: Option<&str>) -> &'static str {
    match name {
        // A custody event's facility may be left empty where the kind needs none (`died`).
        Some("facility_id") => FACILITY,
        Some(n) if n == "id" || n.ends_with("_id") || n.ends_with("_ids") || matches!(n, "a" | "b" | "members") => UUID,
        Some("country" | "destination" | "nationality" | "nationalities") => COUNTRY,
        // Required wherever they are sent (`domain::text::check_name`, `services::exports`).
        Some("label" | "given_name" | "family_name" | "name") => NAME,
        Some("purpose") => PURPOSE,
        _ => NO_CONTROLS,
    }
}

/// Adds the rules to a schema sent by clients, recursively: a pattern on every free string
/// (one without an enum or a pattern of its own; ids and days by their format), the clean
/// extra properties on every object, and `version` required where an object has one.
fn strings(schema: &mut RefOr<Schema>, name: Option<&str>) {
    let RefOr::T(schema) = schema else { return };
    match schema {
        Schema::Object(o) => {
            if is_type(&o.schema_type, Type::String) && o.enum_values.is_none() && o.pattern.is_none() {
                use utoipa::openapi::schema::{KnownFormat, SchemaFormat};
                o.pattern = match &o.format {
                    None => Some(pattern_for(name).to_string()),
                    Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)) => Some(UUID.to_string()),
                    Some(SchemaFormat::KnownFormat(KnownFormat::Date)) => Some(shapes::day()),
                    Some(_) => None,
                };
            }
            // Ages are whole years of a person (`domain::records::person`).
            if is_type(&o.schema_type, Type::Integer) && name.is_some_and(|n| n.ends_with("_age")) {
                o.minimum = Some(utoipa::Number::Int(0));
                o.maximum = Some(utoipa::Number::Int(120));
            }
            if is_type(&o.schema_type, Type::Object) && o.additional_properties.is_none() {
                let open = shapes::open_to_clean(ObjectBuilder::new()).build();
                o.additional_properties = open.additional_properties;
                o.property_names = open.property_names;
            }
            if let Some(RefOr::T(Schema::Object(v))) = o.properties.get_mut("version") {
                // Sent in the body unless `If-Match` carries it (`api::extract::expected_version`).
                v.schema_type = SchemaType::Type(Type::Integer);
                if !o.required.iter().any(|r| r == "version") {
                    o.required.push("version".to_string());
                }
            }
            for (key, p) in o.properties.iter_mut() {
                strings(p, Some(key));
            }
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                strings(items, name);
            }
        }
        Schema::OneOf(o) => o.items.iter_mut().for_each(|s| strings(s, name)),
        Schema::AllOf(o) => o.items.iter_mut().for_each(|s| strings(s, name)),
        Schema::AnyOf(o) => o.items.iter_mut().for_each(|s| strings(s, name)),
        _ => {}
    }
}

/// The values of an enum component, with the empty string (a filter left empty) when `empty`.
fn choices(openapi: &utoipa::openapi::OpenApi, component: &str, extra: &[&str]) -> Option<Schema> {
    let Some(RefOr::T(Schema::Object(o))) = openapi.components.as_ref()?.schemas.get(component) else { return None };
    let mut values = o.enum_values.clone()?;
    values.extend(extra.iter().map(|e| serde_json::Value::from(*e)));
    Some(ObjectBuilder::new().schema_type(SchemaType::Type(Type::String)).enum_values(Some(values)).build().into())
}

/// A string parameter matching `pattern`, or empty (a filter left empty is no filter).
fn or_empty(pattern: &str) -> Schema {
    let inner = pattern.trim_start_matches('^').trim_end_matches('$');
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .pattern(Some(format!("^({inner})?$")))
        .build()
        .into()
}

/// The schema of a query parameter whose values the server restricts, by path and name.
fn parameter_rule(openapi: &utoipa::openapi::OpenApi, path: &str, name: &str) -> Option<Schema> {
    let filters =
        ["/api/v1/cases", "/api/v1/families", "/api/v1/persons", "/api/v1/backlog", "/api/v1/deployment/backlog"];
    let filter = filters.contains(&path) || path.starts_with("/api/v1/backlog/");
    match (path, name) {
        ("/api/v1/cases", "status") => choices(openapi, "CaseStatus", &[""]),
        ("/api/v1/cases", "flag") => choices(openapi, "PriorityFlag", &[""]),
        ("/api/v1/cases", "assignee") => Some(or_empty(&format!("me|none|{}", UUID.trim_matches(['^', '$'])))),
        ("/api/v1/duplicates/review", "status") => Some(
            ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::String))
                .enum_values(Some(["open", "distinct", "merged"]))
                .build()
                .into(),
        ),
        (_, "sex") if filter => choices(openapi, "Sex", &[""]),
        (_, "outcome") if filter => choices(openapi, "Outcome", &["not_evaluated", ""]),
        (_, "facility" | "facility_id") if filter => Some(or_empty(UUID)),
        (_, "destination" | "nationality") if filter => Some(or_empty(COUNTRY)),
        _ => None,
    }
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
        let sent = request_components(openapi);
        if let Some(components) = openapi.components.as_mut() {
            components.schemas.insert(shapes::CLEAN_VALUE.to_string(), shapes::clean_value().into());
            components.schemas.insert("RawPartialDate".to_string(), shapes::raw_partial_date().into());
            components.schemas.insert("FactorRequest".to_string(), shapes::factor_request().into());
            if let Some(RefOr::T(Schema::Object(o))) = components.schemas.get_mut("CodeRequest") {
                if let Some(RefOr::T(Schema::Object(code))) = o.properties.get_mut("code") {
                    code.pattern = Some(shapes::TOTP_CODE.to_string());
                }
            }
            // Choices the server reads from free strings (`api::exports::request`).
            if let Some(RefOr::T(Schema::Object(o))) = components.schemas.get_mut("ExportBody") {
                let choice = |values: &[&str]| -> RefOr<Schema> {
                    ObjectBuilder::new()
                        .schema_type(SchemaType::Type(Type::String))
                        .enum_values(Some(values.to_vec()))
                        .build()
                        .into()
                };
                o.properties.insert("kind".into(), choice(&["cases", "persons"]));
                let format = ObjectBuilder::new()
                    .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                    .enum_values(Some([serde_json::json!("csv"), serde_json::json!("xlsx"), serde_json::Value::Null]));
                o.properties.insert("format".into(), format.build().into());
            }
            // The search before create takes names as far as they were typed, even none.
            if let Some(RefOr::T(Schema::Object(o))) = components.schemas.get_mut("Probe") {
                for field in ["given_name", "family_name"] {
                    if let Some(RefOr::T(Schema::Object(f))) = o.properties.get_mut(field) {
                        f.pattern = Some(NO_CONTROLS.to_string());
                    }
                }
            }
            components
                .schemas
                .iter_mut()
                .filter(|(name, _)| sent.contains(name.as_str()))
                .for_each(|(_, s)| strings(s, None));
        }
        let rules: Vec<(String, String, Schema)> = openapi
            .paths
            .paths
            .iter()
            .flat_map(|(path, item)| {
                [&item.get, &item.post, &item.put, &item.patch, &item.delete]
                    .into_iter()
                    .flatten()
                    .flat_map(|op| op.parameters.iter().flatten())
                    .filter_map(|p| parameter_rule(openapi, path, &p.name).map(|s| (path.clone(), p.name.clone(), s)))
                    .collect::<Vec<_>>()
            })
            .collect();
        for (path, item) in openapi.paths.paths.iter_mut() {
            for op in
                [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten()
            {
                for p in op.parameters.iter_mut().flatten() {
                    let name = p.name.clone();
                    if let Some((_, _, rule)) = rules.iter().find(|(rp, rn, _)| rp == path && *rn == name) {
                        p.schema = Some(RefOr::T(rule.clone()));
                        continue;
                    }
                    let Some(RefOr::T(Schema::Object(o))) = p.schema.as_mut() else { continue };
                    match name.as_str() {
                        "limit" => {
                            o.minimum = Some(utoipa::Number::Int(1));
                            o.maximum = Some(utoipa::Number::Int(crate::http::filters::MAX_LIMIT as isize));
                        }
                        "offset" => o.minimum = Some(utoipa::Number::Int(0)),
                        // Ages are whole years of a person (`http::filters`), day counts at most ten years.
                        "age_min" | "age_max" | "under_age" => {
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
                    let name = p.name.clone();
                    if let Some(schema) = p.schema.as_mut() {
                        strings(schema, Some(&name));
                    }
                }
                if let Some(body) = op.request_body.as_mut() {
                    // JSON only: an uploaded file (CSV, XLSX) is the import's to judge, row by row.
                    for (kind, content) in body.content.iter_mut() {
                        if let (true, Some(schema)) = (kind.contains("json"), content.schema.as_mut()) {
                            strings(schema, None);
                        }
                    }
                }
            }
        }
    }
}
