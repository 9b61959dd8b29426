#!/usr/bin/env bash
# The container client's own cost, without the daemon's: one trivial call of the native client and of
# the Java client (bin/claude) against a stand-in daemon that answers at once (HELLO, STARTED, credit,
# EXIT 0; a Python thread per connection), beside `true` run directly. Side by side in one hyperfine
# run, in alternating rounds; quote the medians' differences ("added") and ratios.
#
#   bench/client-cost.sh [--rounds N] [--runs N]      (defaults 4 and 15; needs hyperfine, python3)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=4 runs=15
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift ;;
    --runs) runs=$2; shift ;;
    *) echo "bench/client-cost.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
fail() { echo "bench/client-cost.sh: $*" >&2; exit 1; }
source bench/lib.sh
native=client/target/native/linux-$(uname -m)/claude
[ -x "$native" ] || fail "no native client at $native (build first: ./build.sh package)"
[ -f client/target/claude-bridge-client.jar ] || fail "no Java client jar (build first: ./build.sh package)"
tmp=$(mktemp -d)
server=
cleanup() { [ -z "$server" ] || kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
python3 - "$tmp/s.sock" <<'PY' &
import socket, struct, sys, threading
def frame(t, p=b""): return bytes([t]) + struct.pack(">I", len(p)) + p
def read_frame(c):
    h = b""
    while len(h) < 5:
        b = c.recv(5 - len(h))
        if not b: return None
        h += b
    n = struct.unpack(">I", h[1:])[0]
    p = b""
    while len(p) < n:
        b = c.recv(n - len(p))
        if not b: return None
        p += b
    return h[0], p
def serve(c):
    with c:
        if read_frame(c) is None: return
        c.sendall(frame(0x01, b"CBRIDGE\x01stand-in"))
        if read_frame(c) is None: return
        c.sendall(frame(0x15) + frame(0x16, struct.pack(">I", 262144)) + frame(0x12, b"\x00" + struct.pack(">i", 0)))
        while c.recv(65536): pass  # until the client closes: it may still send STDIN_EOF
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(64)
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
server=$!
until [ -S "$tmp/s.sock" ]; do sleep 0.05; done
export CLAUDE_BRIDGE_SOCKET=$tmp/s.sock CLAUDE_BRIDGE_CACHE=$tmp/cache
bin/claude >/dev/null 2>&1 || true # the Java client's first run writes its class cache
for ((ROUND = 1; ROUND <= rounds; ROUND++)); do
  measure cost 0 2 "$runs" direct "$(words /bin/true)" native "$(words "$native")" java "$(words bin/claude)"
done
summarise cost
echo "client cost against a stand-in daemon that answers at once: medians over $rounds x $runs runs, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
for c in direct native java; do
  printf '  %-7s %8s ms  (min %s, max %s)  added over direct: %s ms\n' "$c" "${med[$c]}" "${lo[$c]}" "${hi[$c]}" "$(sub "${med[$c]}" "${med[direct]}")"
done
awk -v j="${med[java]}" -v n="${med[native]}" -v d="${med[direct]}" \
  'BEGIN { if (n - d >= 0.1) printf "  java / native, added: %.0fx\n", (j - d) / (n - d); else print "  the native client adds less than the noise of a direct start" }'
