#!/bin/sh
# A stand-in claude for the policy, config and audit tests: notes that it ran (one line per run in
# $POLICY_MARKER, set in the daemon's environment), then shows its working directory, its arguments
# one per line, and the variables an injection test looks for.
# the daemon's own options come first (its settings and sources, the conversation); claude takes them, and so does this stand-in
while :; do case ${1-} in --settings|--setting-sources|--session-id|--resume) shift 2 ;; *) break ;; esac; done
[ -n "$POLICY_MARKER" ] && echo "ran $$" >> "$POLICY_MARKER"
printf 'cwd=%s\n' "$(pwd -P)"
for a in "$@"; do printf 'arg=%s\n' "$a"; done
for n in LD_PRELOAD NODE_OPTIONS ANTHROPIC_BASE_URL BASH_ENV PATH MY_VAR; do
  eval "v=\${$n-<unset>}"; printf 'env %s=%s\n' "$n" "$v"
done
[ -n "$POLICY_SLEEP" ] && sleep "$POLICY_SLEEP"
exit 0
