#!/usr/bin/env python3
"""Writes the seed corpora under tests/fuzz/corpus/: valid frames, lines and configs, then mutations
of them (cut, doubled, mistyped, oversized...). Rerunning it rewrites the same files; the found-*
inputs kept there are left alone."""
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
    "[ features ]\nmuc = maybe\n", "[features.]\nmuc=maybe\n", "[registration]\nneedPassword=\nneedPassword=no\n",
    "registration.needRegistration = On # c\n[a]\n= v\n[b=c\n", "x\v=\f1\n", "[]\nx=1\n", "[.]\n",
]


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


for name, body in bodies.items():
    write("to_child", name, body)
    write("frame_decoder", name, bytes([64, 5]) + frame(body) + frame(wrapper(9)))
write("frame_decoder", "oversized", bytes([1, 3]) + struct.pack("!I", 0xFFFFFFFF) + b"x" * 40)
write("frame_decoder", "glued", bytes([200, 1]) + b"".join(frame(b) for b in bodies.values()))
for i, line in enumerate(lines):
    text = json.dumps(line)
    write("to_spectrum", "line%02d" % i, text)
for name, text in [("not_json", "{oops"), ("bad_utf8", b'{"type":"connected","user":"\xff"}'),
                   ("nested", "[" * 300), ("nul", b'{"type":"connected","user":"a\x00b"}')]:
    write("to_spectrum", name, text)
conv_fields = {"userName": "a", "buddyName": "b", "message": "m"}
for name, obj in {
    "type_number": dict(conv_fields, type=8), "type_enum_name": dict(conv_fields, type="TYPE_CONV_MESSAGE"),
    "type_number_big": dict(conv_fields, type=2 ** 31 + 8), "type_float": dict(conv_fields, type=8.0),
    "pong": {"type": "pong"}, "pong_with_field": {"type": "pong", "x": 1}, "exit": {"type": "exit"},
    "raw_xml_extra": {"type": "raw_xml", "xml": "<a/>", "x": 1},
    "camel_case": {"type": "stats", "res": 1, "init_res": 2, "initRes": 3, "shared": 4, "id": "5"},
    "int_as_string": {"type": "disconnected", "user": "a", "error": "2"},
    "enum_as_number": {"type": "buddy_changed", "userName": "a", "buddyName": "b", "status": 4},
    "null_member": {"type": "buddy_changed", "userName": "a", "buddyName": "b", "alias": None},
    "unknown_member": dict(conv_fields, type="conv_message", nope=1),
    "timestamp_extended": dict(conv_fields, type="conv_message", timestamp="2024-01-31T12:00:00"),
    "timestamp_offset": dict(conv_fields, type="room_subject_changed", timestamp="20240131T120000+0100"),
    "timestamp_bad_date": dict(conv_fields, type="conv_message", timestamp="20240230T120000"),
    "backend_config_bad_bool": {"type": "backend_config", "config": "[features]\nmuc=maybe\n"},
    "backend_config_twice": {"type": "backend_config", "config": "[registration]\nneedPassword=1\nneedPassword=0\n"},
    "backend_config_dotted": {"type": "backend_config", "config": "[features.]\nrawxml = YES\n"},
    "backend_config_empty_section": {"type": "backend_config", "config": "[]\nmuc=06n"},
    "vcard_photo": {"type": "vcard", "userName": "a", "buddyName": "b", "id": 1, "photo": "AAEC/w=="},
    "attachments": {"type": "conv_message_ack", "userName": "a", "buddyName": "b", "message": "",
                    "attachment": [{"url": "u", "mimeType": "t"}, {"url": "v"}]},
}.items():
    write("to_spectrum", name, json.dumps(obj, ensure_ascii=False))
write("to_spectrum", "duplicate_key", '{"type":"connected","user":"a","user":"b"}')
write("to_spectrum", "float_int", '{"type":"disconnected","user":"a","error":2.0}')
write("to_spectrum", "huge_number", '{"type":"disconnected","user":"a","error":1e400}')
for i, text in enumerate(configs):
    write("config", "cfg%d" % i, text)


