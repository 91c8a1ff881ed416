//! Turns an OpenAPI 3.0 spec of Mintlify's agent API into the formatted Rust source of a typed,
//! forward-compatible [progenitor](https://docs.rs/progenitor) client.
//!
//! One entry point: [`generate`] takes a spec path and returns the file to write. The steps, each
//! in its own module:
//!
//! 1. [`load`]: YAML or JSON into [`openapiv3::OpenAPI`], errors pointing at line and field;
//! 2. `validate`: the document is valid OpenAPI 3.0 (version, `$ref`s, path parameters);
//! 3. `normalize`: small passes so that progenitor takes any valid document (missing
//!    `operationId`s, closed objects);
//! 4. `limits`: shapes progenitor would panic on are refused with the operation's name, and
//!    `alias_cycles`: schemas that are pure aliases of each other in a cycle (progenitor's code
//!    for them overflows the stack when it reads a value) are refused with their names;
//! 5. `progenitor_run`: progenitor's builder-style generator, panics caught;
//! 6. `rewrite`: open string enums (`Unknown(String)`), no 15 s-timeout constructor, and a
//!    module-local path-segment encoder that encodes everything but RFC 3986's unreserved bytes;
//! 7. `render`: `prettyplease` and the "generated" header.
//!
//! The output depends on nothing but the spec's bytes and the spec name given for the header.
//!
//! ```no_run
//! use std::path::Path;
//! let source = mintlify_agent_codegen::generate(Path::new("specs/v2.yaml"))?;
//! assert!(source.starts_with("// @generated"));
//! # Ok::<(), mintlify_agent_codegen::Error>(())
//! ```

#![forbid(unsafe_code)]

mod alias_cycles;
mod error;
mod limits;
mod load;
mod normalize;
mod operations;
mod progenitor_run;
mod refs;
mod render;
mod rewrite;
mod validate;

use std::path::Path;

pub use error::Error;
pub use load::{load, parse};

/// Generates the client module for the spec at `path`; the header names the spec by `path` as
/// given (with `/` separators), so pass a path relative to the workspace root for stable output.
pub fn generate(path: &Path) -> Result<String, Error> {
    let name = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    generate_named(path, &name)
}

/// Like [`generate`], but reads `path` and names the spec `spec_name` in the file's header. Use it
/// when the path you read from is absolute but the header should stay the same on every machine.
pub fn generate_named(path: &Path, spec_name: &str) -> Result<String, Error> {
    generate_from_str(path, &load::read(path)?, spec_name)
}

/// Generates from spec text already in memory; `path` names the file in errors.
pub fn generate_from_str(path: &Path, text: &str, spec_name: &str) -> Result<String, Error> {
    let mut spec = parse(path, text)?;
    validate::validate(path, text, &spec)?;
    normalize::run(&mut spec);
    limits::check(path, &spec)?;
    alias_cycles::check(path, &spec)?;
    let tokens = progenitor_run::generate(path, &spec)?;
    let internal = |message: String| Error::Internal {
        path: path.to_owned(),
        message,
    };
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| internal(e.to_string()))?;
    rewrite::run(&mut file).map_err(|e| internal(e.to_string()))?;
    Ok(render::render(&file, spec_name))
}
