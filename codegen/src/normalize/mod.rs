//! Small passes that turn any valid OpenAPI document into one progenitor takes as it is and
//! that gives forward-compatible code. Each pass is a plain function over the document with its
//! own unit tests; [`run`] applies them in order. [`v31`] holds the passes that turn a 3.1
//! document into a 3.0 one, which run on the document value before it is typed.

mod case_enums;
mod clashing_titles;
mod missing_schemas;
mod open_objects;
mod operation_ids;
mod path_parameters;
mod request_media;
mod response_types;
pub(crate) mod schemas;
mod unsendable;
pub(crate) mod v31;

use openapiv3::OpenAPI;

use crate::Warning;

/// Applies every pass, in an order where no pass undoes another. What a pass had to give up
/// (a request media type, a response's type) is added to `warnings`.
pub fn run(spec: &mut OpenAPI, warnings: &mut Vec<Warning>) {
    path_parameters::drop_mismatched(spec, warnings);
    operation_ids::fill_missing(spec, warnings);
    open_objects::allow_unknown_fields(spec);
    case_enums::to_strings(spec, warnings);
    clashing_titles::drop_clashing(spec);
    missing_schemas::fill(spec);
    request_media::one_per_body(spec, warnings);
    unsendable::drop_unsendable(spec, warnings);
    response_types::one_per_group(spec, warnings);
}
