"""Unit tests of the Python binding, with a fake bridge on the other end of two pipes."""
import asyncio
import base64
import inspect
import io
import json
import logging
import os
import re
import select
import subprocess
import sys
import tempfile
import threading
import time
import unittest

BINDING = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bindings", "python")
sys.path.insert(0, BINDING)

import spectrum2_bridge  # noqa: E402
from spectrum2_bridge import (SPECTRUM_TYPES, Backend, BridgeLogHandler, ConnectionErrorCode,  # noqa: E402
                              Message, ParticipantFlag, StatusType)

WAIT = 30  # seconds: generous bound for anything awaited on a loaded machine

HELLO = {"type": "bridge.hello", "version": 1, "backend_id": "3", "jid": "irc.example", "config_path": "/x.cfg",
         "config": {"irc": {"server": "127.0.0.1"}}}


class FakeBridge:
    """Two OS pipes: lines written by the test reach the backend's input; the backend's output is
    read back as parsed JSON."""

    def __init__(self):
        in_r, self._in_w = os.pipe()
        self._out_r, out_w = os.pipe()
        self.backend_input = os.fdopen(in_r, "rb", buffering=0)
        self.backend_output = os.fdopen(out_w, "wb", buffering=0)
        self._writer = os.fdopen(self._in_w, "wb", buffering=0)
        self._reader = os.fdopen(self._out_r, "rb")

    def write(self, *messages):
        for m in messages:
            self._writer.write((json.dumps(m) + "\n").encode())

    def close_input(self):
        self._writer.close()

    def read(self):
        return json.loads(self._reader.readline())


def run(backend_cls, *messages, until_eof=True):
    """Runs backend_cls over a fake bridge fed `messages`; returns (backend, lines it wrote)."""
    bridge = FakeBridge()
    backend = backend_cls(bridge.backend_input, bridge.backend_output)
    output = []  # read meanwhile: a backend that writes more than a pipe holds must not block
    reader = threading.Thread(target=lambda: output.append(bridge._reader.read()))
    reader.start()
    bridge.write(*messages)
    if until_eof:
        bridge.close_input()
    try:
        asyncio.run(asyncio.wait_for(backend.run(), 30))
    finally:
        if not until_eof:
            bridge.close_input()
        bridge.backend_output.close()
        reader.join()
    lines = [json.loads(line) for line in output[0].splitlines()]
    bridge._reader.close()
    bridge.backend_input.close()
    return backend, lines


class Recorder(Backend):
    def __init__(self, *a):
        super().__init__(*a)
        self.seen = []
        self.config_at_first_handler = None

    def _record(self, msg):
        if self.config_at_first_handler is None:
            self.config_at_first_handler = dict(self.config)
        self.seen.append(msg)


for _t in SPECTRUM_TYPES:
    setattr(Recorder, "on_" + _t, Recorder._record)


