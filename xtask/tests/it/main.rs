//! xtask's suites, one module each, in one test binary: each runs the built `xtask` command,
//! but `readme`, which holds the workspace README's Rust example to the SDK README's.
//! `upstream::the_fixture_specs_generate_clients_that_compile` is ignored by default (it
//! compiles the generated clients); CI runs it with `cargo test -p xtask --test it -- --ignored
//! upstream::`.

mod readme;
mod regen_cli;
mod upstream;
