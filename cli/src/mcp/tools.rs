//! The tools as `tools/list` shows them: names, descriptions an agent can act on, input and
//! output schemas (field descriptions from `specs/`, held to them by a test) and annotations.

use std::sync::Arc;

use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use serde_json::{Value, json};

/// The longest wait one `wait_for_job` call may ask for, in seconds.
pub(super) const MAX_WAIT_SECONDS: u64 = 1800;
/// The wait of a `wait_for_job` call that gives no `timeout_seconds`.
pub(super) const DEFAULT_WAIT_SECONDS: u64 = 300;
/// The longest prompt sent, in bytes: far more than any instruction needs, far less than a
/// runaway caller could paste.
pub(super) const MAX_PROMPT_BYTES: usize = 1 << 20;

/// `JobId` of `specs/v2.yaml`.
const JOB_ID: &str = "The job's id, as returned when it was created.";
/// `CreateJobRequest.prompt` of `specs/v2.yaml`.
const CREATE_PROMPT: &str = "What the agent should do.";
/// `SendMessageRequest.prompt` of `specs/v2.yaml`.
const MESSAGE_PROMPT: &str = "The follow-up instruction for the agent.";

/// Every tool, in the order `tools/list` gives them.
pub(super) fn all() -> Vec<Tool> {
    let job = Arc::new(object(job_schema()));
    let mut tools = vec![
        Tool::new(
            "create_job",
            "Start a Mintlify agent job: the agent edits this project's documentation \
             repository as the prompt says and opens a pull request. Returns the job at once, \
             `active`; call wait_for_job with its `id` to learn the outcome and the pull \
             request link. Each call starts a new job (not idempotent: do not retry a call \
             that may have succeeded; check with get_job). Counts against this server's cap \
             (--max-creations) and Mintlify's limit of 100 per project per hour.",
            object(json!({
                "type": "object",
                "properties": { "prompt": prompt_schema(CREATE_PROMPT, "Say what to document and where, e.g. \"Document the new --retry flag of the deploy command in cli/deploy.mdx\".") },
                "required": ["prompt"],
                "additionalProperties": false,
            })),
        )
        .with_title("Create a documentation job")
        .with_raw_output_schema(job.clone())
        .with_annotations(
            ToolAnnotations::with_title("Create a documentation job")
                .read_only(false)
                .destructive(false)
                .idempotent(false)
                .open_world(true),
        ),
        Tool::new(
            "get_job",
            "Read a Mintlify agent job as it is now: its `status` (`active`, or final: \
             `completed`, `archived`, `failed`) and, once the agent opened one, `prLink`, the \
             pull request. Read-only; safe to call again.",
            object(json!({
                "type": "object",
                "properties": { "id": id_schema() },
                "required": ["id"],
                "additionalProperties": false,
            })),
        )
        .with_title("Get a documentation job")
        .with_raw_output_schema(job.clone())
        .with_annotations(read_only("Get a documentation job")),
        Tool::new(
            "send_message",
            "Give an existing Mintlify agent job a follow-up instruction (e.g. a correction \
             to its pull request); the job becomes `active` again. Returns the job; call \
             wait_for_job to learn the outcome. Not idempotent: each call sends another \
             message. Counts against the same caps as create_job.",
            object(json!({
                "type": "object",
                "properties": {
                    "id": id_schema(),
                    "prompt": prompt_schema(MESSAGE_PROMPT, "Say what to change, e.g. \"Also add an example with --retry 3\"."),
                },
                "required": ["id", "prompt"],
                "additionalProperties": false,
            })),
        )
        .with_title("Send a follow-up to a job")
        .with_raw_output_schema(job)
        .with_annotations(
            ToolAnnotations::with_title("Send a follow-up to a job")
                .read_only(false)
                .destructive(false)
                .idempotent(false)
                .open_world(true),
        ),
        Tool::new(
            "wait_for_job",
            format!(
                "Wait until a Mintlify agent job is final (`completed`, `archived` or \
                 `failed`) and return it, with `prLink` when the agent opened a pull request. \
                 Jobs take minutes. At the deadline (`timeout_seconds`, default \
                 {DEFAULT_WAIT_SECONDS}, at most {MAX_WAIT_SECONDS}) it returns the last state \
                 seen with `finished: false` and `outcome: \"still_running\"`: the job goes on, \
                 call wait_for_job again. Sends progress notifications on each status change \
                 and every 30 s when given a progress token; cancel the request to stop \
                 waiting. Read-only."
            ),
            object(json!({
                "type": "object",
                "properties": {
                    "id": id_schema(),
                    "timeout_seconds": {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": MAX_WAIT_SECONDS,
                        "default": DEFAULT_WAIT_SECONDS,
                        "description": format!("How long to wait at most, in seconds (default {DEFAULT_WAIT_SECONDS}; larger values are capped at {MAX_WAIT_SECONDS})."),
                    },
                },
                "required": ["id"],
                "additionalProperties": false,
            })),
        )
        .with_title("Wait for a documentation job")
        .with_raw_output_schema(Arc::new(object(wait_schema())))
        .with_annotations(read_only("Wait for a documentation job")),
        Tool::new(
            "auth_check",
            "Check that this server's Mintlify settings work: the admin API key is accepted, \
             the project exists and the base URL answers. Creates nothing and does not count \
             against any limit. Call it first when another tool reports 401, 403 or 404 for \
             the project.",
            object(json!({ "type": "object", "properties": {}, "additionalProperties": false })),
        )
        .with_title("Check the Mintlify key and project")
        .with_raw_output_schema(Arc::new(object(auth_schema())))
        .with_annotations(read_only("Check the Mintlify key and project")),
    ];
    tools.extend(v1_tools());
    tools
}

