#!/bin/sh
# Builds the daemon's cgroup helper (cgroup-helper.c) for this machine's architecture, and for the other
# common one when a cross compiler is installed. A missing compiler is not an error: without the helper
# the daemon ends trees by process group and descendant tracking (docs/ARCHITECTURE.md).
set -u
out=$1
src=$(dirname "$0")/cgroup-helper.c
mkdir -p "$out"
build() { # compiler arch
  command -v "$1" >/dev/null 2>&1 || { echo "cgroup helper: $1 not found, skipping linux-$2"; return 0; }
  mkdir -p "$out/linux-$2"
  "$1" -O2 -Wall -Wextra -o "$out/linux-$2/claude-bridge-cgroup" "$src" && echo "cgroup helper: built linux-$2"
}
case $(uname -m) in
  x86_64) build cc x86_64; build aarch64-linux-gnu-gcc aarch64 ;;
  aarch64) build cc aarch64; build x86_64-linux-gnu-gcc x86_64 ;;
  *) build cc "$(uname -m)" ;;
esac
exit 0
