#!/bin/sh
# Builds the native container client: OUT/linux-ARCH/claude, one static executable, with musl
# (musl-gcc, Debian's musl-tools) for a small binary that runs in any image, Alpine included. Without
# musl it falls back to a static glibc build, and without a C compiler it says so and builds nothing:
# the Java client still works, and the native client's tests say they are skipped.
# With a second argument (a directory) it also builds the frame decoder's fuzz harness there, with the
# address and undefined-behaviour sanitizers, when the compiler has them.
set -u
out=$1
fuzz=${2:-}
src=$(dirname "$0")
arch=$(uname -m)
mkdir -p "$out/linux-$arch"
bin=$out/linux-$arch/claude
sources="$src/main.c $src/frame.c $src/caller.c $src/connect.c"
flags="-Os -Wall -Wextra -static -s -ffunction-sections -fdata-sections -Wl,--gc-sections"
rm -f "$bin"
if command -v musl-gcc >/dev/null 2>&1; then
  # shellcheck disable=SC2086
  musl-gcc $flags -o "$bin" $sources && echo "native client: built $bin with musl ($(wc -c < "$bin") bytes)"
elif command -v cc >/dev/null 2>&1; then
  echo "native client: musl-gcc not found (apt-get install musl-tools); building a static glibc binary instead"
  # shellcheck disable=SC2086
  cc $flags -pthread -o "$bin" $sources && echo "native client: built $bin with glibc ($(wc -c < "$bin") bytes)"
else
  echo "native client: no C compiler, skipping (the native client's tests will say they are skipped)"
fi
if [ -n "$fuzz" ] && command -v cc >/dev/null 2>&1; then
  mkdir -p "$fuzz"
  if cc -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -Wall -Wextra \
      -o "$fuzz/frame-fuzz" "$src/fuzz.c" "$src/frame.c" 2>/dev/null; then
    echo "native client: built the fuzz harness with sanitizers"
  else
    cc -O1 -g -Wall -Wextra -o "$fuzz/frame-fuzz" "$src/fuzz.c" "$src/frame.c" \
      && echo "native client: built the fuzz harness without sanitizers (the compiler has none)"
  fi
fi
exit 0
