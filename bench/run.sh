#!/usr/bin/env bash
# The benchmarks of docs/BENCHMARKS.md. Run from a built checkout: `./build.sh bench` (builds first) or
# `bench/run.sh` (needs the jars of `./build.sh package`). Each comparison runs its commands side by side
# in one run, in rounds whose order alternates, so a machine that speeds up or slows down affects both
# sides alike; quote the ratios, not the absolute times.
#
#   bench/run.sh [--quick] [--rounds N] [--runs N] [--size BYTES] [--agents N] [--claude PATH] [--keep DIR]
#
#   --quick        two rounds, 256 MiB of throughput data: about 25 s
#   --rounds N     rounds (default 5); a round runs each start-up command --runs times and each
#                  throughput command once, after one warm-up run (throughput: first round only)
#   --runs N       counted runs per start-up command and round (default 3)
#   --size BYTES   bytes per throughput run (default 1073741824, 1 GiB)
#   --agents N     calls started at once in (f) (default 50)
#   --claude PATH  the real Claude Code CLI (default .tools/claude-code/node_modules/.bin/claude, which
#                  `./build.sh test` and `./build.sh bench` install); without it (a) is skipped
#   --keep DIR     also keep hyperfine's JSON exports, the daemon logs and the exact commands in DIR
#
# Needs: hyperfine, a JDK 25 (JAVA_HOME or /usr/lib/jvm), and optionally a JDK or JRE 17 (for the
# JDK 17 rows) and /usr/bin/time (for the client's peak memory). The peers (bench/peers.sh: ssh with
# ControlMaster, socat, docker exec) are installed from Debian's packages when run as root, or skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

rounds=5 runs=3 warmup=1 size=1073741824 keep= agents=50
claude=$root/.tools/claude-code/node_modules/.bin/claude
while [ $# -gt 0 ]; do
  case $1 in
    --quick) rounds=2 size=268435456 ;;
    --rounds) rounds=$2; shift ;;
    --runs) runs=$2; shift ;;
    --size) size=$2; shift ;;
    --agents) agents=$2; shift ;;
    --claude) claude=$2; shift ;;
    --keep) keep=$2; shift ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

