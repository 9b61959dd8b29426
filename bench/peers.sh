# shellcheck shell=bash disable=SC2034,SC2154  # sourced by bench/run.sh, which sets tmp, root, note, fail, words
# The peers of bench/run.sh: what a user would pick instead of the bridge to run a host program from a
# container, each set up privately for the run and stopped by PID at its end.
#   ssh     ssh with ControlMaster (one master connection; each call opens a session on it) to a private
#           sshd on a loopback port, with a throwaway host key and authorized key under $tmp/ssh
#   socat   socat with 64 KiB blocks (-b65536) on both sides of a Unix socket; the server execs the
#           program for each connection (one listener per program: socat passes no arguments)
#   docker  docker exec into a container (the offline base image of dist/src/docker/docker-env.sh,
#           which starts an engine when it can) that has bench/ mounted
# peers_start sets ssh_pfx, socat_pfx_true|out|in and docker_pfx (a command prefix, as shell words, that
# runs what follows on the far side) or leaves one empty with a note; peers_stop ends what it started.

peer_pids=()
docker_container= docker_started=0
ssh_pfx= docker_pfx=
declare -A socat_pfx

# the Debian packages the peers need, installed when missing and we may (root, apt-get)
peers_packages() {
  local missing=
  [ -x /usr/sbin/sshd ] || missing="$missing openssh-server"
  command -v ssh >/dev/null && command -v ssh-keygen >/dev/null || missing="$missing openssh-client"
  command -v socat >/dev/null || missing="$missing socat"
  [ -n "$missing" ] || return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    note "installing$missing (Debian packages) for the ssh and socat peers"
    # policy-rc.d (where present) or the lack of an init keeps the package's own sshd from starting here;
    # on a host with systemd the distribution's sshd starts as it would for any install of the package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 \
      || note "note: apt-get install$missing failed"
  else
    note "note:$missing missing (and installing needs root and apt-get)"
  fi
}

peer_ssh_start() {
  local d=$tmp/ssh port i user
  [ -x /usr/sbin/sshd ] && command -v ssh >/dev/null || { note "note: no sshd or ssh: the ssh rows are skipped"; return 0; }
  mkdir -p "$d" && chmod 700 "$d"
  ssh-keygen -q -t ed25519 -N '' -f "$d/host_key" -C bench-host
  ssh-keygen -q -t ed25519 -N '' -f "$d/id" -C bench-user
  cp "$d/id.pub" "$d/authorized_keys"
  # sshd insists on its privilege separation directory (as root; a non-root sshd serves only its own user)
  [ "$(id -u)" != 0 ] || mkdir -p /run/sshd
  user=$(id -un)
  for i in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    cat >"$d/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $d/host_key
AuthorizedKeysFile $d/authorized_keys
PidFile none
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers $user
MaxSessions 200
MaxStartups 200
PrintMotd no
PrintLastLog no
EOF
    # sshd runs commands through the login shell, and bash reads ~/.bashrc for them: where we can, the
    # private sshd sees an empty one (in a mount namespace of its own, the host's file untouched), so that
    # the user's shell set-up (pyenv and the like: seconds on a busy machine) is not counted as ssh's
    if [ "$(id -u)" = 0 ] && [ -f "$HOME/.bashrc" ] && command -v unshare >/dev/null; then
      unshare --mount --propagation private sh -c 'h=$1; shift; mount --bind /dev/null "$h/.bashrc" && exec "$@"' - \
        "$HOME" /usr/sbin/sshd -D -e -f "$d/sshd_config" 2>>"$d/sshd.log" &
    else
      /usr/sbin/sshd -D -e -f "$d/sshd_config" 2>>"$d/sshd.log" &
    fi
    peer_pids+=($!)
    ssh_opts=(-F /dev/null -i "$d/id" -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
      -o LogLevel=ERROR -o BatchMode=yes -o ControlPath="$d/control" -p "$port" -l "$user")
    sleep 0.3
    kill -0 "${peer_pids[-1]}" 2>/dev/null && break
    port=
  done
  [ -n "$port" ] || { note "note: the private sshd did not start ($(tail -1 "$d/sshd.log")): the ssh rows are skipped"; return 0; }
  # the master: one connection, kept by this PID until peers_stop
  ssh "${ssh_opts[@]}" -o ControlMaster=yes -o ControlPersist=no -N 127.0.0.1 2>>"$d/master.log" &
  peer_pids+=($!)
  for i in $(seq 100); do
    ssh "${ssh_opts[@]}" -O check 127.0.0.1 2>/dev/null && break
    sleep 0.1
  done
  ssh "${ssh_opts[@]}" -O check 127.0.0.1 2>/dev/null \
    || { note "note: ssh's master connection did not come up ($(tail -1 "$d/master.log")): the ssh rows are skipped"; return 0; }
  ssh_pfx=$(words ssh "${ssh_opts[@]}" -o ControlMaster=no 127.0.0.1)
}

peer_socat_start() { # one listener per program; -b65536: 64 KiB blocks (socat's default is 8 KiB)
  local name cmd sock i
  command -v socat >/dev/null || { note "note: no socat: the socat rows are skipped"; return 0; }
  for name in true out in; do
    case $name in true) cmd="$root/bench/fake-claude true" ;; out) cmd="$root/bench/fake-claude out $size" ;; in) cmd="$root/bench/fake-claude in" ;; esac
    sock=$tmp/socat-$name.sock
    socat -b65536 "UNIX-LISTEN:$sock,fork,mode=600" "EXEC:$cmd" 2>>"$tmp/socat.log" &
    peer_pids+=($!)
    # -t30: after our stdin's end, wait (up to 30 s) for the far side to finish, as `in` must print its count
    socat_pfx[$name]=$(words socat -b65536 -t30 - "UNIX-CONNECT:$sock")
  done
  for name in true out in; do
    for i in $(seq 100); do [ -S "$tmp/socat-$name.sock" ] && break; sleep 0.05; done
    [ -S "$tmp/socat-$name.sock" ] || { note "note: socat did not listen: the socat rows are skipped"; socat_pfx=(); return 0; }
  done
}

peer_docker_start() {
  local env=$root/dist/src/docker/docker-env.sh status
  [ -x "$env" ] || { note "note: no dist/src/docker/docker-env.sh: the docker rows are skipped"; return 0; }
  status=$("$env" start 2>>"$tmp/docker-env.log" | tail -1)
  case $status in
    *ready*) docker_started=1 ;;
    *) note "note: no Docker engine ($status): the docker rows are skipped"; return 0 ;;
  esac
  docker_container=cb-bench-$$
  /usr/bin/docker run -d --rm --name "$docker_container" --network none -v "$root/bench:/bench:ro" debian:bookworm-slim \
    sleep infinity >/dev/null 2>>"$tmp/docker-env.log" \
    || { note "note: the bench container did not start ($(tail -1 "$tmp/docker-env.log")): the docker rows are skipped"; docker_container=; return 0; }
  docker_pfx=$(words /usr/bin/docker exec -i "$docker_container" /bench/fake-claude)
}

peers_start() {
  peers_packages
  peer_ssh_start
  peer_socat_start
  peer_docker_start
}

peers_stop() {
  local p i
  [ -z "$docker_container" ] || /usr/bin/docker rm -f "$docker_container" >/dev/null 2>&1 || true
  # stops the engine only when docker-env started it and no other run still uses it
  [ "$docker_started" = 0 ] || "$root/dist/src/docker/docker-env.sh" stop >/dev/null 2>&1 || true
  for p in "${peer_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${peer_pids[@]}"; do
    for i in $(seq 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
}
