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
# Both helpers are exec'd for every request (the cgroup helper, then the program it execs), so they are
# linked statically where the toolchain can: no dynamic loader and no libc to map and relocate saves a
# few milliseconds per start (docs/BENCHMARKS.md). musl first (small), then a static glibc, then dynamic.
compile() { # compiler output sources...
  c=$1 o=$2; shift 2
  for flags in -static ""; do
    "$c" -O2 -Wall -Wextra $flags -o "$o" "$@" 2>/dev/null && { echo "${flags:-dynamic}"; return 0; }
  done
  "$c" -O2 -Wall -Wextra -o "$o" "$@" # once more, for its diagnostics
  return 1
}
build() { # compiler arch
  command -v "$1" >/dev/null 2>&1 || { echo "native helpers: $1 not found, skipping linux-$2"; return 0; }
  mkdir -p "$out/linux-$2"
  how=$(compile "$1" "$out/linux-$2/claude-bridge-cgroup" "$dir/cgroup-helper.c") \
    && compile "$1" "$out/linux-$2/claude-bridge-session" "$dir/session-leader.c" "$dir/relay.c" >/dev/null \
    && echo "native helpers: built linux-$2 ($1, ${how#-})"
}
native=cc
command -v musl-gcc >/dev/null 2>&1 && native=musl-gcc
case $(uname -m) in
  x86_64) build $native x86_64; build aarch64-linux-gnu-gcc aarch64 ;;
  aarch64) build $native aarch64; build x86_64-linux-gnu-gcc x86_64 ;;
  *) build $native "$(uname -m)" ;;
esac
exit 0
