//! Random differential testing against the AI SDK: `fixtures/ai-sdk/differential.mjs` writes
//! seeded random UI message streams with the pinned `ai` package's own writer and records what
//! its own parsers made of them (`parseJsonEventStream`, `readUIMessageStream`, useChat's strict
//! pipeline). Every case is decoded here whole and re-chunked, and compared: the chunks, the
//! message [`Transcript::to_ui_message`] builds, the errors, and where the strict run stops.
//!
//! The committed sample is small; for a deeper run generate more cases with a new seed:
//!
//! ```text
//! cd tests/fixtures/ai-sdk && node differential.mjs 7 2000 /tmp/deep.json
//! DIFFERENTIAL=/tmp/deep.json cargo test -p mintlify-agent --features v1 --test it -- stream_differential::
//! ```

#![allow(clippy::unwrap_used)]

use std::path::Path;

use mintlify_agent::stream::{AgentEvent, Decoder, Part, StreamError, Transcript};
use serde_json::{Value, json};

use crate::support::js_numbers;

fn cases() -> (String, Value) {
    let path = std::env::var("DIFFERENTIAL")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../tests/fixtures/ai-sdk/ui-message-stream-differential.json")
                .display()
                .to_string()
        });
    let file: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    (path, file)
}

/// Every item `decoder` gives for `body` pushed in pieces cut at `cuts`, then finished.
fn decode(
    mut decoder: Decoder,
    body: &[u8],
    cuts: &[usize],
) -> Vec<Result<AgentEvent, StreamError>> {
    let mut items = Vec::new();
    let mut last = 0;
    for &cut in cuts.iter().chain(std::iter::once(&body.len())) {
        decoder.push(&body[last..cut]);
        last = cut;
        items.extend(std::iter::from_fn(|| decoder.next_event()));
    }
    decoder.finish();
    items.extend(std::iter::from_fn(|| decoder.next_event()));
    items
}

/// An item as the SDK's chunk list has it: the chunk, `"refused"` for one the schema refuses or
/// that is not JSON, `"missing part: ID"` where the reader fails; `None` for what the SDK's
/// parser drops without a word (an event cut off by the end of the body).
fn as_sdk_chunk(item: &Result<AgentEvent, StreamError>) -> Option<Value> {
    Some(match item {
        Ok(AgentEvent::Unknown { .. }) => json!("refused"),
        Ok(event) => event.to_ui_chunk(),
        Err(StreamError::Json { .. } | StreamError::InvalidChunk { .. }) => json!("refused"),
        Err(StreamError::MissingPart { id, .. }) => json!(format!("missing part: {id}")),
        Err(StreamError::Unterminated { .. }) => return None,
        Err(other) => json!(format!("unexpected: {other}")),
    })
}

/// An SDK error, a failed metadata merge (JavaScript's `TypeError` "Cannot use 'in' operator to
/// search for 'KEY' in VALUE") as `metadata: KEY`, which [`failure_name`] makes of ours.
fn sdk_error_name(error: &str) -> String {
    match error
        .strip_prefix("Cannot use 'in' operator to search for '")
        .and_then(|rest| rest.rsplit_once("' in "))
    {
        Some((key, _)) => format!("metadata: {key}"),
        None => error.to_owned(),
    }
}

/// The SDK's errors, with a failed metadata merge (a `TypeError` in JavaScript) named as ours.
fn sdk_errors(errors: &Value) -> Vec<String> {
    errors
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let e = e.as_str().unwrap();
            sdk_error_name(e)
        })
        .collect()
}

/// Whether the SDK's reader writes a snapshot of the message after `event` (given the message
/// before it): `readUIMessageStream` yields the message only then, so its last snapshot may lack
/// what later chunks that write nothing added (a `start-step`'s part, for one).
fn writes(event: &AgentEvent, before: &Transcript) -> bool {
    match event {
        AgentEvent::Start {
            message_id,
            metadata,
        } => message_id.is_some() || metadata.as_ref().is_some_and(|m| m.get() != "null"),
        AgentEvent::StartStep | AgentEvent::FinishStep | AgentEvent::Error { .. } => false,
        // A refused chunk never reaches the reader.
        AgentEvent::Abort { .. } | AgentEvent::Unknown { .. } => false,
        AgentEvent::ResetStep => {
            let step = before
                .parts
                .iter()
                .rposition(|p| matches!(p, Part::StepStart))
                .map_or(0, |i| i + 1);
            before.parts.len() > step
        }
        AgentEvent::Finish { metadata, .. } | AgentEvent::MessageMetadata { metadata } => {
            metadata.as_ref().is_some_and(|m| m.get() != "null")
        }
        AgentEvent::Data {
            transient: Some(true),
            ..
        } => false,
        _ => true,
    }
}

