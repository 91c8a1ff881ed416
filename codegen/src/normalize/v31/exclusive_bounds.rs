//! Numeric `exclusiveMinimum` and `exclusiveMaximum`.
//!
//! In 3.1 they are the bound itself (`exclusiveMinimum: 0`); in 3.0 they are flags on
//! `minimum`/`maximum` (`minimum: 0, exclusiveMinimum: true`), and `openapiv3` refuses a number
//! there. When both an inclusive and an exclusive bound are given, the stricter one is kept.

use serde_norway::{Mapping, Value};

use crate::walk;

/// Turns every schema's numeric exclusive bounds into 3.0 flags.
pub fn convert(document: &mut Value) {
    walk::schemas_mut(document, &mut |_, schema| {
        convert_bound(
            schema,
            "exclusiveMinimum",
            "minimum",
            |exclusive, inclusive| exclusive >= inclusive,
        );
        convert_bound(
            schema,
            "exclusiveMaximum",
            "maximum",
            |exclusive, inclusive| exclusive <= inclusive,
        );
    });
}

/// Moves a numeric `exclusive` bound to `inclusive` with the flag set, unless the inclusive
/// bound already there is stricter (`stricter(exclusive, inclusive)` says when it is not).
fn convert_bound(
    schema: &mut Mapping,
    exclusive: &str,
    inclusive: &str,
    stricter: fn(f64, f64) -> bool,
) {
    let Some(Value::Number(bound)) = schema.get(exclusive).cloned() else {
        return;
    };
    let current = schema.get(inclusive).and_then(Value::as_f64);
    let wins = match (bound.as_f64(), current) {
        (Some(bound), Some(current)) => stricter(bound, current),
        _ => true,
    };
    if wins {
        schema.insert(inclusive.into(), Value::Number(bound));
        schema.insert(exclusive.into(), true.into());
    } else {
        schema.shift_remove(exclusive);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::v31::{document, json_at};

    #[test]
    fn numeric_bounds_become_flags_and_the_stricter_bound_wins() {
        let mut value = document(
            r#"
components:
  schemas:
    Positive: {type: number, exclusiveMinimum: 0}
    Percent: {type: number, minimum: 0, exclusiveMaximum: 100, maximum: 200}
    Loose: {type: integer, minimum: 10, exclusiveMinimum: 5}
    Old: {type: integer, minimum: 1, exclusiveMinimum: true}
"#,
        );
        convert(&mut value);
        let at = |name: &str| json_at(&value, &format!("#/components/schemas/{name}"));
        assert_eq!(
            at("Positive"),
            r#"{"type":"number","exclusiveMinimum":true,"minimum":0}"#
        );
        assert_eq!(
            at("Percent"),
            r#"{"type":"number","minimum":0,"exclusiveMaximum":true,"maximum":100}"#
        );
        assert_eq!(at("Loose"), r#"{"type":"integer","minimum":10}"#);
        assert_eq!(
            at("Old"),
            r#"{"type":"integer","minimum":1,"exclusiveMinimum":true}"#
        );
    }
}
