#!/usr/bin/env python3
"""Writes the seed corpora under tests/fuzz/corpus/ (run once; the fuzzers add to them)."""
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from pbwire import field, frame, wrapper  # noqa: E402


conv = field(1, "alice@example.org") + field(2, "bob") + field(3, "héllo") + field(6, "20240131T120000")
login = field(1, "alice@example.org") + field(2, "alice") + field(3, "pw") + field(5, field(1, field(1, "k") + field(2, "v")))
buddy = field(1, "alice@example.org") + field(2, "bob") + field(4, "G1") + field(4, "G2") + field(5, 1) + field(8, 0)
vcard = field(1, "u") + field(2, "b") + field(3, 7) + field(6, b"\x89PNG\x00\xff")
bodies = {
    "ping": wrapper(9), "exit": wrapper(29), "login": wrapper(3, login), "conv": wrapper(8, conv),
    "buddy": wrapper(6, buddy), "vcard": wrapper(16, vcard), "raw_xml": wrapper(34, "<presence/>"),
    "unknown_type": wrapper(99, b"abc"), "ft": wrapper(24, b"\x01"), "bad_payload": wrapper(8, b"\xff\xff"),
    "bad_utf8": wrapper(8, field(1, b"a\xff") + field(2, "b") + field(3, b"\xc3")),
    "status": wrapper(17, field(1, "u") + field(3, 4) + field(4, "busy")),
    "room": wrapper(11, field(1, "u") + field(2, "nick") + field(3, "#r") + field(4, "")),
    "missing_required": wrapper(8, field(1, "u")),
}
lines = [
    {"type": "connected", "user": "alice@example.org"},
    {"type": "disconnected", "user": "a", "error": 2, "message": "no"},
    {"type": "conv_message", "userName": "a", "buddyName": "b", "message": "m", "timestamp": "20240131T120000",
     "attachment": [{"url": "http://x"}]},
    {"type": "buddy_changed", "userName": "a", "buddyName": "b", "group": ["x"], "status": "STATUS_AWAY",
     "blocked": True},
    {"type": "participant_changed", "userName": "a", "room": "#r", "nickname": "n", "flag": 3, "status": 1},
    {"type": "vcard", "userName": "a", "buddyName": "b", "id": 1, "photo": "AAEC"},
    {"type": "backend_config", "config": "[features]\nmuc=1\n"},
    {"type": "raw_xml", "xml": "<message/>"},
    {"type": "room_list", "room": ["#a"], "name": ["A"], "user": ""},
    {"type": "TYPE_STATS", "res": 1, "initRes": 2, "shared": 3, "id": "4"},
    {"type": "pong"}, {"type": "bridge.log", "level": "warn", "message": "x"}, {"type": "login", "user": "x"},
]
configs = [
    "[service]\njid = x # c\nbackend=\"/usr/bin/x\"\n[json_backend]\nchild = python3 'a b.py' \"c\\\"d\" e\\ f\n",
    "[features]\nmuc=1\nrawxml=off\n[registration]\nextraField=a\nextraField=b\n",
    "[features]\nmuc=maybe\n", "; not a comment\n", "sh -c 'echo \"$HOME\"' x\\ y \"\"\n",
]


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


for name, body in bodies.items():
    write("to_child", name, body)
    write("frame_decoder", name, bytes([64, 5]) + frame(body) + frame(wrapper(9)))
    write("bridge", name, bytes([8, 0x80 | 63]) + frame(body)[:63] + bytes([0x80 | 63]) + frame(body)[63:126])
write("frame_decoder", "oversized", bytes([1, 3]) + struct.pack("!I", 0xFFFFFFFF) + b"x" * 40)
write("frame_decoder", "glued", bytes([200, 1]) + b"".join(frame(b) for b in bodies.values()))
for i, line in enumerate(lines):
    text = json.dumps(line)
    write("to_spectrum", "line%02d" % i, text)
    write("bridge", "line%02d" % i, bytes([16, min(63, len(text))]) + text.encode()[:63] + b"\n")
for name, text in [("not_json", "{oops"), ("bad_utf8", b'{"type":"connected","user":"\xff"}'),
                   ("nested", "[" * 300), ("nul", b'{"type":"connected","user":"a\x00b"}')]:
    write("to_spectrum", name, text)
for i, text in enumerate(configs):
    write("config", "cfg%d" % i, text)
