#!/usr/bin/env bash
# The npm packages, the PyPI wheel and the MCPB bundle that `cargo xtask dist` wrote, tested as
# a user gets them: copied into an empty temporary folder with no checkout beside it, the npm
# packages published to a registry on 127.0.0.1 with no uplink (verdaccio, offline) and run with
# `npx -y` from an empty cache, the wheel installed into a fresh venv and run with `uvx`, the
# bundle unpacked by the MCPB CLI and its binary run as its manifest says. Each answers
# --version with the release's version, runs `--fake job create … --wait` to a pull request and
# serves `mcp` to the official Python MCP client (.ci/mcp_client.py). Prints sizes and timings.
#
# Usage: .ci/packages/test.sh DIST_DIR   (target/dist-artifacts; the MCPB CLI is taken from the
# dist-tools folder beside it, where `cargo xtask dist` installed it)
set -euo pipefail

ci=$(cd "$(dirname "$0")/.." && pwd)
dist=$(cd "${1:?usage: $0 DIST_DIR}" && pwd)
python=$ci/.venv/bin/python
client=$ci/mcp_client.py
mcpb_cli=$dist/../dist-tools/mcpb/node_modules/@anthropic-ai/mcpb/dist/cli/cli.js

passed=0
pass() { passed=$((passed + 1)); printf '  ok  %s\n' "$*"; }
fail() { printf '  FAIL  %s\n' "$*" >&2; printf 'packages: %d passed, 1 failed\n' "$passed"; exit 1; }
now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$(now)"; }
# json FILE EXPR [ARG...]: EXPR of the file's JSON `v` (ARGs in sys.argv[3:]).
json() { python3 -c "import json, sys; v = json.load(open(sys.argv[1])); print(eval(sys.argv[2], {'v': v, 'sys': sys}))" "$@"; }

started=$(now)
(cd "$ci/packages" && npm ci --silent --no-audit --no-fund)
"$ci/.venv/bin/pip" install --quiet --disable-pip-version-check "uv==0.13.9"
tools_time=$(since "$started")

