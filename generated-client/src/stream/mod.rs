//! The v1 run stream, typed: the AI SDK UI message stream (`text/event-stream`), the older AI SDK
//! data stream (`text/plain`, `CODE:JSON` lines) and plain text, all as [`AgentEvent`]s.
//!
//! [`Decoder`] is the sans-IO core (bytes in, events out); [`AgentRun`] drives it from the HTTP
//! body and is what [`crate::V1::create_job`] returns; [`Transcript`] is the message the events
//! build, as the AI SDK's `readUIMessageStream` builds it.
//!
//! # Where things live
//!
//! Everything here is sans-IO: no sockets, no async, no reqwest (but the transport error
//! [`StreamError::Transport`] carries). [`AgentRun`], which reads the HTTP body, lives with the
//! v1 operations and is re-exported here.
//!
//! - `decoder`: framing (SSE events, data stream lines, plain text), protocol sniffing, bounds;
//!   `decoder/open_parts`: which parts and tool calls are open, to refuse chunks for others.
//! - `event`: [`AgentEvent`] and its payloads; `raw_json`: [`RawJson`].
//! - `ui_chunk`: UI message chunk JSON to [`AgentEvent`] (`ui_chunk/write`: and back);
//!   `data_stream`: AI SDK 4 parts to [`AgentEvent`]; `schema`: the field rules both share.
//! - `transcript/`: the message the events build; `partial_json`: the AI SDK's
//!   `parsePartialJson`, for tool input that is still streaming.
//! - `position`, `protocol`, `error`: [`Position`], [`Protocol`], [`StreamError`].

mod data_stream;
pub(crate) mod decoder;
pub(crate) mod error;
pub(crate) mod event;
mod partial_json;
pub(crate) mod position;
pub(crate) mod protocol;
mod raw_json;
mod schema;
pub(crate) mod transcript;
mod ui_chunk;

/// Where users have always found it; it lives with the v1 operations (`crate::v1`), since it
/// reads the HTTP body.
pub use crate::v1::run::AgentRun;
pub use data_stream::MAX_PART_ITEMS;
pub use decoder::{DEFAULT_MAX_EVENT_BYTES, Decoder};
pub use error::StreamError;
pub use event::{AgentEvent, ApprovalRequest, InputEncoding, ToolMeta};
pub use position::Position;
pub use protocol::Protocol;
pub use raw_json::RawJson;
pub use transcript::{Approval, Part, PartState, ReasoningDetail, ToolCall, ToolState, Transcript};
