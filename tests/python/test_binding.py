"""Unit tests of the Python binding, with a fake bridge on the other end of two pipes."""
import asyncio
import base64
import json
import logging
import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bindings", "python"))

from spectrum2_bridge import (SPECTRUM_TYPES, Backend, BridgeLogHandler, ConnectionError,  # noqa: E402
                              Message, ParticipantFlag, StatusType)

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
    bridge.write(*messages)
    if until_eof:
        bridge.close_input()
    asyncio.run(asyncio.wait_for(backend.run(), 10))
    bridge.backend_output.close()
    lines = [json.loads(line) for line in bridge._reader.read().splitlines()]
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


class SendTest(unittest.TestCase):
    def sent(self, action):
        class B(Backend):
            def on_login(self, msg):
                action(self)

        _, out = run(B, HELLO, {"type": "login", "user": "a@b", "legacyName": "a", "password": ""})
        return out

    def test_one_method_per_type_with_wire_names(self):
        photo = b"\x89PNG"
        out = self.sent(lambda b: (
            b.connected("a@b"),
            b.disconnected("a@b", ConnectionError.AUTHENTICATION_FAILED, "wrong password"),
            b.buddy_changed("a@b", "bob", alias="Bob", groups=["G"], status=StatusType.DND, status_message="busy",
                            icon_hash="h", blocked=False),
            b.buddy_removed("a@b", "bob"),
            b.auth_request("a@b", "bob"),
            b.message("a@b", "#room", "hi \"there\"\n", nickname="carol", timestamp="20240131T120000", id="7"),
            b.subject("a@b", "#room", "topic", nickname="carol"),
            b.attention("a@b", "bob", "hey"),
            b.ack("a@b", "bob", "7"),
            b.typing("a@b", "bob"), b.typed("a@b", "bob"), b.stopped_typing("a@b", "bob"),
            b.participant_changed("a@b", "#room", "carol", flag=ParticipantFlag.MODERATOR | ParticipantFlag.ME,
                                  status="STATUS_AWAY"),
            b.room_nickname_changed("a@b", "#room", "alice_"),
            b.room_list(["#a", "#b"], ["A", "B"]),
            b.vcard("a@b", "bob", 3, fullname="Bob B", photo=photo),
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
        self.assertEqual(out[12]["flag"], 17)
        self.assertEqual(out[12]["status"], "STATUS_AWAY")
        self.assertEqual(out[15]["photo"], base64.b64encode(photo).decode())
        self.assertEqual(out[16], {"type": "backend_config", "config": "[features]\nmuc=1\nrawxml=0\n"})
        self.assertEqual([m["type"] for m in out],
                         ["connected", "disconnected", "buddy_changed", "buddy_removed", "auth_request",
                          "conv_message", "room_subject_changed", "attention", "conv_message_ack", "buddy_typing",
                          "buddy_typed", "buddy_stopped_typing", "participant_changed", "room_nickname_changed",
                          "room_list", "vcard", "backend_config", "query", "raw_xml"])

    def test_mistakes_raise_at_the_call_site(self):
        with open(os.devnull, "rb") as i, open(os.devnull, "wb") as o:
            self.check_mistakes(Backend(i, o))

    def check_mistakes(self, b):
        with self.assertRaises(TypeError):
            b.disconnected("a@b")  # no default error code, on purpose
        with self.assertRaises(TypeError):
            b.message("a@b", "bob", None)
        with self.assertRaises(TypeError):
            b.vcard("a@b", "bob", "3")
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

    def test_replies_to_one_chunk_of_input_leave_in_one_write(self):
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
        self.assertLess(len(out.writes), 20, "batched per input chunk, not one write per reply")

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


if __name__ == "__main__":
    unittest.main()
