//! `cargo xtask`: the workspace's maintenance commands, in plain Rust.
//!
//! ```text
//! cargo xtask regen              rewrite generated-client/src/v{1,2}/generated.rs from specs/
//! cargo xtask regen --check      fail, naming each stale file, if they differ from the specs
//! cargo xtask check              the same as `regen --check`
//! cargo xtask upstream [SPEC…]   generate clients from specs as published (Mintlify's admin
//!                                spec by default) and compile them
//! cargo xtask bench [SPEC…] [--runs N]
//!                                generate time and output size: the workspace's specs, SPECs,
//!                                and a synthetic spec of 1,000 operations
//! cargo xtask msrv               fail if a dependency of the client needs a newer Rust than
//!                                the workspace's rust-version
//! cargo xtask dist [--target T]  every release artifact for this machine (or target T, as
//!                                each runner of release.yml builds its own) into
//!                                target/dist-artifacts/
//! cargo xtask dist --check       fail if a checked-in file disagrees with the workspace's
//!                                version or repository owner
//! ```
//! `--root DIR` runs against another workspace root (the tests use a scratch copy). Warnings
//! (an operation left out, a body read as raw bytes) go to stderr as `warning: SPEC: …`.

mod bench;
mod dist;
mod msrv;
mod regen;
mod upstream;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: cargo xtask regen [--check] | check | upstream [SPEC...] \
                     | bench [SPEC...] [--runs N] | msrv | dist [--check | --target TRIPLE]   (each takes --root DIR)";

/// A command and its arguments.
enum Command {
    Regen { check: bool },
    Upstream { specs: Vec<PathBuf> },
    Bench { specs: Vec<PathBuf>, runs: usize },
    Msrv,
    Dist { check: bool, target: Option<String> },
}

/// Parses the arguments after `cargo xtask`; `None` for a usage error.
fn parse(args: impl IntoIterator<Item = String>) -> Option<(Command, PathBuf)> {
    let mut args = args.into_iter();
    let mut root = regen::workspace_root();
    let mut command = match args.next()?.as_str() {
        "regen" => Command::Regen { check: false },
        "check" => Command::Regen { check: true },
        "upstream" => Command::Upstream { specs: Vec::new() },
        "bench" => Command::Bench {
            specs: Vec::new(),
            runs: 5,
        },
        "msrv" => Command::Msrv,
        "dist" => Command::Dist {
            check: false,
            target: None,
        },
        _ => return None,
    };
    let explicit_check = matches!(command, Command::Regen { check: true });
    while let Some(arg) = args.next() {
        match (arg.as_str(), &mut command) {
            ("--root", _) => root = PathBuf::from(args.next()?),
            ("--check", Command::Regen { check }) if !explicit_check => *check = true,
            (
                "--check",
                Command::Dist {
                    check,
                    target: None,
                },
            ) => *check = true,
            (
                "--target",
                Command::Dist {
                    check: false,
                    target,
                },
            ) if target.is_none() => {
                *target = Some(
                    args.next()
                        .filter(|t| !t.is_empty() && !t.starts_with('-'))?,
                );
            }
            ("--runs", Command::Bench { runs, .. }) => {
                *runs = args.next()?.parse().ok().filter(|n| *n > 0)?;
            }
            (spec, Command::Upstream { specs } | Command::Bench { specs, .. })
                if !spec.starts_with('-') =>
            {
                specs.push(PathBuf::from(spec));
            }
            _ => return None,
        }
    }
    Some((command, root))
}

fn main() -> ExitCode {
    quiet_generator_panics();
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    if args.is_empty() {
        args.push(String::new());
    }
    let Some((command, root)) = parse(args) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match command {
        Command::Regen { check } => regen(&root, check),
        Command::Upstream { mut specs } => {
            if specs.is_empty() {
                specs.push(upstream::default_spec(&root));
            }
            report(upstream::check(&root, &specs))
        }
        Command::Bench { specs, runs } => report(bench::run(&root, &specs, runs)),
        Command::Msrv => msrv(&root),
        Command::Dist {
            check: false,
            target,
        } => report(dist::run(&root, target.as_deref()).map_err(|e| e.to_string())),
        Command::Dist { check: true, .. } => dist_check(&root),
    }
}