class DispatchTest(unittest.TestCase):
    def test_hello_fills_config_before_the_first_handler(self):
        backend, _ = run(Recorder, HELLO, {"type": "login", "user": "a@b", "legacyName": "a", "password": ""})
        self.assertEqual(backend.config_at_first_handler, {"irc": {"server": "127.0.0.1"}})
        self.assertEqual((backend.jid, backend.backend_id, backend.config_path), ("irc.example", "3", "/x.cfg"))

    def test_every_spectrum_type_reaches_its_handler_with_attribute_access(self):
        msgs = [{"type": t, "userName": "u", "n": i} for i, t in enumerate(SPECTRUM_TYPES) if t != "exit"]
        backend, _ = run(Recorder, HELLO, *msgs)
        self.assertEqual([m.type for m in backend.seen], [m["type"] for m in msgs])
        self.assertIsInstance(backend.seen[0], Message)
        self.assertEqual(backend.seen[3].n, 3)
        self.assertEqual(backend.seen[3]["userName"], "u")
        with self.assertRaises(AttributeError):
            backend.seen[0].nothing

    def test_enums_and_bytes_are_converted(self):
        backend, _ = run(Recorder, HELLO,
                         {"type": "status_changed", "userName": "u", "status": "STATUS_AWAY"},
                         {"type": "vcard", "userName": "u", "buddyName": "", "id": 0, "photo": "AAEC"})
        self.assertIs(backend.seen[0].status, StatusType.AWAY)
        self.assertEqual(backend.seen[1].photo, b"\x00\x01\x02")

    def test_exit_stops_and_unknown_types_do_not_crash(self):
        backend, _ = run(Recorder, HELLO, {"type": "mystery"}, {"type": 99, "payload": "AA=="}, {"type": "exit"},
                         {"type": "login", "user": "late"}, until_eof=False)
        self.assertEqual([m.type for m in backend.seen], ["exit"])

    def test_handlers_set_in_on_start_are_used(self):
        class B(Backend):
            seen = []

            async def on_start(self):
                await asyncio.sleep(0)
                self.on_logout = self.seen.append

            def on_logout(self, msg):
                raise AssertionError("replaced in on_start")

        run(B, HELLO, {"type": "logout", "user": "a@b", "legacyName": "a"})
        self.assertEqual([m.user for m in B.seen], ["a@b"])

    def test_a_type_the_binding_does_not_list_reaches_its_handler(self):
        class B(Backend):
            seen = []

            def on_future_type(self, msg):
                self.seen.append(msg.n)

        with self.assertLogs("spectrum2_bridge", level="WARNING"):  # on_future_type: never called?
            run(B, HELLO, {"type": "future_type", "n": 1}, {"type": "future_type", "n": 2})
        self.assertEqual(B.seen, [1, 2])

    def test_unreadable_lines_are_logged_and_the_next_ones_handled(self):
        bridge = FakeBridge()
        backend = Recorder(bridge.backend_input, bridge.backend_output)
        bridge._writer.write(b"\n".join([json.dumps(HELLO).encode(), b"", b"   ", b"not json", b'{"type": "login"',
                                          b"[1, 2]", b"5", b'"text"', b"\xff\xfe{}", b'{"type":"logout","n":1}\r',
                                          b""]))
        bridge.close_input()
        with self.assertLogs("spectrum2_bridge", level="ERROR") as logs:
            asyncio.run(asyncio.wait_for(backend.run(), WAIT))
        for f in (bridge.backend_output, bridge._reader, bridge.backend_input):
            f.close()
        self.assertEqual([m.type for m in backend.seen], ["logout"])
        self.assertEqual(len(logs.output), 6, logs.output)  # not the blank lines
        self.assertTrue(all("unreadable line from the bridge" in line for line in logs.output), logs.output)

    def test_input_that_is_not_a_pipe_is_read_too(self):
        with tempfile.TemporaryFile() as f:
            f.write("".join(json.dumps(m) + "\n" for m in (HELLO, {"type": "logout", "n": 1})).encode())
            f.seek(0)
            r, w = os.pipe()
            with os.fdopen(r, "rb"), os.fdopen(w, "wb") as out:
                backend = Recorder(f, out)
                asyncio.run(asyncio.wait_for(backend.run(), WAIT))
        self.assertEqual([m.n for m in backend.seen], [1])
        with open(os.devnull, "rb") as i, open(os.devnull, "wb") as o:
            asyncio.run(asyncio.wait_for(Recorder(i, o).run(), WAIT))  # ends at once

    def test_async_handlers_and_failing_handlers(self):
        class B(Backend):
            async def on_login(self, msg):
                await asyncio.sleep(0)
                self.connected(msg.user)

            def on_logout(self, msg):
                raise RuntimeError("boom")

        with self.assertLogs("spectrum2_bridge", level="ERROR") as logs:
            _, out = run(B, HELLO, {"type": "logout", "user": "x", "legacyName": "x"},
                         {"type": "login", "user": "a@b", "legacyName": "a", "password": ""})
        self.assertEqual(out, [{"type": "connected", "user": "a@b"}])
        self.assertIn("on_logout failed", logs.output[0])

    def test_bridge_error_is_logged_and_passed_on(self):
        class B(Backend):
            errors = []

            def on_bridge_error(self, msg):
                self.errors.append(msg.line_number)

        with self.assertLogs("spectrum2_bridge", level="WARNING"):
            backend, _ = run(B, HELLO, {"type": "bridge.error", "error": "bad", "line_number": 4, "line": "x"})
        self.assertEqual(backend.errors, [4])


def protocol_fields():
    """Every field name in proto/protocol.proto."""
    proto = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "proto", "protocol.proto")
    with open(proto) as f:
        return set(re.findall(r"^\s*(?:required|optional|repeated)\s+\S+\s+(\w+)\s*=", f.read(), re.M))


