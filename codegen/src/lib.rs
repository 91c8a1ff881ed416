//! Turns an OpenAPI 3.0 or 3.1 spec of Mintlify's agent API into the formatted Rust source of a
//! typed, forward-compatible [progenitor](https://docs.rs/progenitor) client.
//!
//! One entry point: [`generate`] takes a spec path and returns the file to write, the crates it
//! needs and what the generator had to leave out. The steps, each in its own module:
//!
//! 1. [`load`]: JSON (by a JSON parser) or YAML into a document value, errors pointing at line
//!    and field;
//! 2. `validate`: the version is 3.0.x or 3.1.x, and every `$ref` resolves (example payloads
//!    and other data are not read for references, see `walk`);
//! 3. `normalize::v31`: a 3.1 document is made a 3.0 one (`type: [X, "null"]`, `const`,
//!    numeric exclusive bounds, `examples`, `$ref` siblings, `webhooks`, …), then it is typed as
//!    [`openapiv3::OpenAPI`] and its path parameters checked;
//! 4. `normalize`: small passes so that progenitor takes any valid document (missing
//!    `operationId`s, closed objects, bodies without schema, several request media types,
//!    responses of different types);
//! 5. `alias_cycles`: schemas that are pure aliases of each other in a cycle (progenitor's code
//!    for them overflows the stack when it reads a value) are refused with their names;
//! 6. `progenitor_run`: progenitor's builder-style generator, panics caught; an operation it
//!    cannot generate is left out with a [`Warning`], and the rest is generated;
//! 7. `rewrite`: open string enums (`Unknown(String)`), no 15 s-timeout constructor, and a
//!    module-local path-segment encoder that encodes everything but RFC 3986's unreserved bytes;
//! 8. `render`: `prettyplease` and the "generated" header; `runtime`: the crates the source
//!    names.
//!
//! The output depends on nothing but the spec's bytes and the spec name given for the header.
//!
//! ```no_run
//! use std::path::Path;
//! let generated = mintlify_agent_codegen::generate(Path::new("specs/v2.yaml"))?;
//! assert!(generated.source.starts_with("// @generated"));
//! for warning in &generated.warnings {
//!     eprintln!("warning: {warning}");
//! }
//! # Ok::<(), mintlify_agent_codegen::Error>(())
//! ```

#![forbid(unsafe_code)]

mod alias_cycles;
mod error;
mod load;
mod locate;
mod normalize;
mod operations;
mod progenitor_run;
mod refs;
mod render;
mod rewrite;
mod runtime;
mod validate;
mod walk;
mod warning;

use std::path::Path;

pub use error::Error;
pub use load::{load, parse};
pub use runtime::Dependency;
pub use warning::Warning;

/// A generated client module.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The formatted Rust source, with its `@generated` header.
    pub source: String,
    /// The crates the source needs to compile, for the `[dependencies]` of the crate that
    /// includes it.
    pub dependencies: Vec<Dependency>,
    /// What the generated client does differently from the spec: operations left out, bodies
    /// read as raw bytes, parts of the document a client has no use for.
    pub warnings: Vec<Warning>,
}

/// Generates the client module for the spec at `path`; the header names the spec by `path` as
/// given (with `/` separators), so pass a path relative to the workspace root for stable output.
pub fn generate(path: &Path) -> Result<Generated, Error> {
    let name = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    generate_named(path, &name)
}

/// Like [`generate`], but reads `path` and names the spec `spec_name` in the file's header. Use it
/// when the path you read from is absolute but the header should stay the same on every machine.
pub fn generate_named(path: &Path, spec_name: &str) -> Result<Generated, Error> {
    generate_from_str(path, &load::read(path)?, spec_name)
}

/// Generates from spec text already in memory; `path` names the file in errors (and a `.json`
/// name makes the text read as JSON).
pub fn generate_from_str(path: &Path, text: &str, spec_name: &str) -> Result<Generated, Error> {
    let mut warnings = Vec::new();
    let mut spec = load::spec(path, text, &mut warnings)?;
    normalize::run(&mut spec, &mut warnings);
    alias_cycles::check(path, &spec)?;
    let tokens = progenitor_run::generate(path, &spec, &mut warnings)?;
    let dependencies = runtime::needed(&tokens);
    let internal = |message: String| Error::Internal {
        path: path.to_owned(),
        message,
    };
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| internal(e.to_string()))?;
    rewrite::run(&mut file).map_err(|e| internal(e.to_string()))?;
    Ok(Generated {
        source: render::render(&file, spec_name),
        dependencies,
        warnings,
    })
}
