//! Fields read the way the AI SDK's zod schemas read them, from borrowed JSON: present or
//! absent, `null` refused where the schema wants a type, objects checked without being built.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;

use super::raw_json::RawJson;

/// A JSON object's fields in order, values as their text.
pub(super) struct Fields<'a>(pub(super) Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Fields<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut fields = Vec::new();
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    fields.push((key.0, map.next_value::<&RawValue>()?));
                }
                Ok(Fields(fields))
            }
        }
        deserializer.deserialize_map(Visit)
    }
}

/// A string borrowed from the input where it has no escapes.
#[derive(Deserialize, PartialEq, Eq, Hash)]
pub(super) struct Key<'a>(#[serde(borrow)] pub(super) Cow<'a, str>);

/// A raw field: `Some` when present, `null` included (serde reads `null` as `None` otherwise).
pub(super) fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(deserializer).map(Some)
}

/// A string field that must not be `null` when present.
pub(super) fn string<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Cow<'de, str>>, D::Error> {
    Key::deserialize(deserializer).map(|key| Some(key.0))
}

pub(super) fn owned(text: Option<Cow<'_, str>>) -> Option<String> {
    text.map(Cow::into_owned)
}

/// An optional field as the AI SDK's schema reads it: absent is `Some(None)`; present, it must
/// be `T` (`null` is not: `None`, the chunk is refused).
pub(super) fn optional<'a, T: Deserialize<'a>>(raw: Option<&'a RawValue>) -> Option<Option<T>> {
    match raw {
        None => Some(None),
        Some(raw) => serde_json::from_str(raw.get()).ok().map(Some),
    }
}

/// An optional string field; see [`optional`].
pub(super) fn optional_string(raw: Option<&RawValue>) -> Option<Option<String>> {
    optional::<Key<'_>>(raw).map(|key| key.map(|key| key.0.into_owned()))
}

/// A required string field kept as raw JSON.
pub(super) fn required_string(raw: Option<&RawValue>) -> Option<String> {
    optional_string(raw).flatten()
}

/// An optional field of any JSON value (`z.optional(z.unknown())`, `null` included).
pub(super) fn any_value(raw: Option<&RawValue>) -> Option<RawJson> {
    raw.map(RawJson::from)
}

/// A required field of any JSON value (`z.unknown()`, `null` included): zod 4 (from 4.4)
/// wants the key present, so `None` when it is absent, and the chunk is refused. (zod 3, and
/// zod 4 before 4.4, took a chunk without it.)
pub(super) fn unknown(raw: Option<&RawValue>) -> Option<RawJson> {
    raw.map(RawJson::from)
}

/// `providerMetadata`: an object of objects (`Record<string, Record<string, JSONValue>>`).
pub(super) fn provider_metadata(raw: Option<&RawValue>) -> Option<Option<RawJson>> {
    optional::<Record<Record<IgnoredAny>>>(raw).map(|valid| valid.and(raw).map(RawJson::from))
}

/// `toolMetadata`: an object (`Record<string, JSONValue>`).
pub(super) fn object(raw: Option<&RawValue>) -> Option<Option<RawJson>> {
    optional::<Record<IgnoredAny>>(raw).map(|valid| valid.and(raw).map(RawJson::from))
}

/// A JSON object as zod's `z.record(z.string(), V)` takes it, its values checked as `V` and
/// dropped. Any key passes: zod 4.6's `isPlainObject` takes an object whose `constructor` is
/// not a function (all JSON can give), where the zod 4 that zod 3.25 bundles refused one with a
/// `constructor` key.
pub(super) struct Record<V>(std::marker::PhantomData<V>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Record<V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Visit<V> {
            type Value = Record<V>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                while map.next_key::<IgnoredAny>()?.is_some() {
                    map.next_value::<V>()?;
                }
                Ok(Record(std::marker::PhantomData))
            }
        }
        deserializer.deserialize_map(Visit(std::marker::PhantomData))
    }
}

/// Parses JSON text with one UTF-8 check for the whole of it: read from a `str`, serde_json does
/// not check each string again (checking them one by one was a tenth of the decoder's time).
/// Invalid UTF-8 goes the slow way, for serde_json's positioned error.
pub(super) fn parse_json<'a, T: Deserialize<'a>>(json: &'a [u8]) -> Result<T, serde_json::Error> {
    match std::str::from_utf8(json) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(json),
    }
}

/// Whether the AI SDK's `secureJsonParse` refuses this JSON text (as a parse error): an object
/// with an own `__proto__` key, or with a `constructor` key whose value is an object with a
/// `prototype` key, at any depth. Only text that may spell one of them (`proto`, or a `\u00`
/// escape, with which a key can spell anything) is parsed to look.
pub(super) fn prototype_poisoned(json: &[u8]) -> bool {
    // Built once: building a finder costs more than a search through a short chunk.
    static PROTO: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"proto"));
    if PROTO.find(json).is_none() && memchr::memchr(b'\\', json).is_none_or(|_| !has_u_escape(json))
    {
        return false;
    }
    fn poisoned(value: &serde_json::Value) -> bool {
        match value {
            serde_json::Value::Object(fields) => {
                fields.contains_key("__proto__")
                    || matches!(
                        fields.get("constructor"),
                        Some(serde_json::Value::Object(c)) if c.contains_key("prototype")
                    )
                    || fields.values().any(poisoned)
            }
            serde_json::Value::Array(items) => items.iter().any(poisoned),
            _ => false,
        }
    }
    fn has_u_escape(json: &[u8]) -> bool {
        memchr::memmem::find(json, b"\\u00").is_some()
    }
    // Deeper than serde_json parses: not looked at.
    parse_json::<serde_json::Value>(json).is_ok_and(|value| poisoned(&value))
}
