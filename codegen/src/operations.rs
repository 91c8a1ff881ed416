//! Walking the operations of a document: every (path, method, operation), in document order.

use openapiv3::{OpenAPI, Operation, Parameter, PathItem, ReferenceOr};

use crate::refs;

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

/// Removes from `spec` every operation for which `keep(path, method)` is false; components stay.
pub fn retain(spec: &mut OpenAPI, mut keep: impl FnMut(&str, &str) -> bool) {
    for (path, item) in spec.paths.paths.iter_mut() {
        if let ReferenceOr::Item(item) = item {
            for method in METHODS {
                if let Some(operation) = slot(item, method)
                    && operation.is_some()
                    && !keep(path, method)
                {
                    *operation = None;
                }
            }
        }
    }
}

/// The parameters that apply to the operation at `route` whose own are `own`: those, and those
/// of its path item that it does not redeclare (same name and location). References that do not
/// resolve are skipped.
pub fn parameters<'a>(
    spec: &'a OpenAPI,
    route: &str,
    own: &'a [ReferenceOr<Parameter>],
) -> Vec<&'a Parameter> {
    let own: Vec<&Parameter> = own.iter().filter_map(|p| refs::resolve(spec, p)).collect();
    let shared = match spec.paths.paths.get(route) {
        Some(ReferenceOr::Item(item)) => item.parameters.as_slice(),
        _ => &[],
    };
    let same = |a: &Parameter, b: &Parameter| {
        a.parameter_data_ref().name == b.parameter_data_ref().name
            && std::mem::discriminant(a) == std::mem::discriminant(b)
    };
    let mut all: Vec<&Parameter> = shared
        .iter()
        .filter_map(|p| refs::resolve(spec, p))
        .filter(|p| !own.iter().any(|o| same(o, p)))
        .collect();
    all.extend(own);
    all
}
