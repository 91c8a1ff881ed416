//! The MCP server: `tools/list` and `tools/call` on the SDK's client, with the creation cap.
//!
//! One [`Server`] serves every session of the process (stdio has one, HTTP one per client):
//! they share the client, its connection pool and the cap.

use std::borrow::Cow;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use mintlify_agent::{Client, Error, WaitOptions};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    InitializeResult, JsonObject, ListToolsResult, PaginatedRequestParams, ProtocolVersion,
    ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::{Value, json};

use super::failure::ToolFailure;
use super::result::{clip, describe, job_result, json_type, status, structured, to_value, usage};
use super::tools::{self, DEFAULT_WAIT_SECONDS, MAX_PROMPT_BYTES, MAX_WAIT_SECONDS};
use super::wait;
use crate::input;

/// The protocol revision this server implements (and every older one rmcp speaks).
pub const PROTOCOL: ProtocolVersion = ProtocolVersion::V_2025_11_25;

/// What every session shares.
#[derive(Clone)]
pub struct Server {
    shared: Arc<Shared>,
}

struct Shared {
    client: Client,
    tools: Vec<Tool>,
    /// How waits poll (faster against `--fake`).
    wait: WaitOptions,
    /// At most this many `create_job` + `send_message` calls that may have acted.
    max_creations: u32,
    /// The jobs created or messaged so far, one entry per counted call.
    creations: Mutex<Vec<String>>,
    /// How often a wait reports progress when the status does not change.
    heartbeat: Duration,
}

impl Server {
    /// A server on `client`; `wait` is the poll schedule (its deadline is set per call).
    pub fn new(client: Client, wait: WaitOptions, max_creations: u32) -> Self {
        Self {
            shared: Arc::new(Shared {
                client,
                tools: tools::all(),
                wait,
                max_creations,
                creations: Mutex::new(Vec::new()),
                heartbeat: Duration::from_secs(30),
            }),
        }
    }

    /// Runs one tool call; every failure is a result with `isError`.
    async fn call(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let name = request.name.as_ref();
        let arguments = request.arguments.unwrap_or_default();
        let result = match name {
            "create_job" => self.create_job(&arguments).await,
            "get_job" => self.get_job(&arguments).await,
            "send_message" => self.send_message(&arguments).await,
            "wait_for_job" => self.wait_for_job(&arguments, context).await,
            "auth_check" => self.auth_check(&arguments).await,
            "list_sessions" => self.list_sessions(&arguments).await,
            "get_session" => self.get_session(&arguments).await,
            _ => {
                let names: Vec<&str> = self.shared.tools.iter().map(|t| t.name.as_ref()).collect();
                return Err(ErrorData::invalid_params(
                    format!(
                        "unknown tool {:?}; the tools are {}",
                        clip(name, 64),
                        names.join(", ")
                    ),
                    None,
                ));
            }
        };
        Ok(result.unwrap_or_else(ToolFailure::into_result))
    }

    async fn create_job(&self, arguments: &JsonObject) -> Result<CallToolResult, ToolFailure> {
        const TOOL: &str = "create_job";
        let args = Arguments::new(TOOL, arguments, &["prompt"])?;
        let prompt = args.prompt("prompt")?;
        self.take_creation(TOOL)?;
        match self.shared.client.v2().create_job(prompt).await {
            Ok(job) => {
                self.record_creation(&job.id);
                Ok(job_result(
                    &job,
                    &format!(
                        "Created job {} ({}). Call wait_for_job with id {:?} to learn the outcome \
                         and the pull request.",
                        job.id,
                        status(&job),
                        job.id
                    ),
                ))
            }
            Err(error) => Err(self.write_failed(TOOL, &error, None)),
        }
    }

