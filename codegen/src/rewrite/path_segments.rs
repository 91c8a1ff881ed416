//! Path values land in exactly their own URL segment.
//!
//! Progenitor builds URLs with `progenitor_client::encode_path`, which leaves `\` (and `'`, `!`,
//! `;`, …) as they are; URL parsers read `\` as `/` in http(s) URLs, so an id like
//! `..\..\other\jobs` escaped its segment and reached another endpoint. This pass drops that
//! import and gives the module its own `encode_path`, which encodes every byte but RFC 3986's
//! unreserved ones. The call sites stay as progenitor wrote them (`encode_path(&id.to_string())`,
//! through `use super::{encode_path, …}` in `mod builder`) and now resolve to the local function.

use proc_macro2::Span;
use syn::visit_mut::VisitMut;
use syn::{Item, UseTree};

/// The emitted function, as Rust source (see the file for why it lives apart).
const ENCODER: &str = include_str!("path_segments/encode_path.rs");

const RUNTIME: &str = "progenitor_client";
const FUNCTION: &str = "encode_path";

/// Replaces `progenitor_client::encode_path` in `file` with a module-local strict encoder.
///
/// Fails if progenitor's import is not where this pass expects it, or if any other route to
/// progenitor's encoder remains: a silent miss would bring the unsafe encoder back.
pub fn use_strict_encoder(file: &mut syn::File) -> syn::Result<()> {
    // Where the encoder goes: right after what is left of the import, or in its place.
    let mut position = None;
    let mut index = 0;
    while index < file.items.len() {
        if let Item::Use(import) = &mut file.items[index] {
            let (removed, now_empty) = strip(&mut import.tree, false);
            if removed > 0 {
                if now_empty {
                    file.items.remove(index);
                } else {
                    index += 1;
                }
                position.get_or_insert(index);
                continue;
            }
        }
        index += 1;
    }
    let Some(position) = position else {
        return Err(fail(
            "progenitor's `use progenitor_client::{encode_path, …}` is not in the generated file",
        ));
    };
    let encoder: syn::File = syn::parse_str(ENCODER)?;
    file.items.splice(position..position, encoder.items);

    let mut leftover = Leftover(false);
    leftover.visit_file_mut(file);
    if leftover.0 {
        return Err(fail(
            "`progenitor_client::encode_path` is still used after the strict encoder was added",
        ));
    }
    Ok(())
}

fn fail(message: &str) -> syn::Error {
    syn::Error::new(Span::call_site(), message)
}

/// Removes every plain `encode_path` imported from `progenitor_client` in `tree`. Returns how
/// many were removed and whether nothing is left of the tree.
fn strip(tree: &mut UseTree, from_runtime: bool) -> (usize, bool) {
    match tree {
        UseTree::Name(name) => {
            let hit = from_runtime && name.ident == FUNCTION;
            (usize::from(hit), hit)
        }
        UseTree::Path(path) => strip(&mut path.tree, from_runtime || path.ident == RUNTIME),
        UseTree::Group(group) => {
            let mut removed = 0;
            let items = std::mem::take(&mut group.items);
            for mut item in items {
                let (count, empty) = strip(&mut item, from_runtime);
                removed += count;
                if !empty {
                    group.items.push(item);
                }
            }
            (removed, group.items.is_empty())
        }
        UseTree::Rename(_) | UseTree::Glob(_) => (0, false),
    }
}

/// Whether `tree` still brings in progenitor's encoder under any name.
fn imports_runtime_encoder(tree: &UseTree, from_runtime: bool) -> bool {
    match tree {
        UseTree::Name(name) => from_runtime && name.ident == FUNCTION,
        UseTree::Rename(rename) => from_runtime && rename.ident == FUNCTION,
        UseTree::Path(path) => {
            imports_runtime_encoder(&path.tree, from_runtime || path.ident == RUNTIME)
        }
        UseTree::Group(group) => group
            .items
            .iter()
            .any(|item| imports_runtime_encoder(item, from_runtime)),
        // A glob import is shadowed by the local function, so it cannot reach the old one.
        UseTree::Glob(_) => false,
    }
}

/// Finds any remaining route to progenitor's encoder: an import, or a qualified path.
struct Leftover(bool);

impl VisitMut for Leftover {
    fn visit_item_use_mut(&mut self, import: &mut syn::ItemUse) {
        self.0 |= imports_runtime_encoder(&import.tree, false);
    }

    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        self.0 |= path
            .segments
            .iter()
            .zip(path.segments.iter().skip(1))
            .any(|(a, b)| a.ident == RUNTIME && b.ident == FUNCTION);
        syn::visit_mut::visit_path_mut(self, path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(mut file: syn::File) -> syn::Result<String> {
        use_strict_encoder(&mut file)?;
        Ok(prettyplease::unparse(&file))
    }

    #[test]
    fn the_import_goes_and_the_module_gets_its_own_encoder() {
        let text = rewritten(syn::parse_quote! {
            #[allow(unused_imports)]
            pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};
            #[allow(unused_imports)]
            use progenitor_client::{encode_path, ClientHooks, OperationInfo, RequestBuilderExt};
            pub mod types {}
            pub mod builder {
                #[allow(unused_imports)]
                use super::{encode_path, ByteStream, ClientHooks};
                fn url(id: &str) -> String { format!("/job/{}", encode_path(&id.to_string())) }
            }
        })
        .unwrap();
        let expected_head = "#[allow(unused_imports)]\n\
            pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};\n\
            #[allow(unused_imports)]\n\
            use progenitor_client::{ClientHooks, OperationInfo, RequestBuilderExt};\n\
            /// Percent-encodes `segment`";
        assert!(text.starts_with(expected_head), "{text}");
        assert_eq!(
            text.matches("fn encode_path(segment: &str) -> ::std::string::String {")
                .count(),
            1,
            "{text}"
        );
        assert!(
            text.contains("#[allow(dead_code)]\nfn encode_path("),
            "private, and quiet when unused: {text}"
        );
        // The call sites and the builder's import of the parent's function are untouched.
        assert!(
            text.contains("use super::{encode_path, ByteStream, ClientHooks};"),
            "{text}"
        );
        assert!(text.contains("encode_path(& id.to_string())"), "{text}");
        // `//` comments of the source file stay out of the generated one.
        assert!(!text.contains("written here as plain Rust"), "{text}");
    }

