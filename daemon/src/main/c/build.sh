#!/bin/sh
# Builds the daemon's native helpers for this machine's architecture, and for the other common one
# when a cross compiler is installed: claude-bridge-cgroup (cgroup-helper.c) and claude-bridge-session
# (session-leader.c and relay.c, run inside the sandbox). A missing compiler is not an error: without the cgroup
# helper the daemon ends trees by process group and descendant tracking, and without the session
# helper no profile can be sandboxed (the daemon says so at start; docs/ARCHITECTURE.md).
set -u
out=$1
dir=$(dirname "$0")
mkdir -p "$out"
build() { # compiler arch
  command -v "$1" >/dev/null 2>&1 || { echo "native helpers: $1 not found, skipping linux-$2"; return 0; }
  mkdir -p "$out/linux-$2"
  "$1" -O2 -Wall -Wextra -o "$out/linux-$2/claude-bridge-cgroup" "$dir/cgroup-helper.c" \
    && "$1" -O2 -Wall -Wextra -o "$out/linux-$2/claude-bridge-session" "$dir/session-leader.c" "$dir/relay.c" \
    && echo "native helpers: built linux-$2"
}
case $(uname -m) in
  x86_64) build cc x86_64; build aarch64-linux-gnu-gcc aarch64 ;;
  aarch64) build cc aarch64; build x86_64-linux-gnu-gcc x86_64 ;;
  *) build cc "$(uname -m)" ;;
esac
exit 0