work=$(mktemp -d)
registry_pid=
cleanup() {
  [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir "$work/artifacts"
cp "$dist"/*.tgz "$dist"/*.whl "$dist"/*.mcpb "$dist"/server.json "$dist"/mintlify-agent-cli-*.tar.gz "$work/artifacts/"
cd "$work"
artifacts=$work/artifacts
name=$(json artifacts/server.json 'v["name"]')
version=$(json artifacts/server.json 'v["version"]')
pypi_version=$(json artifacts/server.json '[p["version"] for p in v["packages"] if p["registryType"] == "pypi"][0]')
main_tgz=$artifacts/mintlify-agent-$version.tgz
platform_tgz=$(ls "$artifacts"/*-cli-*-"$version".tgz)
wheel=$(ls "$artifacts"/mintlify_agent-"$pypi_version"-*.whl)
bundle=$(ls "$artifacts"/*.mcpb)
printf 'release %s (PyPI %s), registry name %s\n' "$version" "$pypi_version" "$name"

# What a user's command must show: the version, and a fake job that reaches a pull request.
expect_version() { # LABEL COMMAND...
  local label=$1 out
  shift
  out=$("$@" --version) || fail "$label --version exited $?"
  [ "$out" = "mintlify-agent $version" ] || fail "$label --version printed '$out'"
  pass "$label --version: $out"
}
expect_pull_request() { # LABEL COMMAND...
  local label=$1 out
  shift
  out=$("$@" --fake job create "Add a quickstart" --wait) || fail "$label job create exited $?"
  [[ $out == *"completed  https://github.com/"*"/pull/"* ]] || fail "$label job create printed '$out'"
  pass "$label --fake job create --wait: $out"
}
expect_mcp() { # LABEL COMMAND...
  local label=$1 out
  shift
  out=$("$python" "$client" "$@") || fail "$label mcp: $out"
  pass "$label mcp: $(tr '\n' ' ' <<<"$out")"
  first_list=$(sed -n 's/^stdio: the first tools\/list answered \([0-9.]*\) s.*/\1/p' <<<"$out")
}

step() { printf '\n-- %s\n' "$*"; }

step "the ownership markers agree with server.json's name, the versions with its version"
[ "$(tar -xzOf "$main_tgz" package/package.json | json /dev/stdin 'v["mcpName"]')" = "$name" ] \
  || fail "npm mcpName is not $name"
pass "npm package.json: mcpName $name"
tar -xzOf "$main_tgz" package/package.json \
  | json /dev/stdin 'all(x == sys.argv[3] for x in v["optionalDependencies"].values()) or sys.exit("optional dependencies at another version")' "$version" >/dev/null \
  || fail "the main package's platform packages are not all at $version"
metadata=$(unzip -p "$wheel" "mintlify_agent-$pypi_version.dist-info/METADATA")
grep -qx "Version: $pypi_version" <<<"$metadata" || fail "the wheel's METADATA has no Version: $pypi_version"
grep -qF "mcp-name: $name" <<<"$metadata" || fail "the wheel's description has no mcp-name: $name"
pass "wheel METADATA: Version $pypi_version, mcp-name: $name"
binary_sha() { sha256sum | cut -d' ' -f1; }
npm_sha=$(tar -xzOf "$platform_tgz" package/bin/mintlify-agent | binary_sha)
wheel_sha=$(unzip -p "$wheel" "mintlify_agent-$pypi_version.data/scripts/mintlify-agent" | binary_sha)
bundle_sha=$(unzip -p "$bundle" server/mintlify-agent | binary_sha)
archive=$(ls "$artifacts"/mintlify-agent-cli-*.tar.gz)
archive_sha=$(tar -xzOf "$archive" --wildcards '*/mintlify-agent' | binary_sha)
[ "$npm_sha" = "$wheel_sha" ] && [ "$npm_sha" = "$bundle_sha" ] && [ "$npm_sha" = "$archive_sha" ] \
  || fail "the binaries differ: archive $archive_sha, npm $npm_sha, wheel $wheel_sha, bundle $bundle_sha"
pass "one binary in the archive, the npm package, the wheel and the bundle: sha256 $npm_sha"

step "npm: published to verdaccio on 127.0.0.1 (no uplink), run with npx -y from an empty cache"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
registry=http://127.0.0.1:$port/
mkdir -p verdaccio
cat >verdaccio/config.yaml <<EOF
storage: ./storage
uplinks: {}
packages:
  '**':
    access: \$all
    publish: \$all
max_body_size: 200mb
listen: 127.0.0.1:$port
log: { type: stdout, format: pretty, level: warn }
EOF
"$ci/packages/node_modules/.bin/verdaccio" --config verdaccio/config.yaml >verdaccio/log 2>&1 &
registry_pid=$!
for _ in $(seq 100); do
  curl -fsS "${registry}-/ping" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "${registry}-/ping" >/dev/null || fail "verdaccio did not start: $(cat verdaccio/log)"
# A user's npm: this registry, an empty cache, no config of the machine's.
printf 'registry=%s\n//127.0.0.1:%s/:_authToken=ci-local\n' "$registry" "$port" >npmrc
: >npmrc-global
export npm_config_userconfig=$work/npmrc npm_config_globalconfig=$work/npmrc-global
export npm_config_cache=$work/npm-cache npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# The release workflow's own npm step (.github/workflows/publish-packages.yml), its script run
# as it is: the platform package, then the main one; run again, it publishes nothing.
"$python" - "$ci/../.github/workflows/publish-packages.yml" >publish-npm.sh <<'EOF'
import sys, yaml
steps = yaml.safe_load(open(sys.argv[1]))["jobs"]["npm"]["steps"]
print(next(s["run"] for s in steps if s.get("name") == "npm publish"))
EOF
mkdir -p publish/packages
cp "$platform_tgz" "$main_tgz" publish/packages/
first=$(cd publish && bash ../publish-npm.sh 2>&1) || fail "the workflow's npm step: $first"
[ "$(grep -c ' published$' <<<"$first")" = 2 ] || fail "the workflow's npm step published: $first"
second=$(cd publish && bash ../publish-npm.sh 2>&1) || fail "the workflow's npm step, again: $second"
[ "$(grep -c ' is on npm already$' <<<"$second")" = 2 ] && ! grep -q ' published$' <<<"$second" \
  || fail "the workflow's npm step, run again: $second"
pass "published $(basename "$platform_tgz") and $(basename "$main_tgz") to $registry with the release workflow's npm step; run again, it skipped both"
mkdir npx && cd npx
t=$(now)
expect_version "npx (empty cache)" npx -y "mintlify-agent@$version"
npx_cold=$(since "$t")
expect_pull_request npx npx -y "mintlify-agent@$version"
expect_mcp "npx (cached)" npx -y "mintlify-agent@$version"
npx_warm_list=$first_list
rm -rf "$npm_config_cache"
expect_mcp "npx (empty cache)" npx -y "mintlify-agent@$version"
npx_cold_list=$first_list
cd "$work"

step "npm: the launcher passes exit codes and signals through"
mkdir installed && cd installed
npm install --silent "mintlify-agent@$version"
launcher=$PWD/node_modules/.bin/mintlify-agent
code=0
"$launcher" job wait >/dev/null 2>&1 || code=$?
[ "$code" = 2 ] || fail "a usage error exited $code through the launcher, not 2"
pass "a usage error exits 2 through the launcher"
for signal in TERM INT; do
  # (A background job of a script starts with SIGINT ignored; node's handler replaces that.)
  "$launcher" --fake mcp --http 127.0.0.1:0 2>"$signal.log" &
  launcher_pid=$!
  for _ in $(seq 100); do grep -q 'http://' "$signal.log" && break; sleep 0.1; done
  server_pid=$(pgrep -P "$launcher_pid" || true)
  [ -n "$server_pid" ] || fail "no server under the launcher: $(cat "$signal.log")"
  kill -s "$signal" "$launcher_pid"
  code=0
  wait "$launcher_pid" || code=$?
  # SIGTERM ends the server by the signal (143 as the shell reports it); it stops on SIGINT
  # with its own 130. The launcher ends the same way.
  want=$([ "$signal" = TERM ] && echo 143 || echo 130)
  [ "$code" = "$want" ] || fail "SIG$signal: the launcher exited $code, not $want"
  ! kill -0 "$server_pid" 2>/dev/null || fail "SIG$signal: the server $server_pid is still running"
  pass "SIG$signal to the launcher reaches the server; both end with $code"
done
cd "$work"

step "npm: without the platform package, a clear error"
mkdir omitted && cd omitted
npm install --silent --omit=optional "mintlify-agent@$version"
code=0
out=$(node_modules/.bin/mintlify-agent --version 2>&1) || code=$?
[ "$code" = 127 ] || fail "--omit=optional: exit $code, not 127: $out"
host=$(node -p 'process.platform + "-" + process.arch')
[[ $out == *"($host)"*"--omit=optional"*"pipx install mintlify-agent"*"releases/tag/v$version"* ]] \
  || fail "--omit=optional: the error does not name the platform and the other ways: $out"
pass "--omit=optional: exit 127, $(head -c 120 <<<"$out")…"
printf 'Object.defineProperty(process, "arch", { value: "riscv64" });\n' >riscv64.js
code=0
out=$(NODE_OPTIONS="--require $PWD/riscv64.js" "$launcher" --version 2>&1) || code=$?
[ "$code" = 127 ] && [[ $out == *"no prebuilt binary for this platform (linux-riscv64)"*"cargo install"* ]] \
  || fail "an unsupported platform: exit $code: $out"
pass "an unsupported platform (linux-riscv64): exit 127, names it and the other ways"
cd "$work"

step "PyPI: the wheel in a fresh venv, and uvx from an empty cache"
python3 -m venv venv
venv/bin/pip install --quiet --disable-pip-version-check --no-index "$wheel"
expect_version "pip" venv/bin/mintlify-agent
expect_pull_request "pip" venv/bin/mintlify-agent
expect_mcp "pip" venv/bin/mintlify-agent
uvx=("$ci/.venv/bin/uvx" --no-index --find-links "$artifacts" --from "mintlify-agent==$pypi_version" mintlify-agent)
export UV_CACHE_DIR=$work/uv-cache UV_NO_CONFIG=1 UV_PYTHON_DOWNLOADS=never
t=$(now)
expect_version "uvx (empty cache)" "${uvx[@]}"
uvx_cold=$(since "$t")
expect_pull_request "uvx" "${uvx[@]}"
expect_mcp "uvx (cached)" "${uvx[@]}"
uvx_warm_list=$first_list
rm -rf "$UV_CACHE_DIR"
expect_mcp "uvx (empty cache)" "${uvx[@]}"
uvx_cold_list=$first_list

step "MCPB: the bundle unpacked, its binary run as the manifest says"
node "$mcpb_cli" unpack "$bundle" bundle >/dev/null
node "$mcpb_cli" validate bundle/manifest.json >/dev/null || fail "the unpacked manifest does not validate"
manifest=bundle/manifest.json
[ "$(json $manifest 'v["version"]')" = "$version" ] || fail "the manifest's version is not $version"
[ "$(json $manifest 'v["user_config"]["api_key"]["sensitive"]')" = True ] || fail "the key is not sensitive"
[ "$(json $manifest '",".join(t["name"] for t in v["tools"])')" = \
  "create_job,get_job,send_message,wait_for_job,auth_check,list_sessions,get_session" ] \
  || fail "the manifest's tools: $(json $manifest 'v["tools"]')"
pass "manifest 0.3 validates: version $version, the key sensitive, 7 tools"
command=$(json $manifest 'v["server"]["mcp_config"]["command"]')
command=${command//\$\{__dirname\}/$work/bundle}
[ "$(json $manifest 'v["server"]["mcp_config"]["args"]')" = "['mcp']" ] || fail "the bundle's args"
[ -x "$command" ] || fail "$command is not an executable file"
expect_version "mcpb" "$command"
expect_pull_request "mcpb" "$command"
expect_mcp "mcpb" "$command"

step "sizes and times"
for file in "$artifacts"/*; do
  printf '  %-60s %10d bytes  %6.1f MiB\n' "$(basename "$file")" "$(stat -c %s "$file")" \
    "$(python3 -c "import sys; print(int(sys.argv[1]) / 1048576)" "$(stat -c %s "$file")")"
done
printf '  the binary unpacked: %d bytes\n' "$(stat -c %s "$command")"
printf '  npx -y mintlify-agent --version, empty cache: %s s; uvx, empty cache: %s s\n' "$npx_cold" "$uvx_cold"
printf '  start of mcp to its first tools/list: npx %s s (empty cache), %s s (cached); uvx %s s (empty cache), %s s (cached)\n' \
  "$npx_cold_list" "$npx_warm_list" "$uvx_cold_list" "$uvx_warm_list"
printf '  tools (npm ci verdaccio, pip install uv): %s s; this script: %s s\n' "$tools_time" "$(since "$started")"
printf 'packages: %d passed, 0 failed\n' "$passed"