    #[test]
    fn an_import_of_the_encoder_alone_is_replaced_whole() {
        let text = rewritten(syn::parse_quote! {
            use std::fmt;
            use progenitor_client::encode_path;
            pub struct Client;
        })
        .unwrap();
        assert!(!text.contains("use progenitor_client"), "{text}");
        let import = text.find("use std::fmt;").unwrap();
        let encoder = text.find("fn encode_path(").unwrap();
        let client = text.find("pub struct Client;").unwrap();
        assert!(import < encoder && encoder < client, "{text}");
    }

    #[test]
    fn a_missing_import_is_an_error_not_a_silent_miss() {
        let error = rewritten(syn::parse_quote! {
            use progenitor_client::{ClientHooks};
            fn f(id: &str) -> String { encode_path(id) }
        })
        .unwrap_err();
        assert!(
            error.to_string().contains("is not in the generated file"),
            "{error}"
        );
    }

    #[test]
    fn any_other_route_to_progenitors_encoder_is_an_error() {
        let leftovers: [Item; 4] = [
            syn::parse_quote! { fn f(id: &str) -> String { progenitor_client::encode_path(id) } },
            syn::parse_quote! { fn f(id: &str) -> String { ::progenitor_client::encode_path(id) } },
            syn::parse_quote! { mod m { use progenitor_client::encode_path as enc; } },
            syn::parse_quote! { mod m { use progenitor_client::{encode_path}; } },
        ];
        for leftover in leftovers {
            let file: syn::File = syn::parse_quote! {
                use progenitor_client::{encode_path, ClientHooks};
                #leftover
            };
            let error = rewritten(file).unwrap_err();
            assert!(
                error.to_string().contains("is still used"),
                "{}: {error}",
                quote::quote!(#leftover)
            );
        }
    }

    /// The emitted function itself, compiled from the same source file.
    mod encoder {
        include!("path_segments/encode_path.rs");

        /// Reverses percent-encoding; `None` on a malformed escape.
        fn decode(encoded: &str) -> Option<String> {
            let mut bytes = Vec::new();
            let mut rest = encoded.as_bytes();
            while let Some((&first, tail)) = rest.split_first() {
                if first == b'%' {
                    let hex = std::str::from_utf8(tail.get(..2)?).ok()?;
                    bytes.push(u8::from_str_radix(hex, 16).ok()?);
                    rest = &tail[2..];
                } else {
                    bytes.push(first);
                    rest = tail;
                }
            }
            String::from_utf8(bytes).ok()
        }

        #[test]
        fn only_unreserved_bytes_stay_as_they_are() {
            let unreserved = "ABCXYZabcxyz0189-._~";
            assert_eq!(encode_path(unreserved), unreserved);
            for (input, expected) in [
                ("a\\b", "a%5Cb"),
                ("../x", "..%2Fx"),
                ("a/b?c#d", "a%2Fb%3Fc%23d"),
                ("%5C", "%255C"),
                ("a b", "a%20b"),
                ("\0\t\n\r\x1F\x7F", "%00%09%0A%0D%1F%7F"),
                ("é", "%C3%A9"),
                ("!$&'()*+,;=:@", "%21%24%26%27%28%29%2A%2B%2C%3B%3D%3A%40"),
                ("\"<>`{}|^[]", "%22%3C%3E%60%7B%7D%7C%5E%5B%5D"),
                ("", ""),
            ] {
                assert_eq!(encode_path(input), expected, "{input:?}");
            }
        }

        #[test]
        fn every_character_round_trips_and_stays_in_its_segment() {
            let mut input: String = (0u8..=0x7F).map(char::from).collect();
            input.push_str("é€😀\u{FEFF}\u{202E}");
            let encoded = encode_path(&input);
            assert!(
                encoded
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)),
                "{encoded}"
            );
            // Every `%` starts an escape (a literal one is encoded too), in uppercase hex.
            for escape in encoded.split('%').skip(1) {
                let hex = escape.get(..2).unwrap_or_default();
                assert!(
                    hex.len() == 2 && hex.bytes().all(|b| b"0123456789ABCDEF".contains(&b)),
                    "{encoded}"
                );
            }
            assert_eq!(decode(&encoded).as_deref(), Some(input.as_str()));
        }
    }
}
