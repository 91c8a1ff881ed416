//! Removes progenitor's `Client::new`.
//!
//! It builds a `reqwest::Client` with a 15 s *total* timeout, which cuts every v1 stream after 15
//! seconds, and it `unwrap`s the builder. The hand-written layer builds its own `reqwest::Client`
//! (connect and read timeouts, no total timeout) and passes it to `Client::new_with_client`,
//! which stays.

use syn::{ImplItem, Item, Type};

/// Drops `fn new` from the inherent `impl Client` blocks of `file`.
pub fn remove_timeout_constructor(file: &mut syn::File) {
    for item in &mut file.items {
        let Item::Impl(block) = item else { continue };
        let is_client = matches!(&*block.self_ty, Type::Path(p) if p.path.is_ident("Client"));
        if is_client && block.trait_.is_none() {
            block
                .items
                .retain(|member| !matches!(member, ImplItem::Fn(f) if f.sig.ident == "new"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_inherent_client_new_goes() {
        let mut file: syn::File = syn::parse_quote! {
            pub struct Client { baseurl: String }
            impl Client {
                pub fn new(baseurl: &str) -> Self { todo!() }
                pub fn new_with_client(baseurl: &str, client: reqwest::Client) -> Self { todo!() }
            }
            impl Other { pub fn new() -> Self { todo!() } }
            impl Trait for Client { fn new() -> Self { todo!() } }
        };
        remove_timeout_constructor(&mut file);
        let text = quote::quote!(#file).to_string();
        assert!(!text.contains("pub fn new (baseurl"), "{text}");
        assert!(text.contains("pub fn new_with_client"));
        assert!(text.contains("impl Other { pub fn new ()"));
        assert!(text.contains("impl Trait for Client { fn new ()"));
    }
}
