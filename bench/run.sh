#!/usr/bin/env bash
# The benchmarks of docs/BENCHMARKS.md. Run from a built checkout: `./build.sh bench` (builds first) or
# `bench/run.sh` (needs the jars of `./build.sh package`). Each comparison runs its commands side by side
# in one run, in rounds whose order alternates, so a machine that speeds up or slows down affects both
# sides alike; quote the ratios, not the absolute times.
#
#   bench/run.sh [--quick] [--rounds N] [--runs N] [--size BYTES] [--claude PATH] [--keep DIR]
#
#   --quick        two rounds, 256 MiB of throughput data: about 20 s
#   --rounds N     rounds (default 5); a round runs each start-up command --runs times and each
#                  throughput command once, after one warm-up run (throughput: first round only)
#   --runs N       counted runs per start-up command and round (default 3)
#   --size BYTES   bytes per throughput run (default 1073741824, 1 GiB)
#   --claude PATH  the real Claude Code CLI (default .tools/claude-code/node_modules/.bin/claude, which
#                  `./build.sh test` and `./build.sh bench` install); without it (a) is skipped
#   --keep DIR     also keep hyperfine's JSON exports, the daemon logs and the exact commands in DIR
#
# Needs: hyperfine, a JDK 25 (JAVA_HOME or /usr/lib/jvm), and optionally a JDK or JRE 17 (for the
# JDK 17 rows) and /usr/bin/time (for the client's peak memory).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

rounds=5 runs=3 warmup=1 size=1073741824 keep=
claude=$root/.tools/claude-code/node_modules/.bin/claude
while [ $# -gt 0 ]; do
  case $1 in
    --quick) rounds=2 size=268435456 ;;
    --rounds) rounds=$2; shift ;;
    --runs) runs=$2; shift ;;
    --size) size=$2; shift ;;
    --claude) claude=$2; shift ;;
    --keep) keep=$2; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

fail() { echo "bench/run.sh: $*" >&2; exit 1; }
note() { echo "$*" >&2; }
command -v hyperfine >/dev/null || fail "hyperfine is needed (apt-get install hyperfine, or https://github.com/sharkdp/hyperfine)"
[ -f client/target/claude-bridge-client.jar ] && [ -f daemon/target/claude-bridge.jar ] \
  || fail "the jars are missing: run ./build.sh package first (or ./build.sh bench, which builds)"

