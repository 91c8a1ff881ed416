//! Rewrites of progenitor's output, on its syntax tree, that settings cannot ask for.

mod client_constructor;
mod open_enums;
mod path_segments;

/// Applies every rewrite to the generated file.
pub fn run(file: &mut syn::File) -> syn::Result<()> {
    open_enums::rewrite(file)?;
    client_constructor::remove_timeout_constructor(file);
    path_segments::use_strict_encoder(file)?;
    Ok(())
}
