//! Running progenitor on a prepared document, turning its errors and panics into ours.
//!
//! Progenitor fails on the whole document when one operation has a shape it cannot take (a
//! cookie parameter, a `multipart/form-data` body, …), by an error or a panic. Then the
//! operations that fail on their own are found, left out with a warning naming each, and the
//! rest is generated: one operation never blocks the others.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle};

use crate::{Error, Warning, operations};

/// The settings every module is generated with: builder-style calls, one merged `Client`.
fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged);
    settings
}

/// Generates the client's tokens for `spec`, leaving out (and adding to `warnings`) each
/// operation progenitor cannot generate. Fails when the component schemas themselves cannot be
/// generated, or when the operations left fail only together.
pub fn generate(
    path: &Path,
    spec: &OpenAPI,
    warnings: &mut Vec<Warning>,
) -> Result<TokenStream, Error> {
    let whole = match attempt(spec) {
        Ok(tokens) => return Ok(tokens),
        Err(reason) => reason,
    };
    let mut components_only = spec.clone();
    components_only.paths.paths.clear();
    if let Err(reason) = attempt(&components_only) {
        return Err(Error::UnsupportedSchemas {
            path: path.to_owned(),
            reason,
        });
    }
    let all: Vec<(String, &'static str)> = operations::list(spec)
        .into_iter()
        .map(|(route, method, _)| (route.to_owned(), method))
        .collect();
    let mut failing = Vec::new();
    let (first, second) = all.split_at(all.len() / 2);
    find_failing(spec, first, &mut failing);
    find_failing(spec, second, &mut failing);
    if failing.is_empty() {
        return Err(Error::Generate {
            path: path.to_owned(),
            message: whole,
        });
    }
    let mut rest = spec.clone();
    operations::retain(&mut rest, |route, method| {
        !failing.iter().any(|((r, m), _)| r == route && *m == method)
    });
    for ((route, method), reason) in &failing {
        warnings.push(Warning::new(
            operations::display_name(method, route),
            format!("not generated: {reason}"),
        ));
    }
    attempt(&rest).map_err(|message| Error::Generate {
        path: path.to_owned(),
        message,
    })
}

/// Adds to `failing` each of `candidates` that progenitor fails on when generated alone, by
/// halving: a half that generates holds none, so a few bad operations among many cost a few
/// runs each rather than one run per operation.
fn find_failing(
    spec: &OpenAPI,
    candidates: &[(String, &'static str)],
    failing: &mut Vec<((String, &'static str), String)>,
) {
    if candidates.is_empty() {
        return;
    }
    let mut part = spec.clone();
    operations::retain(&mut part, |route, method| {
        candidates.iter().any(|(r, m)| r == route && *m == method)
    });
    match (attempt(&part), candidates) {
        (Ok(_), _) => {}
        (Err(reason), [only]) => failing.push((only.clone(), reason)),
        (Err(_), _) => {
            let (first, second) = candidates.split_at(candidates.len() / 2);
            find_failing(spec, first, failing);
            find_failing(spec, second, failing);
        }
    }
}

/// One run of progenitor; `Err` says why it failed (its error, or its panic).
fn attempt(spec: &OpenAPI) -> Result<TokenStream, String> {
    match catch_unwind(AssertUnwindSafe(|| {
        Generator::new(&settings()).generate_tokens(spec)
    })) {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(error)) => Err(format!(
            "progenitor refused it: {}",
            first_line(&error.to_string())
        )),
        Err(payload) => Err(format!(
            "progenitor panicked: {}",
            first_line(
                payload
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| payload.downcast_ref::<&str>().copied())
                    .unwrap_or("(no message)")
            )
        )),
    }
}

/// The start of a message: progenitor appends the `Debug` dump of the offending part of the
/// document, dozens of lines (or one very long one) that say no more than the spec itself.
fn first_line(message: &str) -> String {
    const LIMIT: usize = 120;
    let line = message.lines().next().unwrap_or_default().trim_end();
    match line.char_indices().nth(LIMIT) {
        Some((end, _)) => format!("{} …", &line[..end]),
        None if line.len() < message.trim_end().len() => format!("{line} …"),
        None => line.to_owned(),
    }
}
