#!/bin/sh
# A stand-in for the host's claude in the end-to-end tests: each mode does one observable thing.
# the daemon's own options come first (its settings and sources, the conversation); claude takes them, and so does this stand-in
while :; do case ${1-} in --settings|--setting-sources|--session-id|--resume) shift 2 ;; *) break ;; esac; done
mode=$1
[ $# -gt 0 ] && shift
case $mode in
  args)    # each argument as hex on its own line, so nothing is lost to quoting
           for a in "$@"; do printf '%s' "$a" | od -An -v -tx1 | tr -d ' \n'; echo; done ;;
  cwd)     pwd -P ;;
  env)     for n in "$@"; do eval "v=\${$n-<unset>}"; printf '%s=%s\n' "$n" "$v"; done ;;
  cat)     exec cat ;;
  streams) i=1; while [ $i -le 3 ]; do echo "out-$i"; echo "err-$i" >&2; i=$((i+1)); done ;;
  exit)    exit "$1" ;;
  graceful) # like the real claude: a SIGTERM ends it with status 0
           trap 'exit 0' TERM; while :; do sleep 0.1; done ;;
  signal)  kill -"$1" $$ ;;
  tick)    # first line now, second only once the test has seen the first (it creates the marker)
           echo tick-1; n=0; while [ ! -e "$1" ] && [ $n -lt 400 ]; do sleep 0.05; n=$((n+1)); done; echo tick-2 ;;
  tree)    # leader and a child that ignores SIGTERM, pids written for the test, then wait forever
           sh -c 'trap "" TERM; while :; do sleep 1; done' & child=$!
           echo "$$ $child" > "$1.tmp" && mv "$1.tmp" "$1"; echo started; wait ;;
  escape)  # like tree, plus a process that left the session (setsid) and whose parent exited at once
           sh -c 'trap "" TERM; while :; do sleep 1; done' & child=$!
           sh -c 'setsid sleep 3600 & echo $! > "$1.esc"' sh "$1"
           echo "$$ $child $(cat "$1.esc")" > "$1.tmp" && mv "$1.tmp" "$1"; echo started; wait ;;
  trap)    # report forwarded signals, exit 10+signal-ish so the test sees which arrived
           trap 'echo got-INT; exit 12' INT; trap 'echo got-TERM; exit 25' TERM; trap 'echo got-HUP; exit 11' HUP
           echo ready; while :; do sleep 0.05; done ;;
  write)   head -c "$1" /dev/zero ;;
  seq)     exec seq "$1" ;;
  stdio)   # what descriptors 0, 1 and 2 are (they may be closed or /dev/null), into the file $1; closed ones are
           # found before any $(...) makes a pipe, which would take the lowest free descriptor
           for fd in 0 1 2; do [ -e /proc/$$/fd/$fd ] && eval "k$fd=open" || eval "k$fd=closed"; done
           for fd in 0 1 2; do eval "[ \$k$fd = open ]" && eval "k$fd=\$(readlink /proc/$$/fd/$fd)"; done
           printf '0 %s\n1 %s\n2 %s\n' "$k0" "$k1" "$k2" > "$1.tmp" && mv "$1.tmp" "$1" ;;
  *)       echo "fake-claude: unknown mode $mode" >&2; exit 99 ;;
esac