# bridge: a settings byte (max_message_size = 64 + 16 * low seven bits; 0x80: a BACKEND_CONFIG at
# start), then chunks of at most 64 bytes, each behind a byte: 0x80 for Spectrum's side, length - 1.
SPECTRUM, CHILD = 0x80, 0x00
BIG, SMALL = 0x7F, 0x00  # max_message_size 2096 and 64


def chunks(side, data, size=64):
    data = data.encode() if isinstance(data, str) else data
    return b"".join(bytes([side | (len(data[i:i + size]) - 1)]) + data[i:i + size] for i in range(0, len(data), size))


def session(settings, *parts):
    return bytes([settings]) + b"".join(parts)


def line(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False) + "\n"


for name, body in bodies.items():
    write("bridge", "spectrum_" + name, session(BIG, chunks(SPECTRUM, frame(body))))
for i, obj in enumerate(lines):
    write("bridge", "child_%02d" % i, session(BIG, chunks(CHILD, line(obj))))
ping, login_frame, conv_frame = frame(wrapper(9)), frame(bodies["login"]), frame(bodies["conv"])
write("bridge", "session", session(
    BIG | 0x80, chunks(SPECTRUM, login_frame), chunks(CHILD, line(lines[0])), chunks(SPECTRUM, ping),
    chunks(CHILD, line(lines[2]) + line({"type": "bridge.pong", "id": "1"})), chunks(SPECTRUM, conv_frame, 9),
    chunks(CHILD, line(lines[11]) + line({"type": "pong"}) + "\n \t\r\n" + line(lines[3]).replace("\n", "\r\n")),
    chunks(SPECTRUM, frame(wrapper(29)) + ping + conv_frame)))
write("bridge", "byte_by_byte", session(
    BIG, chunks(SPECTRUM, ping + conv_frame, 1), chunks(CHILD, line(lines[0]) + line(lines[4]), 1)))
write("bridge", "interleaved", session(
    BIG, *[chunks(side, part) for side, part in
           [(SPECTRUM, login_frame[:10]), (CHILD, line(lines[0])[:7]), (SPECTRUM, login_frame[10:]),
            (CHILD, line(lines[0])[7:]), (SPECTRUM, ping[:3]), (CHILD, "\n"), (SPECTRUM, ping[3:])]]))
write("bridge", "oversized_line", session(
    SMALL, chunks(CHILD, line({"type": "raw_xml", "xml": "<x>" + "a" * 100 + "</x>"}) + line(lines[0]))))
write("bridge", "oversized_utf8_line", session(BIG, chunks(CHILD, line({"type": "raw_xml", "xml": "é" * 1100}))))
write("bridge", "oversized_frame", session(
    SMALL, chunks(SPECTRUM, frame(wrapper(34, "<x>" + "a" * 100 + "</x>")) + ping)))
write("bridge", "unterminated", session(BIG, chunks(CHILD, line(lines[0]) + line(lines[2])[:-1])))
write("bridge", "unterminated_cr", session(BIG, chunks(CHILD, "{oops\r\n{oops\r")))
write("bridge", "cut_json", session(BIG, chunks(CHILD, line(lines[2])[:30] + "\n" + line(lines[0]))))
write("bridge", "bad_lines", session(BIG, chunks(CHILD, "".join([
    "{oops\n", "[1,2]\n", '{"user":"a"}\n', '{"type":"nope"}\n', line({"type": "login", "user": "x"}),
    line({"type": 8, "userName": "a", "buddyName": "b", "message": "m"}),
    line({"type": "TYPE_CONV_MESSAGE", "userName": "a", "buddyName": "b", "message": "m"}),
    line({"type": "conv_message", "userName": "a"}), line({"type": "bridge.whatever"}),
    line({"type": "stats", "res": 1}), line({"type": "TYPE_STATS", "res": 1, "initRes": 2, "shared": 3, "id": "4"})]))
    + chunks(CHILD, b'{"type":"connected","user":"\xff"}\n')))
write("bridge", "bad_frames", session(BIG, chunks(SPECTRUM, frame(b"") + frame(b"\xff\xff") + frame(wrapper(99, b"x"))
                                                  + frame(wrapper(10)) + frame(wrapper(23, b"")) + frame(field(2, b"x"))
                                                  + ping + struct.pack("!I", 100) + b"cut")))
