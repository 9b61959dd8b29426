#!/bin/sh
# Builds the client's optional JNI helper for this machine's architecture, and for the other common
# one when a cross compiler is installed. Missing compilers are not an error: the client then uses the
# JDK's own (slower to start) Unix-domain SocketChannel.
set -u
out=$1
src=$(dirname "$0")
jdk=${JAVA_HOME:?JAVA_HOME must point at a JDK}
mkdir -p "$out"
build() { # compiler arch
  command -v "$1" >/dev/null 2>&1 || { echo "native helper: $1 not found, skipping linux-$2"; return 0; }
  mkdir -p "$out/linux-$2"
  "$1" -O2 -Wall -Wextra -shared -fPIC -I"$jdk/include" -I"$jdk/include/linux" \
    -o "$out/linux-$2/libclaudebridge.so" "$src"/*.c && echo "native helper: built linux-$2"
}
case $(uname -m) in
  x86_64) build cc x86_64; build aarch64-linux-gnu-gcc aarch64 ;;
  aarch64) build cc aarch64; build x86_64-linux-gnu-gcc x86_64 ;;
  *) build cc "$(uname -m)" ;;
esac
exit 0
