#!/usr/bin/env bash
# The soak of docs/BENCHMARKS.md ("Soak"): one daemon under a mixed load for a long time, to show that
# nothing of it grows without bound and that the audit log keeps every start with its end. Run by hand,
# not in CI; needs the jars of `./build.sh package`.
#
# The load (bench/Soak.java, speaking the protocol itself) keeps a number of callers calling back to back:
# pipe calls with output or input, terminal calls, calls cancelled by SIGINT (pipe and terminal) or by the
# caller vanishing, calls the argument policy refuses, and stalled handshakes the handshake timeout ends.
# After each round the load pauses until every call has its end record and the daemon has no child left;
# then the daemon's RSS, threads, descriptors and children are sampled and the audit log checked.
# Prints a table; exits 1 when a figure kept growing, the audit did not balance, or a call ended
# otherwise than its kind must.
#
#   bench/soak.sh [--minutes N] [--interval SECONDS] [--callers N] [--keep DIR]
#
#   --minutes N     how long (default 30)
#   --interval S    seconds of load between samples (default 60)
#   --callers N     callers at once (default 8)
#   --keep DIR      also keep the daemon's log and audit log in DIR
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
minutes=30 interval=60 callers=8 keep=
while [ $# -gt 0 ]; do
  case $1 in
    --minutes) minutes=$2; shift ;;
    --interval) interval=$2; shift ;;
    --callers) callers=$2; shift ;;
    --keep) keep=$2; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/soak.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
fail() { echo "bench/soak.sh: $*" >&2; exit 1; }
# shellcheck source=bench/lib.sh
. bench/lib.sh
jars_and_java

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cb-soak.XXXXXX")
pid=
cleanup() {
  local i
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  [ -z "$keep" ] || { mkdir -p "$keep" && cp "$tmp"/daemon.log "$tmp"/audit.log "$keep"/ 2>/dev/null || true; }
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# the default limits, but no rate limit (all calls come from one caller) and no rotation (the audit check
# reads one file)
cat >"$tmp/soak.yaml" <<YAML
listeners: [ { socket: "$tmp/soak.sock" } ]
claude: { path: "$root/bench/fake-claude" }
profiles: { default: { rate: { per-minute: 0 } } }
audit: { path: "$tmp/audit.log", max-size: 8GiB }
admin: { listen: "off" }
YAML
bin/claude-bridge serve --config "$tmp/soak.yaml" >"$tmp/daemon.log" 2>&1 &
pid=$!
for i in $(seq 200); do
  [ -S "$tmp/soak.sock" ] && break
  kill -0 "$pid" 2>/dev/null || fail "the daemon exited at start-up: $(cat "$tmp/daemon.log")"
  sleep 0.05
done
[ -S "$tmp/soak.sock" ] || fail "the daemon did not open its socket within 10 s"
for i in $(seq 300); do # its admission line comes once its process-tree set-up is done: then it is idle
  grep -q "admission: " "$tmp/daemon.log" && break
  sleep 0.1
done

echo "claude-bridge soak, $(date -u '+%Y-%m-%d %H:%M UTC'), $minutes min"
echo "machine: nproc $(nproc), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), Linux $(uname -r)"
echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "daemon: $(sed -n 's/.*\(admission: .*\)/\1/p' "$tmp/daemon.log" | head -1)"
"$java" -cp "$protocol_jar" bench/Soak.java "$tmp/soak.sock" "$pid" "$tmp/audit.log" $((minutes * 60)) "$interval" "$callers"
