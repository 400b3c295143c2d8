#!/usr/bin/env python3
"""A native Spectrum 2 backend for the tap's tests: it speaks frames itself (stdlib only). Started
as Spectrum starts backends (BACKEND [OPTIONS] --host H --port P ... CONFIG), it connects, answers
PING with PONG and STATS (its own PID), echoes CONV_MESSAGE frames unchanged, and exits on EXIT or
when the connection ends. Options, given before Spectrum's arguments:
  --record FILE     every byte received is appended to FILE as it arrives
  --args FILE       its argv (one per line) is written to FILE at start
  --greet FILE      FILE's bytes are sent as they are right after connecting
  --exit-code N     the exit code on EXIT or end of connection (default 0)
  --never-connect   sleeps instead of connecting
  --ready FILE      FILE is created once connected (and greeted)"""
import argparse
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pbwire  # noqa: E402

parser = argparse.ArgumentParser()
for name in ("--record", "--args", "--greet", "--ready", "--host", "--port"):
    parser.add_argument(name)
parser.add_argument("--exit-code", type=int, default=0)
parser.add_argument("--never-connect", action="store_true")
options, _ = parser.parse_known_args()

if options.args:
    with open(options.args, "w") as f:
        f.write("\n".join(sys.argv) + "\n")
if options.never_connect:
    time.sleep(3600)
    sys.exit(0)

sock = socket.create_connection((options.host, int(options.port)))
if options.greet:
    with open(options.greet, "rb") as f:
        sock.sendall(f.read())
if options.ready:
    open(options.ready, "w").close()
record = open(options.record, "ab", buffering=0) if options.record else None


def varint(data, at):
    value, shift = 0, 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def wrapper_type(body):
    """Field 1 of a WrapperMessage, or None when the body does not start with it."""
    try:
        key, at = varint(body, 0)
        return varint(body, at)[0] if key == 0x08 else None
    except IndexError:
        return None


buf = b""
while True:
    data = sock.recv(65536)
    if not data:
        break
    if record:
        record.write(data)
    buf += data
    while len(buf) >= 4 and len(buf) >= 4 + struct.unpack("!I", buf[:4])[0]:
        n = struct.unpack("!I", buf[:4])[0]
        body, buf = buf[4:4 + n], buf[4 + n:]
        type_ = wrapper_type(body)
        if type_ == 9:  # PING
            stats = pbwire.field(1, 1000) + pbwire.field(2, 900) + pbwire.field(3, 100) + pbwire.field(4, str(os.getpid()))
            sock.sendall(pbwire.frame(pbwire.wrapper(10)) + pbwire.frame(pbwire.wrapper(23, stats)))
        elif type_ == 8:  # CONV_MESSAGE: the same bytes back
            sock.sendall(struct.pack("!I", n) + body)
        elif type_ == 29:  # EXIT
            sys.exit(options.exit_code)
sys.exit(options.exit_code)
