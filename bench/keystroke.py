#!/usr/bin/env python3
"""Keystroke round trip: a byte written to a terminal until its echo is read back from that terminal.

Run by bench/keystroke.sh, which starts the daemon. Two terminals are measured side by side, keystroke
by keystroke in alternating order:
  bridge  bin/claude on a pty of ours; the daemon runs PROGRAM on a pty of its own
  local   PROGRAM directly on a pty of ours
PROGRAM puts its terminal in raw mode without echo, prints "ready" and copies stdin to stdout (cat), so
each byte makes the whole trip: our pty, the client, the socket, the daemon, the host pty, cat, and back.

  keystroke.py --client BIN_CLAUDE --program PROGRAM [--keys N] [--warmup N] [--gap-ms MS]
"""
import argparse
import fcntl
import math
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time

READY = b"ready"


class Terminal:
    """A process on a fresh pty (its controlling terminal), driven through the master."""

    def __init__(self, name, argv, env):
        self.name = name
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True, preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        os.close(slave)
        self.times = []

    def await_output(self, marker, seconds):
        seen = b""
        deadline = time.monotonic() + seconds
        while marker not in seen:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.master], [], [], left)[0]:
                sys.exit(f"keystroke.py: {self.name}: no {marker!r} within {seconds} s; got {seen[-300:]!r}")
            seen += os.read(self.master, 4096)

    def keystroke(self, byte, record):
        """Writes one byte, waits for it to come back and, if asked, records the time taken (ns)."""
        t0 = time.perf_counter_ns()
        os.write(self.master, byte)
        got = b""
        while not got:
            if not select.select([self.master], [], [], 10)[0]:
                sys.exit(f"keystroke.py: {self.name}: no echo of {byte!r} within 10 s")
            got = os.read(self.master, 64)
        t1 = time.perf_counter_ns()
        if got != byte:
            sys.exit(f"keystroke.py: {self.name}: sent {byte!r}, read back {got!r}")
        if record:
            self.times.append(t1 - t0)

    def close(self):
        if self.proc.poll() is None:
            # the client forwards SIGTERM to the host process group and exits when that has ended
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        os.close(self.master)


def percentile(sorted_values, p):
    """Nearest-rank percentile."""
    k = max(0, math.ceil(p / 100 * len(sorted_values)) - 1)
    return sorted_values[k]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--client", required=True)
    ap.add_argument("--program", required=True)
    ap.add_argument("--keys", type=int, default=2000)
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--gap-ms", type=float, default=5.0, help="pause between keystrokes, as between a typist's keys")
    a = ap.parse_args()

    env = dict(os.environ, TERM="xterm-256color")
    bridge = Terminal("bridge", [a.client], env)
    local = Terminal("local", [a.program], env)
    try:
        bridge.await_output(READY, 60)
        local.await_output(READY, 10)
        keys = b"abcdefghijklmnopqrstuvwxyz0123456789"
        for i in range(a.warmup + a.keys):
            byte = keys[i % len(keys):i % len(keys) + 1]
            pair = (bridge, local) if i % 2 == 0 else (local, bridge)
            for t in pair:
                t.keystroke(byte, i >= a.warmup)
                time.sleep(a.gap_ms / 1000)
    finally:
        bridge.close()
        local.close()

    rows = {}
    for t in (bridge, local):
        v = sorted(t.times)
        rows[t.name] = [percentile(v, p) / 1e6 for p in (50, 90, 99)] + [v[-1] / 1e6, sum(v) / len(v) / 1e6]
    paired = sorted(b - l for b, l in zip(bridge.times, local.times))
    print(f"keystroke round trip, {a.keys} keystrokes per terminal (after {a.warmup} warm-up), "
          f"alternating order, {a.gap_ms:g} ms between keystrokes; times in ms")
    print(f"  {'':8} {'p50':>8} {'p90':>8} {'p99':>8} {'max':>8} {'mean':>8}")
    for name in ("local", "bridge"):
        print(f"  {name:8} " + " ".join(f"{x:8.3f}" for x in rows[name]))
    added = [b - l for b, l in zip(rows["bridge"], rows["local"])]
    print(f"  {'added':8} " + " ".join(f"{x:8.3f}" for x in added) + "   (bridge minus local, per column)")
    print(f"  paired differences (bridge - local, same keystroke index): p50 {percentile(paired, 50) / 1e6:.3f}, "
          f"p99 {percentile(paired, 99) / 1e6:.3f}")
    verdict = "met" if added[2] < 2.0 else "NOT met"
    print(f"  target: under 2 ms added at p99: {verdict} ({added[2]:.3f} ms)")


if __name__ == "__main__":
    main()
