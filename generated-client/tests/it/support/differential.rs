//! Running every case of a differential sample (what the AI SDK made of seeded random streams)
//! and reporting the ones where we end differently.

use serde_json::Value;

/// Checks every case of `file` (read from `path`) with `check`, prints how many matched, and
/// fails showing the first `shown` cases that differ, each with its body.
pub fn check_all(
    path: &str,
    file: &Value,
    shown: usize,
    check: impl Fn(usize, &Value) -> Result<(), String>,
) {
    let cases = file["cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    let failures: Vec<String> = cases
        .iter()
        .enumerate()
        .filter_map(|(i, case)| {
            check(i, case)
                .err()
                .map(|why| format!("case {i} ({:?}): {why}", &case["body"].as_str().unwrap()))
        })
        .collect();
    println!(
        "{path}: seed {}, {} of {} cases match",
        file["seed"],
        cases.len() - failures.len(),
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases differ; the first:\n{}",
        failures.len(),
        cases.len(),
        failures
            .iter()
            .take(shown)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}
