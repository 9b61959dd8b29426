#!/usr/bin/env bash
# What the sandbox adds to a call (docs/BENCHMARKS.md): `claude --version` through a sandboxed profile
# and through an unsandboxed one, side by side (hyperfine, alternating), with the real Claude Code CLI
# that ./build.sh test installs into .tools/. --version starts claude and ends without an API call, so
# the difference is bubblewrap's set-up (namespaces, mounts, the session helper) and nothing else.
# Needs the jars (./build.sh package), bubblewrap and hyperfine.
#
#   bench/sandbox.sh [--runs N]    (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=30
[ "${1:-}" = --runs ] && runs=$2

fail() { echo "bench/sandbox.sh: $*" >&2; exit 1; }
claude=$(pwd)/.tools/claude-code/node_modules/.bin/claude
[ -x "$claude" ] || fail "the real CLI is missing: run ./build.sh test once (it installs it into .tools/)"
command -v bwrap >/dev/null || fail "bubblewrap is needed (apt-get install bubblewrap)"
command -v hyperfine >/dev/null || fail "hyperfine is needed (apt-get install hyperfine)"
[ -f client/target/claude-bridge-client.jar ] && [ -f daemon/target/claude-bridge.jar ] \
  || fail "the jars are missing: run ./build.sh package first"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cb-sbx.XXXXXX")
pids=()
cleanup() {
  local p i
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for i in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$tmp/ws"
# start NAME PROFILE_YAML: a daemon of its own whose default profile is PROFILE_YAML
start() {
  local name=$1 sock=$tmp/$1.sock
  mkdir -p "$tmp/$name"
  printf 'profiles: { default: %s }\n' "$2" >"$tmp/$name/config.yaml"
  ANTHROPIC_API_KEY=sk-ant-api03-bench-placeholder bin/claude-bridge serve --socket "$sock" --claude "$claude" \
    --map "$tmp/ws=$tmp/ws" --config "$tmp/$name/config.yaml" --audit-log "$tmp/$name/audit.log" --admin-listen off \
    >"$tmp/$name/daemon.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 300); do
    [ -S "$sock" ] && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || fail "the $name daemon exited: $(cat "$tmp/$name/daemon.log")"
    sleep 0.05
  done
  fail "the $name daemon did not listen within 15 s"
}
start sandboxed '{ sandbox: on }'
start open '{}'

cd "$tmp/ws"
export CLAUDE_BRIDGE_CACHE=$tmp/cache
client=$OLDPWD/bin/claude
echo "claude-bridge sandbox start-up, $(date -u '+%Y-%m-%d %H:%M UTC'); nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine -N -w 3 -r "$runs" --style basic \
  -n sandboxed "env CLAUDE_BRIDGE_SOCKET=$tmp/sandboxed.sock $client --version" \
  -n unsandboxed "env CLAUDE_BRIDGE_SOCKET=$tmp/open.sock $client --version" \
  -n direct "$claude --version"
