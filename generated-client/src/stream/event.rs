//! What a v1 run streams, typed: one enum for the AI SDK UI message stream (5+) and the older
//! data stream (4.x), whose parts map onto the same events where they mean the same thing.

use super::raw_json::RawJson;

/// One event of an agent run.
///
/// Chunk types this client does not know, and chunks the AI SDK's `uiMessageChunkSchema` (or AI
/// SDK 4's part parser) rejects (a required field missing, a field of the wrong type, an
/// optional field sent as `null`, a `finish` with a reason outside its list), come through as
/// [`AgentEvent::Unknown`] with the raw JSON: they never end a lenient stream.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum AgentEvent {
    /// The assistant message begins (`start`; v4: the first `f` part). A `start` with another
    /// message id than the one so far starts the message over, as `readUIMessageStream` does.
    Start {
        /// The message's id.
        message_id: Option<String>,
        /// Message metadata sent with it.
        metadata: Option<RawJson>,
    },
    /// The message's id changes and its parts stay (v4: a later step's `f` part with another
    /// `messageId`; AI SDK 4's chat client ends with the last step's id).
    MessageId {
        /// The new id.
        message_id: String,
    },
    /// A step (one model call) begins (`start-step`; v4 `f`).
    StartStep,
    /// A step ends (`finish-step`; v4 `e`).
    FinishStep,
    /// A step ends and the next one continues its text (v4 `e` with `isContinued: true`): AI
    /// SDK 4 appends the next step's text to the same text part.
    ContinuedStep,
    /// The current step is discarded: the parts since its start go (`reset-step`, AI SDK 7).
    ResetStep,
    /// A provider-specific part (`custom`, AI SDK 7).
    Custom {
        /// What it is, e.g. `openai.compaction`.
        kind: String,
        /// Provider metadata (`providerMetadata`).
        provider_metadata: Option<RawJson>,
    },
    /// A file the model produced while reasoning (`reasoning-file`, AI SDK 7).
    ReasoningFile {
        /// Where it is (possibly a `data:` URL).
        url: String,
        /// Its media type.
        media_type: String,
        /// Provider metadata (`providerMetadata`).
        provider_metadata: Option<RawJson>,
    },
    /// A message the user sent while the run was going (`steering-message`, AI SDK 7).
    SteeringMessage {
        /// The message's id.
        id: String,
        /// Its parts (`text` and `file` objects), as sent.
        parts: RawJson,
    },
    /// A text part begins.
    TextStart {
        /// The part's id.
        id: String,
        /// Provider metadata (`providerMetadata`).
        provider_metadata: Option<RawJson>,
    },
    /// More text for the user (`text-delta`; v4 `0`, whose id is empty).
    TextDelta {
        /// The part's id.
        id: String,
        /// The text.
        delta: String,
        /// Provider metadata (`providerMetadata`): replaces the part's when given.
        provider_metadata: Option<RawJson>,
    },
    /// A text part ends.
    TextEnd {
        /// The part's id.
        id: String,
        /// Provider metadata (`providerMetadata`): replaces the part's when given.
        provider_metadata: Option<RawJson>,
        /// The sources the text cites (`citations`, AI SDK 7), as the AI SDK's schema keeps
        /// them (fields it does not know are dropped).
        citations: Option<RawJson>,
    },
    /// A reasoning part begins.
    ReasoningStart {
        /// The part's id.
        id: String,
        /// Provider metadata (`providerMetadata`).
        provider_metadata: Option<RawJson>,
    },
    /// More of the model's reasoning (`reasoning-delta`; v4 `g`, whose id is empty).
    ReasoningDelta {
        /// The part's id.
        id: String,
        /// The text.
        delta: String,
        /// Provider metadata (`providerMetadata`): replaces the part's when given.
        provider_metadata: Option<RawJson>,
    },
    /// A reasoning part ends.
    ReasoningEnd {
        /// The part's id.
        id: String,
        /// Provider metadata (`providerMetadata`): replaces the part's when given.
        provider_metadata: Option<RawJson>,
    },
    /// Redacted reasoning (v4 `i`).
    RedactedReasoning {
        /// The opaque data.
        data: String,
    },
    /// A reasoning signature (v4 `j`).
    ReasoningSignature {
        /// The signature.
        signature: String,
    },
    /// A tool call begins; its input streams next (`tool-input-start`; v4 `b`).
    ToolInputStart {
        /// The call's id.
        tool_call_id: String,
        /// The tool.
        tool_name: String,
        /// What else the chunk said (title, provider metadata…); `None` when nothing.
        meta: Option<Box<ToolMeta>>,
    },
    /// A piece of the tool input's JSON text (`tool-input-delta`; v4 `c`).
    ToolInputDelta {
        /// The call's id.
        tool_call_id: String,
        /// The piece.
        delta: String,
    },
    /// The whole tool input (`tool-input-available`; v4 `9`).
    ToolInputAvailable {
        /// The call's id.
        tool_call_id: String,
        /// The tool.
        tool_name: String,
        /// The input; `None` when the chunk has none.
        input: Option<RawJson>,
        /// What else the chunk said; `None` when nothing.
        meta: Option<Box<ToolMeta>>,
    },
    /// The tool input could not be used.
    ToolInputError {
        /// The call's id.
        tool_call_id: String,
        /// The tool.
        tool_name: String,
        /// The input as given (`input`, or AI SDK 6's `rawInput`); `None` when the chunk has
        /// none.
        input: Option<RawJson>,
        /// Why.
        error_text: String,
        /// What else the chunk said; `None` when nothing.
        meta: Option<Box<ToolMeta>>,
    },
    /// The tool's output (`tool-output-available`; v4 `a`).
    ToolOutputAvailable {
        /// The call's id.
        tool_call_id: String,
        /// The output; `None` when the chunk has none.
        output: Option<RawJson>,
        /// Whether more output will follow for this call (`preliminary`), when said.
        preliminary: Option<bool>,
        /// What else the chunk said; `None` when nothing.
        meta: Option<Box<ToolMeta>>,
    },
    /// The tool failed.
    ToolOutputError {
        /// The call's id.
        tool_call_id: String,
        /// Why.
        error_text: String,
        /// What else the chunk said; `None` when nothing.
        meta: Option<Box<ToolMeta>>,
    },
    /// The tool call waits for approval.
    ToolApprovalRequest {
        /// The approval's id.
        approval_id: String,
        /// The call's id.
        tool_call_id: String,
        /// What else the chunk said (reason, descriptor…); `None` when nothing.
        request: Option<Box<ApprovalRequest>>,
    },
    /// The tool call was approved or not.
    ToolApprovalResponse {
        /// The approval's id.
        approval_id: String,
        /// Whether it was approved.
        approved: bool,
        /// Why, when given.
        reason: Option<String>,
        /// Whether the provider ran the tool (`providerExecuted`), when said.
        provider_executed: Option<bool>,
        /// Provider metadata (`providerMetadata`).
        provider_metadata: Option<RawJson>,
    },
    /// The tool call was denied, so it has no output.
    ToolOutputDenied {
        /// The call's id.
        tool_call_id: String,
    },
    /// A source the agent used, by URL (`source-url`; v4 `h`).
    SourceUrl {
        /// The source's id.
        source_id: String,
        /// Where it is.
        url: String,
        /// Its title.
        title: Option<String>,
        /// Provider metadata (`providerMetadata`).
        provider_metadata: Option<RawJson>,
    },
    /// A source document.
    SourceDocument {
        /// The source's id.
        source_id: String,
        /// Its media type.
        media_type: String,
        /// Its title.
        title: String,
        /// Its file name.
        filename: Option<String>,
        /// Provider metadata (`providerMetadata`).
        provider_metadata: Option<RawJson>,
    },
    /// A file (`file`; v4 `k` as a `data:` URL).
    File {
        /// Where it is (possibly a `data:` URL).
        url: String,
        /// Its media type.
        media_type: String,
        /// Provider metadata (`providerMetadata`).
        provider_metadata: Option<RawJson>,
    },
    /// A custom data part, `data-<name>` (v4 `2`). Mintlify's agent sends its todos this way.
    Data {
        /// The name after `data-`.
        name: String,
        /// The part's id; a later part with the same id replaces its data.
        id: Option<String>,
        /// The data; `None` when the chunk has none (the AI SDK's schema allows that).
        data: Option<RawJson>,
        /// Whether it is only for now (not kept in the message), when said.
        transient: Option<bool>,
        /// The chunk's other fields, as a JSON object (the AI SDK keeps them on the part);
        /// `None` when there are none.
        extra: Option<RawJson>,
    },
    /// Message annotations (v4 `8`): AI SDK 4 appends them to the message's list.
    Annotations {
        /// The annotations of one part, in order.
        annotations: Vec<RawJson>,
    },
    /// Message metadata (`message-metadata`).
    MessageMetadata {
        /// The metadata; `None` when the chunk has none.
        metadata: Option<RawJson>,
    },
    /// The run reported an error (`error`; v4 `3`).
    Error {
        /// The message.
        error_text: String,
    },
    /// The run was aborted.
    Abort {
        /// Why, when given.
        reason: Option<String>,
    },
    /// The message ends (`finish`; v4 `d`).
    Finish {
        /// `stop`, `length`, `content-filter`, `tool-calls`, `error`, `interrupted` or `other`
        /// (v4: any string).
        finish_reason: Option<String>,
        /// Message metadata sent with it.
        metadata: Option<RawJson>,
    },
    /// A chunk this client does not know, or one the AI SDK's schema rejects, as received.
    Unknown {
        /// The chunk's JSON text (UI message stream) or the whole line (data stream).
        raw: String,
    },
}