class MessageTest(unittest.TestCase):
    def test_every_field_reads_as_an_attribute_and_an_absent_one_raises_attribute_error(self):
        fields = protocol_fields()
        self.assertIn("buddyName", fields)
        for name in sorted(fields | {"backend_id", "config_path", "jid", "line", "line_number", "anything_else"}):
            msg = Message({"type": "t", name: [name]})
            self.assertEqual(getattr(msg, name), [name])
            self.assertEqual(msg[name], [name])
            without = Message({"n": 0})
            with self.assertRaises(AttributeError) as caught:
                getattr(without, name)
            self.assertIn("message has no field %r (fields: n)" % name, str(caught.exception))
            self.assertFalse(hasattr(without, name))
            self.assertEqual(getattr(without, name, "default"), "default")
            with self.assertRaises(KeyError):
                without[name]

    def test_every_protocol_field_has_a_property(self):
        # Any key works through __getattr__ too, but several times slower: keep message.FIELDS
        # in step with the .proto.
        self.assertEqual({name for name in protocol_fields() if not isinstance(vars(Message).get(name), property)},
                         set())

    def test_it_is_a_dict_whose_methods_no_field_hides(self):
        msg = Message({"type": "t", "items": 1, "get": 2, "value": {"k": "v"}})
        self.assertEqual(msg.get("get"), 2)
        self.assertEqual(sorted(msg.items(), key=str), sorted([("type", "t"), ("items", 1), ("get", 2),
                                                                ("value", {"k": "v"})], key=str))
        self.assertEqual(msg.value, {"k": "v"})
        self.assertEqual(json.loads(json.dumps(msg)), dict(msg))
        msg["userName"] = "changed"
        self.assertEqual(msg.userName, "changed")
        with self.assertRaises(AttributeError):
            msg.userName = "not like this"


def sent(action):
    """What a backend sends when `action(backend)` runs in its on_login."""
    class B(Backend):
        def on_login(self, msg):
            action(self)

    _, out = run(B, HELLO, {"type": "login", "user": "a@b", "legacyName": "a", "password": ""})
    return out


