//! Message metadata, merged as the AI SDK's `updateMessageMetadata` and `mergeObjects` merge
//! it, JavaScript's semantics included: `null` is ignored, arrays and strings spread into
//! objects by index, `__proto__`/`constructor`/`prototype` keys are skipped, keys merged into a
//! string or number fail (a `TypeError` there, which ends the SDK's reader, naming the first key
//! in JavaScript's order), and the result's keys are in JavaScript's order (`js_order`).

use serde_json::{Map, Value};

use super::Transcript;
use crate::stream::js_order::js_order;

impl Transcript {
    /// Merges `metadata` into the message's.
    pub(super) fn merge_metadata(&mut self, metadata: Option<Value>) {
        let Some(metadata) = metadata.filter(|m| !m.is_null()) else {
            return;
        };
        let Some(base) = self.metadata.take() else {
            self.metadata = Some(metadata);
            return;
        };
        if self.continuing {
            let mut base = base;
            merge_objects(&mut base, metadata);
            js_order(&mut base);
            self.metadata = Some(base);
            return;
        }
        match merge_js(&base, metadata) {
            Ok(mut merged) => {
                // New keys come last; JavaScript lists integer-like ones first.
                js_order(&mut merged);
                self.metadata = Some(merged);
            }
            Err(key) => {
                self.failure = Some(format!(
                    "metadata: cannot merge the key {key:?} into {}",
                    kind(&base)
                ));
                self.metadata = Some(base);
            }
        }
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The keys a JavaScript `for…in` (or a spread) sees on a JSON value: an object's fields, an
/// array's or a string's indices (a string's items are UTF-16 code units); none for the rest.
fn own_entries(value: Value) -> Vec<(String, Value)> {
    match value {
        Value::Object(fields) => fields.into_iter().collect(),
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| (i.to_string(), item))
            .collect(),
        Value::String(text) => text
            .encode_utf16()
            .enumerate()
            .map(|(i, unit)| {
                (
                    i.to_string(),
                    Value::String(String::from_utf16_lossy(&[unit])),
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// `mergeObjects(base, overrides)` at the top level, where either may be any JSON value; `Err`
/// with the key where JavaScript throws.
fn merge_js(base: &Value, overrides: Value) -> Result<Value, String> {
    let mut result: Map<String, Value> = own_entries(base.clone()).into_iter().collect();
    for (key, value) in own_entries(overrides) {
        if matches!(key.as_str(), "__proto__" | "constructor" | "prototype") {
            continue;
        }
        // `key in base`: a TypeError when `base` is a string, number or boolean.
        let base_value = match base {
            Value::Object(fields) => fields.get(&key),
            Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => return Err(key),
        };
        match (base_value, value) {
            (Some(Value::Object(base)), Value::Object(value)) => {
                let mut merged = Value::Object(base.clone());
                merge_objects(&mut merged, Value::Object(value));
                result.insert(key, merged);
            }
            (_, value) => {
                result.insert(key, value);
            }
        }
    }
    Ok(Value::Object(result))
}

/// `base` with `new` merged into it, both objects below the top level: objects merge key by key
/// at any depth (the special keys skipped), anything else replaces. Parsed values are at most
/// 128 deep, so is the recursion.
fn merge_objects(base: &mut Value, new: Value) {
    match (base, new) {
        (Value::Object(base), Value::Object(new)) => {
            for (key, value) in new {
                if matches!(key.as_str(), "__proto__" | "constructor" | "prototype") {
                    continue;
                }
                match base.get_mut(&key) {
                    Some(slot @ Value::Object(_)) if value.is_object() => {
                        merge_objects(slot, value)
                    }
                    _ => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (base, new) => *base = new,
    }
}
