//! The stdio transport: JSON-RPC, one message a line, on standard input and output.
//!
//! rmcp answers a line that is JSON but not a JSON-RPC message with an error, and drops one
//! that is not JSON at all without a word. JSON-RPC 2.0 asks for a parse error (-32700, id
//! null) there, so that a client (or a person trying it by hand) learns what happened: the
//! lines pass through here first, and those answers are written between rmcp's own lines.

use std::io;

use futures::StreamExt;
use rmcp::ServiceExt;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tokio_util::bytes::Bytes;
use tokio_util::codec::{AnyDelimiterCodec, AnyDelimiterCodecError, FramedRead};

use super::server::Server;

/// The longest line read (rmcp's own limit): a longer one is answered with an error and
/// skipped.
const MAX_LINE: usize = 16 * 1024 * 1024;

/// Serves `server` on standard input and output until standard input ends.
pub(super) async fn serve(server: Server) -> io::Result<()> {
    serve_on(server, tokio::io::stdin(), tokio::io::stdout()).await
}

/// Serves `server` on `input` and `output`.
async fn serve_on(
    server: Server,
    input: impl tokio::io::AsyncRead + Unpin + Send + 'static,
    mut output: impl tokio::io::AsyncWrite + Unpin + Send + 'static,
) -> io::Result<()> {
    let (rmcp_side, our_side) = tokio::io::duplex(1 << 16);
    let (from_rmcp, mut to_rmcp) = tokio::io::split(our_side);
    let (lines, mut outgoing) = mpsc::channel::<Bytes>(64);

    // Standard output: whole lines only, from rmcp or from the parse check.
    let writer = tokio::spawn(async move {
        while let Some(line) = outgoing.recv().await {
            output.write_all(&line).await?;
            output.flush().await?;
        }
        io::Result::Ok(())
    });

    // rmcp's output, line by line.
    let rmcp_lines = lines.clone();
    let reader = tokio::spawn(async move {
        let mut from_rmcp = BufReader::new(from_rmcp);
        loop {
            let mut line = Vec::new();
            if from_rmcp.read_until(b'\n', &mut line).await? == 0 {
                return io::Result::Ok(());
            }
            if rmcp_lines.send(Bytes::from(line)).await.is_err() {
                return Ok(());
            }
        }
    });

    // Standard input, checked line by line.
    let checker = tokio::spawn(async move {
        let codec = AnyDelimiterCodec::new_with_max_length(b"\n".to_vec(), Vec::new(), MAX_LINE);
        let mut input = FramedRead::new(input, codec);
        while let Some(frame) = input.next().await {
            let answer = match frame {
                Ok(line) => {
                    let line = line.strip_suffix(b"\r").unwrap_or(&line);
                    if line.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    match serde_json::from_slice::<serde::de::IgnoredAny>(line) {
                        Ok(_) => {
                            to_rmcp.write_all(line).await?;
                            to_rmcp.write_all(b"\n").await?;
                            continue;
                        }
                        Err(error) => error_line(-32700, &format!("Parse error: {error}")),
                    }
                }
                Err(AnyDelimiterCodecError::MaxChunkLengthExceeded) => error_line(
                    -32600,
                    &format!("Invalid Request: a line of more than {MAX_LINE} bytes, skipped"),
                ),
                Err(AnyDelimiterCodecError::Io(error)) => return Err(error),
            };
            if lines.send(answer).await.is_err() {
                break;
            }
        }
        // End of input: rmcp sees the end of its own, and stops.
        to_rmcp.shutdown().await
    });

    let served = match server.serve(rmcp_side).await {
        Ok(running) => running
            .waiting()
            .await
            .map(|_| ())
            .map_err(io::Error::other),
        // Input ended (or broke) before a session began: nothing to serve.
        Err(_) => Ok(()),
    };
    checker.abort();
    // The channel closes once the reader has passed on rmcp's last line.
    let _ = reader.await;
    let _ = writer.await;
    served
}

/// A JSON-RPC error response without an id (the request's could not be read).
fn error_line(code: i32, message: &str) -> Bytes {
    let mut line = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": { "code": code, "message": message },
    })
    .to_string();
    line.push('\n');
    Bytes::from(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_line_is_one_line_of_json_rpc() {
        let line = error_line(-32700, "Parse error: \"quoted\"\nnewline");
        assert_eq!(line.iter().filter(|b| **b == b'\n').count(), 1);
        let value: serde_json::Value =
            serde_json::from_slice(&line).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(value["error"]["code"], -32700);
        assert!(value["id"].is_null());
    }
}
