//! `cargo xtask`: the workspace's maintenance commands, in plain Rust.
//!
//! ```text
//! cargo xtask regen            rewrite generated-client/src/generated/*.rs from specs/
//! cargo xtask regen --check    fail, naming each stale file, if they differ from the specs
//! cargo xtask check            the same as `regen --check`
//! cargo xtask upstream [SPEC]  generate from Mintlify's published spec and compile the result
//! ```
//! `--root DIR` runs against another workspace root (the tests use a scratch copy).

mod regen;
mod upstream;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: cargo xtask regen [--check] [--root DIR] | cargo xtask check [--root DIR] \
                     | cargo xtask upstream [SPEC] [--root DIR]";

fn main() -> ExitCode {
    quiet_generator_panics();
    let mut check = false;
    let mut command = None;
    let mut root = regen::workspace_root();
    let mut upstream_spec = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "upstream" if command.is_none() => command = Some("upstream"),
            spec if command == Some("upstream")
                && upstream_spec.is_none()
                && !spec.starts_with('-') =>
            {
                upstream_spec = Some(PathBuf::from(spec));
            }
            "regen" if command.is_none() => command = Some("regen"),
            "check" if command.is_none() => {
                command = Some("check");
                check = true;
            }
            "--check" if command == Some("regen") => check = true,
            "--root" => match args.next() {
                Some(dir) => root = PathBuf::from(dir),
                None => return usage(),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ => return usage(),
        }
    }
    match command {
        None => return usage(),
        Some("upstream") => {
            let spec = upstream_spec.unwrap_or_else(|| upstream::default_spec(&root));
            return match upstream::check(&root, &spec) {
                Ok(report) => {
                    println!("{report}");
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("error: {error}");
                    ExitCode::FAILURE
                }
            };
        }
        Some(_) => {}
    }

    let started = Instant::now();
    let outputs = match regen::render_all(&root) {
        Ok(outputs) => outputs,
        Err(error) => {
            eprintln!("error: {error}");
            eprintln!("nothing under generated-client/ was changed");
            return ExitCode::FAILURE;
        }
    };
    if check {
        let stale = regen::stale(&root, &outputs);
        for file in &stale {
            eprintln!("stale: {} differs from its spec", file.display());
        }
        if stale.is_empty() {
            println!("{} generated files match their specs", outputs.len());
            ExitCode::SUCCESS
        } else {
            eprintln!("run `cargo xtask regen` and commit the result");
            ExitCode::FAILURE
        }
    } else {
        match regen::write_all(&root, &outputs) {
            Ok(report) => {
                for line in report {
                    println!("{line}");
                }
                println!(
                    "regenerated {} modules in {:.0?}",
                    outputs.len(),
                    started.elapsed()
                );
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: cannot write the generated files: {error}");
                ExitCode::FAILURE
            }
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

/// Progenitor reports some bad inputs by panicking; codegen catches the panic and returns an
/// error naming the operation, so the default "thread panicked" lines would only be noise.
/// Panics from anywhere else still print as usual.
fn quiet_generator_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let file = info.location().map(|l| l.file()).unwrap_or_default();
        if !(file.contains("progenitor-impl") || file.contains("typify-impl")) {
            default(info);
        }
    }));
}