class SendTest(unittest.TestCase):
    def test_one_method_per_type_with_wire_names(self):
        photo = b"\x89PNG"
        out = sent(lambda b: (
            b.connected("a@b"),
            b.disconnected("a@b", ConnectionErrorCode.AUTHENTICATION_FAILED, "wrong password"),
            b.buddy_changed("a@b", "bob", alias="Bob", groups=["G"], status=StatusType.DND, status_message="busy",
                            icon_hash="h", blocked=False),
            b.buddy_removed("a@b", "bob"),
            b.auth_request("a@b", "bob"),
            b.message("a@b", "#room", "hi \"there\"\n", nickname="carol", timestamp="20240131T120000", id="7"),
            b.subject("a@b", "#room", "topic", nickname="carol"),
            b.attention("a@b", "bob", "hey"),
            b.ack("a@b", "bob", "7"),
            b.typing("a@b", "bob"), b.typed("a@b", "bob"), b.stopped_typing("a@b", "bob"),
            b.participant_changed("a@b", "carol", "#room", flag=ParticipantFlag.MODERATOR | ParticipantFlag.ME,
                                  status="STATUS_AWAY"),
            b.room_nickname_changed("a@b", "#room", "alice_"),
            b.room_list("a@b", ["#a", "#b"], ["A", "B"]),
            b.vcard("a@b", 3, "bob", fullname="Bob B", photo=photo),
            b.backend_config({"features": {"muc": True, "rawxml": False}}),
            b.query("status"),
            b.raw_xml("<presence/>"),
        ))
        self.assertEqual(out[1], {"type": "disconnected", "user": "a@b", "error": 2, "message": "wrong password"})
        self.assertEqual(out[2], {"type": "buddy_changed", "userName": "a@b", "buddyName": "bob", "alias": "Bob",
                                  "group": ["G"], "status": "STATUS_DND", "statusMessage": "busy", "iconHash": "h",
                                  "blocked": False})
        self.assertEqual(out[5]["message"], "hi \"there\"\n")
        self.assertNotIn("xhtml", out[5], "unset optional fields stay absent")
        self.assertEqual(out[8], {"type": "conv_message_ack", "userName": "a@b", "buddyName": "bob", "message": "",
                                  "id": "7"})
        self.assertEqual(out[12], {"type": "participant_changed", "userName": "a@b", "room": "#room",
                                   "nickname": "carol", "flag": 17, "status": "STATUS_AWAY"})
        self.assertEqual(out[14], {"type": "room_list", "room": ["#a", "#b"], "name": ["A", "B"], "user": "a@b"})
        self.assertEqual(out[15], {"type": "vcard", "userName": "a@b", "buddyName": "bob", "id": 3,
                                   "fullname": "Bob B", "photo": base64.b64encode(photo).decode()})
        self.assertEqual(out[16], {"type": "backend_config", "config": "[features]\nmuc=1\nrawxml=0\n"})
        self.assertEqual([m["type"] for m in out],
                         ["connected", "disconnected", "buddy_changed", "buddy_removed", "auth_request",
                          "conv_message", "room_subject_changed", "attention", "conv_message_ack", "buddy_typing",
                          "buddy_typed", "buddy_stopped_typing", "participant_changed", "room_nickname_changed",
                          "room_list", "vcard", "backend_config", "query", "raw_xml"])

    def test_lines_are_compact_json_with_any_text_escaped(self):
        class Output:
            def __init__(self):
                self.data = b""

            def write(self, data):
                self.data += data

            def flush(self):
                pass

        class Name(str):
            pass

        out = Output()
        b = Backend(io.BytesIO(), out)
        text = 'h\u00e9 "quoted" back\\slash\nnew line\ttab \x01 \u2028 \U0001f600 </script>'
        b.message("a@b", Name("bob"), text)
        b.message("a@b", "#room", text, nickname=text, headline=False, attachments=[{"url": "http://x/1"}], id="9")
        b.attention("a@b", "bob", None)
        b.typing("a@b", text)
        b.participant_changed("a@b", "carol", "#room", status=StatusType.AWAY, status_message=text)
        expected = [
            {"type": "conv_message", "userName": "a@b", "buddyName": "bob", "message": text},
            {"type": "conv_message", "userName": "a@b", "buddyName": "#room", "message": text, "nickname": text,
             "headline": False, "id": "9", "attachment": [{"url": "http://x/1"}]},
            {"type": "attention", "userName": "a@b", "buddyName": "bob"},
            {"type": "buddy_typing", "userName": "a@b", "buddyName": text},
            {"type": "participant_changed", "userName": "a@b", "room": "#room", "nickname": "carol", "flag": 0,
             "status": "STATUS_AWAY", "statusMessage": text},
        ]
        self.assertEqual(out.data.decode("utf-8").split("\n"),
                         [json.dumps(m, ensure_ascii=False, separators=(",", ":")) for m in expected] + [""])

    def test_an_overridden_send_sees_what_every_method_sends(self):
        class B(Backend):
            seen = []

            def send(self, type, **fields):
                self.seen.append((type, fields))
                super().send(type, **fields)

            def on_login(self, msg):
                self.connected(msg.user)
                self.message(msg.user, "bob", "hi", headline=True)
                self.participant_changed(msg.user, "carol", "#room", status=StatusType.AWAY)

        _, out = run(B, HELLO, {"type": "login", "user": "a@b", "legacyName": "a", "password": ""})
        unset = dict.fromkeys
        self.assertEqual(B.seen, [
            ("connected", {"user": "a@b"}),
            ("conv_message", {"userName": "a@b", "buddyName": "bob", "message": "hi", "headline": True,
                              **unset(("nickname", "xhtml", "timestamp", "id", "pm", "carbon", "attachment"))}),
            ("participant_changed", {"userName": "a@b", "room": "#room", "nickname": "carol", "flag": 0,
                                     "status": "STATUS_AWAY",
                                     **unset(("statusMessage", "newname", "iconHash", "alias"))})])
        self.assertEqual(list(B.seen[1][1]), ["userName", "buddyName", "message", "nickname", "xhtml", "timestamp",
                                              "headline", "id", "pm", "carbon", "attachment"])
        self.assertEqual(out, [{"type": t, **{k: v for k, v in f.items() if v is not None}} for t, f in B.seen])

    def test_a_missing_required_field_names_the_argument(self):
        with open(os.devnull, "rb") as i, open(os.devnull, "wb") as o:
            b = Backend(i, o)
            for call, argument in ((lambda: b.message("a@b", "bob", None), "message"),
                                   (lambda: b.message(None, "bob", "hi"), "user"),
                                   (lambda: b.subject("a@b", 5, "topic"), "room"),
                                   (lambda: b.subject("a@b", "#r", b"topic"), "subject"),
                                   (lambda: b.ack("a@b", "bob", None), "id"),
                                   (lambda: b.participant_changed("a@b", True, "#r"), "nickname"),
                                   (lambda: b.raw_xml(None), "xml"),
                                   (lambda: b.query(["status"]), "command")):
                with self.assertRaises(TypeError) as caught:
                    call()
                self.assertTrue(str(caught.exception).startswith(argument + " is required"), str(caught.exception))

    def test_mistakes_raise_at_the_call_site(self):
        with open(os.devnull, "rb") as i, open(os.devnull, "wb") as o:
            self.check_mistakes(Backend(i, o))

    def check_mistakes(self, b):
        with self.assertRaises(TypeError):
            b.disconnected("a@b")  # no default error code, on purpose
        with self.assertRaises(TypeError):
            b.message("a@b", "bob", None)
        with self.assertRaises(TypeError):
            b.vcard("a@b", "bob", 3)  # id comes before the buddy, as in handleVCard
        with self.assertRaises(TypeError):
            b.room_list(["#a"], ["A"])  # the user comes first, as in handleRoomList
        with self.assertRaises(TypeError):
            b.room_list("a@b", "#a")
        with self.assertRaises(ValueError):
            b.disconnected("a@b", 99)
        with self.assertRaises(KeyError):
            b.buddy_changed("a@b", "bob", status="STATUS_SLEEPY")

    def test_send_is_whole_lines_from_many_threads(self):
        r, w = os.pipe()
        out = os.fdopen(w, "wb", buffering=0)
        devnull = open(os.devnull, "rb")
        self.addCleanup(devnull.close)
        b = Backend(devnull, out)
        big = "x" * 100000

        def spam(n):
            for i in range(50):
                b.send("conv_message", userName="u", buddyName=str(n), message=big)

        threads = [threading.Thread(target=spam, args=(n,)) for n in range(4)]
        def read_all():
            with os.fdopen(r, "rb") as f:
                self.data = f.read()

        reader = threading.Thread(target=read_all)
        reader.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        out.close()
        reader.join()
        lines = self.data.splitlines()
        self.assertEqual(len(lines), 200)
        for line in lines:
            self.assertEqual(json.loads(line)["message"], big)

    def test_replies_to_one_chunk_of_input_leave_together(self):
        class CountingOutput:
            def __init__(self):
                self.writes = []

            def write(self, data):
                self.writes.append(data)

            def flush(self):
                pass

        class B(Backend):
            def on_login(self, msg):
                self.connected(msg.user)

        r, w = os.pipe()
        lines = b"".join((json.dumps({"type": "login", "user": "u%d" % i, "legacyName": "l", "password": ""})
                          + "\n").encode() for i in range(200))
        os.write(w, lines)
        os.close(w)
        out = CountingOutput()
        with os.fdopen(r, "rb", buffering=0) as i:
            asyncio.run(B(i, out).run())
        replies = [json.loads(line) for chunk in out.writes for line in chunk.splitlines()]
        self.assertEqual([m["user"] for m in replies], ["u%d" % i for i in range(200)])
        self.assertLess(len(out.writes), 20, "batched, not one write per reply")

    def test_batched_replies_keep_their_order_around_the_answers_to_pings(self):
        class B(Backend):
            def on_login(self, msg):
                self.connected(msg.user)
                self.buddy_removed(msg.user, "b")

        messages = []
        for i in range(300):
            messages.append({"type": "login", "user": "u%d" % i, "legacyName": "l", "password": ""})
            if i % 100 == 50:
                messages.append({"type": "bridge.ping", "id": str(i)})
        _, out = run(B, HELLO, *messages)
        expected = []
        for m in messages:
            if m["type"] == "bridge.ping":
                expected.append(("bridge.pong", m["id"]))
            else:
                expected += [("connected", m["user"]), ("buddy_removed", m["user"])]
        self.assertEqual([(m["type"], m.get("user", m.get("userName", m.get("id")))) for m in out], expected)

    def test_logging_goes_to_the_bridge(self):
        r, w = os.pipe()
        devnull, out, back = open(os.devnull, "rb"), os.fdopen(w, "wb", buffering=0), os.fdopen(r, "rb")
        for f in (devnull, out, back):
            self.addCleanup(f.close)
        b = Backend(devnull, out)
        logger = logging.getLogger("binding-test")
        logger.propagate = False
        logger.addHandler(BridgeLogHandler(b))
        logger.warning("careful %d", 1)
        logger.error("bad")
        line1 = json.loads(back.readline())
        self.assertEqual(line1, {"type": "bridge.log", "level": "warn", "message": "careful 1"})