    async fn get_job(&self, arguments: &JsonObject) -> Result<CallToolResult, ToolFailure> {
        const TOOL: &str = "get_job";
        let args = Arguments::new(TOOL, arguments, &["id"])?;
        let id = args.id("id")?;
        match self.shared.client.v2().get_job(id).await {
            Ok(job) => Ok(job_result(&job, &describe(&job))),
            Err(error) => Err(ToolFailure::api(TOOL, &error, false, Some(id))),
        }
    }

    async fn send_message(&self, arguments: &JsonObject) -> Result<CallToolResult, ToolFailure> {
        const TOOL: &str = "send_message";
        let args = Arguments::new(TOOL, arguments, &["id", "prompt"])?;
        let id = args.id("id")?;
        let prompt = args.prompt("prompt")?;
        self.take_creation(TOOL)?;
        match self.shared.client.v2().send_message(id, prompt).await {
            Ok(job) => {
                self.record_creation(id);
                Ok(job_result(
                    &job,
                    &format!(
                        "Sent the follow-up to job {id} ({}). Call wait_for_job to learn the \
                         outcome.",
                        status(&job)
                    ),
                ))
            }
            Err(error) => Err(self.write_failed(TOOL, &error, Some(id))),
        }
    }

    async fn wait_for_job(
        &self,
        arguments: &JsonObject,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ToolFailure> {
        const TOOL: &str = "wait_for_job";
        let args = Arguments::new(TOOL, arguments, &["id", "timeout_seconds"])?;
        let id = args.id("id")?;
        let asked = args.seconds("timeout_seconds")?;
        let seconds = asked.unwrap_or(DEFAULT_WAIT_SECONDS).min(MAX_WAIT_SECONDS);
        let capped = asked.is_some_and(|s| s > MAX_WAIT_SECONDS);
        let options = self
            .shared
            .wait
            .clone()
            .deadline(Duration::from_secs(seconds));
        let changes = self.shared.client.v2().watch_with(id, &options);
        let token = context.meta.get_progress_token();
        let peer = context.peer.clone();
        let report = move |update: wait::Update| {
            let (peer, token) = (peer.clone(), token.clone());
            async move {
                if let Some(token) = token {
                    // A client that went away is noticed by the cancellation, not here.
                    let _ = peer.notify_progress(update.into_param(token)).await;
                }
            }
        };
        let ended = wait::follow(
            id,
            changes,
            &context.ct,
            self.shared.heartbeat,
            Duration::from_secs(seconds),
            report,
        )
        .await;
        let mut result = ended.into_result(id).map_err(|error| match error {
            Some(error) => ToolFailure::api(TOOL, &error, false, Some(id)),
            None => ToolFailure {
                job_id: Some(id.to_owned()),
                ..ToolFailure::plain(
                    "cancelled",
                    format!("wait_for_job cancelled; job {id} goes on"),
                )
            },
        })?;
        if capped {
            result.content.push(ContentBlock::text(format!(
                "timeout_seconds was capped at {MAX_WAIT_SECONDS}."
            )));
        }
        Ok(result)
    }

    async fn auth_check(&self, arguments: &JsonObject) -> Result<CallToolResult, ToolFailure> {
        const TOOL: &str = "auth_check";
        Arguments::new(TOOL, arguments, &[])?;
        Ok(super::auth::check(&self.shared.client).await)
    }

    async fn list_sessions(&self, arguments: &JsonObject) -> Result<CallToolResult, ToolFailure> {
        const TOOL: &str = "list_sessions";
        let args = Arguments::new(TOOL, arguments, &["limit", "skip"])?;
        let limit = args.integer("limit", 1, 100)?.unwrap_or(20);
        let skip = args.integer("skip", 0, u64::MAX)?.unwrap_or(0);
        match self.shared.client.v1().list_jobs(skip, limit).await {
            Ok(sessions) => {
                let text = format!(
                    "{} session(s) from {skip}{}.",
                    sessions.len(),
                    if sessions.len() as u64 == limit {
                        "; call again with a larger `skip` for more"
                    } else {
                        ""
                    }
                );
                let value = json!({ "sessions": sessions });
                Ok(structured(value, &text))
            }
            Err(error) => Err(ToolFailure::api(TOOL, &error, false, None)),
        }
    }

    async fn get_session(&self, arguments: &JsonObject) -> Result<CallToolResult, ToolFailure> {
        const TOOL: &str = "get_session";
        let args = Arguments::new(TOOL, arguments, &["id"])?;
        let id = args.id("id")?;
        match self.shared.client.v1().get_job(id).await {
            Ok(session) => {
                let text = match (session.haulted, &session.hault_reason) {
                    (Some(true), Some(reason)) => format!("Session {id} stopped: {reason}."),
                    (Some(true), None) => format!("Session {id} stopped."),
                    _ => format!("Session {id} is still running."),
                };
                Ok(structured(to_value(&session), &text))
            }
            Err(error) => Err(ToolFailure::api(TOOL, &error, false, Some(id))),
        }
    }

    /// Counts a creation or message against the cap, or refuses it.
    fn take_creation(&self, tool: &str) -> Result<(), ToolFailure> {
        let mut creations = self.creations();
        if creations.len() >= self.shared.max_creations as usize {
            let max = self.shared.max_creations;
            let jobs = if creations.is_empty() {
                String::new()
            } else {
                let mut ids: Vec<&str> = creations.iter().map(String::as_str).collect();
                ids.dedup();
                format!(" (jobs: {})", ids.join(", "))
            };
            return Err(ToolFailure::plain(
                "cap_reached",
                format!(
                    "{tool} refused: this MCP server has already created or messaged jobs {max} \
                     times{jobs}, its cap (--max-creations {max}). Retrying will not help: \
                     follow the jobs with wait_for_job and get_job, or ask the user to restart \
                     the server with a higher --max-creations N."
                ),
            ));
        }
        // Held until the call ends (`record_creation` or `refund`): a placeholder.
        creations.push(String::new());
        Ok(())
    }

    /// Names the job of the call counted last.
    fn record_creation(&self, id: &str) {
        let mut creations = self.creations();
        if let Some(slot) = creations.iter_mut().rev().find(|s| s.is_empty()) {
            id.clone_into(slot);
        }
    }

    /// A write failed: it stays counted if the server may have acted on it.
    fn write_failed(&self, tool: &str, error: &Error, id: Option<&str>) -> ToolFailure {
        if crate::outcome::may_have_acted(error) {
            self.record_creation(id.unwrap_or("(unknown)"));
        } else {
            let mut creations = self.creations();
            if let Some(at) = creations.iter().rposition(String::is_empty) {
                creations.remove(at);
            }
        }
        ToolFailure::api(tool, error, true, id)
    }

    fn creations(&self) -> std::sync::MutexGuard<'_, Vec<String>> {
        self.shared
            .creations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        InitializeResult::new(ServerCapabilities::builder().enable_tools().build())
            .with_protocol_version(PROTOCOL)
            .with_server_info(
                Implementation::new("mintlify-agent", env!("CARGO_PKG_VERSION"))
                    .with_title("Mintlify agent"),
            )
            .with_instructions(
                "Hand documentation work to Mintlify's agent: create_job with what to \
                 document, then wait_for_job with the job's id until it is final; its prLink \
                 is the pull request. send_message continues a job. auth_check tells whether \
                 the key and project work. Creations are capped per server; do not loop.",
            )
    }

