//! Following a local `$ref` (`#/components/<kind>/<name>`) to the component it names.

use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, Parameter, ReferenceOr, RequestBody, Response};

/// A kind of reusable component that a `$ref` can point at.
pub trait Component: Sized {
    /// The reference prefix of this kind, e.g. `#/components/parameters/`.
    const PREFIX: &'static str;
    /// The components of this kind.
    fn all(components: &Components) -> &IndexMap<String, ReferenceOr<Self>>;
}

impl Component for Parameter {
    const PREFIX: &'static str = "#/components/parameters/";
    fn all(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.parameters
    }
}

impl Component for Response {
    const PREFIX: &'static str = "#/components/responses/";
    fn all(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.responses
    }
}

impl Component for RequestBody {
    const PREFIX: &'static str = "#/components/requestBodies/";
    fn all(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.request_bodies
    }
}

/// The item itself, or the component its `$ref` names (one level: a reference to a reference,
/// or to something missing, gives `None`; `validate` reports the missing ones).
pub fn resolve<'a, T: Component>(spec: &'a OpenAPI, item: &'a ReferenceOr<T>) -> Option<&'a T> {
    match item {
        ReferenceOr::Item(item) => Some(item),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix(T::PREFIX)?;
            T::all(spec.components.as_ref()?).get(name)?.as_item()
        }
    }
}
