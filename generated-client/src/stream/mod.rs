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
//!   `parsePartialJson`, for tool input that is still streaming; `js_order`: JavaScript's order
//!   of an object's keys, which the transcript's values keep.
//! - `position`, `protocol`, `error`: [`Position`], [`Protocol`], [`StreamError`].
//!
//! # zod 4, and where zod 3 differs
//!
//! The AI SDK checks each UI message chunk with a zod schema (`uiMessageChunkSchema`), and zod
//! is its peer dependency: an app that installs `ai` 7 today gets zod 4 (4.6.7 when this was
//! written), and the decoder reads chunks as ai 7 with that zod does. ai 7 also takes zod
//! 3.25 (it then runs on the early zod 4 that zod 3.25 bundles as `zod/v4`), which reads two
//! things differently:
//!
//! - **A `z.unknown()` key left out.** `data-*` without `data`, `tool-input-available` and
//!   `tool-input-error` without `input`, `tool-output-available` without `output`,
//!   `message-metadata` without `messageMetadata`: refused by zod 4.4 and later, so
//!   [`AgentEvent::Unknown`] here ([`StreamError::InvalidChunk`] in strict mode); zod 3.25 and
//!   zod 4 before 4.4 take the chunk (a data part without data, a tool call without input). A
//!   key sent as `null` passes either way. (AI SDK 6's `rawInput` does not stand in for
//!   `input`.)
//! - **A `constructor` key in a record** (`providerMetadata` at either level, `toolMetadata`, a
//!   steering file's `providerReference`, any object inside their values): zod 3.25's copy and
//!   zod 4 up to 4.1.8 refuse the chunk (their `isPlainObject` wants a `constructor` to be a
//!   function); zod 4.1.13 and later, and this decoder, take it. A `__proto__` key, or a
//!   `constructor` holding a `prototype`, is refused either way: the AI SDK's JSON parser
//!   refuses it before zod sees the chunk.
//!
//! AI SDK 4's data stream is not read with zod; its fixtures run ai 4.3.19 with its own zod 3,
//! as an app on AI SDK 4 has it.
//!
//! # Key order
//!
//! An event keeps each JSON value as the text that came ([`RawJson`]). The [`Transcript`] holds
//! them as the AI SDK's JavaScript objects hold them: keys in the order the server wrote them,
//! integer-like keys (`"0"` to `"4294967294"`) first in ascending order, so that
//! [`Transcript::to_ui_message`] writes metadata, tool input and output, data and provider
//! metadata as the SDK's message does, and metadata that cannot be merged names the key the
//! SDK's error names. This takes serde_json's `preserve_order`, which the `v1` feature turns
//! on; cargo unifies features, so in a program built with `v1` every `serde_json::Map` keeps
//! the order keys were inserted in instead of sorting them.

mod data_stream;
pub(crate) mod decoder;
pub(crate) mod error;
pub(crate) mod event;
mod js_order;
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