fail() { echo "bench/run.sh: $*" >&2; exit 1; }
note() { echo "$*" >&2; }
# shellcheck source=bench/lib.sh
. bench/lib.sh
# shellcheck source=bench/peers.sh
. bench/peers.sh
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
[ -n "$java17" ] || note "note: no Java 17 found (set CLAUDE_BRIDGE_BENCH_JAVA17): the JDK 17 rows are skipped"
[ -f "$claude" ] && [ -x "$claude" ] || { note "note: no real Claude Code CLI at $claude: (a) claude --version is skipped (./build.sh bench installs it)"; claude=; }
timev=; [ -x /usr/bin/time ] && /usr/bin/time -v true 2>/dev/null && timev=/usr/bin/time

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cb-bench.XXXXXX")
daemons=()
cleanup() {
  local p i
  peers_stop
  for p in "${daemons[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${daemons[@]}"; do
    for i in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  [ -z "$keep" ] || { mkdir -p "$keep" && cp "$tmp"/*.json "$tmp"/*.log "$tmp/commands.txt" "$keep"/ 2>/dev/null || true; }
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
started=$(date +%s)

# --- a snapshot of the build, in the release layout the launchers know (bin/, lib/), so that a rebuild
# --- during the run cannot mix two builds or pull a jar from under the running daemon -----------------
build=$tmp/build
mkdir -p "$build/bin" "$build/lib"
cp bin/claude bin/claude-bridge "$build/bin/"
cp client/target/claude-bridge-client.jar daemon/target/claude-bridge.jar "$build/lib/"
cp -R client/target/native "$build/lib/native"
client=$build/bin/claude
native=$build/lib/native/linux-$(uname -m)/claude # the native client, when the build had a C compiler
[ -x "$native" ] || { native=; note "note: no native client in client/target/native: its rows are skipped"; }
dist=
if [ -x dist/target/claude-bridge-client/bin/claude ]; then # the release's client directory, jlink runtime and all
  cp -R dist/target/claude-bridge-client "$tmp/dist"
  dist=$tmp/dist/bin/claude
else
  note "note: no release client directory at dist/target/claude-bridge-client (./build.sh package makes it): its rows are skipped"
fi

# --- the daemons: one runs the fake claude, one the real CLI; the repo root is mapped to itself, and
# --- whatever else the daemon can do (audit log, admin endpoint, rate limit) is kept inside $tmp or off
serve_help=$("$build/bin/claude-bridge" serve --help 2>&1 || true)
has() { grep -q -- "$1" <<<"$serve_help"; }
: >"$tmp/config.yaml"
start_daemon() { # NAME PROGRAM: starts a daemon on $tmp/NAME.sock, sets $pid
  local sock=$tmp/$1.sock i
  local opts=(--socket "$sock" --claude "$2" --map "$root=$root")
  has --config= && opts+=("--config=$tmp/config.yaml")
  has --audit-log= && opts+=("--audit-log=$tmp/$1-audit.log")
  has --admin-listen= && opts+=(--admin-listen=off)
  has --rate= && opts+=(--rate=0)
  # one caller identity stands for many agents: (f) runs 50 at once and (e) holds 200 connections; the
  # global caps stay the defaults (the rest wait in the queue), as a deployment would run them
  has --client-max-connections= && opts+=(--client-max-connections=512)
  has --client-max-queued= && opts+=(--max-queued=1000 --client-max-queued=1000)
  "$build/bin/claude-bridge" serve "${opts[@]}" >"$tmp/$1.log" 2>&1 &
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
peers_start

# the client as a container runs it: on JDK 25 (through JAVA_HOME), with an AppCDS archive in a cache of
# its own; the release client directory runs on its own runtime
unset CLAUDE_BRIDGE_JAVA
export JAVA_HOME=$jdk25 CLAUDE_BRIDGE_CACHE=$tmp/cache/client CLAUDE_BRIDGE_SOCKET=$fake_sock
"$client" true 2>/dev/null || fail "a call through the bridge failed (daemon log: $(cat "$tmp/fake.log"))"
rss_idle_start=$(awk '/^VmRSS/ {print $2}' "/proc/$fake_pid/status")

# --- the client's java command, read from bin/claude itself (run with a stand-in java that prints its
# --- arguments), so that the variants below cannot drift from the launcher --------------------------
# (the stand-in sits in a JDK-like directory with JDK 25's `release` file: the launcher picks its cache
# flags by release, and a cache directory without an AOT cache gives the class-data-archive flags)
mkdir -p "$tmp/argvjdk/bin"
cp "$jdk25/release" "$tmp/argvjdk/release"
printf '#!/bin/sh\nfor a; do printf "%%s\\n" "$a"; done\n' >"$tmp/argvjdk/bin/java"
chmod +x "$tmp/argvjdk/bin/java"
launcher_args() { CLAUDE_BRIDGE_JAVA=$tmp/argvjdk/bin/java CLAUDE_BRIDGE_CACHE=$1 "$client" | grep -v '^-Dclaudebridge\.training$'; } # CACHE_DIR
without() { launcher_args "$2" | grep -Ev -- "$1" || true; } # REGEX CACHE_DIR: minus the matching arguments
program_at() { # the index of -jar or -cp, where the JVM flags end and the program begins
  local i
  for ((i = 1; i <= $#; i++)); do case ${!i} in -jar|-cp|-classpath|--class-path) echo $((i - 1)); return ;; esac; done
  fail "bin/claude's java command names no -jar or -cp; update bench/run.sh"
}
no_native='^-Dclaudebridge\.native='
no_cds='^-XX:(SharedArchiveFile=|\+AutoCreateSharedArchive$)'
mapfile -t base < <(launcher_args "$tmp/cache/client")
program=("${base[@]:$(program_at "${base[@]}")}")
mapfile -t jdk_socket < <(without "$no_native" "$tmp/cache/jdk-socket")
mapfile -t no_appcds < <(without "$no_cds" "$tmp/cache/none")
mapfile -t jdk_socket_no_appcds < <(without "$no_native|$no_cds" "$tmp/cache/none")
mapfile -t for17 < <(launcher_args "$tmp/cache/jdk17")
mapfile -t for17_no_jsa < <(without "$no_cds" "$tmp/cache/none")
default_flags=(-Xlog:disable "$(printf '%s\n' "${base[@]}" | grep -E -- "$no_native")" "${program[@]}")
plain=(-Xlog:disable "${program[@]}") # none of the techniques: default flags, the JDK's socket, no AppCDS
# the floor: the launcher's JVM flags starting a Hello from a jar (CDS archives only classes from jars)
mkdir -p "$tmp/hello"
"$jdk25/bin/javac" --release 17 -d "$tmp/hello" bench/Hello.java
"$jdk25/bin/jar" --create --file "$tmp/hello.jar" -C "$tmp/hello" .
mapfile -t hello < <(without "$no_native" "$tmp/cache/hello")
hello=("${hello[@]:0:$(program_at "${hello[@]}")}" -cp "$tmp/hello.jar" Hello)

for i in 1 2 3; do # warm every archive: the first run writes it, the next ones use it
  "$java25" "${base[@]}" true
  "$java25" "${jdk_socket[@]}" true
  "$java25" "${hello[@]}" >/dev/null
  [ -z "$java17" ] || "$java17" "${for17[@]}" true
  [ -z "$dist" ] || CLAUDE_BRIDGE_CACHE=$tmp/cache/dist "$dist" true
done 2>/dev/null
for d in client jdk-socket hello ${dist:+dist}; do
  [ -s "$tmp/cache/$d/client.jsa" ] || note "note: no AppCDS archive was written for '$d': its rows ran without one"
done
[ -z "$(ls -A "$tmp/cache/none")" ] || note "note: the no-AppCDS variants wrote an archive; check bench/run.sh's filters"

# --- the measurements ----------------------------------------------------------------------------
client_cmd=$(words "$client")
# env: the release client gets a cache of its own (an archive made for one jar is not remade for another)
dist_cmd=${dist:+$(words env CLAUDE_BRIDGE_CACHE="$tmp/cache/dist" "$dist")}
fake_cmd=$(words "$root/bench/fake-claude")
# (f): AGENTS calls started at once, timed until the last has exited
burst() { printf 'for i in $(seq %s); do %s & done; wait' "$agents" "$1"; }
native_cmd=${native:+$(words "$native")}
for ((ROUND = 1; ROUND <= rounds; ROUND++)); do
  note "round $ROUND/$rounds: (a) invocation overhead"
  if [ -n "$real_sock" ]; then
    CLAUDE_BRIDGE_SOCKET=$real_sock measure a-version 0 "$warmup" "$runs" \
      direct-version "$(words "$claude" --version)" bridge-version "$client_cmd --version" \
      ${dist:+dist-version "$dist_cmd --version"} ${native:+native-version "$native_cmd --version"}
  fi
  a=(direct-true "$fake_cmd true" bridge-true "$client_cmd true")
  [ -z "$ssh_pfx" ] || a+=(ssh-true "$ssh_pfx $fake_cmd true")
  [ -z "${socat_pfx[true]:-}" ] || a+=(socat-true "${socat_pfx[true]}")
  [ -z "$docker_pfx" ] || a+=(docker-true "$docker_pfx true")
  [ -z "$native" ] || a+=(native-true "$native_cmd true")
  measure a-true 0 "$warmup" "$runs" "${a[@]}"
  note "round $ROUND/$rounds: (b) client start-up"
  b=(hello "$(words "$java25" "${hello[@]}")"
     bin/claude "$client_cmd true"
     ${dist:+dist "$dist_cmd true"}
     java "$(words "$java25" "${base[@]}" true)"
     jdk-socket "$(words "$java25" "${jdk_socket[@]}" true)"
     no-appcds "$(words "$java25" "${no_appcds[@]}" true)"
     jdk-socket-no-appcds "$(words "$java25" "${jdk_socket_no_appcds[@]}" true)"
     default-flags "$(words "$java25" "${default_flags[@]}" true)"
     plain "$(words "$java25" "${plain[@]}" true)")
  [ -z "$java17" ] || b+=(jdk17 "$(words "$java17" "${for17[@]}" true)" jdk17-no-jsa "$(words "$java17" "${for17_no_jsa[@]}" true)")
  measure b 0 "$warmup" "$runs" "${b[@]}"
  note "round $ROUND/$rounds: (c) stdout and (d) stdin, $((size / 1048576)) MiB each"
  tw=$((ROUND == 1 ? 1 : 0))
  c=(direct-out "$fake_cmd out $size | cat >/dev/null" bridge-out "$client_cmd out $size | cat >/dev/null")
  d=(direct-in "head -c $size /dev/zero | $fake_cmd in" bridge-in "head -c $size /dev/zero | $client_cmd in")
  [ -z "$ssh_pfx" ] || { c+=(ssh-out "$ssh_pfx $fake_cmd out $size | cat >/dev/null"); d+=(ssh-in "head -c $size /dev/zero | $ssh_pfx $fake_cmd in"); }
  [ -z "${socat_pfx[out]:-}" ] || { c+=(socat-out "${socat_pfx[out]} | cat >/dev/null"); d+=(socat-in "head -c $size /dev/zero | ${socat_pfx[in]}"); }
  [ -z "$docker_pfx" ] || { c+=(docker-out "$docker_pfx out $size | cat >/dev/null"); d+=(docker-in "head -c $size /dev/zero | $docker_pfx in"); }
  [ -z "$native" ] || { c+=(native-out "$native_cmd out $size | cat >/dev/null"); d+=(native-in "head -c $size /dev/zero | $native_cmd in"); }
  measure c 1 "$tw" 1 "${c[@]}"
  measure d 1 "$tw" 1 "${d[@]}"
  note "round $ROUND/$rounds: (f) $agents agents at once"
  f=(direct-burst "$(burst "$fake_cmd true")" bridge-burst "$(burst "$client_cmd true")")
  [ -z "$ssh_pfx" ] || f+=(ssh-burst "$(burst "$ssh_pfx $fake_cmd true")")
  [ -z "${socat_pfx[true]:-}" ] || f+=(socat-burst "$(burst "${socat_pfx[true]}")")
  [ -z "$docker_pfx" ] || f+=(docker-burst "$(burst "$docker_pfx true")")
  [ -z "$native" ] || f+=(native-burst "$(burst "$native_cmd true")")
  measure f 1 "$tw" 1 "${f[@]}"
done
for g in a-true b c d f; do summarise "$g"; done
[ -z "$real_sock" ] || summarise a-version

# --- correctness, memory and CPU: one more run of each stream, its byte count checked -------------
note "memory and CPU: one more run of each stream"
hwm_reset() { echo 5 >"/proc/$fake_pid/clear_refs" 2>/dev/null; } # VmHWM := VmRSS
vm() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$fake_pid/status"; }
ticks() { awk '{print $14 + $15}' "/proc/$fake_pid/stat"; } # the daemon's user + system CPU, in clock ticks
cpu_since() { awk -v a="$1" -v b="$(ticks)" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz }'; }
field() { [ -z "$timev" ] || awk -F': ' -v k="$2" '$1 ~ k {print $2}' "$1"; }
client_cpu() { [ -z "$timev" ] || awk -F': ' '/(User|System) time/ {t += $2} END {printf "%.2f", t}' "$1"; }
timed() { if [ -n "$timev" ]; then "$timev" -v -o "$1" "${@:2}"; else "${@:2}"; fi; }
hwm_reset && reset=1 || reset=0
timed "$tmp/t-true" "$client" true 2>/dev/null
rss_true=$(field "$tmp/t-true" "Maximum resident")
hwm_reset || true
t0=$(ticks)
got=$(timed "$tmp/t-out" "$client" out "$size" 2>/dev/null | wc -c)
[ "$got" = "$size" ] || fail "stdout through the bridge delivered $got bytes, not $size"
hwm_out=$(vm VmHWM) rss_out=$(field "$tmp/t-out" "Maximum resident") cpu_out=$(client_cpu "$tmp/t-out") dcpu_out=$(cpu_since "$t0")
hwm_reset || true
t0=$(ticks)
got=$(head -c "$size" /dev/zero | timed "$tmp/t-in" "$client" in 2>/dev/null | tr -d ' ')
[ "$got" = "$size" ] || fail "stdin through the bridge delivered $got bytes, not $size"
hwm_in=$(vm VmHWM) rss_in=$(field "$tmp/t-in" "Maximum resident") cpu_in=$(client_cpu "$tmp/t-in") dcpu_in=$(cpu_since "$t0")
sleep 1
rss_idle_end=$(vm VmRSS)
# 200 connections open, each a request whose process reads stdin until the caller closes it (the
# default caps: a few run, the rest wait in the queue); bench/Load.java speaks the protocol itself
rss_200=
if jars_and_java 2>/dev/null; then
  # in the mapped repository: the fake daemon maps it to itself; a refusal fails the figure, not the run
  if out200=$("$java" -cp "$protocol_jar" bench/Load.java connections "$fake_sock" "$fake_pid" 200 "$root" 2>&1); then
    rss_200=$(sed -n 's/^200 connections: //p' <<<"$out200")
  else
    rss_200="n/a: $(tail -1 <<<"$out200")"
  fi
fi
real_rss=
if [ -n "$claude" ] && [ -n "$timev" ]; then
  "$timev" -v -o "$tmp/t-real" "$claude" --version >/dev/null; real_rss=$(field "$tmp/t-real" "Maximum resident")
fi
version_check=skipped
if [ -n "$real_sock" ]; then
  direct_out=$("$claude" --version 2>"$tmp/direct.err") && direct_rc=0 || direct_rc=$?
  bridged_out=$(CLAUDE_BRIDGE_SOCKET=$real_sock "$client" --version 2>"$tmp/bridged.err") && bridged_rc=0 || bridged_rc=$?
  if [ "$direct_out" = "$bridged_out" ] && [ "$direct_rc" = "$bridged_rc" ] && cmp -s "$tmp/direct.err" "$tmp/bridged.err"; then
    version_check="identical stdout, stderr and exit status ($direct_out)"
  else
    version_check="DIFFERENT: direct [$direct_out] exit $direct_rc, bridged [$bridged_out] exit $bridged_rc; bridged stderr starts: $(head -1 "$tmp/bridged.err")"
  fi
fi
# the daemon's own share of a 'true' call: the duration its log gives each request (accept to EXIT frame)
daemon_ms=$(awk '/ outcome=exit 0 in=0B out=0B / { for (i = 1; i <= NF; i++) if ($i ~ /^duration=[0-9]+ms$/) print substr($i, 10) + 0 }' \
  "$tmp/fake.log" | median)

# --- the summary ---------------------------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
jv() { "$1" -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p'; }
row() { printf '  %-34s %12s %12s %13s %10s\n' "$@"; }
vs() { row "$1" "$(ms "${med[$2]}") ms" "$(ms "${med[$3]}") ms" "$(ratio "${med[$3]}" "${med[$2]}")x" "$(sub "${med[$3]}" "${med[$2]}") ms"; }
echo
echo "claude-bridge benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: nproc $(nproc), ${cpu:-unknown CPU}, Linux $(uname -r); JDK $(jv "$java25")${java17:+, JDK $(jv "$java17")}; $(hyperfine --version)"
echo "runs: $rounds rounds; per start-up command $runs runs a round (+$warmup warm-up); per throughput command 1 a round (+1 warm-up in round 1)"
echo
echo "(a) invocation overhead: medians, same run"
row "" direct bridged bridged/direct added
if [ -n "$real_sock" ]; then
  vs "claude --version (real CLI)" direct-version bridge-version
  [ -z "$dist" ] || vs "  the same, release client dir" direct-version dist-version
  [ -z "$native" ] || vs "  the same, native client" direct-version native-version
  added=$(sub "${med[bridge-version]}" "${med[direct-version]}")
  echo "  target: the client adds at most 30 ms: $(awk -v a="$added" 'BEGIN { print (a <= 30 ? "met" : "NOT met") }') ($added ms)"
  echo "  output check: $version_check"
fi
vs "fake claude 'true' (sh script)" direct-true bridge-true
peer() { [ -z "${med[$2]:-}" ] || vs "  $1" "$3" "$2"; } # LABEL PEER DIRECT
peer "the same, ssh ControlMaster" ssh-true direct-true
peer "the same, socat -b65536" socat-true direct-true
peer "the same, docker exec" docker-true direct-true
[ -z "${med[ssh-true]:-}" ] || echo "  bridge added / ssh ControlMaster added: $(ratio "$(sub "${med[bridge-true]}" "${med[direct-true]}")" "$(sub "${med[ssh-true]}" "${med[direct-true]}")")"
if [ -n "$native" ]; then
  vs "  the same, native client" direct-true native-true
  added=$(sub "${med[native-true]}" "${med[direct-true]}")
  echo "  target: the native client adds at most 5 ms: $(awk -v a="$added" 'BEGIN { print (a <= 5 ? "met" : "NOT met") }') ($added ms)"
fi
echo
echo "(b) client start-up: one call of the fake claude's 'true' through the bridge (hello: no call at all)"
printf '  %-22s %8s %8s %8s %9s  %s\n' variant median min max "vs java" "what it is"
brow() {
  [ -n "${med[$1]:-}" ] || return 0
  printf '  %-22s %8s %8s %8s %9s  %s\n' "$1" "$(ms "${med[$1]}")" "$(ms "${lo[$1]}")" "$(ms "${hi[$1]}")" \
    "$(sub "${med[$1]}" "${med[java]}")" "$2"
}
brow hello "bare JVM Hello: the launcher's JVM flags + AppCDS (JDK 25)"
brow bin/claude "bin/claude: sh launcher, JVM flags, AppCDS, JNI connect (JDK 25)"
brow dist "the release client dir: bin/claude on its jlink runtime (+ env)"
brow java "bin/claude's java command, without the sh launcher"
brow jdk-socket "java, the JDK's SocketChannel instead of the JNI helper"
brow no-appcds "java, no AppCDS archive (the JDK's default CDS only)"
brow jdk-socket-no-appcds "neither AppCDS nor the JNI helper"
brow default-flags "default JVM flags, no AppCDS, JNI helper"
brow plain "none of it: default JVM flags, no AppCDS, the JDK's socket"
brow jdk17 "bin/claude's java command on JDK 17"
brow jdk17-no-jsa "the same on JDK 17 without the archive flags"
echo "  (ms; 'vs java' is the median minus the java row's; the daemon's own share of each call,"
echo "   from its log: median ${daemon_ms:-n/a} ms)"
echo
echo "(c, d) throughput, $((size / 1048576)) MiB, medians, same run (bridged includes the client's start-up)"
row "" direct bridged bridged/direct ""
row "stdout: fake out | cat" "$(mibs "${med[direct-out]}" "$size") MiB/s" "$(mibs "${med[bridge-out]}" "$size") MiB/s" \
  "$(ratio "${med[direct-out]}" "${med[bridge-out]}")" ""
row "stdin: head | fake in" "$(mibs "${med[direct-in]}" "$size") MiB/s" "$(mibs "${med[bridge-in]}" "$size") MiB/s" \
  "$(ratio "${med[direct-in]}" "${med[bridge-in]}")" ""
tput() { [ -z "${med[$2]:-}" ] || row "$1" "" "$(mibs "${med[$2]}" "$size") MiB/s" "$(ratio "${med[$3]}" "${med[$2]}")" ""; }
tput "  stdout, ssh ControlMaster" ssh-out direct-out
tput "  stdout, socat -b65536" socat-out direct-out
tput "  stdout, docker exec" docker-out direct-out
tput "  stdin, ssh ControlMaster" ssh-in direct-in
tput "  stdin, socat -b65536" socat-in direct-in
tput "  stdin, docker exec" docker-in direct-in
tput "  stdout, native client" native-out direct-out
tput "  stdin, native client" native-in direct-in
echo "  target: bridged at least 0.50 of direct"
echo
echo "(f) $agents agents at once: fake 'true' started $agents times together, wall until the last exits (medians)"
printf '  %-34s %12s %12s\n' "" wall "vs ssh CM"
burow() { [ -z "${med[$2]:-}" ] || printf '  %-34s %12s %12s\n' "$1" "$(ms "${med[$2]}") ms" "${med[ssh-burst]:+$(ratio "${med[$2]}" "${med[ssh-burst]:-1}")x}"; }
burow "direct" direct-burst
burow "bridge (bin/claude)" bridge-burst
burow "bridge (native client)" native-burst
burow "ssh ControlMaster" ssh-burst
burow "socat -b65536" socat-burst
burow "docker exec" docker-burst
if [ -n "${med[native-burst]:-}" ] && [ -n "${med[ssh-burst]:-}" ]; then
  echo "  target: the bridge (native client, as in the agent image) at most 1.5x ssh ControlMaster's: $(awk -v a="${med[native-burst]}" -v b="${med[ssh-burst]}" 'BEGIN { print (a <= 1.5 * b ? "met" : "NOT met") }')"
else
  echo "  target: the bridge at most 1.5x ssh ControlMaster's"
fi
echo
echo "(e) memory and CPU: one more run of each stream"
echo "  daemon RSS idle after start: $(kib_mib "$rss_idle_start"); idle after the runs: $(kib_mib "$rss_idle_end")"
echo "  daemon with 200 connections open (default caps, the rest queued): ${rss_200:-n/a (bench/Load.java needs the protocol jar)}"
echo "  daemon peak RSS $( [ "$reset" = 1 ] && echo "(VmHWM reset before each run)" || echo "(lifetime VmHWM: clear_refs not writable)"): stdout run $(kib_mib "$hwm_out"), stdin run $(kib_mib "$hwm_in")"
echo "  client peak RSS (/usr/bin/time -v): 'true' $(kib_mib "$rss_true"), stdout run $(kib_mib "$rss_out"), stdin run $(kib_mib "$rss_in")"
[ -z "$real_rss" ] || echo "  for scale, the real claude --version's own peak RSS: $(kib_mib "$real_rss")"
echo "  CPU seconds (user+system): stdout run: daemon $dcpu_out, client ${cpu_out:-n/a}; stdin run: daemon $dcpu_in, client ${cpu_in:-n/a}"
echo
echo "total time: $(($(date +%s) - started)) s"
