#!/usr/bin/env bash
# `mintlify-agent --fake mcp --http` against the official MCP conformance suite
# (@modelcontextprotocol/conformance, pinned with the Node 22 it runs on in .ci/conformance: run
# `npm ci` there first). The scenarios that apply to a server with tools and nothing else (no
# resources, prompts, logging, completions, sampling or elicitation; the tools-call-* scenarios
# call tools of the suite's own example server): each must pass with no failure and no warning.
# Everything stays on 127.0.0.1.
#
# Usage: .ci/mcp_conformance.sh PATH/TO/mintlify-agent
set -euo pipefail
binary=$1
here=$(cd "$(dirname "$0")" && pwd)
node="$here/conformance/node_modules/.bin/node"
suite="$here/conformance/node_modules/@modelcontextprotocol/conformance/dist/index.js"
scenarios=(
  server-initialize
  ping
  tools-list
  dns-rebinding-protection
  server-sse-polling
  server-sse-multiple-streams
)

log=$(mktemp)
# --conformance-tools adds test_reconnection, which server-sse-polling calls.
"$binary" --fake mcp --http 127.0.0.1:0 --conformance-tools 2>"$log" &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -f "$log"' EXIT
url=
for _ in $(seq 200); do
  url=$(grep -o 'http://[^ ]*/mcp' "$log" || true)
  [ -n "$url" ] && break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "the server did not start:" >&2
  cat "$log" >&2
  exit 1
fi

failed=0
for scenario in "${scenarios[@]}"; do
  out=$("$node" "$suite" server --url "$url" --scenario "$scenario" 2>&1 | sed 's/\x1b\[[0-9;]*m//g') || true
  summary=$(printf '%s\n' "$out" | grep -E '^Passed: ' | tail -n 1 || true)
  if [[ "$summary" =~ ^Passed:\ ([0-9]+)/([0-9]+),\ 0\ failed,\ 0\ warnings$ ]] &&
    [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]; then
    echo "  $scenario: $summary"
  else
    echo "  $scenario: ${summary:-no result}" >&2
    printf '%s\n' "$out" | tail -n 40 >&2
    failed=1
  fi
done
if [ "$failed" = 0 ]; then
  echo "mcp conformance: ${#scenarios[@]} scenarios, every check passed, no warning"
fi
exit "$failed"
