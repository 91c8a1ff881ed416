//! Running progenitor on a prepared document, turning its errors and panics into ours.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle};

use crate::{Error, operations};

/// The settings every module is generated with: builder-style calls, one merged `Client`.
fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged);
    settings
}

/// Generates the client's tokens for `spec`.
///
/// Progenitor panics on some inputs; a panic is caught, and what caused it is found by generating
/// parts of the document alone, so that the error can name the operation.
pub fn generate(path: &Path, spec: &OpenAPI) -> Result<TokenStream, Error> {
    match attempt(spec) {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(error)) => Err(Error::Generate {
            path: path.to_owned(),
            message: error.to_string(),
        }),
        Err(panic) => Err(blame(path, spec, panic)),
    }
}

/// Finds what made progenitor panic: the component schemas (which it reads whatever the paths
/// are), else the first operation that panics when generated alone.
fn blame(path: &Path, spec: &OpenAPI, panic: String) -> Error {
    let mut components_only = spec.clone();
    components_only.paths.paths.clear();
    if let Err(reason) = attempt(&components_only) {
        return Error::UnsupportedSchemas {
            path: path.to_owned(),
            reason: format!("progenitor panicked: {reason}"),
        };
    }
    for (route, method, _) in operations::list(spec) {
        if let Err(reason) = attempt(&operations::only(spec, route, method)) {
            return Error::Unsupported {
                path: path.to_owned(),
                operation: operations::display_name(method, route),
                reason: format!("progenitor panicked: {reason}"),
            };
        }
    }
    Error::Generate {
        path: path.to_owned(),
        message: format!("progenitor panicked: {panic}"),
    }
}

/// One run of progenitor; `Err` holds the panic message.
fn attempt(spec: &OpenAPI) -> Result<Result<TokenStream, progenitor::Error>, String> {
    catch_unwind(AssertUnwindSafe(|| {
        Generator::new(&settings()).generate_tokens(spec)
    }))
    .map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "(no message)".to_owned())
    })
}