class ArgumentOrderTest(unittest.TestCase):
    """Positional arguments follow Spectrum's C++ NetworkPlugin (include/transport/NetworkPlugin.h),
    so that calls ported from C++ or NetworkPlugin.py do not swap two strings."""

    # sending method -> the C++ method's parameters, in the binding's names
    CPP = {
        "connected": ["user"],  # handleConnected
        "disconnected": ["user", "error", "message"],  # handleDisconnected
        "buddy_changed": ["user", "buddy", "alias", "groups", "status", "status_message", "icon_hash",
                          "blocked"],  # handleBuddyChanged
        "buddy_removed": ["user", "buddy"],  # handleBuddyRemoved
        "auth_request": ["user", "buddy"],  # handleAuthorization
        "message": ["user", "buddy", "message", "nickname", "xhtml", "timestamp", "headline", "pm", "carbon",
                    "attachments"],  # handleMessage
        "ack": ["user", "buddy", "id"],  # handleMessageAck
        "attention": ["user", "buddy", "message"],  # handleAttention
        "subject": ["user", "room", "subject", "nickname"],  # handleSubject
        "vcard": ["user", "id", "buddy", "fullname", "nickname", "photo"],  # handleVCard
        "typing": ["user", "buddy"], "typed": ["user", "buddy"], "stopped_typing": ["user", "buddy"],
        "participant_changed": ["user", "nickname", "room", "flag", "status", "status_message", "newname",
                                "alias"],  # handleParticipantChanged
        "room_nickname_changed": ["user", "room", "nickname"],  # handleRoomNicknameChanged
        "room_list": ["user", "rooms", "names"],  # handleRoomList
    }

    def test_positional_parameters_match_the_cpp_plugin(self):
        for name, expected in self.CPP.items():
            params = inspect.signature(getattr(Backend, name)).parameters.values()
            positional = [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD and p.name != "self"]
            self.assertEqual(positional, expected, name)

    def test_calls_written_as_in_cpp_send_the_right_fields(self):
        out = sent(lambda b: (
            b.participant_changed("a@b", "carol", "#room", ParticipantFlag.MODERATOR, StatusType.AWAY, "brb",
                                  "carol_", "Carol"),
            b.message("a@b", "#room", "hi", "carol", "", "20240131T120000", False, True),
            b.vcard("a@b", 7, "bob", "Bob B", "bobby", b"img"),
            b.room_list("", ["#a"], ["A"]),
        ))
        self.assertEqual(out[0], {"type": "participant_changed", "userName": "a@b", "room": "#room",
                                  "nickname": "carol", "flag": 1, "status": "STATUS_AWAY", "statusMessage": "brb",
                                  "newname": "carol_", "alias": "Carol"})
        self.assertEqual(out[1], {"type": "conv_message", "userName": "a@b", "buddyName": "#room", "message": "hi",
                                  "nickname": "carol", "xhtml": "", "timestamp": "20240131T120000",
                                  "headline": False, "pm": True})
        self.assertEqual(out[2], {"type": "vcard", "userName": "a@b", "buddyName": "bob", "id": 7,
                                  "fullname": "Bob B", "nickname": "bobby", "photo": "aW1n"})
        self.assertEqual(out[3], {"type": "room_list", "room": ["#a"], "name": ["A"]})


