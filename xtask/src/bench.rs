//! `cargo xtask bench [SPEC…] [--runs N]`: how long generation takes and how much it writes, for
//! the workspace's specs, any spec given, and a synthetic one the size of the largest public
//! specs (1,000 operations, 600 schemas), built here so that the bench needs no download.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::regen::TARGETS;

/// Resources in the synthetic spec; each has five operations and three schemas.
pub const SYNTHETIC_RESOURCES: usize = 200;

/// One spec's figures.
struct Row {
    name: String,
    operations: usize,
    median: Duration,
    fastest: Duration,
    bytes: usize,
    lines: usize,
    warnings: usize,
}

/// Generates each spec `runs` times; returns the table to print.
pub fn run(root: &Path, extra: &[PathBuf], runs: usize) -> Result<Vec<String>, String> {
    let mut inputs: Vec<(String, PathBuf, String)> = Vec::new();
    for (spec, _) in TARGETS {
        let path = root.join(spec);
        inputs.push((spec.to_owned(), path.clone(), read(&path)?));
    }
    for path in extra {
        inputs.push((path.display().to_string(), path.clone(), read(path)?));
    }
    inputs.push((
        format!("synthetic ({SYNTHETIC_RESOURCES} resources)"),
        PathBuf::from("synthetic.json"),
        synthetic(SYNTHETIC_RESOURCES),
    ));

    let mut rows = Vec::new();
    for (name, path, text) in &inputs {
        let operations = mintlify_agent_codegen::parse(path, text)
            .map_err(|e| e.to_string())?
            .operations()
            .count();
        let mut times = Vec::with_capacity(runs);
        let mut last = None;
        for _ in 0..runs.max(1) {
            let started = Instant::now();
            let generated = mintlify_agent_codegen::generate_from_str(path, text, name)
                .map_err(|e| e.to_string())?;
            times.push(started.elapsed());
            last = Some(generated);
        }
        times.sort();
        let Some(generated) = last else { continue };
        rows.push(Row {
            name: name.clone(),
            operations,
            median: times[times.len() / 2],
            fastest: times[0],
            bytes: generated.source.len(),
            lines: generated.source.lines().count(),
            warnings: generated.warnings.len(),
        });
    }
    Ok(table(&rows, runs.max(1)))
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn table(rows: &[Row], runs: usize) -> Vec<String> {
    let width = rows.iter().map(|r| r.name.len()).max().unwrap_or(4).max(4);
    let profile = if cfg!(debug_assertions) {
        "debug build; `cargo run --release -p xtask -- bench` for release figures"
    } else {
        "release build"
    };
    let mut lines = vec![
        format!("generate time over {runs} runs ({profile})"),
        format!(
            "{:<width$}  {:>10}  {:>10}  {:>10}  {:>10}  {:>8}  {:>8}",
            "spec", "operations", "median", "fastest", "output KiB", "lines", "warnings"
        ),
    ];
    for row in rows {
        lines.push(format!(
            "{:<width$}  {:>10}  {:>10}  {:>10}  {:>10.1}  {:>8}  {:>8}",
            row.name,
            row.operations,
            format!("{:.1?}", row.median),
            format!("{:.1?}", row.fastest),
            row.bytes as f64 / 1024.0,
            row.lines,
            row.warnings,
        ));
    }
    lines
}

/// A spec of `resources` REST resources, each with list/create/get/update/delete and the kinds
/// of schema real APIs use (uuid and date-time formats, patterns, enums, maps, nullable fields),
/// as JSON text.
pub fn synthetic(resources: usize) -> String {
    let mut paths = serde_json::Map::new();
    let mut schemas = serde_json::Map::new();
    schemas.insert(
        "Error".to_owned(),
        json!({"type": "object", "required": ["message"], "properties": {
            "message": {"type": "string"}, "code": {"type": "string"}}}),
    );
    schemas.insert(
        "Owner".to_owned(),
        json!({"type": "object", "required": ["id"], "properties": {
            "id": {"type": "string", "format": "uuid"}, "email": {"type": "string"}}}),
    );
    let error = json!({"description": "Failed.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let reference = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let body = |name: &str, description: &str| json!({"description": description, "content": {"application/json": {"schema": reference(name)}}});
    for i in 0..resources {
        let item = format!("Widget{i}");
        let create = format!("Widget{i}Create");
        let page = format!("Widget{i}Page");
        schemas.insert(
            item.clone(),
            json!({"type": "object", "required": ["id", "name", "status", "created_at"], "properties": {
                "id": {"type": "string", "format": "uuid"},
                "name": {"type": "string", "minLength": 1, "maxLength": 200},
                "slug": {"type": "string", "pattern": "^[a-z0-9-]+$"},
                "status": {"type": "string", "enum": ["active", "archived", "pending"]},
                "created_at": {"type": "string", "format": "date-time"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "owner": reference("Owner"),
                "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
                "parent_id": {"type": "string", "nullable": true},
                "count": {"type": "integer", "format": "int64", "minimum": 0}
            }}),
        );
        schemas.insert(
            create.clone(),
            json!({"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string", "minLength": 1},
                "tags": {"type": "array", "items": {"type": "string"}},
                "metadata": {"type": "object", "additionalProperties": {"type": "string"}}
            }}),
        );
        schemas.insert(
            page.clone(),
            json!({"type": "object", "required": ["items"], "properties": {
                "items": {"type": "array", "items": reference(&item)},
                "next_cursor": {"type": "string", "nullable": true}
            }}),
        );
        let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}});
        let failures = |codes: &[&str]| -> Value {
            let mut map = serde_json::Map::new();
            for code in codes {
                map.insert((*code).to_owned(), error.clone());
            }
            Value::Object(map)
        };
        let with = |mut responses: Value, code: &str, response: Value| {
            if let Value::Object(map) = &mut responses {
                map.insert(code.to_owned(), response);
            }
            responses
        };
        let request = json!({"required": true, "content": {"application/json": {"schema": reference(&create)}}});
        paths.insert(
            format!("/v1/widgets{i}"),
            json!({
                "get": {"operationId": format!("list_widgets{i}"), "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                    {"name": "cursor", "in": "query", "schema": {"type": "string"}}],
                    "responses": with(failures(&["400", "401", "429"]), "200", body(&page, "A page."))},
                "post": {"operationId": format!("create_widget{i}"), "requestBody": request,
                    "responses": with(failures(&["400", "422"]), "201", body(&item, "Created."))}
            }),
        );
        paths.insert(
            format!("/v1/widgets{i}/{{id}}"),
            json!({
                "parameters": [id],
                "get": {"operationId": format!("get_widget{i}"),
                    "responses": with(failures(&["404"]), "200", body(&item, "The widget."))},
                "patch": {"operationId": format!("update_widget{i}"), "requestBody": request,
                    "responses": with(failures(&["400", "404"]), "200", body(&item, "Updated."))},
                "delete": {"operationId": format!("delete_widget{i}"),
                    "responses": with(failures(&["404"]), "204", json!({"description": "Deleted."}))}
            }),
        );
    }
    let document = json!({
        "openapi": "3.0.3",
        "info": {"title": "Synthetic", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas}
    });
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_synthetic_spec_generates_without_warnings() {
        let text = synthetic(3);
        let spec = mintlify_agent_codegen::parse(Path::new("s.json"), &text).unwrap();
        assert_eq!(spec.operations().count(), 15);
        assert_eq!(spec.components.unwrap().schemas.len(), 2 + 3 * 3);
        let generated =
            mintlify_agent_codegen::generate_from_str(Path::new("s.json"), &text, "s").unwrap();
        assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
        assert!(generated.source.contains("pub fn delete_widget2("));
        let crates: Vec<&str> = generated.dependencies.iter().map(|d| d.name).collect();
        assert!(
            crates.contains(&"uuid") && crates.contains(&"regress"),
            "{crates:?}"
        );
    }
}
