//! String enums that keep values they do not know.
//!
//! typify generates closed enums: one new status on the server and every reply that carries it
//! fails to deserialize. Each plain string enum of the `types` module gets a catch-all variant,
//! `Unknown(String)`, that keeps the value as sent, and its serde, `Display`, `FromStr` and `From`
//! impls are replaced by ones that round-trip it. Parsing a string never fails any more, so
//! `FromStr::Err` is `Infallible`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::punctuated::Punctuated;
use syn::{Attribute, Fields, Ident, Item, ItemEnum, LitStr, Token, Type};

/// Names the catch-all variant may take, in order of preference (the first one not taken).
const CATCH_ALL: [&str; 3] = ["Unknown", "Other", "UnknownValue"];

/// Traits whose generated impls assume a closed set and are replaced.
const REPLACED_TRAITS: [&str; 3] = ["Display", "FromStr", "TryFrom"];

/// Opens every string enum inside `mod types` of `file`.
pub fn rewrite(file: &mut syn::File) -> syn::Result<()> {
    for item in &mut file.items {
        if let Item::Mod(module) = item
            && module.ident == "types"
            && let Some((_, items)) = &mut module.content
        {
            rewrite_items(items)?;
        }
    }
    Ok(())
}

/// An enum that was opened, and what its new impls need to know.
struct Opened {
    name: Ident,
    /// Each known variant and its wire string.
    variants: Vec<(Ident, String)>,
    catch_all: Ident,
}

fn rewrite_items(items: &mut Vec<Item>) -> syn::Result<()> {
    let mut opened = Vec::new();
    for item in items.iter_mut() {
        if let Item::Enum(enumeration) = item
            && let Some(variants) = string_enum(enumeration)
        {
            let catch_all = open(enumeration, &variants);
            opened.push(Opened {
                name: enumeration.ident.clone(),
                variants,
                catch_all,
            });
        }
    }
    // Rebuild the module with each enum's new impls right after it, in place of the old ones.
    let mut rebuilt = Vec::with_capacity(items.len());
    for item in items.drain(..) {
        if is_replaced_impl(&item, &opened) {
            continue;
        }
        let opened_here = match &item {
            Item::Enum(e) => opened.iter().find(|o| o.name == e.ident),
            _ => None,
        };
        rebuilt.push(item);
        if let Some(opened) = opened_here {
            let impls: syn::File = syn::parse2(impls(opened))?;
            rebuilt.extend(impls.items);
        }
    }
    *items = rebuilt;
    Ok(())
}

/// The `(variant, wire name)` pairs of a serde-derived enum of unit variants, else `None`.
fn string_enum(enumeration: &ItemEnum) -> Option<Vec<(Ident, String)>> {
    let derives = derives(&enumeration.attrs);
    if !(derives.iter().any(|d| d == "Serialize") && derives.iter().any(|d| d == "Deserialize")) {
        return None;
    }
    enumeration
        .variants
        .iter()
        .map(|variant| {
            let unit = matches!(variant.fields, Fields::Unit) && variant.discriminant.is_none();
            unit.then(|| {
                let wire =
                    serde_rename(&variant.attrs).unwrap_or_else(|| variant.ident.to_string());
                (variant.ident.clone(), wire)
            })
        })
        .collect::<Option<Vec<_>>>()
        .filter(|variants| !variants.is_empty())
}