class EnumNameTest(unittest.TestCase):
    def test_star_import_leaves_the_builtin_connection_error_alone(self):
        ns = {}
        exec("from spectrum2_bridge import *\n"
             "try:\n"
             "    raise ConnectionRefusedError('refused')\n"
             "except ConnectionError as e:\n"
             "    caught = e\n", ns)
        self.assertIsInstance(ns["caught"], ConnectionRefusedError)
        self.assertIs(ns["ConnectionErrorCode"], ConnectionErrorCode)
        self.assertFalse(hasattr(spectrum2_bridge, "ConnectionError"))
        self.assertEqual(ConnectionErrorCode.AUTHENTICATION_FAILED, 2)


class HandlerNameTest(unittest.TestCase):
    def warnings_for(self, cls):
        with self.assertLogs("spectrum2_bridge", level="WARNING") as logs:
            logging.getLogger("spectrum2_bridge").warning("marker")
            run(cls, HELLO)
        return [line for line in logs.output if "marker" not in line]

    def test_misnamed_handlers_are_reported_with_the_closest_name(self):
        class B(Backend):
            def on_login(self, msg):
                pass

            def on_start(self):
                pass

            def on_message(self, msg):
                pass

            def on_typing(self, msg):
                pass

            async def on_joinroom(self, msg):
                pass

            def on_frobnicate(self, msg):
                pass

            on_label = "not a method"

        warnings = self.warnings_for(B)
        self.assertEqual(len(warnings), 4, warnings)
        by_name = {w.split("B.")[1].split(" ")[0]: w for w in warnings}
        self.assertIn("did you mean on_conv_message?", by_name["on_message"])
        self.assertIn("did you mean on_buddy_typing?", by_name["on_typing"])
        self.assertIn("did you mean on_join_room?", by_name["on_joinroom"])
        self.assertNotIn("did you mean", by_name["on_frobnicate"])
        self.assertIn("never called", by_name["on_frobnicate"])

    def test_correct_handlers_give_no_warning(self):
        self.assertEqual(self.warnings_for(Recorder), [])


