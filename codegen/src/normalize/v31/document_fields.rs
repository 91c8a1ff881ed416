//! The document's own 3.1 fields.
//!
//! - `openapi: 3.1.x` becomes `3.0.3`, the version the rest of the pipeline reads.
//! - `jsonSchemaDialect` goes: 3.0 has no other dialect than its own, which is what the converted
//!   schemas are written in.
//! - `webhooks` go, with a warning naming them: they are requests the API sends to the user's
//!   server, not calls a client makes.
//! - `paths` is optional in 3.1 (a document of webhooks or components only); an empty one is
//!   added, which 3.0 requires.

use serde_norway::{Mapping, Value};

use crate::Warning;

/// Converts the document-level fields of a 3.1 `document`.
pub fn convert(document: &mut Value, warnings: &mut Vec<Warning>) {
    let Value::Mapping(root) = document else {
        return;
    };
    root.insert("openapi".into(), "3.0.3".into());
    root.shift_remove("jsonSchemaDialect");
    if let Some(Value::Mapping(webhooks)) = root.shift_remove("webhooks")
        && !webhooks.is_empty()
    {
        let names: Vec<String> = webhooks.keys().map(crate::walk::segment).collect();
        let what = match names.len() {
            1 => "this webhook ({}) is a request the API sends to your server, not a call",
            _ => "these webhooks ({}) are requests the API sends to your server, not calls",
        };
        warnings.push(Warning::new(
            "webhooks",
            format!(
                "not generated: {} a client makes",
                what.replace("{}", &names.join(", "))
            ),
        ));
    }
    if !root.contains_key("paths") {
        root.insert("paths".into(), Value::Mapping(Mapping::new()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::v31::document;

    #[test]
    fn version_dialect_webhooks_and_paths() {
        let mut value = document(
            "openapi: 3.1.0\njsonSchemaDialect: https://spec.openapis.org/oas/3.1/dialect/base\ninfo: {title: t, version: '1'}\nwebhooks:\n  jobDone: {post: {responses: {'200': {description: ok}}}}\n  jobFailed: {post: {responses: {'200': {description: ok}}}}\n",
        );
        let mut warnings = Vec::new();
        convert(&mut value, &mut warnings);
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{}}"#
        );
        assert_eq!(
            warnings,
            [Warning::new(
                "webhooks",
                "not generated: these webhooks (jobDone, jobFailed) are requests the API sends to your server, not calls a client makes"
            )]
        );
    }

    #[test]
    fn existing_paths_stay_and_no_webhooks_means_no_warning() {
        let mut value = document("openapi: 3.1.1\npaths: {/x: {}}\nwebhooks: {}\n");
        let mut warnings = Vec::new();
        convert(&mut value, &mut warnings);
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            r#"{"openapi":"3.0.3","paths":{"/x":{}}}"#
        );
        assert!(warnings.is_empty());
    }
}