/// `list_sessions` and `get_session`: the deprecated v1 API's sessions, read-only. No tool
/// streams a v1 run.
fn v1_tools() -> Vec<Tool> {
    let session = session_schema();
    vec![
        Tool::new(
            "list_sessions",
            "List v1 agent sessions of this project (Mintlify's deprecated v1 API), newest \
             first, a page at a time. Read-only.",
            object(json!({
                "type": "object",
                "properties": {
                    "limit": { "type": "integer", "minimum": 1, "maximum": 100, "default": 20, "description": "How many sessions to return at most (1 to 100)." },
                    "skip": { "type": "integer", "minimum": 0, "default": 0, "description": "How many of the newest sessions to skip (for the next page)." },
                },
                "additionalProperties": false,
            })),
        )
        .with_title("List v1 sessions")
        .with_raw_output_schema(Arc::new(object(json!({
            "type": "object",
            "properties": {
                "sessions": { "type": "array", "items": session, "description": "The page of sessions." },
            },
            "required": ["sessions"],
        }))))
        .with_annotations(read_only("List v1 sessions")),
        Tool::new(
            "get_session",
            "Read one v1 agent session (Mintlify's deprecated v1 API): whether it stopped \
             (`haulted`), why (`haultReason`), its pull request and the agent's closing \
             message. Read-only.",
            object(json!({
                "type": "object",
                "properties": { "id": { "type": "string", "minLength": 1, "description": "The session's id." } },
                "required": ["id"],
                "additionalProperties": false,
            })),
        )
        .with_title("Get a v1 session")
        .with_raw_output_schema(Arc::new(object(session_schema())))
        .with_annotations(read_only("Get a v1 session")),
    ]
}

fn read_only(title: &str) -> ToolAnnotations {
    ToolAnnotations::with_title(title)
        .read_only(true)
        .destructive(false)
        .idempotent(true)
        .open_world(true)
}

fn prompt_schema(spec: &str, advice: &str) -> Value {
    json!({
        "type": "string",
        "minLength": 1,
        "description": format!("{spec} {advice} Not empty or blank; at most 1 MiB."),
    })
}

fn id_schema() -> Value {
    json!({ "type": "string", "minLength": 1, "description": JOB_ID })
}

