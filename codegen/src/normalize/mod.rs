//! Small passes that turn any valid OpenAPI 3.0 document into one progenitor takes as it is and
//! that gives forward-compatible code. Each pass is a plain function over the document with its
//! own unit tests; [`run`] applies them in order.

mod open_objects;
mod operation_ids;
pub(crate) mod schemas;

use openapiv3::OpenAPI;

/// Applies every pass, in an order where no pass undoes another.
pub fn run(spec: &mut OpenAPI) {
    operation_ids::fill_missing(spec);
    open_objects::allow_unknown_fields(spec);
}
