//! Walking the operations of a document: every (path, method, operation), in document order.

use openapiv3::{OpenAPI, Operation, PathItem, ReferenceOr};

/// The HTTP methods an OpenAPI 3.0 path item can hold, in the order `PathItem::iter` uses.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// `METHOD /path`, the way errors and docs name an operation.
pub fn display_name(method: &str, path: &str) -> String {
    format!("{} {path}", method.to_ascii_uppercase())
}

/// The field of `item` that holds the operation for `method` (lowercase).
fn slot<'a>(item: &'a mut PathItem, method: &str) -> Option<&'a mut Option<Operation>> {
    Some(match method {
        "get" => &mut item.get,
        "put" => &mut item.put,
        "post" => &mut item.post,
        "delete" => &mut item.delete,
        "options" => &mut item.options,
        "head" => &mut item.head,
        "patch" => &mut item.patch,
        "trace" => &mut item.trace,
        _ => return None,
    })
}

/// Calls `f` with every operation of the document, mutably, in document order.
pub fn for_each_mut(spec: &mut OpenAPI, mut f: impl FnMut(&str, &str, &mut Operation)) {
    for (path, item) in spec.paths.paths.iter_mut() {
        if let ReferenceOr::Item(item) = item {
            for method in METHODS {
                if let Some(Some(operation)) = slot(item, method) {
                    f(path, method, operation);
                }
            }
        }
    }
}

/// Calls `f` with every operation of one path item, mutably.
pub fn for_each_operation_of_item_mut(item: &mut PathItem, mut f: impl FnMut(&mut Operation)) {
    for method in METHODS {
        if let Some(Some(operation)) = slot(item, method) {
            f(operation);
        }
    }
}

/// Every `(path, method, operation)` of the document, in document order.
pub fn list(spec: &OpenAPI) -> Vec<(&str, &'static str, &Operation)> {
    let mut all = Vec::new();
    for (path, item) in &spec.paths.paths {
        if let ReferenceOr::Item(item) = item {
            for (method, operation) in item.iter() {
                if let Some(method) = METHODS.iter().find(|m| **m == method) {
                    all.push((path.as_str(), *method, operation));
                }
            }
        }
    }
    all
}

/// A copy of `spec` that keeps only the operation `method path` and every component.
/// Used to find which operation makes progenitor fail.
pub fn only(spec: &OpenAPI, path: &str, method: &str) -> OpenAPI {
    let mut single = spec.clone();
    single.paths.paths.retain(|p, _| p == path);
    if let Some(ReferenceOr::Item(item)) = single.paths.paths.get_mut(path) {
        for other in METHODS.into_iter().filter(|m| *m != method) {
            if let Some(operation) = slot(item, other) {
                *operation = None;
            }
        }
    }
    single
}