/// `AgentJob` of `specs/v2.yaml` as JSON Schema. Statuses are listed in the description, not
/// as an enum: a value the client does not know yet is passed on, not refused.
fn job_schema() -> Value {
    json!({
        "type": "object",
        "description": "An agent job. The server always sends `id` and `createdAt` (every published shape has them; a reply without them is not a job). The other fields are optional on the wire: older servers left some out (a follow-up reply once came without `status`).",
        "properties": {
            "id": { "type": "string", "description": "The job's id." },
            "status": { "type": "string", "description": "Where a job is. `active`: the agent is working. `completed`: it finished, and may have opened a pull request (see `prLink`). `archived`: the job was archived. `failed`: the agent hit an error it could not recover from. The last three are final." },
            "source": {
                "type": "object",
                "description": "The repository the agent works on.",
                "properties": {
                    "repository": { "type": "string", "description": "The repository's full URL." },
                    "ref": { "type": ["string", "null"], "description": "The branch the agent works on." },
                },
            },
            "model": { "type": "string", "description": "The model the agent runs on." },
            "prLink": { "type": ["string", "null"], "description": "The pull request the agent opened; `null` while the job is `active` or when it changed no files." },
            "createdAt": { "type": "string", "format": "date-time", "description": "When the job was created." },
            "archivedAt": { "type": ["string", "null"], "format": "date-time", "description": "When the job was archived; `null` unless it is archived." },
        },
        "required": ["id", "createdAt"],
    })
}

/// What `wait_for_job` returns.
fn wait_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "finished": { "type": "boolean", "description": "Whether the job reached a final status; false when the wait's deadline passed first." },
            "outcome": { "type": "string", "enum": ["completed", "archived", "failed", "still_running"], "description": "How the job ended, or `still_running` at the deadline (call wait_for_job again)." },
            "job": { "anyOf": [job_schema(), { "type": "null" }], "description": "The job as last seen; null when no poll succeeded before the deadline." },
            "waited_seconds": { "type": "number", "description": "How long this call waited." },
            "message": { "type": "string", "description": "What to do next, in words." },
        },
        "required": ["finished", "outcome", "job", "waited_seconds", "message"],
    })
}

/// What `auth_check` returns.
fn auth_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "ok": { "type": "boolean", "description": "Whether the key was accepted for the project." },
            "verdict": { "type": "string", "enum": ["accepted", "unknown_project", "refused", "unreachable", "inconclusive"], "description": "What the answer means: the key accepted for the project; accepted, but no such project; refused (401/403); no answer; or an answer that proves nothing (5xx, 429, a redirect)." },
            "retryable": { "type": "boolean", "description": "Whether checking again later can change the verdict (no answer, or no certain one)." },
            "base_url": { "type": "string", "description": "The API base URL the server talks to." },
            "project_id": { "type": "string", "description": "The project the key was checked against." },
            "message": { "type": "string", "description": "What was learnt, in words." },
        },
        "required": ["ok", "verdict", "retryable", "base_url", "project_id", "message"],
    })
}

/// `AgentSession` of `specs/v1.yaml` as JSON Schema (enums in descriptions, as for jobs).
fn session_schema() -> Value {
    json!({
        "type": "object",
        "description": "One agent session (a v1 job). The server always sends `sessionId`; the other fields are optional on the wire: older servers sent fewer of them.",
        "properties": {
            "sessionId": { "type": "string", "description": "The session's id." },
            "subdomain": { "type": "string", "description": "The documentation subdomain the session belongs to." },
            "branch": { "type": ["string", "null"], "description": "The Git branch the agent worked on." },
            "haulted": { "type": "boolean", "description": "Whether the session has stopped (the API's spelling of \"halted\")." },
            "haultReason": { "type": "string", "description": "Why a session stopped, on the wire as `haultReason`. `processing`: it has not stopped, the agent is still working. `completed`: it finished. `github_missconfigured` (the API's spelling): the GitHub app or repository is not set up. `error`: it failed. `interrupted`: someone stopped it." },
            "pullRequestLink": { "type": "string", "description": "The pull request the agent opened." },
            "messageToUser": { "type": "string", "description": "The agent's closing message about the outcome." },
            "todos": {
                "type": "array",
                "description": "The agent's task list.",
                "items": {
                    "type": "object",
                    "description": "One item of the agent's task list.",
                    "properties": {
                        "id": { "type": "string", "description": "The item's id." },
                        "content": { "type": "string", "description": "What the task is, in short." },
                        "status": { "type": "string", "description": "Where a task stands." },
                        "priority": { "type": "string", "description": "How much a task matters." },
                    },
                },
            },
            "userId": { "type": "string", "description": "The user who created the session, when known." },
            "title": { "type": "string", "description": "A generated title that sums up the job." },
            "createdAt": { "type": "string", "format": "date-time", "description": "When the session was created." },
        },
        "required": ["sessionId"],
    })
}

