#!/usr/bin/env bash
# The load figures of docs/BENCHMARKS.md ("Many agents at once"): trivial requests per second through
# the daemon at concurrency 1, 8 and 64, the latency added at concurrency 64 over spawning the same
# program directly, and the daemon's resident memory idle and with 200 connections. Needs the jars of
# `./build.sh package`. About a minute by default. All the load comes from one caller identity (this
# uid) standing for many agents, so every daemon lifts the per-caller shares (--client-max-connections,
# --client-max-queued) to its global caps, as LoadTest does: the figures are the daemon's and its queue's,
# not a per-caller cap's. A refused or failed call fails the run.
#
#   bench/load.sh [--seconds N] [--keep DIR]
#
#   --seconds N   measuring time per concurrency level (default 10; a warm-up of N/2 comes first)
#   --keep DIR    also keep the daemons' logs in DIR
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=10 keep=
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift ;;
    --keep) keep=$2; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/load.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
fail() { echo "bench/load.sh: $*" >&2; exit 1; }
# shellcheck source=bench/lib.sh
. bench/lib.sh
jars_and_java

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cb-load.XXXXXX")
pids=()
cleanup() {
  local p i
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for i in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  [ -z "$keep" ] || { mkdir -p "$keep" && cp "$tmp"/*.log "$keep"/ 2>/dev/null || true; }
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_daemon() { # NAME MAX_QUEUED SERVE_ARGS...: a daemon on $tmp/NAME.sock running bench/fake-claude; sets $pid
  local name=$1 queued=$2 sock=$tmp/$1.sock i
  shift 2
  # one caller may hold every connection (512, the default max-connections) and every place in the queue
  bin/claude-bridge serve --socket "$sock" --claude "$root/bench/fake-claude" --audit-log "$tmp/$name-audit.log" --admin-listen off \
    --rate 0 --max-queued "$queued" --client-max-queued "$queued" --client-max-connections 512 "$@" >"$tmp/$name.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for i in $(seq 200); do
    [ -S "$sock" ] && return 0
    kill -0 "$pid" 2>/dev/null || fail "the daemon exited at start-up: $(cat "$tmp/$name.log")"
    sleep 0.05
  done
  fail "the daemon did not open $sock within 10 s"
}
load() { "$java" -cp "$protocol_jar" bench/Load.java "$@"; }

echo "claude-bridge load figures, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: nproc $(nproc), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), Linux $(uname -r)"
echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every figure)"
echo "daemon: --max-running 64 --profile-max-running 64 --rate 0, per-caller shares lifted (so no limit is what is measured), audit log on;"
echo "fake claude 'true' (a shell that exits 0); each call connects, sends HELLO, REQUEST and EOF, and reads to EXIT"
echo
start_daemon throughput 1000 --max-running 64 --profile-max-running 64
load throughput "$tmp/throughput.sock" "$root/bench/fake-claude" "$seconds"
echo
echo "memory: 200 connections, each a request whose process reads its stdin until the test closes it"
start_daemon capped 200
figures=$(load connections "$tmp/capped.sock" "$pid" 200) || fail "$figures"
echo "daemon with the default global caps ($(sed -n 's/.*admission: \(max-running [^,]*\).*profile default: \(max-running [^,]*\).*/\1, profile \2/p' "$tmp/capped.log" | head -1); the rest queued):"
echo "$figures" | sed 's/^/  /'
start_daemon all 1000 --max-running 200 --profile-max-running 200
echo "daemon with --max-running 200 (all 200 processes running):"
load connections "$tmp/all.sock" "$pid" 200 | sed 's/^/  /'