/// Makes the enum open: no serde derive or attributes, no `Copy`, plus the catch-all variant.
fn open(enumeration: &mut ItemEnum, wire_names: &[(Ident, String)]) -> Ident {
    let taken: Vec<String> = enumeration
        .variants
        .iter()
        .map(|v| v.ident.to_string())
        .collect();
    let catch_all = CATCH_ALL
        .iter()
        .find(|name| !taken.iter().any(|t| t == *name))
        .map_or_else(
            || format_ident!("UnknownValue_"),
            |name| format_ident!("{name}"),
        );

    enumeration
        .attrs
        .retain(|attr| !attr.path().is_ident("serde"));
    for attr in &mut enumeration.attrs {
        if attr.path().is_ident("derive") {
            let kept: Vec<syn::Path> = parse_derive(attr)
                .into_iter()
                .filter(|path| {
                    let last = path.segments.last().map(|s| s.ident.to_string());
                    !matches!(last.as_deref(), Some("Copy" | "Serialize" | "Deserialize"))
                })
                .collect();
            *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
    }
    for (variant, (_, wire)) in enumeration.variants.iter_mut().zip(wire_names) {
        variant.attrs.retain(|attr| !attr.path().is_ident("serde"));
        let doc = format!("`{wire}` on the wire.");
        variant.attrs.push(syn::parse_quote!(#[doc = #doc]));
    }
    enumeration.variants.push(syn::parse_quote! {
        /// A value this version of the client does not know, kept exactly as the server sent it.
        #catch_all(::std::string::String)
    });
    catch_all
}

/// Whether `item` is a `Display`/`FromStr`/`TryFrom` impl for one of the opened enums.
fn is_replaced_impl(item: &Item, opened: &[Opened]) -> bool {
    let Item::Impl(block) = item else {
        return false;
    };
    let Some((trait_path, _)) = &block.trait_ else {
        return false;
    };
    let Type::Path(self_ty) = &*block.self_ty else {
        return false;
    };
    let trait_name = trait_path.segments.last().map(|s| s.ident.to_string());
    REPLACED_TRAITS
        .iter()
        .any(|t| trait_name.as_deref() == Some(t))
        && opened.iter().any(|o| self_ty.path.is_ident(&o.name))
}

/// The impls of an opened enum: wire-string conversions in both directions and serde through them.
fn impls(opened: &Opened) -> TokenStream {
    let Opened {
        name,
        variants,
        catch_all,
    } = opened;
    let wires: Vec<&String> = variants.iter().map(|(_, w)| w).collect();
    let variants: Vec<&Ident> = variants.iter().map(|(v, _)| v).collect();
    quote! {
        impl #name {
            /// The value as it is written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wires,)*
                    Self::#catch_all(value) => value.as_str(),
                }
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#wires => Self::#variants,)*
                    other => Self::#catch_all(other.to_owned()),
                }
            }
        }
        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #(#wires => Self::#variants,)*
                    _ => Self::#catch_all(value),
                }
            }
        }
        impl ::std::convert::From<&::std::string::String> for #name {
            fn from(value: &::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }
        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                <::std::string::String as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

fn parse_derive(attr: &Attribute) -> Vec<syn::Path> {
    attr.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
        .map(|list| list.into_iter().collect())
        .unwrap_or_default()
}

/// The last segment of every derived trait (`::serde::Serialize` → `Serialize`).
fn derives(attrs: &[Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("derive"))
        .flat_map(parse_derive)
        .filter_map(|path| path.segments.last().map(|s| s.ident.to_string()))
        .collect()
}

/// The `rename = "…"` of a `#[serde(…)]` attribute, if any.
fn serde_rename(attrs: &[Attribute]) -> Option<String> {
    let mut rename = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        // Other serde keys on a unit variant (e.g. `alias`) are not renames; skip their values.
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                rename = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.input.peek(Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
    }
    rename
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(file: syn::File) -> String {
        let mut file = file;
        rewrite(&mut file).unwrap();
        prettyplease::unparse(&file)
    }

    #[test]
    fn a_string_enum_gets_a_catch_all_and_its_own_impls() {
        let text = rewritten(syn::parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
                pub enum JobStatus {
                    #[serde(rename = "active")]
                    Active,
                    #[serde(rename = "in_progress")]
                    InProgress,
                }
                impl ::std::fmt::Display for JobStatus { fn fmt(&self) {} }
                impl ::std::str::FromStr for JobStatus { type Err = (); }
                impl ::std::convert::TryFrom<&str> for JobStatus { type Error = (); }
                impl ::std::default::Default for JobStatus { fn default() -> Self { JobStatus::Active } }
            }
        });
        assert!(
            text.contains("#[derive(Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]"),
            "{text}"
        );
        assert!(text.contains("Unknown(::std::string::String)"), "{text}");
        assert!(!text.contains("#[serde("), "{text}");
        assert!(
            !text.contains("type Err = ();") && !text.contains("type Error = ();"),
            "{text}"
        );
        assert!(
            text.contains("impl ::std::default::Default for JobStatus"),
            "{text}"
        );
        assert!(
            text.contains("\"in_progress\" => Self::InProgress"),
            "{text}"
        );
        assert!(
            text.contains("Self::InProgress => \"in_progress\""),
            "{text}"
        );
        assert_eq!(
            text.matches("impl ::std::fmt::Display for JobStatus")
                .count(),
            1
        );
    }

    #[test]
    fn a_value_named_unknown_pushes_the_catch_all_to_other() {
        let text = rewritten(syn::parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub enum Reason { #[serde(rename = "unknown")] Unknown, Done }
            }
        });
        assert!(text.contains("Other(::std::string::String)"), "{text}");
        assert!(text.contains("\"unknown\" => Self::Unknown"), "{text}");
        assert!(text.contains("\"Done\" => Self::Done"), "{text}");
    }

    #[test]
    fn structs_data_enums_and_enums_outside_types_are_left_alone() {
        let input: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                #[serde(untagged)]
                pub enum Either { A(String), B(i64) }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct Job { pub id: String }
                #[derive(Clone, Copy)]
                pub enum NotSerde { A, B }
            }
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub enum Outside { A }
        };
        let before = prettyplease::unparse(&input);
        assert_eq!(rewritten(input), before);
    }
}
