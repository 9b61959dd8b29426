#!/usr/bin/env bash
# The Docker engine for the container suite (dist's Docker*Test) and for trying deploy/ by hand.
#
#   docker-env.sh start          install docker.io, docker-compose 1.29 and debootstrap from Debian's
#                                packages if missing (root + apt), start dockerd in the background if no
#                                engine answers, and make (or reuse) the offline base images. Prints
#                                "docker-env: ready" or "docker-env: SKIP <why>"; exits 0 either way.
#   docker-env.sh images REL CLI build claude-bridge:TAG from the unpacked release REL and
#                                claude-bridge-agent:TAG from the client directory CLI (TAG: $CLAUDE_BRIDGE_TAG)
#   docker-env.sh stop           stop dockerd, by PID, if `start` started it and no other run still uses it
#   docker-env.sh status         "ready" or "SKIP <why>" (exit 0 / 1)
#
# No image registry is reachable from the build machines, so nothing is pulled: the base image is a
# `debootstrap --variant=minbase bookworm` tree imported with `docker import` and tagged with the name
# the Dockerfiles use (debian:bookworm-slim), and the bridge's Java base is that image plus a jlink
# runtime made from the build's JDK 25 (claude-bridge-jre:25). Both stay in the engine as a cache: a
# second run only checks they exist. Run-to-run state (who started dockerd) is in $STATE.
#
# Always /usr/bin/docker: another docker CLI (newer, without plugins) may come first on PATH.
set -euo pipefail

DOCKER=/usr/bin/docker
if [ "$(id -u)" = 0 ]; then STATE=${CLAUDE_BRIDGE_DOCKER_STATE:-/run/claude-bridge-docker-env}
else STATE=${CLAUDE_BRIDGE_DOCKER_STATE:-${XDG_RUNTIME_DIR:-/tmp}/claude-bridge-docker-env-$(id -u)}; fi
BASE_TAG=debian:bookworm-slim
JRE_TAG=claude-bridge-jre:25
SUITE=bookworm
log() { echo "docker-env: $*" >&2; }
now() { date +%s; }

skip() { # record why the container suite cannot run, say it, succeed
  { mkdir -p "$STATE" && printf 'SKIP %s\n' "$*" > "$STATE/status"; } 2>/dev/null || true
  echo "docker-env: SKIP $*"
  exit 0
}

