//! Text from the server made safe for a terminal.
//!
//! Anything a server sends (agent text, tool names, titles, links, ids, error messages) may hold
//! escape sequences: ESC, BEL and OSC can retitle the window, clear the screen or plant
//! hyperlinks, and bidi overrides can make text read differently from what it is. Such
//! characters are shown as escapes (`\u{1b}`) instead of acting.

use std::borrow::Cow;

/// `raw` with every control character (C0, DEL, C1, CR) and bidi override escaped, except
/// newline and tab.
pub fn clean(raw: &str) -> Cow<'_, str> {
    if !raw.chars().any(acts_on_terminal) {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len() + 16);
    for c in raw.chars() {
        if acts_on_terminal(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `value` as one line of JSON that a terminal shows rather than obeys: serde_json escapes
/// C0 characters, and this also escapes DEL, C1 and the bidi controls (`\u009b`), which it
/// writes raw. They can only occur inside strings, where the escape means the same.
pub fn json(value: &impl serde::Serialize) -> String {
    // Written straight to text (not through a `Value`): a tool input nested deeper than
    // serde_json's recursion limit is written whole.
    let text = serde_json::to_string(value)
        .unwrap_or_else(|e| serde_json::json!({ "unserializable": e.to_string() }).to_string());
    if !text.chars().any(acts_on_terminal) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if acts_on_terminal(c) {
            // All of them are in the Basic Multilingual Plane: one \u escape each.
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether a terminal may act on `c` instead of showing it (newline and tab are text).
fn acts_on_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        // Bidi embeddings, overrides and isolates reorder what follows them on screen.
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn json_escapes_what_serde_json_leaves_raw() {
        let value = serde_json::json!({ "t": "a\x1b[2J\u{7f}\u{9b}\u{202e}b" });
        let line = json(&value);
        assert_eq!(line, r#"{"t":"a\u001b[2J\u007f\u009b\u202eb"}"#);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&line).ok(),
            Some(value)
        );
    }

    proptest! {
        #[test]
        fn json_stays_the_same_value_and_safe(text in any::<String>()) {
            let value = serde_json::json!({ "text": text });
            let line = json(&value);
            prop_assert!(line.chars().all(|c| !acts_on_terminal(c)));
            prop_assert_eq!(serde_json::from_str::<serde_json::Value>(&line).ok(), Some(value));
        }

        #[test]
        fn no_control_character_but_newline_and_tab_survives(text in any::<String>()) {
            let safe = clean(&text);
            prop_assert!(safe.chars().all(|c| !acts_on_terminal(c)));
            prop_assert!(safe.chars().all(|c| !c.is_control() || c == '\n' || c == '\t'));
        }

        #[test]
        fn printable_text_passes_unchanged(
            text in "[^\\p{Cc}\u{202a}-\u{202e}\u{2066}-\u{2069}]*",
        ) {
            prop_assert!(matches!(clean(&text), Cow::Borrowed(t) if t == text));
        }
    }

    #[test]
    fn hostile_sequences_are_shown_not_run() {
        assert_eq!(
            clean("\x1b]0;pwned\x07\x1b[2J ok\r\n\tdone\u{9b}\u{202e}\u{7f}"),
            "\\u{1b}]0;pwned\\u{7}\\u{1b}[2J ok\\u{d}\n\tdone\\u{9b}\\u{202e}\\u{7f}"
        );
        assert!(matches!(clean("plain ünïcode ✓\n"), Cow::Borrowed(_)));
    }
}
