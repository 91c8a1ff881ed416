//! The crates the generated source needs at run time.
//!
//! What progenitor's output uses depends on the spec: `chrono` for `format: date-time`, `uuid`
//! for `format: uuid`, `regress` for `pattern`, `futures` for paginated streams, `serde_json`
//! for free-form objects. Progenitor's tokens are scanned for the paths that name a crate
//! (`::uuid::Uuid`, `use progenitor_client::…`), so the list is what the file needs to compile.
//! The scan runs before our rewrites, which use no crate progenitor's code does not already
//! use, and on the tokens as they are: printing a parsed file back into tokens to scan it costs
//! as much as the rest of the rendering on a large spec.

use proc_macro2::{Spacing, TokenStream, TokenTree};

/// A crate the generated source needs, with the version and features it was generated for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dependency {
    /// The crate's name on crates.io (`progenitor-client`).
    pub name: &'static str,
    /// The version requirement (`=0.15.1`).
    pub version: &'static str,
    /// Whether the crate's default features are needed.
    pub default_features: bool,
    /// The features the generated code uses.
    pub features: &'static [&'static str],
}

impl Dependency {
    /// The line for a `[dependencies]` table: `uuid = { version = "1", features = ["serde"] }`.
    pub fn manifest_entry(&self) -> String {
        let mut fields = vec![format!("version = \"{}\"", self.version)];
        if !self.default_features {
            fields.push("default-features = false".to_owned());
        }
        if !self.features.is_empty() {
            let features: Vec<String> = self.features.iter().map(|f| format!("\"{f}\"")).collect();
            fields.push(format!("features = [{}]", features.join(", ")));
        }
        format!("{} = {{ {} }}", self.name, fields.join(", "))
    }
}

const fn dependency(
    name: &'static str,
    version: &'static str,
    default_features: bool,
    features: &'static [&'static str],
) -> Dependency {
    Dependency {
        name,
        version,
        default_features,
        features,
    }
}

/// Every crate progenitor 0.15 and typify 0.8 write paths into, by the name the code uses, in
/// the order they are reported. The versions are those progenitor documents and that this
/// workspace builds with (`progenitor-client` is the one that matches the generator).
const KNOWN: [(&str, Dependency); 10] = [
    (
        "progenitor_client",
        dependency("progenitor-client", "=0.15.1", true, &[]),
    ),
    (
        "reqwest",
        dependency("reqwest", "0.13", false, &["json", "query", "stream"]),
    ),
    ("serde", dependency("serde", "1", true, &["derive"])),
    ("serde_json", dependency("serde_json", "1", true, &[])),
    (
        "chrono",
        dependency("chrono", "0.4", false, &["serde", "std"]),
    ),
    ("uuid", dependency("uuid", "1", true, &["serde"])),
    ("regress", dependency("regress", "0.12", true, &[])),
    ("futures", dependency("futures", "0.3", true, &[])),
    // Websocket channels (`x-dropshot-websocket`).
    ("base64", dependency("base64", "0.21", true, &[])),
    ("rand", dependency("rand", "0.8", true, &[])),
];

/// The crates `tokens` name in a path, in [`KNOWN`]'s order.
pub fn needed(tokens: &TokenStream) -> Vec<Dependency> {
    let mut roots = Vec::new();
    path_roots(tokens.clone(), &mut roots);
    KNOWN
        .iter()
        .filter(|(root, _)| roots.iter().any(|r| r == root))
        .map(|(_, dependency)| *dependency)
        .collect()
}

/// Every identifier followed by `::` in `tokens`, inside groups too (macro bodies, attributes).
fn path_roots(tokens: TokenStream, roots: &mut Vec<String>) {
    let mut previous: Option<String> = None;
    // The first `:` of a `::` is joined to the next one; a lone `:` (`id: Type`) is not.
    let mut half = false;
    for tree in tokens {
        match tree {
            TokenTree::Ident(ident) => {
                previous = Some(ident.to_string());
                half = false;
            }
            TokenTree::Punct(punct) if punct.as_char() == ':' => {
                if half {
                    if let Some(name) = previous.take()
                        && !roots.contains(&name)
                    {
                        roots.push(name);
                    }
                    half = false;
                } else if punct.spacing() == Spacing::Joint {
                    half = true;
                } else {
                    previous = None;
                }
            }
            TokenTree::Group(group) => {
                path_roots(group.stream(), roots);
                previous = None;
                half = false;
            }
            _ => {
                previous = None;
                half = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(file: syn::File) -> Vec<&'static str> {
        needed(&quote::quote!(#file))
            .iter()
            .map(|d| d.name)
            .collect()
    }

    #[test]
    fn crates_are_found_wherever_a_path_names_them() {
        let file: syn::File = syn::parse_quote! {
            use progenitor_client::{encode_path, ClientHooks};
            #[derive(::serde::Deserialize)]
            pub struct Job {
                pub id: ::uuid::Uuid,
                pub at: Option<chrono::DateTime<chrono::offset::Utc>>,
                pub note: String,
            }
            fn f() {
                static PATTERN: ::std::sync::LazyLock<::regress::Regex> = todo!();
                let _ = format!("{}", ::serde_json::json!({}));
            }
            /// Mentions uuid::Uuid and futures::Stream only in prose.
            pub mod types { pub struct Uuid; }
        };
        assert_eq!(
            names(file),
            [
                "progenitor-client",
                "serde",
                "serde_json",
                "chrono",
                "uuid",
                "regress"
            ]
        );
    }

    #[test]
    fn a_name_not_followed_by_a_path_separator_is_not_a_crate() {
        let file: syn::File = syn::parse_quote! {
            pub struct Futures { pub uuid: String, pub regress: u8, pub serde_json: ::std::string::String }
            fn reqwest() -> Option<::std::string::String> { None }
        };
        assert!(names(file).is_empty());
    }

    #[test]
    fn manifest_entries_are_cargo_toml_lines() {
        let entry = |root: &str| {
            KNOWN
                .iter()
                .find(|(r, _)| *r == root)
                .unwrap()
                .1
                .manifest_entry()
        };
        assert_eq!(
            entry("reqwest"),
            r#"reqwest = { version = "0.13", default-features = false, features = ["json", "query", "stream"] }"#
        );
        assert_eq!(entry("futures"), r#"futures = { version = "0.3" }"#);
        assert_eq!(
            entry("progenitor_client"),
            r#"progenitor-client = { version = "=0.15.1" }"#
        );
    }
}