release() { # the feature release of the java executable $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}
jdk25=
for h in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 \
         /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-25-openjdk-arm64; do
  [ -n "$h" ] && [ -x "$h/bin/javac" ] && [ -x "$h/bin/jar" ] || continue
  v=$(release "$h/bin/java"); [ -n "$v" ] && [ "$v" -ge 25 ] && { jdk25=$h; break; }
done
[ -n "$jdk25" ] || fail "a JDK 25 or newer is needed; set JAVA_HOME to one"
java25=$jdk25/bin/java
java17=
for j in "${CLAUDE_BRIDGE_BENCH_JAVA17:-}" /usr/lib/jvm/java-17-openjdk-amd64/bin/java /usr/lib/jvm/java-17-openjdk-arm64/bin/java \
         /usr/lib/jvm/temurin-17-jre-amd64/bin/java /usr/lib/jvm/temurin-17-jdk-amd64/bin/java; do
  [ -n "$j" ] && [ -x "$j" ] && [ "$(release "$j")" = 17 ] && { java17=$j; break; }
done
[ -x "$claude" ] || { note "note: no real Claude Code CLI at $claude: (a) claude --version is skipped (./build.sh bench installs it)"; claude=; }
timev=; [ -x /usr/bin/time ] && /usr/bin/time -v true 2>/dev/null && timev=/usr/bin/time

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cb-bench.XXXXXX")
daemons=()
cleanup() {
  local p i
  for p in "${daemons[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${daemons[@]}"; do
    for i in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  [ -z "$keep" ] || { mkdir -p "$keep" && cp "$tmp"/*.json "$tmp"/*.log "$tmp/commands.txt" "$keep"/ 2>/dev/null || true; }
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
started=$(date +%s)
jars_at_start=$(ls -l --time-style=+%s client/target/claude-bridge-client.jar daemon/target/claude-bridge.jar)

q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; } # one shell word, for hyperfine's command strings
words() { local w out=; for w in "$@"; do out="$out${out:+ }$(q "$w")"; done; printf '%s' "$out"; }

# --- the daemons: one runs the fake claude, one the real CLI; the repo root is mapped to itself -------
start_daemon() { # NAME PROGRAM: starts a daemon on $tmp/NAME.sock, sets $pid
  local sock=$tmp/$1.sock i
  bin/claude-bridge serve --socket "$sock" --claude "$2" --map "$root=$root" >"$tmp/$1.log" 2>&1 &
  pid=$!
  daemons+=("$pid")
  for i in $(seq 200); do
    [ -S "$sock" ] && break
    kill -0 "$pid" 2>/dev/null || fail "the $1 daemon exited at start-up: $(cat "$tmp/$1.log")"
    sleep 0.05
  done
  [ -S "$sock" ] || fail "the $1 daemon did not open $sock within 10 s"
}
start_daemon fake "$root/bench/fake-claude"; fake_pid=$pid; fake_sock=$tmp/fake.sock
real_sock=
if [ -n "$claude" ]; then start_daemon real "$claude"; real_sock=$tmp/real.sock; fi

# bin/claude as a container would run it, on JDK 25, with an AppCDS archive in a cache of its own
export CLAUDE_BRIDGE_JAVA=$java25 CLAUDE_BRIDGE_CACHE=$tmp/cache/client
export CLAUDE_BRIDGE_SOCKET=$fake_sock
bin/claude true 2>/dev/null || fail "a call through the bridge failed (daemon log: $(cat "$tmp/fake.log"))"
rss_idle_start=$(awk '/^VmRSS/ {print $2}' "/proc/$fake_pid/status")

# --- the client's command line, taken from bin/claude itself so the variants cannot drift from it ---
printf '#!/bin/sh\nfor a; do printf "%%s\\n" "$a"; done\n' >"$tmp/argv"
chmod +x "$tmp/argv"
launcher_args() { # CACHE_DIR: bin/claude's java arguments, one per line, without the java and the call's own
  CLAUDE_BRIDGE_JAVA=$tmp/argv CLAUDE_BRIDGE_CACHE=$1 bin/claude
}
mapfile -t base < <(launcher_args "$tmp/cache/client")
program_at() { # index of the first argument that names the program (-jar JAR or -cp PATH CLASS), after the JVM flags
  local i
  for ((i = 1; i <= $#; i++)); do case ${!i} in -jar|-cp|-classpath|--class-path) echo $((i - 1)); return ;; esac; done
  fail "bin/claude's java command names no -jar or -cp; update bench/run.sh"
}
p=$(program_at "${base[@]}")
program=("${base[@]:p}")
without() { # PATTERN CACHE_DIR: bin/claude's arguments minus the lines matching the extended regex PATTERN
  launcher_args "$2" | grep -Ev -- "$1" || true
}
no_native='^-Dclaudebridge\.native='
no_cds='^-XX:(SharedArchiveFile=|\+AutoCreateSharedArchive$)'
mapfile -t jdk_socket < <(without "$no_native" "$tmp/cache/jdk-socket")
mapfile -t no_appcds < <(without "$no_cds" "$tmp/cache/none")
mapfile -t jdk_socket_no_appcds < <(without "$no_native|$no_cds" "$tmp/cache/none")
mapfile -t for17 < <(launcher_args "$tmp/cache/jdk17")
mapfile -t for17_no_jsa < <(without "$no_cds" "$tmp/cache/none")
# the floor: the same flags starting a Hello from a jar (CDS archives only classes from jars)
mkdir -p "$tmp/hello"
"$jdk25/bin/javac" --release 17 -d "$tmp/hello" bench/Hello.java
"$jdk25/bin/jar" --create --file "$tmp/hello.jar" -C "$tmp/hello" .
mapfile -t hello < <(launcher_args "$tmp/cache/hello" | grep -Ev -- "$no_native")
hello=("${hello[@]:0:$(program_at "${hello[@]}")}" -cp "$tmp/hello.jar" Hello)
default_flags=(-Xlog:disable "$(printf '%s\n' "${base[@]}" | grep -E -- "$no_native")" "${program[@]}")

mkdir -p "$tmp/cache/client" "$tmp/cache/jdk-socket" "$tmp/cache/jdk17" "$tmp/cache/hello" "$tmp/cache/none"
for i in 1 2 3; do # warm every archive: the first run writes it, the next ones use it
  "$java25" "${base[@]}" true
  "$java25" "${jdk_socket[@]}" true
  "$java25" "${hello[@]}" >/dev/null
  [ -z "$java17" ] || "$java17" "${for17[@]}" true
done 2>/dev/null
for d in client jdk-socket hello; do
  [ -s "$tmp/cache/$d/client.jsa" ] || note "note: no AppCDS archive was written for '$d': its AppCDS rows are really without AppCDS"
done
rmdir "$tmp/cache/none" 2>/dev/null || note "note: the no-AppCDS variants wrote an archive; check bench/run.sh's filters"

# --- measuring: hyperfine in rounds, command order reversed every other round; medians over all runs ---
# measure GROUP SHELL(0|1) WARMUP RUNS NAME CMD [NAME CMD ...] for one round; ROUND is the round number
measure() {
  local group=$1 shell=$2 w=$3 r=$4 i n args=()
  shift 4
  n=$(($# / 2))
  local names=() cmds=()
  while [ $# -gt 0 ]; do names+=("$1"); cmds+=("$2"); shift 2; done
  [ "$ROUND" != 1 ] || for ((i = 0; i < n; i++)); do printf '(%s) %s: %s\n' "$group" "${names[i]}" "${cmds[i]}"; done >>"$tmp/commands.txt"
  for ((i = 0; i < n; i++)); do
    local k=$i
    [ $((ROUND % 2)) = 0 ] && k=$((n - 1 - i))
    args+=(-n "${names[k]}" "${cmds[k]}")
  done
  # no shell in between for the start-up rows; stdout a pipe, as for a caller that reads claude's output
  [ "$shell" = 1 ] || args=(-N --output=pipe "${args[@]}")
  hyperfine -w "$w" -r "$r" --style none --export-json "$tmp/$group.$ROUND.json" "${args[@]}" >/dev/null 2>"$tmp/hyperfine.err" \
    || fail "hyperfine failed in $group: $(cat "$tmp/hyperfine.err")"
}
# every run's time as "NAME SECONDS", from hyperfine's JSON exports (one value per line there)
times_of() {
  awk '/"command":/ { sub(/^[^:]*: *"/, ""); sub(/",?$/, ""); name = $0 }
       /"times": *\[/ { on = 1; next }
       on && /\]/ { on = 0 }
       on { gsub(/[ ,]/, ""); print name, $0 }' "$@"
}
declare -A med lo hi cnt
summarise() { # GROUP: fills med/lo/hi (ms) and cnt per command name
  local name m l h c
  while read -r name m l h c; do med[$name]=$m lo[$name]=$l hi[$name]=$h cnt[$name]=$c; done < <(
    times_of "$tmp/$1".*.json | sort -k1,1 -k2,2g | awk '
      function flush() { if (n) printf "%s %.2f %.2f %.2f %d\n", cur, (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2) * 1000, v[1] * 1000, v[n] * 1000, n }
      $1 != cur { flush(); cur = $1; n = 0 }
      { v[++n] = $2 }
      END { flush() }')
}
ms() { printf '%.1f' "$1"; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f", a - b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mibs() { awk -v s="$size" -v t="$1" 'BEGIN { printf "%.0f", s / 1048576 / (t / 1000) }'; }

claude_cmd=$(words bin/claude)
fake_cmd=$(words "$root/bench/fake-claude")
for ((ROUND = 1; ROUND <= rounds; ROUND++)); do
  note "round $ROUND/$rounds: (a) invocation overhead"
  if [ -n "$real_sock" ]; then
    CLAUDE_BRIDGE_SOCKET=$real_sock measure a-version 0 "$warmup" "$runs" \
      direct-version "$(words "$claude" --version)" bridge-version "$claude_cmd --version"
  fi
  measure a-true 0 "$warmup" "$runs" direct-true "$fake_cmd true" bridge-true "$claude_cmd true"
  note "round $ROUND/$rounds: (b) client start-up"
  b=(hello "$(words "$java25" "${hello[@]}")"
     bin/claude "$claude_cmd true"
     java "$(words "$java25" "${base[@]}" true)"
     jdk-socket "$(words "$java25" "${jdk_socket[@]}" true)"
     no-appcds "$(words "$java25" "${no_appcds[@]}" true)"
     jdk-socket-no-appcds "$(words "$java25" "${jdk_socket_no_appcds[@]}" true)"
     default-flags "$(words "$java25" "${default_flags[@]}" true)")
  [ -z "$java17" ] || b+=(jdk17 "$(words "$java17" "${for17[@]}" true)" jdk17-no-jsa "$(words "$java17" "${for17_no_jsa[@]}" true)")
  measure b "0" "$warmup" "$runs" "${b[@]}"
  note "round $ROUND/$rounds: (c) stdout and (d) stdin, $((size / 1048576)) MiB each"
  tw=$((ROUND == 1 ? 1 : 0))
  measure c 1 "$tw" 1 direct-out "$fake_cmd out $size | cat >/dev/null" bridge-out "$claude_cmd out $size | cat >/dev/null"
  measure d 1 "$tw" 1 direct-in "head -c $size /dev/zero | $fake_cmd in" bridge-in "head -c $size /dev/zero | $claude_cmd in"
done
for g in a-true b c d; do summarise "$g"; done
[ -z "$real_sock" ] || summarise a-version

# --- correctness, memory and CPU: one more run of each stream, its byte count checked ---
note "memory and CPU: one more run of each stream"
hwm_reset() { echo 5 >"/proc/$fake_pid/clear_refs" 2>/dev/null; }
vm() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$fake_pid/status"; }
ticks() { awk '{print $14 + $15}' "/proc/$fake_pid/stat"; } # the daemon's user + system CPU, in clock ticks
hz=$(getconf CLK_TCK)
field() { [ -n "$timev" ] && awk -F': ' -v k="$2" '$1 ~ k {print $2}' "$1" || true; }
client_cpu() { [ -n "$timev" ] && awk -F': ' '/(User|System) time/ {t += $2} END {printf "%.2f", t}' "$1" || true; }
kib_mib() { [ -n "$1" ] && awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }' || echo "n/a"; }
timed() { if [ -n "$timev" ]; then "$timev" -v -o "$1" "${@:2}"; else "${@:2}"; fi; }
hwm_reset && reset=1 || reset=0
timed "$tmp/t-true" bin/claude true 2>/dev/null
rss_true=$(field "$tmp/t-true" "Maximum resident")
hwm_reset || true
t0=$(ticks)
got=$(timed "$tmp/t-out" bin/claude out "$size" 2>/dev/null | wc -c)
[ "$got" = "$size" ] || fail "stdout through the bridge delivered $got bytes, not $size"
hwm_out=$(vm VmHWM) rss_out=$(field "$tmp/t-out" "Maximum resident") cpu_out=$(client_cpu "$tmp/t-out")
dcpu_out=$(awk -v a="$t0" -v b="$(ticks)" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) / hz }')
hwm_reset || true
t0=$(ticks)
got=$(head -c "$size" /dev/zero | timed "$tmp/t-in" bin/claude in 2>/dev/null | tr -d ' ')
[ "$got" = "$size" ] || fail "stdin through the bridge delivered $got bytes, not $size"
hwm_in=$(vm VmHWM) rss_in=$(field "$tmp/t-in" "Maximum resident") cpu_in=$(client_cpu "$tmp/t-in")
dcpu_in=$(awk -v a="$t0" -v b="$(ticks)" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) / hz }')
sleep 1
rss_idle_end=$(vm VmRSS)
real_rss=
if [ -n "$claude" ] && [ -n "$timev" ]; then
  "$timev" -v -o "$tmp/t-real" "$claude" --version >/dev/null; real_rss=$(field "$tmp/t-real" "Maximum resident")
fi
version_check=skipped
if [ -n "$real_sock" ]; then
  direct_out=$("$claude" --version 2>"$tmp/direct.err") && direct_rc=0 || direct_rc=$?
  bridged_out=$(CLAUDE_BRIDGE_SOCKET=$real_sock bin/claude --version 2>"$tmp/bridged.err") && bridged_rc=0 || bridged_rc=$?
  if [ "$direct_out" = "$bridged_out" ] && [ "$direct_rc" = "$bridged_rc" ] && cmp -s "$tmp/direct.err" "$tmp/bridged.err"; then
    version_check="identical stdout, stderr and exit status ($direct_out)"
  else
    version_check="DIFFERENT: direct [$direct_out] exit $direct_rc, bridged [$bridged_out] exit $bridged_rc; bridged stderr starts: $(head -1 "$tmp/bridged.err")"
  fi
fi

# the daemon's own share of a 'true' call: its log's duration field, from accept to the EXIT frame
daemon_ms=$(sed -n 's/.* in=0B out=0B duration=\([0-9]*\)ms.*/\1/p' "$tmp/fake.log" | sort -n | awk '{ v[++n] = $1 } END { if (n) print v[int((n + 1) / 2)] }')

# --- the summary ---------------------------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
jv() { "$1" -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p'; }
row() { printf '  %-34s %12s %12s %9s %11s\n' "$@"; }
echo
echo "claude-bridge benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: nproc $(nproc), ${cpu:-unknown CPU}, Linux $(uname -r); JDK $(jv "$java25")${java17:+, JDK $(jv "$java17")}; $(hyperfine --version)"
echo "runs: $rounds rounds; per start-up command $runs runs a round (+$warmup warm-up), per throughput command 1 a round (+1 warm-up in round 1)"
echo
echo "(a) invocation overhead: medians, same run"
row "" direct bridged ratio added
if [ -n "$real_sock" ]; then
  row "claude --version (real CLI)" "$(ms "${med[direct-version]}") ms" "$(ms "${med[bridge-version]}") ms" \
    "$(ratio "${med[bridge-version]}" "${med[direct-version]}")x" "$(sub "${med[bridge-version]}" "${med[direct-version]}") ms"
  added=$(sub "${med[bridge-version]}" "${med[direct-version]}")
  echo "  target: the client adds at most 30 ms: $(awk -v a="$added" 'BEGIN { print (a <= 30 ? "met" : "NOT met") }') ($added ms)"
  echo "  output check: $version_check"
fi
row "fake claude, exit 0 (sh script)" "$(ms "${med[direct-true]}") ms" "$(ms "${med[bridge-true]}") ms" \
  "$(ratio "${med[bridge-true]}" "${med[direct-true]}")x" "$(sub "${med[bridge-true]}" "${med[direct-true]}") ms"
echo
echo "(b) client start-up: a call of the fake claude's 'true' through the bridge (hello: no call at all)"
printf '  %-22s %10s %10s %10s %12s  %s\n' variant median min max "vs java" "what it is"
brow() {
  [ -n "${med[$1]:-}" ] || return 0
  printf '  %-22s %10s %10s %10s %12s  %s\n' "$1" "$(ms "${med[$1]}")" "$(ms "${lo[$1]}")" "$(ms "${hi[$1]}")" \
    "$(sub "${med[$1]}" "${med[java]}")" "$2"
}
brow hello "bare JVM Hello, bin/claude's flags + AppCDS (JDK 25)"
brow bin/claude "bin/claude as shipped: sh launcher, flags, AppCDS, JNI connect"
brow java "the same java command without the sh launcher"
brow jdk-socket "java, JDK SocketChannel instead of the JNI helper"
brow no-appcds "java, no AppCDS archive (the JDK's default CDS only)"
brow jdk-socket-no-appcds "neither AppCDS nor the JNI helper"
brow default-flags "java with default JVM flags, JNI, no AppCDS"
brow jdk17 "bin/claude's arguments on JDK 17"
brow jdk17-no-jsa "JDK 17 without the archive flags (default CDS)"
echo "  (times in ms; 'vs java' is the median minus the java row's)"
echo "  the daemon's share of each call, from its log (median, whole ms): ${daemon_ms:-n/a} ms"
echo
echo "(c, d) throughput, $((size / 1048576)) MiB, medians, same run (bridged includes the client's start-up)"
row "" direct bridged "bridge/direct" ""
row "stdout: fake out | cat" "$(mibs "${med[direct-out]}") MiB/s" "$(mibs "${med[bridge-out]}") MiB/s" \
  "$(ratio "${med[direct-out]}" "${med[bridge-out]}")" ""
row "stdin: head | fake in" "$(mibs "${med[direct-in]}") MiB/s" "$(mibs "${med[bridge-in]}") MiB/s" \
  "$(ratio "${med[direct-in]}" "${med[bridge-in]}")" ""
echo "  target: bridged at least 0.50 of direct"
echo
echo "(e) memory and CPU (one run each; size as above)"
echo "  daemon RSS idle after start: $(kib_mib "$rss_idle_start"); idle after the runs: $(kib_mib "$rss_idle_end")"
echo "  daemon peak RSS $( [ "$reset" = 1 ] && echo "(VmHWM, reset before each run)" || echo "(lifetime VmHWM: clear_refs not writable)"): stdout run $(kib_mib "$hwm_out"), stdin run $(kib_mib "$hwm_in")"
echo "  client peak RSS (/usr/bin/time -v): 'true' $(kib_mib "$rss_true"), stdout run $(kib_mib "$rss_out"), stdin run $(kib_mib "$rss_in")${real_rss:+; the real claude --version itself: $(kib_mib "$real_rss")}"
echo "  CPU seconds (user+system): stdout run: daemon $dcpu_out, client ${cpu_out:-n/a}; stdin run: daemon $dcpu_in, client ${cpu_in:-n/a}"
echo
echo "total time: $(( $(date +%s) - started )) s"
[ "$jars_at_start" = "$(ls -l --time-style=+%s client/target/claude-bridge-client.jar daemon/target/claude-bridge.jar)" ] \
  || echo "WARNING: a jar was rebuilt during the run: these figures mix two builds; run again"
