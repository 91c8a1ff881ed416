//! JavaScript's order of an object's keys, for the values the AI SDK holds as JavaScript
//! objects (metadata, tool input and output, data): integer-like keys (array indices: `0` to
//! `4294967294`, written without a sign or leading zeros) first, in ascending order, then the
//! other keys in the order they were added. serde_json's `preserve_order` (which the `v1`
//! feature turns on) keeps keys in the order they came; this moves the integer-like ones to
//! where JavaScript has them.

use serde_json::{Map, Value};

/// `value` with every object's keys in JavaScript's order, at any depth.
pub(crate) fn js_ordered(mut value: Value) -> Value {
    js_order(&mut value);
    value
}

/// Puts every object's keys in `value` in JavaScript's order, at any depth (a parsed value is
/// at most 128 deep, and so is the recursion).
pub(crate) fn js_order(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            if fields.keys().any(|key| array_index(key).is_some()) {
                reorder(fields);
            }
            fields.values_mut().for_each(js_order);
        }
        Value::Array(items) => items.iter_mut().for_each(js_order),
        _ => {}
    }
}

/// The array index a key is, if it is one: what makes JavaScript list it first.
fn array_index(key: &str) -> Option<u32> {
    let bytes = key.as_bytes();
    let canonical = !bytes.is_empty()
        && bytes.len() <= 10
        && bytes.iter().all(u8::is_ascii_digit)
        && (bytes[0] != b'0' || bytes.len() == 1);
    if !canonical {
        return None;
    }
    // 2^32 - 1 is not an index (it is an array's largest length).
    key.parse::<u64>()
        .ok()
        .and_then(|n| u32::try_from(n).ok())
        .filter(|&n| n != u32::MAX)
}

/// The indices first, ascending; the other keys after them as they were.
fn reorder(fields: &mut Map<String, Value>) {
    let mut entries: Vec<(String, Value)> = std::mem::take(fields).into_iter().collect();
    // Stable: keys that are not indices keep their order.
    entries.sort_by_key(|(key, _)| array_index(key).map_or((1, 0), |i| (0, i)));
    fields.extend(entries);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn keys(value: &Value) -> Vec<&str> {
        value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect()
    }

    /// As `Object.keys(JSON.parse(text))` lists them in Node 20 (V8).
    #[test]
    fn indices_first_then_the_order_keys_came_in() {
        let value: Value = serde_json::from_str(
            r#"{"b":1,"2":2,"1":3,"01":4,"-1":5,"4294967295":6,"4294967294":7,"a":{"y":1,"3":2},"":0,"1.5":0,"0":0}"#,
        )
        .unwrap();
        let value = js_ordered(value);
        assert_eq!(
            keys(&value),
            [
                "0",
                "1",
                "2",
                "4294967294",
                "b",
                "01",
                "-1",
                "4294967295",
                "a",
                "",
                "1.5"
            ]
        );
        assert_eq!(keys(&value["a"]), ["3", "y"]);
        // Inside arrays too, and a key sent twice keeps its first place with its last value.
        let value = js_ordered(serde_json::from_str(r#"[{"x":1,"9":1,"x":2}]"#).unwrap());
        assert_eq!(keys(&value[0]), ["9", "x"]);
        assert_eq!(value, json!([{ "9": 1, "x": 2 }]));
    }

    #[test]
    fn array_indices_are_canonical_and_below_the_largest_length() {
        for (key, index) in [
            ("0", Some(0)),
            ("7", Some(7)),
            ("4294967294", Some(4_294_967_294)),
            ("4294967295", None),
            ("99999999999", None),
            ("00", None),
            ("07", None),
            ("+1", None),
            ("1e3", None),
            (" 1", None),
            ("", None),
            ("١", None),
        ] {
            assert_eq!(array_index(key), index, "{key:?}");
        }
    }
}
