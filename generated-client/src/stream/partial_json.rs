//! The AI SDK's `parsePartialJson`, for tool input that is still streaming.

use serde_json::Value;

use crate::stream::js_order::js_ordered;

/// The AI SDK's `parsePartialJson`: the value of JSON text, or of the text repaired as its
/// `fixJson` repairs a prefix (open strings, arrays and objects closed, a partial literal
/// completed, a trailing partial number or key dropped); `None` when neither parses.
/// Its objects' keys are in JavaScript's order.
pub(crate) fn parse_partial_json(text: &str) -> Option<Value> {
    serde_json::from_str(text)
        .ok()
        .or_else(|| serde_json::from_str(&fix_json(text)).ok())
        .map(js_ordered)
}

/// The AI SDK's `fixJson` (AI SDK 7's, with `\u` escapes), byte by byte: it only looks at
/// ASCII, and a cut it makes always follows a whole character.
fn fix_json(input: &str) -> String {
    #[derive(Clone, Copy, PartialEq)]
    enum S {
        Root,
        Finish,
        InsideString,
        InsideStringEscape,
        InsideStringUnicodeEscape,
        InsideLiteral,
        InsideNumber,
        InsideObjectStart,
        InsideObjectKey,
        InsideObjectAfterKey,
        InsideObjectBeforeValue,
        InsideObjectAfterValue,
        InsideObjectAfterComma,
        InsideArrayStart,
        InsideArrayAfterValue,
        InsideArrayAfterComma,
    }
    let bytes = input.as_bytes();
    let mut stack = vec![S::Root];
    let mut last_valid: Option<usize> = None;
    let mut literal_start = 0;
    let mut unicode_digits = 0;

    fn value_start(
        stack: &mut Vec<S>,
        last_valid: &mut Option<usize>,
        literal_start: &mut usize,
        c: u8,
        i: usize,
        swap: S,
    ) {
        let next = match c {
            b'"' => S::InsideString,
            b'f' | b't' | b'n' => {
                *literal_start = i;
                S::InsideLiteral
            }
            b'-' => S::InsideNumber,
            b'0'..=b'9' => S::InsideNumber,
            b'{' => S::InsideObjectStart,
            b'[' => S::InsideArrayStart,
            _ => return,
        };
        if c != b'-' {
            *last_valid = Some(i);
        }
        stack.pop();
        stack.push(swap);
        stack.push(next);
    }
    fn after_object_value(stack: &mut Vec<S>, last_valid: &mut Option<usize>, c: u8, i: usize) {
        match c {
            b',' => {
                stack.pop();
                stack.push(S::InsideObjectAfterComma);
            }
            b'}' => {
                *last_valid = Some(i);
                stack.pop();
            }
            _ => {}
        }
    }
    fn after_array_value(stack: &mut Vec<S>, last_valid: &mut Option<usize>, c: u8, i: usize) {
        match c {
            b',' => {
                stack.pop();
                stack.push(S::InsideArrayAfterComma);
            }
            b']' => {
                *last_valid = Some(i);
                stack.pop();
            }
            _ => {}
        }
    }
    let literal_ok = |from: usize, to: usize| {
        let partial = &bytes[from..to];
        [&b"false"[..], b"true", b"null"]
            .iter()
            .any(|word| word.starts_with(partial))
    };

    for (i, &c) in bytes.iter().enumerate() {
        let Some(&top) = stack.last() else { break };
        let (st, lv, ls) = (&mut stack, &mut last_valid, &mut literal_start);
        match top {
            S::Root => value_start(st, lv, ls, c, i, S::Finish),
            S::InsideObjectStart => match c {
                b'"' => {
                    st.pop();
                    st.push(S::InsideObjectKey);
                }
                b'}' => {
                    *lv = Some(i);
                    st.pop();
                }
                _ => {}
            },
            S::InsideObjectAfterComma => {
                if c == b'"' {
                    st.pop();
                    st.push(S::InsideObjectKey);
                }
            }
            S::InsideObjectKey => {
                if c == b'"' {
                    st.pop();
                    st.push(S::InsideObjectAfterKey);
                }
            }
            S::InsideObjectAfterKey => {
                if c == b':' {
                    st.pop();
                    st.push(S::InsideObjectBeforeValue);
                }
            }
            S::InsideObjectBeforeValue => value_start(st, lv, ls, c, i, S::InsideObjectAfterValue),
            S::InsideObjectAfterValue => after_object_value(st, lv, c, i),
            S::InsideString => match c {
                b'"' => {
                    st.pop();
                    *lv = Some(i);
                }
                b'\\' => st.push(S::InsideStringEscape),
                _ => *lv = Some(i),
            },
            S::InsideArrayStart => {
                if c == b']' {
                    *lv = Some(i);
                    st.pop();
                } else {
                    value_start(st, lv, ls, c, i, S::InsideArrayAfterValue);
                }
            }
            S::InsideArrayAfterValue => match c {
                b',' => {
                    st.pop();
                    st.push(S::InsideArrayAfterComma);
                }
                b']' => {
                    *lv = Some(i);
                    st.pop();
                }
                _ => *lv = Some(i),
            },
            S::InsideArrayAfterComma => value_start(st, lv, ls, c, i, S::InsideArrayAfterValue),
            S::InsideStringEscape => {
                st.pop();
                if c == b'u' {
                    unicode_digits = 0;
                    st.push(S::InsideStringUnicodeEscape);
                } else {
                    *lv = Some(i);
                }
            }
            S::InsideStringUnicodeEscape => {
                if c.is_ascii_hexdigit() {
                    unicode_digits += 1;
                    if unicode_digits == 4 {
                        st.pop();
                        *lv = Some(i);
                    }
                }
            }
            S::InsideNumber => match c {
                b'0'..=b'9' => *lv = Some(i),
                b'e' | b'E' | b'-' | b'.' => {}
                b',' | b'}' | b']' => {
                    st.pop();
                    match st.last() {
                        Some(S::InsideArrayAfterValue) if c != b'}' => {
                            after_array_value(st, lv, c, i)
                        }
                        Some(S::InsideObjectAfterValue) if c != b']' => {
                            after_object_value(st, lv, c, i)
                        }
                        _ => {}
                    }
                }
                _ => {
                    st.pop();
                }
            },
            S::InsideLiteral => {
                if literal_ok(*ls, i + 1) {
                    *lv = Some(i);
                } else {
                    st.pop();
                    match st.last() {
                        Some(S::InsideObjectAfterValue) => after_object_value(st, lv, c, i),
                        Some(S::InsideArrayAfterValue) => after_array_value(st, lv, c, i),
                        _ => {}
                    }
                }
            }
            S::Finish => {}
        }
    }

    let mut end = last_valid.map_or(0, |i| i + 1);
    while !input.is_char_boundary(end) {
        end += 1;
    }
    let mut result = input[..end].to_owned();
    for state in stack.iter().rev() {
        match state {
            S::InsideString => result.push('"'),
            S::InsideObjectKey
            | S::InsideObjectAfterKey
            | S::InsideObjectAfterComma
            | S::InsideObjectStart
            | S::InsideObjectBeforeValue
            | S::InsideObjectAfterValue => result.push('}'),
            S::InsideArrayStart | S::InsideArrayAfterComma | S::InsideArrayAfterValue => {
                result.push(']')
            }
            S::InsideLiteral => {
                let partial = &input[literal_start.min(input.len())..];
                for word in ["true", "false", "null"] {
                    if let Some(rest) = word.strip_prefix(partial) {
                        result.push_str(rest);
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    result
}