fn object(value: Value) -> JsonObject {
    match value {
        Value::Object(map) => map,
        _ => JsonObject::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str) -> Value {
        let path = format!("{}/../specs/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The description of `schema` in `spec`: its own, or that of the schema it refers to.
    fn description<'a>(spec: &'a Value, schema: &'a Value) -> &'a str {
        let schema = match schema["$ref"].as_str() {
            Some(reference) => {
                let name = reference.trim_start_matches("#/components/schemas/");
                &spec["components"]["schemas"][name]
            }
            None => schema,
        };
        schema["description"].as_str().unwrap_or_default()
    }

    /// Every property of `ours` is in the spec's schema with the same description, and so
    /// are the nested objects', and the schema's own description.
    fn same_descriptions(spec: &Value, theirs: &Value, ours: &Value, path: &str) {
        if let Some(text) = ours["description"].as_str()
            && !theirs["description"].is_null()
        {
            assert_eq!(text, description(spec, theirs), "{path}");
        }
        let theirs = match theirs["$ref"].as_str() {
            Some(reference) => {
                &spec["components"]["schemas"]
                    [reference.trim_start_matches("#/components/schemas/")]
            }
            None => theirs,
        };
        let Some(properties) = ours["properties"].as_object() else {
            return;
        };
        for (name, property) in properties {
            let spec_property = &theirs["properties"][name];
            assert!(!spec_property.is_null(), "{path}.{name} is not in the spec");
            assert_eq!(
                property["description"].as_str(),
                Some(description(spec, spec_property)),
                "{path}.{name}"
            );
            same_descriptions(spec, spec_property, property, &format!("{path}.{name}"));
        }
        if let Some(items) = ours.get("items") {
            same_descriptions(spec, &theirs["items"], items, &format!("{path}[]"));
        }
    }

    #[test]
    fn output_schemas_say_what_the_specs_say() {
        let v2 = spec("v2.yaml");
        let job = &v2["components"]["schemas"]["AgentJob"];
        same_descriptions(&v2, job, &job_schema(), "AgentJob");
        assert_eq!(job_schema()["required"], serde_json::json!(job["required"]));
        let v1 = spec("v1.yaml");
        let session = &v1["components"]["schemas"]["AgentSession"];
        same_descriptions(&v1, session, &session_schema(), "AgentSession");
    }

    #[test]
    fn input_fields_are_described_by_the_specs() {
        let v2 = spec("v2.yaml");
        let schemas = &v2["components"]["schemas"];
        assert_eq!(
            schemas["CreateJobRequest"]["properties"]["prompt"]["description"],
            CREATE_PROMPT
        );
        assert_eq!(
            schemas["SendMessageRequest"]["properties"]["prompt"]["description"],
            MESSAGE_PROMPT
        );
        assert_eq!(
            v2["components"]["parameters"]["JobId"]["description"],
            JOB_ID
        );
        for tool in all() {
            let properties = tool.input_schema["properties"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            for (name, property) in properties {
                let text = property["description"].as_str().unwrap_or_default();
                let expected = match (tool.name.as_ref(), name.as_str()) {
                    ("create_job", "prompt") => CREATE_PROMPT,
                    ("send_message", "prompt") => MESSAGE_PROMPT,
                    ("get_session", "id") => "The session's id.",
                    (_, "id") => JOB_ID,
                    _ => "",
                };
                assert!(text.starts_with(expected), "{}.{name}: {text}", tool.name);
                assert!(!text.is_empty(), "{}.{name} has no description", tool.name);
            }
        }
    }

    #[test]
    fn names_are_exact_and_writes_are_marked() {
        let tools = all();
        let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
        assert_eq!(
            names,
            [
                "create_job",
                "get_job",
                "send_message",
                "wait_for_job",
                "auth_check",
                "list_sessions",
                "get_session"
            ]
        );
        for tool in &tools {
            let annotations = tool.annotations.clone().unwrap_or_default();
            let writes = matches!(tool.name.as_ref(), "create_job" | "send_message");
            assert_eq!(annotations.read_only_hint, Some(!writes), "{}", tool.name);
            assert_eq!(annotations.idempotent_hint, Some(!writes), "{}", tool.name);
            let output = tool.output_schema.as_deref().cloned().unwrap_or_default();
            assert_eq!(
                output.get("type"),
                Some(&Value::from("object")),
                "{}",
                tool.name
            );
        }
    }
}
