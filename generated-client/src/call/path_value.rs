//! The one rule for values that fill a URL path segment (the project id, a job or session id).

/// Why `value` cannot be a path segment, if it cannot. Any other value is percent-encoded into
/// exactly one segment by the generated code; these three are not values a URL can carry (`.`
/// and `..` are resolved away by every URL parser on the way, and empty leaves the segment out).
pub(crate) fn unfit_path_value(value: &str) -> Option<&'static str> {
    match value {
        "" => Some("it is empty"),
        "." | ".." => Some("`.` and `..` cannot be carried by a URL"),
        _ => None,
    }
}
