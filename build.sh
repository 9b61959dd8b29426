#!/usr/bin/env bash
# The project's one entry point.
#   ./build.sh run [serve options]   build, then run the daemon in the foreground on the default socket
#   ./build.sh test                  install test prerequisites, build, run the whole test suite
#   ./build.sh package               build the jars only (bin/claude-bridge and bin/claude then work)
#   ./build.sh bench                 build, then run the benchmarks of docs/BENCHMARKS.md
#   ./build.sh deps                  install the test prerequisites only (Debian packages, .tools/)
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

find_jdk() { # JAVA_HOME of a JDK 25+, or fail clearly
  for h in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 \
           /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-25-openjdk-arm64; do
    [ -n "$h" ] && [ -x "$h/bin/javac" ] || continue
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$h/release" 2>/dev/null)
    [ -n "$v" ] && [ "$v" -ge 25 ] && { echo "$h"; return 0; }
  done
  echo "build.sh: a JDK 25 or newer is needed (Temurin 25 is expected at /usr/lib/jvm/temurin-25-jdk-amd64); set JAVA_HOME to one" >&2
  return 1
}
JAVA_HOME=$(find_jdk)
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# Maven 3.8 on JDK 25 warns about sun.misc.Unsafe in its own libraries; not ours to fix
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
command -v mvn >/dev/null || { echo "build.sh: Maven is needed (apt-get install maven)" >&2; exit 1; }

mvn_q() { mvn -B -q "$@" 2>&1 | { grep -v "^WARNING: " || true; }; }

# Everything the tests need beyond the JDK and Maven. Root installs Debian packages; the real Claude
# Code CLI goes into .tools/ (never onto the host's PATH), pinned so results are comparable.
CLAUDE_CODE_VERSION=2.1.197
CLAUDE_CODE_LATEST_VERSION=2.1.332 # the newest checked: the argument policy classifies both, and the tests run both
AGENT_SDK_VERSIONS="0.3.197 0.3.337" # the TypeScript Agent SDK matching the pinned CLI, and the newest npm served when last checked
PLAYWRIGHT_VERSION=1.65.1 # playwright-core only (no browsers downloaded): drives Debian's chromium in the dashboard test
KUBERNETES_MODELS_VERSION=5.1.0 # the Kubernetes API schema, to validate deploy/k8s/ (with yaml to read it)
prerequisites() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    missing=
    for p in tmux util-linux procps hyperfine chromium python3-prometheus-client python3-websockets bubblewrap musl-tools; do
      dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
    done
    if [ -n "$missing" ]; then
      echo "build.sh: installing$missing"
      apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    fi
  fi
  if [ ! -x .tools/claude-code/node_modules/.bin/claude ] && command -v npm >/dev/null; then
    echo "build.sh: installing @anthropic-ai/claude-code@$CLAUDE_CODE_VERSION into .tools/claude-code"
    npm install --silent --no-fund --no-audit --prefix .tools/claude-code "@anthropic-ai/claude-code@$CLAUDE_CODE_VERSION" >/dev/null 2>&1 \
      || echo "build.sh: could not install the Claude Code CLI; the real-CLI tests will say they are skipped" >&2
  fi
  for v in $AGENT_SDK_VERSIONS; do
    if [ ! -d ".tools/agent-sdk-$v/node_modules/@anthropic-ai/claude-agent-sdk" ] && command -v npm >/dev/null; then
      echo "build.sh: installing @anthropic-ai/claude-agent-sdk@$v into .tools/agent-sdk-$v"
      npm install --silent --no-fund --no-audit --prefix ".tools/agent-sdk-$v" "@anthropic-ai/claude-agent-sdk@$v" >/dev/null 2>&1 \
        || echo "build.sh: could not install the Agent SDK $v; the SDK tests will say they are skipped" >&2
    fi
  done
  if [ ! -x .tools/claude-code-latest/node_modules/.bin/claude ] && command -v npm >/dev/null; then
    echo "build.sh: installing @anthropic-ai/claude-code@$CLAUDE_CODE_LATEST_VERSION into .tools/claude-code-latest"
    npm install --silent --no-fund --no-audit --prefix .tools/claude-code-latest "@anthropic-ai/claude-code@$CLAUDE_CODE_LATEST_VERSION" >/dev/null 2>&1 \
      || echo "build.sh: could not install the newest Claude Code CLI; its tests will say they are skipped" >&2
  fi
  if [ ! -d .tools/playwright/node_modules/playwright-core ] && command -v npm >/dev/null; then
    echo "build.sh: installing playwright-core@$PLAYWRIGHT_VERSION into .tools/playwright"
    npm install --silent --no-fund --no-audit --prefix .tools/playwright "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null 2>&1 \
      || echo "build.sh: could not install playwright-core; the dashboard browser test will say it is skipped" >&2
  fi
  if [ ! -d .tools/kubernetes-models/node_modules/kubernetes-models ] && command -v npm >/dev/null; then
    echo "build.sh: installing kubernetes-models@$KUBERNETES_MODELS_VERSION into .tools/kubernetes-models"
    npm install --silent --no-fund --no-audit --prefix .tools/kubernetes-models "kubernetes-models@$KUBERNETES_MODELS_VERSION" yaml@2.9.1 >/dev/null 2>&1 \
      || echo "build.sh: could not install kubernetes-models; the manifest schema test will say it is skipped" >&2
  fi
}

# The Docker engine for the container suite (dist's Docker*Test): docker-env.sh installs docker.io,
# docker-compose and debootstrap from Debian, starts dockerd if none runs, and makes or reuses the
# offline base images; it says "SKIP <why>" when containers cannot run, and the suite then skips.
# This run holds a shared lock while it tests, so that the stop at the end leaves an engine another
# run still uses; the engine itself is stopped (by PID) only if this script's start started it.
docker_env=dist/src/docker/docker-env.sh
docker_up() {
  mkdir -p /run/claude-bridge-docker-env 2>/dev/null || true
  exec 9>>/run/claude-bridge-docker-env/users.lock && flock -s 9 || true
  bash "$docker_env" start || echo "build.sh: $docker_env start failed; the container suite will say it is skipped" >&2
  trap docker_down EXIT
}
docker_down() {
  flock -u 9 2>/dev/null; exec 9>&-
  bash "$docker_env" stop || true
}

cmd=${1:-package}
[ $# -gt 0 ] && shift
case $cmd in
  package)
    mvn_q package -Dmaven.test.skip=true
    ;;
  run)
    mvn_q package -Dmaven.test.skip=true -pl client,daemon -am
    exec bin/claude-bridge serve "$@"
    ;;
  test)
    prerequisites
    docker_up
    mvn -B verify -Dclaude.real="$root/.tools/claude-code/node_modules/.bin/claude" \
      -Dclaude.latest="$root/.tools/claude-code-latest/node_modules/.bin/claude" "$@"
    ;;
  deps)
    prerequisites
    ;;
  bench)
    prerequisites
    mvn_q package -Dmaven.test.skip=true -pl client,daemon -am
    exec bench/run.sh "$@"
    ;;
  *)
    echo "usage: ./build.sh [run|test|package|bench]" >&2
    exit 2
    ;;
esac