class StdoutTest(unittest.TestCase):
    def test_stray_output_goes_to_stderr_not_into_the_protocol(self):
        script = (
            "import os, subprocess, sys\n"
            "sys.path.insert(0, %r)\n"
            "from spectrum2_bridge import Backend\n"
            "class B(Backend):\n"
            "    def on_login(self, msg):\n"
            "        print('debug print for', msg.user)\n"
            "        os.write(1, b'raw write to fd 1\\n')\n"
            "        subprocess.run([sys.executable, '-c', 'print(\"from a child process\")'], check=True)\n"
            "        self.connected(msg.user)\n"
            "B.main()\n" % BINDING)
        lines = "".join(json.dumps(m) + "\n" for m in (HELLO, {"type": "login", "user": "a@b", "legacyName": "a",
                                                                "password": ""}))
        proc = subprocess.run([sys.executable, "-c", script], input=lines, capture_output=True, text=True,
                              timeout=WAIT)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        out = [json.loads(line) for line in proc.stdout.splitlines()]  # every line is protocol
        self.assertEqual([m for m in out if m["type"] != "bridge.log"], [{"type": "connected", "user": "a@b"}])
        self.assertIn("debug print for a@b\n", proc.stderr)
        self.assertIn("raw write to fd 1\n", proc.stderr)
        self.assertIn("from a child process\n", proc.stderr)


class RecordingOutput:
    """The backend's output: a pipe to the test, remembering which thread wrote each piece."""

    def __init__(self, fd):
        self.fd = fd
        self.writers = []

    def write(self, data):
        self.writers.append((threading.get_ident(), bytes(data)))
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view):]

    def flush(self):
        pass


class LiveBackend:
    """A backend running on its own thread's event loop, fed and read line by line."""

    def __init__(self, cls):
        in_r, self.in_w = os.pipe()
        self.out_r, out_w = os.pipe()
        self.input = os.fdopen(in_r, "rb", buffering=0)
        self.output = RecordingOutput(out_w)
        self.backend = cls(self.input, self.output)
        self.buffer = b""
        self.error = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            asyncio.run(self.backend.run())
        except BaseException as e:  # reported by close()
            self.error = e

    def write(self, *messages):
        os.write(self.in_w, b"".join((json.dumps(m) + "\n").encode() for m in messages))

    def read(self):
        deadline = time.monotonic() + WAIT
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.out_r], [], [], left)[0]:
                raise AssertionError("no line from the backend within %d s" % WAIT)
            data = os.read(self.out_r, 65536)
            if not data:
                raise AssertionError("the backend's output ended")
            self.buffer += data
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def close(self):
        os.close(self.in_w)
        self.thread.join(WAIT)
        self.input.close()
        os.close(self.output.fd)
        os.close(self.out_r)
        if self.error is not None:
            raise self.error


