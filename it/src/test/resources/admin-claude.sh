#!/bin/sh
# A stand-in for the host's claude in the admin tests: answers --version (readiness), and holds a
# request open until the test says so, so the dashboard can be watched while it runs.
# the daemon's own options come first (its settings and sources, the conversation); claude takes them, and so does this stand-in
while :; do case ${1-} in --settings|--setting-sources|--session-id|--resume) shift 2 ;; *) break ;; esac; done
case $1 in
  --version) echo "9.9.9 (Claude Code stand-in)" ;;
  hold)      # hold MARKER STATUS: print, wait (at most 60 s) for MARKER to exist, exit STATUS
             echo "holding"; n=0; while [ ! -e "$2" ] && [ $n -lt 1200 ]; do sleep 0.05; n=$((n+1)); done; exit "${3:-0}" ;;
  tree)      # tree: start a child and a grandchild, print every pid of the tree, wait until ended
             sleep 600 & a=$!; sh -c 'sleep 600 & echo $! > "$0"; wait' "$PWD/.grandchild" & b=$!
             while [ ! -s "$PWD/.grandchild" ]; do sleep 0.05; done
             echo "tree $$ $a $b $(cat "$PWD/.grandchild")"; wait ;;
  exit)      exit "$2" ;;
  say)       shift; printf '%s\n' "$*"; printf 'err:%s\n' "$*" >&2 ;;
  *)         echo "admin-claude: unknown mode $1" >&2; exit 99 ;;
esac
