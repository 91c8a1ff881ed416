//! Runs the local Mintlify agent server by hand:
//! `cargo run -p mintlify-agent-testkit -- --port 8080`.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use clap::Parser;
use std::time::Duration;

use mintlify_agent_testkit::{JobLifecycle, TestServer};

/// A local Mintlify agent API server for tests and demos.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// The port to listen on (0: any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The address to listen on; anything but loopback exposes the server to the network.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// An admin key to accept (repeat for several); without one, the default test key is used.
    #[arg(long = "key", value_name = "KEY")]
    keys: Vec<String>,
    /// Extra bytes of text to stream in every v1 run (for long-stream tests).
    #[arg(long, value_name = "BYTES", default_value_t = 0)]
    stream_padding: u64,
    /// Creations and messages allowed per project per rolling hour (Mintlify's is 100).
    #[arg(long, value_name = "N", default_value_t = 100)]
    rate_limit: usize,
    /// v2 jobs finish this many seconds after they start, instead of on their third poll.
    #[arg(long, value_name = "SECONDS")]
    job_seconds: Option<f64>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut builder = TestServer::builder()
        .bind(SocketAddr::new(args.host, args.port))
        .stream_padding(args.stream_padding)
        .rate_limit(args.rate_limit);
    if let Some(seconds) = args.job_seconds {
        let Ok(after) = Duration::try_from_secs_f64(seconds) else {
            eprintln!("error: --job-seconds must be a number of seconds, not {seconds}");
            return ExitCode::from(2);
        };
        builder = builder.lifecycle(JobLifecycle {
            polls: None,
            after: Some(after),
        });
    }
    for key in args.keys {
        builder = builder.key(key);
    }
    let server = match builder.start().await {
        Ok(server) => server,
        Err(error) => {
            eprintln!(
                "error: cannot listen on {}:{}: {error}",
                args.host, args.port
            );
            return ExitCode::FAILURE;
        }
    };
    // Written, not printed: a reader that stops reading (a script that took the URL and closed
    // the pipe) must not take the server down with a panic.
    let banner = format!(
        "Mintlify agent test server listening on {url}\n  MINTLIFY_BASE_URL={url}\n  \
         MINTLIFY_API_KEY={}\n  MINTLIFY_PROJECT_ID={}\nPress Ctrl-C to stop.\n",
        server.api_key(),
        server.project_id(),
        url = server.base_url(),
    );
    let mut stdout = std::io::stdout();
    let _ = stdout
        .write_all(banner.as_bytes())
        .and_then(|()| stdout.flush());
    let _ = tokio::signal::ctrl_c().await;
    server.shutdown().await;
    ExitCode::SUCCESS
}
