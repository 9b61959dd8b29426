#!/bin/sh
# The stand-in claude of the load and fairness tests: notes when it ran, works a while, then prints
# output that names the request, so a mix-up or a lost byte shows.
#   load-claude DIR ID [SECONDS] [BYTES]
# writes "ID START_NS END_NS" to DIR/ID.span when done (start after it was spawned, end before it exits,
# so the span lies within the time the bridge counted it as running). Defaults: 0.1 s, 1 MiB.
#   load-claude DIR ID now        exits 0 at once, writing nothing
# the daemon's own options come first (its settings and sources, the conversation); claude takes them, and so does this stand-in
while :; do case ${1-} in --settings|--setting-sources|--session-id|--resume) shift 2 ;; *) break ;; esac; done
[ "${3:-}" = now ] && exit 0
start=$(date +%s%N)
sleep "${3:-0.1}"
yes "$2 abcdefghijklmnopqrstuvwxyz" | head -c "${4:-1048576}"
echo "$2 $start $(date +%s%N)" > "$1/$2.span.tmp" && mv "$1/$2.span.tmp" "$1/$2.span"
