#!/bin/sh
# Builds the self-contained container client, the directory an agent image copies:
#   claude-bridge-client/bin/claude                      the launcher (finds ../runtime/bin/java first)
#   claude-bridge-client/bin/claude-native               the native client: one static executable, no runtime
#   claude-bridge-client/lib/claude-bridge-client.jar
#   claude-bridge-client/lib/native/linux-ARCH/libclaudebridge.so
#   claude-bridge-client/runtime/                        a jlink runtime with only the modules the client uses
# and packs it as claude-bridge-client-VERSION-linux-ARCH.tar.gz.
# Usage: client-dir.sh TARGET_DIR VERSION PROJECT_ROOT JAVA_HOME
set -eu
target=$1 version=$2 root=$3 jdk=$4
arch=$(uname -m)
dir=$target/claude-bridge-client
jar=$root/client/target/claude-bridge-client.jar
native=$root/client/target/native/linux-$arch/libclaudebridge.so
static=$root/client/target/native/linux-$arch/claude
for f in "$jar" "$root/bin/claude" "$jdk/bin/jlink" "$jdk/bin/jdeps"; do
  [ -e "$f" ] || { echo "client-dir: $f is missing" >&2; exit 1; }
done

# The modules the client needs, as jdeps sees them (java.base, java.net.http for wss://, and jdk.unsupported for sun.misc.Signal).
modules=$("$jdk/bin/jdeps" --print-module-deps --ignore-missing-deps "$jar")
case ",$modules," in *,jdk.unsupported,*) ;; *) modules="$modules,jdk.unsupported" ;; esac

# --generate-cds-archive: the default class-data archive (with and without compressed oops, so hosts
#   with big heaps keep it too); without it the client starts in ~90 ms instead of ~35 ms.
set -- --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress zip-6 \
  --generate-cds-archive
# jlink is the slow step (~4 s): reuse the runtime when the JDK and the options are the same as last time.
stamp="$* $(cat "$jdk/release")"
if [ -x "$dir/runtime/bin/java" ] && [ "$(cat "$dir/.runtime-stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "client-dir: runtime up to date ($modules)"
else
  rm -rf "$dir"
  mkdir -p "$dir"
  if ! "$jdk/bin/jlink" "$@" --output "$dir/runtime" >"$target/jlink.log" 2>&1; then
    cat "$target/jlink.log" >&2
    exit 1
  fi
  printf '%s' "$stamp" > "$dir/.runtime-stamp"
  echo "client-dir: jlink runtime with $modules"
fi
# the runtime must be able to map its CDS archive, or every call pays for class loading
"$dir/runtime/bin/java" -Xshare:on -XX:+UseSerialGC -version >/dev/null 2>&1 \
  || { echo "client-dir: the runtime's CDS archive does not load" >&2; exit 1; }

rm -rf "$dir/bin" "$dir/lib"
mkdir -p "$dir/bin" "$dir/lib"
cp "$root/bin/claude" "$dir/bin/claude"
chmod 0755 "$dir/bin/claude"
if [ -x "$static" ]; then
  cp "$static" "$dir/bin/claude-native"
  chmod 0755 "$dir/bin/claude-native"
else
  echo "client-dir: no native client for linux-$arch (no C compiler at build time); images must use the Java launcher" >&2
fi
cp "$jar" "$dir/lib/"
if [ -f "$native" ]; then
  mkdir -p "$dir/lib/native/linux-$arch"
  cp "$native" "$dir/lib/native/linux-$arch/"
else
  echo "client-dir: no native helper for linux-$arch; the client will use the JDK's socket channel" >&2
fi

archive=$target/claude-bridge-client-$version-linux-$arch.tar.gz
tar --create --gzip --file "$archive" --directory "$target" --exclude=.runtime-stamp \
  --sort=name --owner=0 --group=0 --numeric-owner claude-bridge-client
echo "client-dir: $(du -sh "$dir/runtime" | cut -f1) runtime, $(du -sh "$dir" | cut -f1) directory, $(du -h "$archive" | cut -f1) $archive"
