#!/usr/bin/env bash
# What a network transport adds, side by side in one run: a trivial call (the stand-in claude's `true`)
# and a stream of stdout, through the bridge over its Unix socket (Java and native client), over TCP +
# TLS 1.3 on 127.0.0.1 (token authentication, and mutual TLS) and over WebSocket (wss://, token), and
# through ssh with ControlMaster to a private sshd on loopback (what a user would pick to reach another
# host instead).
#   bench/tls.sh [--runs N] [--size BYTES]   (default 30 runs per trivial-call row after 3 warm-up
#                                            runs; 3 runs of 256 MiB per stream row)
# Needs: hyperfine, openssl (the test certificates), the built tree (./build.sh package or mvn install);
# sshd and ssh for the ssh row (bench/peers.sh installs them when run as root).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
runs=30 size=268435456
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift ;;
    --size) size=$2; shift ;;
    *) echo "bench/tls.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
fail() { echo "bench/tls.sh: $*" >&2; exit 1; }
note() { echo "$*" >&2; }
# shellcheck source=bench/lib.sh
. bench/lib.sh
# shellcheck source=bench/peers.sh
. bench/peers.sh
command -v hyperfine >/dev/null || fail "hyperfine is needed"
command -v openssl >/dev/null || fail "openssl is needed (for the test certificates)"
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; peers_stop; wait 2>/dev/null; rm -rf "$tmp"' EXIT

# a CA, the bridge's certificate for 127.0.0.1, a client certificate
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=bench-ca \
  -keyout "$tmp/ca.key" -out "$tmp/ca.crt" 2>/dev/null
for who in server client; do
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=bench-$who" \
    -keyout "$tmp/$who.key" -out "$tmp/$who.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\n' >"$tmp/$who.ext"
  openssl x509 -req -in "$tmp/$who.csr" -CA "$tmp/ca.crt" -CAkey "$tmp/ca.key" -CAcreateserial -days 1 \
    -extfile "$tmp/$who.ext" -out "$tmp/$who.crt" 2>/dev/null
done
token=$(head -c 32 /dev/urandom | base64 | tr -d '=+/')
printf '%s\n' "$token" >"$tmp/token"
entry=$(printf '%s' "$token" | bin/claude-bridge token bench --hash)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
wsport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

cat >"$tmp/config.yaml" <<YAML
claude: { path: $PWD/bench/fake-claude }
listeners:
  - { socket: $tmp/b.sock }
  - tls: { listen: "127.0.0.1:$port", certificate: $tmp/server.crt, key: $tmp/server.key, client-ca: $tmp/ca.crt, tokens: [ "$entry" ] }
  - tls: { listen: "127.0.0.1:$wsport", websocket: true, certificate: $tmp/server.crt, key: $tmp/server.key, tokens: [ "$entry" ] }
profiles:
  default: { rate: { per-minute: 0 } }
audit: { path: $tmp/audit.log }
YAML
bin/claude-bridge serve --config "$tmp/config.yaml" --admin-listen off >"$tmp/daemon.log" 2>&1 &
pid=$!
for _ in $(seq 300); do [ -S "$tmp/b.sock" ] && break; sleep 0.1; done
[ -S "$tmp/b.sock" ] || fail "the daemon did not start: $(cat "$tmp/daemon.log")"

export CLAUDE_BRIDGE_CACHE=$tmp/cache
unix="env CLAUDE_BRIDGE_SOCKET=$tmp/b.sock bin/claude true"
tls="env CLAUDE_BRIDGE_URL=tls://127.0.0.1:$port CLAUDE_BRIDGE_CA=$tmp/ca.crt CLAUDE_BRIDGE_TOKEN_FILE=$tmp/token bin/claude true"
mtls="env CLAUDE_BRIDGE_URL=tls://127.0.0.1:$port CLAUDE_BRIDGE_CA=$tmp/ca.crt CLAUDE_BRIDGE_CERT=$tmp/client.crt CLAUDE_BRIDGE_KEY=$tmp/client.key bin/claude true"
wss="env CLAUDE_BRIDGE_URL=wss://127.0.0.1:$wsport CLAUDE_BRIDGE_CA=$tmp/ca.crt CLAUDE_BRIDGE_TOKEN_FILE=$tmp/token bin/claude true"
native=$(ls client/target/native/linux-"$(uname -m)"/claude 2>/dev/null || true)
peers_packages
peer_ssh_start
fake=$PWD/bench/fake-claude
for c in "$unix" "$tls" "$mtls" "$wss"; do $c || fail "a call failed: $c"; done
# the launcher makes its ahead-of-time cache in the background after the first call: measure with it
for _ in $(seq 600); do ls "$CLAUDE_BRIDGE_CACHE"/*.aot >/dev/null 2>&1 && [ ! -e "$(ls "$CLAUDE_BRIDGE_CACHE"/*.aot | head -1).lock" ] && break; sleep 0.2; done
rows=(-n unix "$unix" -n tls-token "$tls" -n mutual-tls "$mtls" -n wss-token "$wss")
[ -z "$native" ] || rows+=(-n unix-native "env CLAUDE_BRIDGE_SOCKET=$tmp/b.sock $native true")
[ -z "$ssh_pfx" ] || rows+=(-n ssh-controlmaster "$ssh_pfx $(words "$fake") true")
echo "trivial call ('true'):"
hyperfine -N -w 3 -r "$runs" --style basic "${rows[@]}"
out() { printf '%s out %s | cat >/dev/null' "${1% true}" "$size"; } # the same command, streaming SIZE bytes
streams=(-n unix "$(out "$unix")" -n tls-token "$(out "$tls")" -n wss-token "$(out "$wss")")
[ -z "$native" ] || streams+=(-n unix-native "$(out "env CLAUDE_BRIDGE_SOCKET=$tmp/b.sock $native true")")
[ -z "$ssh_pfx" ] || streams+=(-n ssh-controlmaster "$ssh_pfx $(words "$fake") out $size | cat >/dev/null")
streams+=(-n direct "$(words "$fake") out $size | cat >/dev/null")
echo "stdout, $((size / 1048576)) MiB (MiB/s = size / time):"
hyperfine -w 1 -r 3 --style basic "${streams[@]}"
echo "machine: nproc $(nproc), Linux $(uname -r)"
