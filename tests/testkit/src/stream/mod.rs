//! The v1 create-job stream: what an agent run is made of, and how each protocol writes it.
//!
//! A run is a list of protocol-neutral [`RunEvent`]s ([`script`] writes a realistic one from the
//! task). An [`Encoder`] turns each event into the frames of one protocol, byte for byte the way
//! the AI SDK writes them; `tests/fixtures/ai-sdk/` holds the real SDK's output for the same events,
//! and a test holds the encoder to it.

pub(crate) mod encode;
pub(crate) mod event;
pub(crate) mod protocol;
pub mod script;

pub use encode::Encoder;
pub use event::{RunEvent, Usage};
pub use protocol::Protocol;