/// What a reader of our decoder ends with: the message as the SDK's last snapshot would show it
/// (`null` when there was none), and the errors in the order they came (`error` chunks, a
/// missing part, metadata that does not merge); `until_error_chunk`: stop after the first
/// `error` chunk, as useChat does.
fn read(
    items: &[Result<AgentEvent, StreamError>],
    until_error_chunk: bool,
) -> (Value, Vec<String>) {
    let mut transcript = Transcript::new();
    let mut snapshot = Value::Null;
    let mut errors = Vec::new();
    for item in items {
        match item {
            Ok(event) => {
                let before = transcript.errors.len();
                let writes = writes(event, &transcript);
                transcript.apply(event);
                errors.extend(transcript.errors[before..].iter().cloned());
                if let Some(failure) = &transcript.failure {
                    errors.push(failure_name(failure));
                    break;
                }
                if writes {
                    snapshot = transcript.to_ui_message();
                }
                if until_error_chunk && matches!(event, AgentEvent::Error { .. }) {
                    break;
                }
            }
            Err(StreamError::MissingPart { id, .. }) => errors.push(format!("missing part: {id}")),
            Err(StreamError::Json { .. } | StreamError::InvalidChunk { .. })
                if until_error_chunk =>
            {
                errors.push("refused".to_owned());
            }
            Err(_) => {}
        }
        if until_error_chunk && !errors.is_empty() {
            break;
        }
    }
    (snapshot, errors)
}

/// Our failure, a failed metadata merge (`metadata: cannot merge the key "KEY" into …`) as
/// `metadata: KEY`: the key JavaScript's `for…in` meets first.
fn failure_name(failure: &str) -> String {
    if let Some(rest) = failure.strip_prefix("metadata: cannot merge the key ") {
        let quoted = rest.split_once(" into ").map_or(rest, |(key, _)| key);
        let key: String = serde_json::from_str(quoted).unwrap_or_else(|_| quoted.to_owned());
        format!("metadata: {key}")
    } else {
        failure.to_owned()
    }
}

/// Whether two messages are the same JSON, numbers as JavaScript holds them, and the values the
/// server sent (metadata, tool input and output, data, provider and tool metadata, citations)
/// have their keys in the same order: as JavaScript lists them in the SDK's message, as the
/// transcript keeps them in ours. The keys of the message and of its parts, which the readers
/// write, are compared as sets.
fn same_in_order(ours: &Value, theirs: &Value) -> bool {
    fn shallow_sorted(value: &mut Value) {
        if let Value::Object(fields) = value {
            fields.sort_keys();
        }
    }
    let text = |message: &Value| {
        let mut message = js_numbers(message.clone());
        shallow_sorted(&mut message);
        if let Some(parts) = message.get_mut("parts").and_then(Value::as_array_mut) {
            for part in parts {
                shallow_sorted(part);
                if let Some(approval) = part.get_mut("approval") {
                    shallow_sorted(approval);
                }
            }
        }
        message.to_string()
    };
    text(ours) == text(theirs)
}

/// Cut points from a case's index, the same on every run.
fn cuts(index: usize, len: usize) -> Vec<usize> {
    // xorshift64: enough to spread the cuts.
    let mut state = (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut at: Vec<usize> = (0..next(12)).map(|_| next(len + 1)).collect();
    at.sort_unstable();
    at
}

/// Compares one case; `Err` says how it differs.
fn check(index: usize, case: &Value) -> Result<(), String> {
    let body = case["body"].as_str().unwrap().as_bytes();
    let lenient = decode(Decoder::new(), body, &[]);
    let rechunked = decode(Decoder::new(), body, &cuts(index, body.len()));
    if format!("{lenient:?}") != format!("{rechunked:?}") {
        return Err("re-chunked, the events differ".into());
    }
    // Chunks: ours are the SDK's, up to where its reader failed (which it had parsed).
    let ours: Vec<Value> = lenient.iter().filter_map(as_sdk_chunk).collect();
    let theirs = case["chunks"].as_array().unwrap();
    for (i, chunk) in ours.iter().enumerate() {
        let same = theirs.get(i).cloned().map(js_numbers) == Some(js_numbers(chunk.clone()))
            || chunk
                .as_str()
                .is_some_and(|c| c.starts_with("missing part") && i < theirs.len());
        if !same {
            return Err(format!(
                "chunk {i}: ours {chunk}, theirs {:?}",
                theirs.get(i)
            ));
        }
    }
    let ended = ours
        .last()
        .and_then(Value::as_str)
        .is_some_and(|c| c.starts_with("missing part"));
    if !ended && ours.len() != theirs.len() {
        return Err(format!("{} chunks, theirs {}", ours.len(), theirs.len()));
    }
    // The lenient reader: the message (its keys in the SDK's order) and its errors.
    let (message, errors) = read(&lenient, false);
    if !same_in_order(&message, &case["lenient"]["message"]) {
        return Err(format!(
            "lenient message:\n ours   {message}\n theirs {}",
            case["lenient"]["message"]
        ));
    }
    let theirs_errors = sdk_errors(&case["lenient"]["errors"]);
    if errors != theirs_errors {
        return Err(format!(
            "lenient errors: ours {errors:?}, theirs {theirs_errors:?}"
        ));
    }
    // The strict run: where it stops, and why.
    let strict = decode(Decoder::new().strict(true), body, &[]);
    let (message, errors) = read(&strict, true);
    if !same_in_order(&message, &case["strict"]["message"]) {
        return Err(format!(
            "strict message:\n ours   {message}\n theirs {}",
            case["strict"]["message"]
        ));
    }
    // The first of: a refused chunk, a missing part, an `error` chunk, a failed merge.
    let error = errors.into_iter().next();
    let theirs_error = case["strict"]["error"].as_str().map(sdk_error_name);
    if error != theirs_error {
        return Err(format!(
            "strict error: ours {error:?}, theirs {theirs_error:?}"
        ));
    }
    Ok(())
}

#[test]
fn random_streams_end_as_the_ai_sdk_reads_them() {
    let (path, file) = cases();
    crate::support::differential::check_all(&path, &file, 3, check);
}
