# shellcheck shell=bash disable=SC2034,SC2154  # sourced by bench/run.sh, which sets tmp and reads med/lo/hi/cnt
# Helpers of bench/run.sh (sourced): quoting for hyperfine, running a round, medians, formatting.
# Expects $tmp (the run's temp directory), $ROUND (the round number) and fail(). load.sh and soak.sh
# source it for jars_and_java.

# sets protocol_jar and java (a JDK 25) for the bench's single-file Java programs, or fails
jars_and_java() {
  local h
  protocol_jar=$(ls protocol/target/claude-bridge-protocol-*.jar 2>/dev/null | grep -v original | head -1)
  [ -n "$protocol_jar" ] && [ -f daemon/target/claude-bridge.jar ] || fail "the jars are missing: run ./build.sh package first"
  java=
  for h in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 /usr/lib/jvm/java-25-openjdk-amd64; do
    [ -n "$h" ] && [ -x "$h/bin/java" ] && { java=$h/bin/java; break; }
  done
  [ -n "$java" ] || fail "a JDK 25 is needed; set JAVA_HOME to one"
}

# one shell word, for hyperfine's command strings
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
words() { local w out=; for w in "$@"; do out="$out${out:+ }$(q "$w")"; done; printf '%s' "$out"; }

# measure GROUP SHELL(0|1) WARMUP RUNS NAME CMD [NAME CMD ...]: one round of a side-by-side comparison,
# the commands' order reversed every other round, hyperfine's JSON kept as $tmp/GROUP.ROUND.json
measure() {
  local group=$1 shell=$2 w=$3 r=$4 i k n args=() names=() cmds=()
  shift 4
  while [ $# -gt 0 ]; do names+=("$1"); cmds+=("$2"); shift 2; done
  n=${#names[@]}
  if [ "$ROUND" = 1 ]; then
    for ((i = 0; i < n; i++)); do printf '(%s) %s: %s\n' "$group" "${names[i]}" "${cmds[i]}"; done >>"$tmp/commands.txt"
  fi
  for ((i = 0; i < n; i++)); do
    k=$i
    [ $((ROUND % 2)) = 0 ] && k=$((n - 1 - i))
    args+=(-n "${names[k]}" "${cmds[k]}")
  done
  # no shell in between for the start-up rows; stdout a pipe, as for a caller that reads claude's output
  [ "$shell" = 1 ] || args=(-N --output=pipe "${args[@]}")
  hyperfine -w "$w" -r "$r" --style none --export-json "$tmp/$group.$ROUND.json" "${args[@]}" >/dev/null 2>"$tmp/hyperfine.err" \
    || fail "hyperfine failed in ($group): $(cat "$tmp/hyperfine.err")"
}

# every run's time as "NAME SECONDS", from hyperfine's JSON exports (which put one value per line)
times_of() {
  awk '/"command":/ { sub(/^[^:]*: *"/, ""); sub(/",?$/, ""); name = $0 }
       /"times": *\[/ { on = 1; next }
       on && /\]/ { on = 0 }
       on { gsub(/[ ,]/, ""); print name, $0 }' "$@"
}

# summarise GROUP: med, lo, hi (milliseconds) and cnt per command name, over all rounds
declare -A med lo hi cnt
summarise() {
  local name m l h c
  while read -r name m l h c; do med[$name]=$m lo[$name]=$l hi[$name]=$h cnt[$name]=$c; done < <(
    times_of "$tmp/$1".*.json | sort -k1,1 -k2,2g | awk '
      function flush() { if (n) printf "%s %.2f %.2f %.2f %d\n", cur, (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2) * 1000, v[1] * 1000, v[n] * 1000, n }
      $1 != cur { flush(); cur = $1; n = 0 }
      { v[++n] = $2 }
      END { flush() }')
}

# the median of the numbers on stdin, one per line
median() { sort -g | awk '{ v[++n] = $1 } END { if (n) print (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2) }'; }

ms() { printf '%.1f' "$1"; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f", a - b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mibs() { awk -v s="$2" -v t="$1" 'BEGIN { printf "%.0f", s / 1048576 / (t / 1000) }'; } # MILLISECONDS BYTES
kib_mib() { if [ -n "$1" ]; then awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; else echo "n/a"; fi; }
