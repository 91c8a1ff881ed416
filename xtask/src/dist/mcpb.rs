//! MCPB: a bundle per platform (`mintlify-agent-<triple>.mcpb`) that Claude Desktop installs in
//! one click: manifest 0.3, a `binary` server with the binary inside, and the key asked for as
//! a sensitive user setting (kept in the OS keychain by the host), the project id beside it.
//!
//! The manifest's tool list is what the built binary answers to `tools/list` (`--fake mcp`,
//! over stdio), so it cannot drift from the server. `@anthropic-ai/mcpb` (pinned with its
//! lockfile in `mcpb/`, installed with `npm ci` into `target/dist-tools/mcpb/`) validates the
//! manifest and packs the bundle.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

use super::npm::{Platform, npm};
use super::{BINARY, DistError, Release, stage};

/// The pinned MCPB CLI and its lockfile.
const TOOL_PACKAGE: &str = include_str!("mcpb/package.json");
const TOOL_LOCK: &str = include_str!("mcpb/package-lock.json");

/// How long the built server may take to list its tools.
const TOOLS_DEADLINE: Duration = Duration::from_secs(30);

/// The bundle's file name: `mintlify-agent-<triple>.mcpb`, beside the archives.
pub fn bundle_name(release: &Release) -> String {
    format!("{BINARY}-{}.mcpb", release.target)
}

/// The bundle's `manifest.json`, with `tools` as the server lists them.
pub fn manifest(release: &Release, platform: &Platform, tools: Vec<Value>) -> Value {
    let entry = format!("server/{}", platform.binary_name());
    json!({
        "manifest_version": "0.3",
        "name": BINARY,
        "display_name": "Mintlify agent",
        "version": release.version,
        "description": "Hand documentation work to Mintlify's agent: start a job, follow up, \
                        wait for the pull request",
        "long_description": "Lets the assistant ask Mintlify's agent to edit your documentation \
                             repository and open a pull request: create a job from a prompt, send \
                             follow-ups, wait for it to finish and read the pull request link. \
                             Needs a Mintlify admin API key and the project id.",
        "author": { "name": release.owner, "url": format!("https://github.com/{}", release.owner) },
        "repository": { "type": "git", "url": release.repository },
        "homepage": release.repository,
        "documentation": format!("{}#readme", release.repository),
        "support": format!("{}/issues", release.repository),
        "license": "MIT OR Apache-2.0",
        "keywords": ["mintlify", "documentation", "pull request", "agent"],
        "server": {
            "type": "binary",
            "entry_point": entry,
            "mcp_config": {
                "command": format!("${{__dirname}}/{entry}"),
                "args": ["mcp"],
                "env": {
                    "MINTLIFY_API_KEY": "${user_config.api_key}",
                    "MINTLIFY_PROJECT_ID": "${user_config.project_id}",
                },
            },
        },
        "tools": tools,
        "compatibility": { "platforms": [platform.os] },
        "user_config": {
            "api_key": {
                "type": "string",
                "title": "Mintlify admin API key",
                "description": "An admin key (mint_…) from the API keys page of the Mintlify dashboard",
                "sensitive": true,
                "required": true,
            },
            "project_id": {
                "type": "string",
                "title": "Project id",
                "description": "The Mintlify project whose documentation the agent edits",
                "required": true,
            },
        },
    })
}

/// Lays out the bundle (manifest, binary, licenses), validates it and packs it into
/// `target/dist-artifacts/`.
pub fn package(release: &Release) -> Result<Vec<PathBuf>, DistError> {
    let platform = Platform::of(&release.target)
        .ok_or_else(|| DistError::Metadata(format!("no MCPB platform for {}", release.target)))?;
    let tools = listed_tools(&release.binary)?;
    let stage = stage::dir(release, "mcpb")?;
    let manifest = manifest(release, &platform, tools);
    let text = serde_json::to_string_pretty(&manifest).expect("a JSON value serializes") + "\n";
    stage::write(&stage.join("manifest.json"), text.as_bytes())?;
    stage::copy_executable(
        &release.binary,
        &stage.join("server").join(platform.binary_name()),
    )?;
    for license in ["LICENSE-MIT", "LICENSE-APACHE"] {
        let from = release.root.join(license);
        std::fs::copy(&from, stage.join(license)).map_err(DistError::io(&from))?;
    }

    let cli = install_cli(release)?;
    stage::run(
        Command::new("node")
            .arg(&cli)
            .arg("validate")
            .arg(stage.join("manifest.json")),
    )?;
    let bundle = release.out_dir.join(bundle_name(release));
    stage::run(
        Command::new("node")
            .arg(&cli)
            .arg("pack")
            .arg(&stage)
            .arg(&bundle),
    )?;
    Ok(vec![bundle])
}

