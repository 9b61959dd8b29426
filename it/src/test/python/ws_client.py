#!/usr/bin/env python3
"""A claude-bridge client in Python over WebSocket, written from docs/PROTOCOL.md alone.

Shows that a client in another language can use the bridge: it connects to wss://HOST:PORT/claude-bridge
with the subprotocol claude-bridge.v1, sends one frame per binary message, runs `claude ARGS...` with
the given working directory and stdin, writes the process's stdout/stderr to its own, and exits with
the process's status (128+N for a signal, the ERROR frame's status for a refusal).

usage: ws_client.py URL CA_FILE TOKEN_FILE|- CWD [ARG...]   (stdin is sent to the process)
"""
import asyncio
import ssl
import struct
import sys

import websockets

HELLO, REQUEST, STDIN, STDIN_EOF = 0x01, 0x02, 0x03, 0x04
STDOUT, STDERR, EXIT, ERROR, QUEUED, STARTED, CREDIT = 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16
TAG_ARG, TAG_CWD, TAG_CLIENT = 0x01, 0x03, 0x05


def frame(kind, payload=b""):
    return struct.pack(">BI", kind, len(payload)) + payload


def field(tag, value):
    data = value.encode("utf-8")
    return struct.pack(">BI", tag, len(data)) + data


def frames(message):
    """Splits one binary message into (type, payload) frames: a peer may batch them."""
    at = 0
    while at < len(message):
        kind, length = struct.unpack_from(">BI", message, at)
        yield kind, message[at + 5 : at + 5 + length]
        at += 5 + length


async def run(url, ca, token, cwd, args, stdin):
    tls = ssl.create_default_context(cafile=ca)
    async with websockets.connect(url, ssl=tls, subprotocols=["claude-bridge.v1"], max_size=None) as ws:
        hello = b"CBRIDGE" + bytes([1]) + b"python-ws-client"
        if token:
            hello += b"\0" + token.encode("utf-8")  # the bearer token rides in HELLO, after a NUL
        await ws.send(frame(HELLO, hello))
        request = b"".join(field(TAG_ARG, a) for a in args) + field(TAG_CWD, cwd) + field(TAG_CLIENT, "python")
        await ws.send(frame(REQUEST, request))
        pending = stdin
        credit = 0
        eof_sent = False
        async for message in ws:
            for kind, payload in frames(message):
                if kind == HELLO and not payload.startswith(b"CBRIDGE"):
                    print("claude-bridge: not a claude-bridge daemon", file=sys.stderr)
                    return 76
                if kind == CREDIT:
                    credit += struct.unpack(">I", payload)[0]
                if kind in (STARTED, CREDIT) and not eof_sent:
                    while pending and credit > 0:
                        chunk = pending[: min(credit, 65536)]
                        pending = pending[len(chunk) :]
                        credit -= len(chunk)
                        await ws.send(frame(STDIN, chunk))
                    if not pending:
                        await ws.send(frame(STDIN_EOF))
                        eof_sent = True
                elif kind == STDOUT:
                    sys.stdout.buffer.write(payload)
                    sys.stdout.buffer.flush()
                elif kind == STDERR:
                    sys.stderr.buffer.write(payload)
                    sys.stderr.buffer.flush()
                elif kind == EXIT:
                    how, value = struct.unpack(">Bi", payload)
                    return value & 0xFF if how == 0 else 128 + value
                elif kind == ERROR:
                    status, code_len = struct.unpack_from(">BH", payload)
                    message_text = payload[3 + code_len :].decode("utf-8", "replace")
                    print("claude-bridge: " + message_text, file=sys.stderr)
                    return status
        print("claude-bridge: the connection ended before the process did", file=sys.stderr)
        return 74


def main():
    url, ca, token_file, cwd = sys.argv[1:5]
    token = None if token_file == "-" else open(token_file).read().strip()
    stdin = sys.stdin.buffer.read()
    sys.exit(asyncio.run(run(url, ca, token, cwd, sys.argv[5:], stdin)))


if __name__ == "__main__":
    main()
