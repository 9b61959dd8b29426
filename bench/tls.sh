#!/usr/bin/env bash
# A trivial call (the stand-in claude's `true`) through the bridge over its Unix socket, over TCP +
# TLS 1.3 on 127.0.0.1 (token authentication, and mutual TLS) and over WebSocket (wss://, token), side by
# side: what a network transport adds to a call.
#   bench/tls.sh [--runs N]        (default 30 runs per row, after 3 warm-up runs)
# Needs: hyperfine, openssl (the test certificates), the built tree (./build.sh package or mvn install).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=30
[ "${1:-}" = --runs ] && runs=$2
fail() { echo "bench/tls.sh: $*" >&2; exit 1; }
command -v hyperfine >/dev/null || fail "hyperfine is needed"
command -v openssl >/dev/null || fail "openssl is needed (for the test certificates)"
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

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
for c in "$unix" "$tls" "$mtls" "$wss"; do $c || fail "a call failed: $c"; done
# the launcher makes its ahead-of-time cache in the background after the first call: measure with it
for _ in $(seq 600); do ls "$CLAUDE_BRIDGE_CACHE"/*.aot >/dev/null 2>&1 && [ ! -e "$(ls "$CLAUDE_BRIDGE_CACHE"/*.aot | head -1).lock" ] && break; sleep 0.2; done
hyperfine -N -w 3 -r "$runs" --style basic -n unix "$unix" -n tls-token "$tls" -n mutual-tls "$mtls" -n wss-token "$wss"
echo "machine: nproc $(nproc), Linux $(uname -r)"