engine_answers() { "$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

install_packages() {
  local missing= p
  for p in docker.io docker-compose debootstrap; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || skip "Docker is not installed, and installing it needs root and apt-get (missing:$missing)"
  local t=$(now)
  log "installing$missing (Debian packages)"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing tini >/dev/null 2>&1 \
    || skip "apt-get install$missing failed"
  log "installed in $(( $(now) - t )) s"
}

start_engine() {
  engine_answers && { log "engine already running: using it"; return 0; }
  [ "$(id -u)" = 0 ] || skip "no Docker engine answers, and starting one needs root"
  [ -x /usr/sbin/dockerd ] || skip "dockerd is not installed"
  mkdir -p "$STATE"
  local t=$(now)
  # Started by hand (no systemd). The locks (fds 7 and 9: the start lock, build.sh's users lock) are
  # closed for it, or the engine would hold them for ever. setsid: a Ctrl-C meant for the tests does
  # not end the engine.
  setsid /usr/sbin/dockerd --pidfile "$STATE/dockerd.pidfile" >"$STATE/dockerd.log" 2>&1 </dev/null 7>&- 9>&- &
  local pid=$!
  echo "$pid" > "$STATE/dockerd.pid"
  local deadline=$(( $(now) + 120 ))
  until engine_answers; do
    kill -0 "$pid" 2>/dev/null || { tail -5 "$STATE/dockerd.log" >&2; rm -f "$STATE/dockerd.pid"; skip "dockerd exited at start (log: $STATE/dockerd.log)"; }
    [ "$(now)" -lt "$deadline" ] || skip "dockerd did not answer within 120 s (log: $STATE/dockerd.log)"
    sleep 0.5
  done
  log "dockerd started (pid $pid) in $(( $(now) - t )) s"
}

base_image() {
  "$DOCKER" image inspect "$BASE_TAG" >/dev/null 2>&1 && { log "base image $BASE_TAG cached"; return 0; }
  local t=$(now) root
  root=$(mktemp -d /var/tmp/claude-bridge-debootstrap.XXXXXX)
  log "making $BASE_TAG offline: debootstrap --variant=minbase $SUITE (a minute or two)"
  local mirror
  mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
  if ! debootstrap --variant=minbase "$SUITE" "$root" "${mirror:-http://deb.debian.org/debian}" >"$STATE/debootstrap.log" 2>&1; then
    rm -rf "$root"; skip "debootstrap failed (log: $STATE/debootstrap.log)"
  fi
  # like the official slim images: no apt lists, no docs
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/usr/share/doc/* "$root"/usr/share/man/*
  tar -C "$root" -c . | "$DOCKER" import -c 'CMD ["bash"]' - "$BASE_TAG" >/dev/null
  rm -rf "$root"
  log "base image $BASE_TAG made in $(( $(now) - t )) s"
}

jre_image() { # debian + a jlink runtime of the build's JDK 25: what the bridge image runs on here
  local java_home=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
  # what `jdeps --print-module-deps` finds in the daemon's jar (java.desktop, java.naming, java.net.http,
  # java.sql, jdk.management, jdk.net, jdk.unsupported), taken whole as java.se, plus a few cheap extras
  local modules=java.se,jdk.management,jdk.net,jdk.unsupported,jdk.httpserver,jdk.crypto.ec,jdk.zipfs
  local key
  key=$( { cat "$java_home/release"; echo "$modules"; } | sha256sum | cut -c1-12)
  [ "$("$DOCKER" image inspect -f '{{index .Config.Labels "jdk-release"}}' "$JRE_TAG" 2>/dev/null)" = "$key" ] \
    && { log "java image $JRE_TAG cached"; return 0; }
  [ -x "$java_home/bin/jlink" ] || skip "no JDK 25 with jlink at $java_home to make $JRE_TAG"
  local t=$(now) ctx
  ctx=$(mktemp -d)
  "$java_home/bin/jlink" --add-modules "$modules" \
    --strip-debug --no-header-files --no-man-pages --output "$ctx/java"
  cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM $BASE_TAG
COPY java/ /opt/java/
ENV JAVA_HOME=/opt/java PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LABEL jdk-release=$key
DOCKERFILE
  "$DOCKER" build -q -t "$JRE_TAG" "$ctx" >/dev/null
  rm -rf "$ctx"
  log "java image $JRE_TAG made in $(( $(now) - t )) s"
}

smoke() { # can a container start here at all (cgroups, overlayfs, seccomp)?
  local out
  out=$("$DOCKER" run --rm --network none "$BASE_TAG" echo container-ok 2>&1) \
    || skip "the engine runs but cannot start a container: $out"
  [ "$out" = container-ok ] || skip "a test container printed '$out'"
}

cmd_start() {
  local t=$(now)
  mkdir -p "$STATE" 2>/dev/null || { echo "docker-env: SKIP cannot write $STATE"; exit 0; }
  # one start at a time: a second run waits, then finds the engine and the images there
  exec 7>>"$STATE/start.lock"
  flock 7
  rm -f "$STATE/status"
  install_packages
  start_engine
  base_image
  jre_image
  smoke
  echo ready > "$STATE/status"
  echo "docker-env: ready ($(( $(now) - t )) s; $("$DOCKER" version --format 'engine {{.Server.Version}}'), $(docker-compose version --short 2>/dev/null | sed 's/^/compose /'))"
}

cmd_images() {
  local rel=$1 cli=$2 tag=${CLAUDE_BRIDGE_TAG:-latest} t
  t=$(now)
  "$DOCKER" build -q -f "$rel/deploy/Dockerfile.bridge" --build-arg "JAVA_IMAGE=$JRE_TAG" -t "claude-bridge:$tag" "$rel" >/dev/null
  log "claude-bridge:$tag built in $(( $(now) - t )) s"; t=$(now)
  "$DOCKER" build -q -f "$rel/deploy/Dockerfile.agent" -t "claude-bridge-agent:$tag" "$cli/.." >/dev/null
  log "claude-bridge-agent:$tag built in $(( $(now) - t )) s"
}

cmd_stop() {
  local pid
  [ -f "$STATE/dockerd.pid" ] || { log "dockerd was not started here: left alone"; return 0; }
  pid=$(cat "$STATE/dockerd.pid")
  # others still using it hold the lock shared (build.sh does, for the whole test run)
  exec 8>>"$STATE/users.lock"
  if ! flock -n -x 8; then log "dockerd (pid $pid) still in use by another run: left running"; return 0; fi
  # the pid file may outlive the engine: only a dockerd by that pid is ours to stop
  if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ]; then
    kill -TERM "$pid"
    local deadline=$(( $(now) + 60 ))
    while kill -0 "$pid" 2>/dev/null && [ "$(now)" -lt "$deadline" ]; do sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { log "dockerd (pid $pid) did not stop in 60 s: SIGKILL"; kill -KILL "$pid"; }
    log "dockerd (pid $pid) stopped"
  fi
  rm -f "$STATE/dockerd.pid"
}

cmd_status() {
  local s
  s=$(cat "$STATE/status" 2>/dev/null || echo "SKIP docker-env.sh start has not run")
  echo "$s"
  [ "$s" = ready ] && engine_answers
}

case ${1:-} in
  start) cmd_start ;;
  images) shift; cmd_images "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: docker-env.sh start|images RELEASE_DIR CLIENT_DIR|stop|status" >&2; exit 2 ;;
esac
