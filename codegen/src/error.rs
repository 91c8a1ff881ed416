//! The one error type of the pipeline: every variant names the spec file, and where it can, the
//! place in it, so that a maintainer can go straight to the line to fix.

use std::path::PathBuf;

/// Why a spec could not be turned into Rust source.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec file could not be read (missing, unreadable, not UTF-8).
    #[error("{}: cannot read the spec: {source}", path.display())]
    Read {
        /// The spec file.
        path: PathBuf,
        /// What the file system said.
        #[source]
        source: std::io::Error,
    },

    /// The file is not well-formed JSON or YAML.
    #[error("{}:{}: {format} does not parse: {message}", path.display(), position(*line, *column))]
    Syntax {
        /// The spec file.
        path: PathBuf,
        /// The syntax it was read as: `"JSON"` or `"YAML"`.
        format: &'static str,
        /// 1-based line of the fault, when the parser knows it.
        line: Option<usize>,
        /// 1-based column of the fault, when the parser knows it.
        column: Option<usize>,
        /// The parser's message.
        message: String,
    },

    /// The file parses but is not a valid OpenAPI 3.0 or 3.1 document.
    #[error("{}{}: not a valid OpenAPI document at `{at}`: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Invalid {
        /// The spec file.
        path: PathBuf,
        /// 1-based line of the fault, when the parser knows it.
        line: Option<usize>,
        /// Where in the document, as a dotted path (`paths./v2/agent/{projectId}/job.post`).
        at: String,
        /// What is wrong there.
        message: String,
    },

    /// A schema in `components.schemas` has a shape progenitor cannot generate code for.
    #[error("{}: a schema under `components.schemas` cannot be generated: {reason}", path.display())]
    UnsupportedSchemas {
        /// The spec file.
        path: PathBuf,
        /// Why progenitor cannot take it.
        reason: String,
    },

    /// Schemas under `components.schemas` are aliases of each other in a cycle (each is a bare
    /// `$ref` to the next or has it as an `allOf`/`oneOf`/`anyOf` member): progenitor's code for
    /// them compiles but its deserializer recurses without reading input until the stack
    /// overflows. Recursion through an object property or array item is fine.
    #[error(
        "{}: `components.schemas`: {} is a cycle of pure aliases (each schema is only a `$ref` to \
         the next, or has it as an `allOf`/`oneOf`/`anyOf` member), so the generated deserializer \
         would call itself without reading input until the stack overflows; make one hop an \
         object property or array item",
        path.display(),
        arrows(cycle)
    )]
    AliasCycle {
        /// The spec file.
        path: PathBuf,
        /// The schemas' names, from one of them round to itself (`["A", "B", "A"]`).
        cycle: Vec<String>,
    },

    /// Progenitor refused or failed on the document as a whole, though on no operation alone
    /// (operations that fail alone are left out with a warning instead).
    #[error("{}: the document cannot be generated: {message}", path.display())]
    Generate {
        /// The spec file.
        path: PathBuf,
        /// Progenitor's message.
        message: String,
    },

    /// The generated tokens could not be post-processed into a Rust file. This is a bug in this
    /// crate or in progenitor, never in the spec alone.
    #[error("{}: generated code is not valid Rust: {message}", path.display())]
    Internal {
        /// The spec file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

impl Error {
    /// The spec file the error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            Error::Read { path, .. }
            | Error::Syntax { path, .. }
            | Error::Invalid { path, .. }
            | Error::UnsupportedSchemas { path, .. }
            | Error::AliasCycle { path, .. }
            | Error::Generate { path, .. }
            | Error::Internal { path, .. } => path,
        }
    }
}

/// `line:column`, or as much of it as is known.
fn position(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!("{line}:{column}"),
        (Some(line), None) => line.to_string(),
        _ => "?".to_owned(),
    }
}

/// `` `A` -> `B` -> `A` ``.
fn arrows(names: &[String]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(" -> ")
}
