//! [`RawJson`]: a JSON value of an event, kept as the text that arrived.

use serde_json::Value;
use serde_json::value::RawValue;

/// A JSON value of an event (tool input and output, data, metadata), kept as the text that
/// arrived and parsed only when asked: reading a stream does not pay for values nobody looks at.
///
/// Equality compares the text.
///
/// ```
/// use mintlify_agent::stream::RawJson;
/// let input = RawJson::from(serde_json::json!({ "path": "docs/quickstart.mdx" }));
/// assert_eq!(input.get(), r#"{"path":"docs/quickstart.mdx"}"#);
/// assert_eq!(input.to_value()["path"], "docs/quickstart.mdx");
/// ```
#[derive(Clone)]
pub struct RawJson(pub(super) Box<RawValue>);

impl RawJson {
    /// The JSON text.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// The value, parsed; `null` when it does not parse, which only happens when it is nested
    /// deeper than serde_json's limit of 128 levels (use [`RawJson::parse`] to see the error).
    /// Parsing never overflows the stack, however deep the text.
    pub fn to_value(&self) -> Value {
        serde_json::from_str(self.0.get()).unwrap_or(Value::Null)
    }

    /// The value, parsed into `T`.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.0.get())
    }

    fn null() -> Self {
        Self(RawValue::NULL.to_owned())
    }
}

impl From<&RawValue> for RawJson {
    fn from(raw: &RawValue) -> Self {
        Self(raw.to_owned())
    }
}

impl From<Value> for RawJson {
    fn from(value: Value) -> Self {
        serde_json::value::to_raw_value(&value).map_or_else(|_| Self::null(), Self)
    }
}

impl serde::Serialize for RawJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl std::fmt::Debug for RawJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.get())
    }
}

impl std::fmt::Display for RawJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.get())
    }
}
