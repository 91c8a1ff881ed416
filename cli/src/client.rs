//! The client a command (or the MCP server) talks through: from the key (`MINTLIFY_API_KEY` or
//! standard input), the project and the base URL, checked before anything is sent; or against
//! the test kit's server started in-process (`--fake`), with waits paced for it.

use std::ffi::OsString;

use mintlify_agent::{BuildError, Client, WaitOptions};

use crate::args::Global;
use crate::input;
use crate::outcome::Failure;
use crate::output::Printer;
use crate::output::sink::err_line;
use crate::output::terminal;

/// Creations and messages per rolling hour, as Mintlify counts them per project.
const HOURLY_BUDGET: usize = 100;

/// A `--fake` server, kept for the command's length; nothing without the `fake` feature.
#[cfg(feature = "fake")]
type FakeServer = mintlify_agent_testkit::TestServer;
#[cfg(not(feature = "fake"))]
type FakeServer = ();

/// The client: against a `--fake` server started here, or from the key and settings given.
pub(crate) async fn connect(
    global: &Global,
    printer: Printer,
) -> Result<(Client, Option<FakeServer>, WaitOptions), Failure> {
    if global.fake {
        return fake().await;
    }
    let key = if global.api_key_stdin {
        let key = input::read_stdin()
            .await
            .map_err(|e| Failure::Usage(format!("cannot read the key from standard input: {e}")))?;
        String::from_utf8(key).map_err(|_| {
            Failure::Usage("the key on standard input is not valid UTF-8".to_owned())
        })?
    } else {
        match std::env::var_os("MINTLIFY_API_KEY").map(OsString::into_string) {
            Some(Ok(key)) => key,
            Some(Err(_)) => {
                return Err(Failure::Usage(
                    "MINTLIFY_API_KEY is not valid UTF-8".to_owned(),
                ));
            }
            None => {
                return Err(Failure::Usage(
                    "MINTLIFY_API_KEY is not set (or use --api-key-stdin, or --fake to try it)"
                        .to_owned(),
                ));
            }
        }
    };
    let project = global.project.as_deref().ok_or_else(|| {
        Failure::Usage("no project: set MINTLIFY_PROJECT_ID or --project".to_owned())
    })?;
    let project = input::id(project, "the project id (--project or MINTLIFY_PROJECT_ID)")?;
    let mut builder = Client::builder()
        .api_key(key)
        .project_id(project)
        // Mintlify's own limit, counted before sending: only a long-running `mcp` can reach it.
        .client_side_budget(HOURLY_BUDGET);
    if let Some(base_url) = &global.base_url {
        builder = builder.base_url(base_url);
    }
    if global.allow_insecure_http {
        builder = builder.allow_insecure_http();
        if global
            .base_url
            .as_deref()
            .is_some_and(|url| url.trim().to_ascii_lowercase().starts_with("http://"))
        {
            let warning = "warning: --allow-insecure-http: the API key goes to the server in \
                           clear text over plain http";
            if printer.json {
                err_line(&terminal::json(&serde_json::json!({ "warning": warning })));
            } else {
                printer.note(warning);
            }
        }
    }
    let client = builder.build().map_err(|error| match error {
        BuildError::InvalidBaseUrl { .. } => Failure::Usage(format!(
            "{error} (here: --allow-insecure-http or MINTLIFY_ALLOW_INSECURE_HTTP=1)"
        )),
        error => Failure::from(error),
    })?;
    Ok((client, None, WaitOptions::default()))
}

/// A client against the test kit's server, started in-process, with jobs that take 2 s.
#[cfg(feature = "fake")]
async fn fake() -> Result<(Client, Option<FakeServer>, WaitOptions), Failure> {
    use std::time::Duration;

    use mintlify_agent_testkit::{JobLifecycle, TestServer};

    let server = TestServer::builder()
        .lifecycle(JobLifecycle {
            polls: None,
            after: Some(Duration::from_secs(2)),
        })
        .frame_delay(Duration::from_millis(20))
        .start()
        .await
        .map_err(|e| Failure::Usage(format!("cannot start the fake server: {e}")))?;
    let client = Client::builder()
        .api_key(server.api_key())
        .project_id(server.project_id())
        .base_url(server.base_url())
        .client_side_budget(HOURLY_BUDGET)
        .build()?;
    let wait = WaitOptions::default()
        .first_delay(Duration::from_millis(250))
        .max_delay(Duration::from_secs(1));
    Ok((client, Some(server), wait))
}

/// Without the `fake` feature there is no server to start.
#[cfg(not(feature = "fake"))]
async fn fake() -> Result<(Client, Option<FakeServer>, WaitOptions), Failure> {
    Err(Failure::Usage(
        "--fake is not available: this mintlify-agent was built without the `fake` feature \
         (cargo install with --features fake)"
            .to_owned(),
    ))
}
