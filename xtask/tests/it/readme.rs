//! The workspace README's Rust example, held to one that is compiled. The README lies outside
//! every package, so no crate can compile it without reaching out of its own package (a
//! published crate whose doctests name `../../README.md` would fail to build them). Each of its
//! Rust examples must be, character for character, an example of the SDK's README, which the
//! SDK's doctests compile (`ReadmeDoctests` in `generated-client/src/lib.rs`).

#![allow(clippy::unwrap_used)] // tests may unwrap

use std::path::Path;

/// The Rust code blocks of a Markdown text (fences opened with ```` ```rust ````), as written.
fn rust_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in markdown.lines() {
        match &mut current {
            None if line.starts_with("```rust") => current = Some(vec![line]),
            None => {}
            Some(block) => {
                block.push(line);
                if line.trim_end() == "```" {
                    blocks.push(block.join("\n"));
                    current = None;
                }
            }
        }
    }
    assert!(current.is_none(), "a ```rust block is never closed");
    blocks
}

fn read(path: &str) -> String {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    std::fs::read_to_string(workspace.join(path)).unwrap()
}

#[test]
fn the_workspace_readme_shows_only_compiled_rust_examples() {
    let sdk = rust_blocks(&read("generated-client/README.md"));
    let workspace = rust_blocks(&read("README.md"));
    assert!(
        !workspace.is_empty(),
        "the workspace README has a Rust example"
    );
    for block in workspace {
        assert!(
            sdk.contains(&block),
            "this Rust example of README.md is not one of generated-client/README.md, whose \
             doctests compile them: copy it from there\n{block}"
        );
    }
}

#[test]
fn rust_blocks_are_found_as_written() {
    let text = "a\n```rust,no_run\nlet x = 1;\n```\n```sh\nls\n```\n```rust\n# fn f() {}\n```\n";
    assert_eq!(
        rust_blocks(text),
        [
            "```rust,no_run\nlet x = 1;\n```",
            "```rust\n# fn f() {}\n```"
        ]
    );
}
