#!/bin/sh
# A stand-in claude for the tests of output files: the first argument picks what it does.
# the daemon's own options come first (its settings and sources, the conversation); claude takes them, and so does this stand-in
while :; do case ${1-} in --settings|--setting-sources|--session-id|--resume) shift 2 ;; *) break ;; esac; done
mode="$1"; shift
case "$mode" in
  describe) # what descriptors 1 and 2 are: link, kind and open flags (octal), one line each, into the file $1
            exec 3> "$1.tmp"
            for fd in 1 2; do
              printf '%s %s %s %s\n' "$fd" "$(readlink /proc/$$/fd/$fd)" "$(stat -L -c %F /proc/$$/fd/$fd | tr ' ' _)" \
                "$(sed -n 's/^flags:[[:space:]]*//p' /proc/$$/fdinfo/$fd)" >&3
            done
            exec 3>&- && mv "$1.tmp" "$1" ;;
  paced)    # seq 1 ($1 * $2), $2 lines at a time with a pause between: a writer the backlog check can keep up with
            i=0; while [ $i -lt "$1" ]; do seq $((i * $2 + 1)) $((i * $2 + $2)); sleep 0.01; i=$((i + 1)); done ;;
  both)     # stdout and stderr, 3 lines each
            i=1; while [ $i -le 3 ]; do echo "out-$i"; echo "err-$i" >&2; i=$((i + 1)); done ;;
  *)        echo "output-file-claude: unknown mode $mode" >&2; exit 99 ;;
esac