class HeartbeatTest(unittest.TestCase):
    def live(self, cls):
        live = LiveBackend(cls)
        self.addCleanup(live.close)
        live.write(HELLO)
        return live

    def test_ping_is_answered_with_its_id_from_the_event_loop(self):
        class B(Backend):
            def on_start(self):
                self.loop_thread = threading.get_ident()

        live = self.live(B)
        live.write({"type": "bridge.ping", "id": "1"})
        self.assertEqual(live.read(), {"type": "bridge.pong", "id": "1"})
        live.write({"type": "bridge.ping", "id": "17"}, {"type": "bridge.ping", "id": "18"})
        self.assertEqual([live.read(), live.read()], [{"type": "bridge.pong", "id": "17"},
                                                      {"type": "bridge.pong", "id": "18"}])
        self.assertEqual({thread for thread, _ in live.output.writers}, {live.backend.loop_thread})

    def test_a_handler_blocking_the_loop_delays_the_answer(self):
        entered, release = threading.Event(), threading.Event()

        class B(Backend):
            def on_login(self, msg):
                entered.set()
                release.wait(WAIT)  # the loop is blocked here
                self.connected(msg.user)

        live = self.live(B)
        live.write({"type": "login", "user": "a@b", "legacyName": "a", "password": ""})
        self.assertTrue(entered.wait(WAIT))
        live.write({"type": "bridge.ping", "id": "2"})
        release.set()
        self.assertEqual([live.read(), live.read()], [{"type": "connected", "user": "a@b"},
                                                      {"type": "bridge.pong", "id": "2"}])

    def test_the_answer_leaves_before_a_blocking_handler_of_the_same_chunk(self):
        entered, release = threading.Event(), threading.Event()

        class B(Backend):
            def on_login(self, msg):
                self.connected(msg.user)  # batched: leaves once the handler returns
                entered.set()
                release.wait(3 * WAIT)  # the loop is blocked here, longer than live.read() waits
                self.connected("after@b")

            def on_logout(self, msg):
                self.disconnected(msg.user, ConnectionErrorCode.NETWORK_ERROR)

        live = self.live(B)
        self.addCleanup(release.set)
        # One write, so one chunk: the login and its blocking handler come after the ping.
        live.write({"type": "logout", "user": "x@b", "legacyName": "x"}, {"type": "bridge.ping", "id": "4"},
                   {"type": "login", "user": "a@b", "legacyName": "a", "password": ""})
        self.assertTrue(entered.wait(WAIT))
        self.assertEqual([live.read(), live.read()], [{"type": "disconnected", "user": "x@b", "error": 0,
                                                       "message": ""},
                                                      {"type": "bridge.pong", "id": "4"}])  # while on_login blocks
        release.set()
        self.assertEqual([live.read(), live.read()], [{"type": "connected", "user": "a@b"},
                                                      {"type": "connected", "user": "after@b"}])

    def test_a_coroutine_handler_waiting_does_not_delay_the_answer(self):
        entered = threading.Event()

        class B(Backend):
            def on_start(self):
                self.loop = asyncio.get_running_loop()
                self.release = asyncio.Event()
                self.order = []

            async def on_login(self, msg):
                entered.set()
                await self.release.wait()  # the loop is free meanwhile
                self.order.append("login")
                self.connected(msg.user)

            def on_logout(self, msg):
                self.order.append("logout")
                self.disconnected(msg.user, ConnectionErrorCode.NETWORK_ERROR)

        live = self.live(B)
        live.write({"type": "login", "user": "a@b", "legacyName": "a", "password": ""})
        self.assertTrue(entered.wait(WAIT))
        live.write({"type": "logout", "user": "a@b", "legacyName": "a"}, {"type": "bridge.ping", "id": "3"})
        self.assertEqual(live.read(), {"type": "bridge.pong", "id": "3"})  # while on_login still waits
        live.backend.loop.call_soon_threadsafe(live.backend.release.set)
        self.assertEqual([live.read(), live.read()], [{"type": "connected", "user": "a@b"},
                                                      {"type": "disconnected", "user": "a@b", "error": 0,
                                                       "message": ""}])
        self.assertEqual(live.backend.order, ["login", "logout"], "lines read meanwhile wait their turn")


if __name__ == "__main__":
    unittest.main()
