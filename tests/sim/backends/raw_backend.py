#!/usr/bin/env python3
"""A backend that speaks Spectrum's framed protobuf itself (a hand-rolled encoder, stdlib only), to
show the simulator what the bridge would never let through. Usage:
  raw_backend.py MODE --host H --port P ... CONFIG
MODE: silent (never answers PING), once (answers the first PING only), stubborn (ignores EXIT),
bad (sends what Spectrum would drop)."""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
import pbwire  # noqa: E402
from pbwire import field  # noqa: E402


def frame(type_, payload=None):
    return pbwire.frame(pbwire.wrapper(type_, payload))


mode = sys.argv[1]
args = sys.argv[2:]
host, port = args[args.index("--host") + 1], int(args[args.index("--port") + 1])
sock = socket.create_connection((host, port))
buf = b""
pings = 0
while True:
    data = sock.recv(65536)
    if not data:
        break
    buf += data
    while len(buf) >= 4 and len(buf) >= 4 + struct.unpack("!I", buf[:4])[0]:
        n = struct.unpack("!I", buf[:4])[0]
        body, buf = buf[4:4 + n], buf[4 + n:]
        type_ = body[1]
        if type_ == 9:
            pings += 1
        if type_ == 9 and mode != "silent" and (mode != "once" or pings == 1):  # PING
            stats = field(1, 1000) + field(2, 900) + field(3, 100) + field(4, "1" if mode == "bad" else str(os.getpid()))
            sock.sendall(frame(10) + frame(23, stats))
        elif type_ == 3 and mode == "bad":  # LOGIN: send everything Spectrum would drop or choke on
            sock.sendall(frame(3, field(1, "x") + field(2, "y") + field(3, "z")))     # type Spectrum ignores
            sock.sendall(frame(37))                                                 # type outside the enum
            sock.sendall(frame(8, field(1, "alice@localhost") + field(2, "bob")))   # missing required message
            sock.sendall(frame(2, field(1, "alice@localhost") + field(2, 0)))       # error 0
            sock.sendall(frame(1, field(1, "alice")))                               # not the JID from LOGIN
            sock.sendall(frame(8, field(1, "alice@localhost") + field(2, "bob") + field(3, "hi")
                               + field(6, "2024-01-31 12:00")))                    # bad timestamp
            sock.sendall(frame(30, field(1, "[features]\nmuc=maybe\n")))            # Spectrum would throw
        elif type_ == 29 and mode != "stubborn":  # EXIT
            sys.exit(0)
if mode == "stubborn":
    time.sleep(60)
