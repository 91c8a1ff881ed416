//! Start a v1 run and print it as it streams: the agent's text, its tool calls, and how it ended.
//!
//! ```sh
//! cargo run -p mintlify-agent --example stream_live -- "Fix the broken links"
//! ```

use std::io::Write;

use futures::StreamExt;
use mintlify_agent::Client;
use mintlify_agent::stream::AgentEvent;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let task = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "Fix the broken links".to_owned());
    let client = Client::from_env()?;
    let mut run = client.v1().run(task).await?;
    println!(
        "session {:?} on branch {:?}",
        run.session_id(),
        run.branch()
    );
    let mut stdout = std::io::stdout().lock();
    while let Some(event) = run.next().await {
        match event {
            Ok(AgentEvent::TextDelta { delta, .. }) => write!(stdout, "{delta}")?,
            Ok(AgentEvent::ToolInputAvailable {
                tool_name,
                input: Some(input),
                ..
            }) => writeln!(stdout, "\n[{tool_name}] {}", input.get())?,
            Ok(AgentEvent::Finish { finish_reason, .. }) => {
                writeln!(stdout, "\n(finished: {finish_reason:?})")?
            }
            Ok(_) => {}
            // A chunk that did not decode is skipped; the run goes on.
            Err(error) => eprintln!("\nskipped: {error}"),
        }
        stdout.flush()?;
    }
    Ok(())
}
