#!/usr/bin/env bash
# Keystroke round-trip benchmark (docs/BENCHMARKS.md): the time from a byte written to a terminal until
# its echo is read back, through the bridge (bin/claude on a pty, the daemon's host pty, cat) and on a
# local pty running the same program, side by side in one run. Needs the jars (./build.sh package),
# python3 and a JDK 25 for the daemon (found as bin/claude-bridge finds it).
#
#   bench/keystroke.sh [--keys N] [--warmup N] [--gap-ms MS]    (defaults: 2000, 300, 5)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

fail() { echo "bench/keystroke.sh: $*" >&2; exit 1; }
command -v python3 >/dev/null || fail "python3 is needed"
[ -f client/target/claude-bridge-client.jar ] && [ -f daemon/target/claude-bridge.jar ] \
  || fail "the jars are missing: run ./build.sh package first"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cb-keys.XXXXXX")
daemon=
cleanup() {
  local i
  if [ -n "$daemon" ]; then
    kill -TERM "$daemon" 2>/dev/null || true
    for i in $(seq 50); do kill -0 "$daemon" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$daemon" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# the program at the far end: raw mode and no echo on its own terminal, so every byte is cat's echo
cat >"$tmp/echo-raw" <<'EOF'
#!/bin/sh
stty raw -echo
printf ready
exec cat
EOF
chmod +x "$tmp/echo-raw"

# a snapshot of the build in the release layout (bin/, lib/): a rebuild during the run cannot pull a jar
# from under the running daemon
build=$tmp/build
mkdir -p "$build/bin" "$build/lib"
cp bin/claude bin/claude-bridge "$build/bin/"
cp client/target/claude-bridge-client.jar daemon/target/claude-bridge.jar "$build/lib/"
cp -R client/target/native "$build/lib/native"

# a daemon of its own: no configuration file, audit log in $tmp, no admin endpoint (where the build has them)
sock=$tmp/k.sock
help=$("$build/bin/claude-bridge" serve --help 2>&1 || true)
opts=(--socket "$sock" --claude "$tmp/echo-raw")
: >"$tmp/config.yaml"
grep -q -- --config= <<<"$help" && opts+=("--config=$tmp/config.yaml")
grep -q -- --audit-log= <<<"$help" && opts+=("--audit-log=$tmp/audit.log")
grep -q -- --admin-listen= <<<"$help" && opts+=(--admin-listen=off)
"$build/bin/claude-bridge" serve "${opts[@]}" >"$tmp/daemon.log" 2>&1 &
daemon=$!
for _ in $(seq 200); do
  [ -S "$sock" ] && break
  kill -0 "$daemon" 2>/dev/null || fail "the daemon exited at start-up: $(cat "$tmp/daemon.log")"
  sleep 0.05
done
[ -S "$sock" ] || fail "the daemon did not open $sock within 10 s"

export CLAUDE_BRIDGE_SOCKET=$sock CLAUDE_BRIDGE_CACHE=$tmp/cache
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "claude-bridge keystroke benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: nproc $(nproc), ${cpu:-unknown CPU}, Linux $(uname -r), $(python3 --version)"
# the tail (p99) is the scheduler's: a busy machine shows in it first, so say how busy this one was
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$root/bench/keystroke.py" --client "$build/bin/claude" --program "$tmp/echo-raw" "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