/// What a tool chunk may say besides its call, each field `None` when not sent. Which fields a
/// chunk type can carry is the AI SDK's `uiMessageChunkSchema`: `input_encoding` only on
/// `tool-input-start`, `title` on the `tool-input-*` chunks.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ToolMeta {
    /// Whether the provider runs the tool (`providerExecuted`).
    pub provider_executed: Option<bool>,
    /// Provider metadata (`providerMetadata`): the call's on input chunks, the result's on
    /// output chunks.
    pub provider_metadata: Option<RawJson>,
    /// The tool's own metadata (`toolMetadata`), a JSON object.
    pub tool_metadata: Option<RawJson>,
    /// Whether the tool is dynamic (`dynamic`): its part is a `dynamic-tool` part.
    pub dynamic: Option<bool>,
    /// The tool's title for people (`title`).
    pub title: Option<String>,
    /// How the input streams (`inputEncoding`).
    pub input_encoding: Option<InputEncoding>,
}

/// How a tool's input streams (`inputEncoding`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum InputEncoding {
    /// JSON text: the partial input is its partial parse.
    Json,
    /// Plain text: the partial input is the text itself.
    Text,
}

/// What a `tool-approval-request` may say besides its ids, each field `None` when not sent.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ApprovalRequest {
    /// Why approval is asked (`reason`).
    pub reason: Option<String>,
    /// What is to be approved (`approvalDescriptor`).
    pub descriptor: Option<RawJson>,
    /// The input as the tool's input schema sees it (`inputSchemaInput`).
    pub input_schema_input: Option<RawJson>,
    /// Whether the approval is automatic (`isAutomatic`).
    pub is_automatic: Option<bool>,
    /// A signature over the request (`signature`).
    pub signature: Option<String>,
}
