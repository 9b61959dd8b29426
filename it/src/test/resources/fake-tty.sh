#!/bin/sh
# An interactive stand-in for claude: each mode checks one thing a terminal user relies on.
# the daemon's own options come first (its settings and sources, the conversation); claude takes them, and so does this stand-in
while :; do case ${1-} in --settings|--setting-sources|--session-id|--resume) shift 2 ;; *) break ;; esac; done
case "$1" in
  info)   tty; stty size; echo "TERM=$TERM" ;;
  pw)     printf 'password: '; stty -echo; read pw; stty echo; echo; echo "got [$pw]" ;;
  intr)   trap 'echo; echo got-INT; exit 42' INT; echo waiting; while :; do sleep 0.1; done ;;
  winch)  trap 'echo "size $(stty size)"' WINCH; echo "size $(stty size)"; while :; do sleep 0.1; done ;;
  tree)   sh -c 'trap "" TERM HUP; while :; do sleep 1; done' & echo "$$ $!" > "$2.tmp" && mv "$2.tmp" "$2"; echo started; wait ;;
  exit)   exit "$2" ;;
esac