    fn supported_protocol_versions(&self) -> Cow<'static, [ProtocolVersion]> {
        Cow::Borrowed(ProtocolVersion::known_up_to(&PROTOCOL))
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.shared.tools.clone()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        self.call(request, context).await.map(Into::into)
    }
}

/// A tool's arguments, read by hand so that every mistake is a message naming the field.
struct Arguments<'a> {
    tool: &'static str,
    values: &'a JsonObject,
}

impl<'a> Arguments<'a> {
    /// The arguments, refusing names the tool does not take (a misspelt optional field would
    /// otherwise be ignored without a word).
    fn new(
        tool: &'static str,
        values: &'a JsonObject,
        known: &[&str],
    ) -> Result<Self, ToolFailure> {
        if let Some(unknown) = values.keys().find(|k| !known.contains(&k.as_str())) {
            let takes = if known.is_empty() {
                "takes no arguments".to_owned()
            } else {
                format!("takes {}", known.join(", "))
            };
            return Err(ToolFailure::arguments(
                tool,
                format!("unknown argument {:?}; {tool} {takes}", clip(unknown, 64)),
            ));
        }
        Ok(Self { tool, values })
    }

    fn string(&self, name: &str) -> Result<&'a str, ToolFailure> {
        match self.values.get(name) {
            Some(Value::String(text)) => Ok(text),
            Some(other) => Err(ToolFailure::arguments(
                self.tool,
                format!("`{name}` must be a string, not {}", json_type(other)),
            )),
            None => Err(ToolFailure::arguments(
                self.tool,
                format!("`{name}` is missing"),
            )),
        }
    }

    /// A job or session id, checked as the CLI checks ids.
    fn id(&self, name: &str) -> Result<&'a str, ToolFailure> {
        let id = self.string(name)?;
        input::id(id, &format!("`{name}`")).map_err(|f| ToolFailure::arguments(self.tool, usage(f)))
    }

    /// A prompt, checked as the CLI checks prompts, and not larger than it can be sent.
    fn prompt(&self, name: &str) -> Result<String, ToolFailure> {
        let text = self.string(name)?;
        if text.len() > MAX_PROMPT_BYTES {
            return Err(ToolFailure::arguments(
                self.tool,
                format!(
                    "`{name}` is {} bytes, more than the {MAX_PROMPT_BYTES} this server sends: \
                     say it shorter, or point the agent to files in the repository",
                    text.len()
                ),
            ));
        }
        input::checked_prompt(text.to_owned(), &format!("`{name}`"))
            .map_err(|f| ToolFailure::arguments(self.tool, usage(f)))
    }

    /// A whole number of seconds (a fraction is rounded up), if given; at least 1.
    fn seconds(&self, name: &str) -> Result<Option<u64>, ToolFailure> {
        match self.values.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(number)) => match number.as_u64() {
                Some(0) => Err(self.out_of_range(name, "at least 1")),
                Some(n) => Ok(Some(n)),
                None => match number.as_f64() {
                    Some(f) if f > 0.0 && f.is_finite() => {
                        Ok(Some(f.ceil().min(u64::MAX as f64) as u64))
                    }
                    _ => Err(self.out_of_range(name, "at least 1")),
                },
            },
            Some(other) => Err(ToolFailure::arguments(
                self.tool,
                format!(
                    "`{name}` must be a number of seconds, not {}",
                    json_type(other)
                ),
            )),
        }
    }

    /// A whole number within `min..=max`, if given.
    fn integer(&self, name: &str, min: u64, max: u64) -> Result<Option<u64>, ToolFailure> {
        match self.values.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(number)) => match number.as_u64() {
                Some(n) if (min..=max).contains(&n) => Ok(Some(n)),
                _ if max == u64::MAX => {
                    Err(self.out_of_range(name, &format!("a whole number, at least {min}")))
                }
                _ => Err(self.out_of_range(name, &format!("a whole number from {min} to {max}"))),
            },
            Some(other) => Err(ToolFailure::arguments(
                self.tool,
                format!("`{name}` must be a whole number, not {}", json_type(other)),
            )),
        }
    }

    fn out_of_range(&self, name: &str, range: &str) -> ToolFailure {
        ToolFailure::arguments(self.tool, format!("`{name}` must be {range}"))
    }
}