/// Installs the pinned MCPB CLI (once) and returns its script.
fn install_cli(release: &Release) -> Result<PathBuf, DistError> {
    let dir = release.out_dir.with_file_name("dist-tools").join("mcpb");
    let cli = dir.join("node_modules/@anthropic-ai/mcpb/dist/cli/cli.js");
    let lock = dir.join("package-lock.json");
    let current = std::fs::read_to_string(&lock).is_ok_and(|text| text == TOOL_LOCK);
    if !(current && cli.is_file()) {
        stage::write(&dir.join("package.json"), TOOL_PACKAGE.as_bytes())?;
        stage::write(&lock, TOOL_LOCK.as_bytes())?;
        stage::run(Command::new(npm()).current_dir(&dir).args([
            "ci",
            "--silent",
            "--no-audit",
            "--no-fund",
        ]))?;
    }
    Ok(cli)
}

/// The tools the binary serves, as the manifest lists them (`name`, `description`): asked over
/// stdio with `--fake mcp`, so that no key is needed.
pub fn listed_tools(binary: &Path) -> Result<Vec<Value>, DistError> {
    let failed = |detail: String| DistError::Command {
        command: format!("{} --fake mcp (tools/list)", binary.display()),
        detail,
    };
    let mut child = Command::new(binary)
        .args(["--fake", "mcp"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| failed(e.to_string()))?;
    let requests = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {},
            "clientInfo": {"name": "cargo-xtask-dist", "version": "0"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}),
    ];
    let mut stdin = child.stdin.take().expect("stdin is piped");
    for request in &requests {
        writeln!(stdin, "{request}").map_err(|e| failed(e.to_string()))?;
    }
    let stdout = child.stdout.take().expect("stdout is piped");
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let Ok(message) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            if message["id"] == 2 {
                let _ = sender.send(message);
                break;
            }
        }
    });
    let answer = receiver.recv_timeout(TOOLS_DEADLINE);
    drop(stdin);
    let _ = child.kill();
    let _ = child.wait();
    let answer = answer.map_err(|_| {
        failed(format!(
            "no answer to tools/list within {}s",
            TOOLS_DEADLINE.as_secs()
        ))
    })?;
    tools_of(&answer).map_err(failed)
}

/// `name` and `description` of each tool in a `tools/list` answer.
fn tools_of(answer: &Value) -> Result<Vec<Value>, String> {
    let tools = answer["result"]["tools"]
        .as_array()
        .filter(|tools| !tools.is_empty())
        .ok_or_else(|| format!("tools/list answered {answer}"))?;
    tools
        .iter()
        .map(
            |tool| match (tool["name"].as_str(), tool["description"].as_str()) {
                (Some(name), Some(description)) => {
                    Ok(json!({ "name": name, "description": description }))
                }
                _ => Err(format!("a tool without a name or description: {tool}")),
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::stage::test_release;

    #[test]
    fn the_manifest_asks_for_the_key_as_a_secret_and_runs_the_bundled_binary() {
        let release = test_release("x86_64-pc-windows-msvc");
        let platform = Platform::of(&release.target).unwrap();
        let manifest = manifest(&release, &platform, vec![json!({"name": "get_job"})]);
        assert_eq!(manifest["manifest_version"], "0.3");
        assert_eq!(manifest["server"]["type"], "binary");
        assert_eq!(
            manifest["server"]["entry_point"],
            "server/mintlify-agent.exe"
        );
        assert_eq!(
            manifest["server"]["mcp_config"]["command"],
            "${__dirname}/server/mintlify-agent.exe"
        );
        assert_eq!(manifest["server"]["mcp_config"]["args"], json!(["mcp"]));
        assert_eq!(manifest["user_config"]["api_key"]["sensitive"], true);
        assert_eq!(manifest["user_config"]["project_id"].get("sensitive"), None);
        let env = &manifest["server"]["mcp_config"]["env"];
        assert_eq!(env["MINTLIFY_API_KEY"], "${user_config.api_key}");
        assert_eq!(env["MINTLIFY_PROJECT_ID"], "${user_config.project_id}");
        // An empty MINTLIFY_BASE_URL is an error for the CLI: the bundle never sets it.
        assert_eq!(env.get("MINTLIFY_BASE_URL"), None);
        assert_eq!(manifest["compatibility"]["platforms"], json!(["win32"]));
        assert_eq!(
            bundle_name(&release),
            "mintlify-agent-x86_64-pc-windows-msvc.mcpb"
        );
    }

    #[test]
    fn tools_are_taken_from_the_answer_or_refused() {
        let answer = json!({"id": 2, "result": {"tools": [
            {"name": "create_job", "description": "Start a job", "inputSchema": {}},
        ]}});
        assert_eq!(
            tools_of(&answer).unwrap(),
            [json!({"name": "create_job", "description": "Start a job"})]
        );
        for bad in [
            json!({"id": 2, "error": {"code": -32601}}),
            json!({"id": 2, "result": {"tools": []}}),
            json!({"id": 2, "result": {"tools": [{"name": "x"}]}}),
        ] {
            assert!(tools_of(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_pinned_cli_is_locked() {
        let package: Value = serde_json::from_str(TOOL_PACKAGE).unwrap();
        let lock: Value = serde_json::from_str(TOOL_LOCK).unwrap();
        let pinned = &package["dependencies"]["@anthropic-ai/mcpb"];
        assert_eq!(
            lock["packages"]["node_modules/@anthropic-ai/mcpb"]["version"],
            *pinned
        );
    }
}