/// Prints a command's lines (`warning:` lines to stderr), or its error.
fn report(result: Result<Vec<String>, String>) -> ExitCode {
    match result {
        Ok(lines) => {
            for line in lines {
                if line.starts_with("warning: ") {
                    eprintln!("{line}");
                } else {
                    println!("{line}");
                }
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn regen(root: &std::path::Path, check: bool) -> ExitCode {
    let started = Instant::now();
    let outputs = match regen::render_all(root) {
        Ok(outputs) => outputs,
        Err(error) => {
            eprintln!("error: {error}");
            eprintln!("nothing under generated-client/ was changed");
            return ExitCode::FAILURE;
        }
    };
    for output in &outputs {
        for warning in &output.warnings {
            eprintln!("warning: {}: {warning}", output.spec);
        }
    }
    if check {
        let stale = regen::stale(root, &outputs);
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
        match regen::write_all(root, &outputs) {
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

fn dist_check(root: &std::path::Path) -> ExitCode {
    match dist::check(root) {
        Ok(problems) if problems.is_empty() => {
            println!("every checked-in file agrees with the workspace's version and owner");
            ExitCode::SUCCESS
        }
        Ok(problems) => {
            for problem in problems {
                eprintln!("error: {problem}");
            }
            eprintln!("set them from [workspace.package] in Cargo.toml (version, repository)");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn msrv(root: &std::path::Path) -> ExitCode {
    let audit = match msrv::check(root) {
        Ok(audit) => audit,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let newest = audit
        .newest
        .as_ref()
        .map_or_else(|| "none declared".to_owned(), |(p, v)| format!("{v} ({p})"));
    println!(
        "{}: {} normal dependencies; newest rust-version declared: {newest}; workspace rust-version: {}",
        msrv::CLIENT,
        audit.dependencies,
        audit.rust_version
    );
    if audit.too_new.is_empty() {
        return ExitCode::SUCCESS;
    }
    for (package, version) in &audit.too_new {
        eprintln!(
            "error: {package} declares rust-version {version}, newer than the workspace's {}",
            audit.rust_version
        );
    }
    ExitCode::FAILURE
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> Option<Command> {
        parse(args.iter().map(|a| (*a).to_owned())).map(|(command, _)| command)
    }

    #[test]
    fn commands_and_their_arguments() {
        assert!(matches!(
            parsed(&["regen"]),
            Some(Command::Regen { check: false })
        ));
        assert!(matches!(
            parsed(&["regen", "--check"]),
            Some(Command::Regen { check: true })
        ));
        assert!(matches!(
            parsed(&["check"]),
            Some(Command::Regen { check: true })
        ));
        assert!(matches!(parsed(&["msrv"]), Some(Command::Msrv)));
        assert!(matches!(
            parsed(&["dist"]),
            Some(Command::Dist {
                check: false,
                target: None
            })
        ));
        assert!(matches!(
            parsed(&["dist", "--check"]),
            Some(Command::Dist {
                check: true,
                target: None
            })
        ));
        let Some(Command::Dist {
            check: false,
            target: Some(target),
        }) = parsed(&["dist", "--target", "aarch64-apple-darwin"])
        else {
            panic!("dist --target")
        };
        assert_eq!(target, "aarch64-apple-darwin");
        let Some(Command::Upstream { specs }) = parsed(&["upstream", "a.json", "b.yaml"]) else {
            panic!("upstream")
        };
        assert_eq!(specs, [PathBuf::from("a.json"), PathBuf::from("b.yaml")]);
        let Some(Command::Bench { specs, runs }) = parsed(&["bench", "--runs", "3", "x.json"])
        else {
            panic!("bench")
        };
        assert_eq!((specs, runs), (vec![PathBuf::from("x.json")], 3));
        let (_, root) = parse(["msrv".to_owned(), "--root".to_owned(), "/r".to_owned()]).unwrap();
        assert_eq!(root, PathBuf::from("/r"));
    }

    #[test]
    fn usage_errors() {
        for args in [
            &[""][..],
            &["regenerate"],
            &["check", "--check"],
            &["regen", "x.yaml"],
            &["bench", "--runs", "0"],
            &["bench", "--runs"],
            &["msrv", "--check"],
            &["dist", "x"],
            &["dist", "--target"],
            &["dist", "--target", ""],
            &["dist", "--target", "--check"],
            &["dist", "--check", "--target", "x86_64-unknown-linux-gnu"],
            &["dist", "--target", "a", "--check"],
            &["dist", "--target", "a", "--target", "b"],
            &["upstream", "--root"],
        ] {
            assert!(parsed(args).is_none(), "{args:?}");
        }
    }
}
