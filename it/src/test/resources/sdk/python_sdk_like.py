"""Drives a claude executable exactly as the Python claude-agent-sdk's subprocess transport does:
stream-json on stdin and stdout, an initialize control request, a user message, then close: EOF on
stdin, SIGTERM if it still runs 5 s later, SIGKILL 5 s after that.

Usage: python3 python_sdk_like.py <executable> <cwd> complete|abort
With abort, it prints "tool_use" once the model asked for a tool, waits for a line on its own stdin
(the test sends it when the tool runs), and closes without waiting for the result. The last line of
stdout is a JSON summary: the result, what ended the process (eof, sigterm, sigkill), its status as a
shell reports it (128+N for a signal), and the milliseconds from closing stdin to its end.
"""
import json
import os
import signal
import subprocess
import sys
import time

executable, cwd, mode = sys.argv[1:4]
env = dict(os.environ, CLAUDE_CODE_ENTRYPOINT="sdk-py", CLAUDE_AGENT_SDK_VERSION="0.1.0")
proc = subprocess.Popen(
    [executable, "--output-format", "stream-json", "--verbose", "--input-format", "stream-json",
     "--allowedTools", "Bash", "--permission-mode", "default"],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, env=env)


def send(message):
    proc.stdin.write((json.dumps(message) + "\n").encode())
    proc.stdin.flush()


def lines():
    for raw in proc.stdout:
        try:
            yield json.loads(raw)
        except ValueError:
            continue


send({"type": "control_request", "request_id": "req_1_init",
      "request": {"subtype": "initialize", "hooks": None}})
send({"type": "user", "message": {"role": "user", "content": "go"}, "parent_tool_use_id": None, "session_id": "default"})
result = None
for m in lines():
    if m.get("type") == "result":
        result = {"subtype": m.get("subtype"), "result": m.get("result")}
        break
    if mode == "abort" and m.get("type") == "assistant" and any(
            c.get("type") == "tool_use" for c in m["message"]["content"]):
        print("tool_use", flush=True)
        sys.stdin.readline()
        break

closed = time.monotonic()
proc.stdin.close()
ended_by = "eof"
try:
    proc.wait(5)
except subprocess.TimeoutExpired:
    proc.terminate()
    ended_by = "sigterm"
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        ended_by = "sigkill"
        proc.wait()
status = proc.returncode if proc.returncode >= 0 else 128 - proc.returncode
print(json.dumps({"result": result, "ended_by": ended_by, "status": status,
                  "ms": int((time.monotonic() - closed) * 1000)}), flush=True)
