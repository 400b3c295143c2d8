"""An asyncio base class for Spectrum 2 backends run by spectrum2_json_backend.

Subclass Backend, define on_<type> handlers for what Spectrum sends, call the sending methods for
what you send back, and run YourBackend.main(). Handlers may be plain functions or coroutines."""
import asyncio
import base64
import collections
import difflib
import inspect
import json
import logging
import os
import stat
import sys
import threading

from .enums import ConnectionErrorCode, ParticipantFlag, StatusType
from .message import Message

log = logging.getLogger("spectrum2_bridge")

# Everything Spectrum sends to a backend (docs/spectrum-protocol.md#message-types); each may have an
# on_<type> handler.
SPECTRUM_TYPES = (
    "login", "logout", "buddy_changed", "buddy_removed", "conv_message", "join_room", "leave_room",
    "room_subject_changed", "vcard", "status_changed", "buddy_typing", "buddy_stopped_typing",
    "buddy_typed", "attention", "exit", "query", "raw_xml", "buddies",
)

# on_<name> hooks that are not message types.
HOOKS = ("start", "stop", "bridge_error")

_LEVELS = {logging.DEBUG: "debug", logging.INFO: "info", logging.WARNING: "warn"}


class BridgeLogHandler(logging.Handler):
    """Sends Python logging records to the bridge's log as bridge.log lines."""

    def __init__(self, backend):
        super().__init__()
        self.backend = backend

    def emit(self, record):
        try:
            level = _LEVELS.get(record.levelno, "error" if record.levelno > logging.WARNING else "debug")
            self.backend.send("bridge.log", level=level, message=self.format(record))
        except Exception:  # never let logging break the backend
            self.handleError(record)


def _required(name, value, kind=str):
    if value.__class__ is kind:  # the common case, cheaply
        return value
    if value is None or not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise TypeError("%s is required and must be %s, got %r" % (name, kind.__name__, value))
    return value


# One decoder and one encoder for every line: json.loads/dumps with options build new ones per call.
# scan_once(text, 0) is what JSONDecoder.raw_decode calls, without its Python frame; it raises
# StopIteration where there is no JSON value. The bridge writes no padding.
_scan = json.JSONDecoder(object_hook=Message).scan_once
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
# What that encoder writes for a str (non-ASCII kept), without its Python frames.
_encode_str = json.encoder.encode_basestring


class _Line:
    """How the sending methods write one message type. The required fields, all strings, fill a
    template made once; the optional fields that are set follow. Most calls set none of them, and
    a backend sends a message for every message, so this is the path that counts."""

    def __init__(self, type, required, optional=()):
        """`required`: (field, argument name) pairs; `optional`: field names, in the order the
        sending method passes their values."""
        self.type = type
        self._head = '{"type":%s' % _encode_str(type) + "".join(",%s:%%s" % _encode_str(f) for f, _ in required)
        self._whole = self._head + "}\n"
        self._names = tuple(required)
        self._optional = tuple(optional)
        self._optional_keys = tuple(",%s:" % _encode_str(f) for f in optional)  # what precedes each value

    def encode(self, required, optional=()):
        """The line, as bytes: `required` and `optional` are values in the constructor's order;
        None leaves an optional field out, and is an error for a required one."""
        try:
            strings = tuple(map(_encode_str, required))
        except TypeError:  # a value is not a str: name the argument, as _required() does
            for (_, argument), value in zip(self._names, required):
                _required(argument, value)
            raise
        if optional.count(None) == len(optional):  # nothing optional set: the template is the line
            return (self._whole % strings).encode("utf-8")
        keys = self._optional_keys
        fields = "".join(key + _encode(value) for key, value in zip(keys, optional) if value is not None)
        return (self._head % strings + fields + "}\n").encode("utf-8")

    def fields(self, required, optional=()):
        """The same message as send()'s keyword arguments, None values included."""
        fields = {field: _required(argument, value) for (field, argument), value in zip(self._names, required)}
        fields.update(zip(self._optional, optional))
        return fields


# Senders' lines whose required fields are strings (field, the sending method's argument).
_USER_BUDDY = (("userName", "user"), ("buddyName", "buddy"))
_CONNECTED = _Line("connected", [("user", "user")])
_BUDDY_CHANGED = _Line("buddy_changed", _USER_BUDDY,
                       ("alias", "group", "status", "statusMessage", "iconHash", "blocked"))
_BUDDY_REMOVED = _Line("buddy_removed", _USER_BUDDY)
_AUTH_REQUEST = _Line("auth_request", _USER_BUDDY)
_CONV_MESSAGE = _Line("conv_message", _USER_BUDDY + (("message", "message"),),
                      ("nickname", "xhtml", "timestamp", "headline", "id", "pm", "carbon", "attachment"))
_SUBJECT = _Line("room_subject_changed", (("userName", "user"), ("buddyName", "room"), ("message", "subject")),
                 ("nickname",))
_ATTENTION = _Line("attention", _USER_BUDDY, ("message",))
_ACK = _Line("conv_message_ack", _USER_BUDDY + (("message", "message"), ("id", "id")))
_TYPING = _Line("buddy_typing", _USER_BUDDY)
_TYPED = _Line("buddy_typed", _USER_BUDDY)
_STOPPED_TYPING = _Line("buddy_stopped_typing", _USER_BUDDY)
_PARTICIPANT = _Line("participant_changed", (("userName", "user"), ("room", "room"), ("nickname", "nickname")),
                     ("flag", "status", "statusMessage", "newname", "iconHash", "alias"))
_ROOM_NICKNAME = _Line("room_nickname_changed", (("userName", "user"), ("room", "room"), ("nickname", "nickname")))
_QUERY = _Line("query", [("config", "command")])
_RAW_XML = _Line("raw_xml", [("xml", "xml")])


def _status(value):
    return None if value is None else StatusType.parse(value).wire


# Replies batched while an input chunk (up to 64 KiB) is handled leave at most this many lines at a
# time: the bridge starts on them while the rest of the chunk is handled (~7% more throughput than
# one write per chunk when the bridge is the busier process), for a write every ~16 KiB of replies.
_BATCH_LINES = 128

_protocol_stdout = None  # the process's real stdout, once a Backend has taken it for the protocol


def _take_stdout():
    """Returns a binary stream on the real stdout for the protocol, and points file descriptor 1
    (print(), C extensions, child processes) and sys.stdout at stderr, so that stray output ends up
    in the bridge's log instead of being sent (and rejected) as a protocol line. Done once per
    process."""
    global _protocol_stdout
    if _protocol_stdout is not None:
        return _protocol_stdout
    for stream in (sys.stdout, sys.__stdout__):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):
            pass
    try:
        fd = os.dup(1)  # not inherited by child processes
    except OSError:  # no stdout at all: nothing to protect
        _protocol_stdout = sys.stdout.buffer
        return _protocol_stdout
    try:
        os.dup2(2, 1)
    except OSError:  # no stderr either: stray output goes nowhere rather than into the protocol
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)
    if sys.stderr is not None:
        sys.stdout = sys.stderr
    _protocol_stdout = os.fdopen(fd, "wb")
    return _protocol_stdout


def _closest(name, candidates):
    """The candidate `name` most likely meant: one it is a part of (typing -> buddy_typing), else
    the closest spelling; None when nothing is close."""
    parts = [c for c in candidates if ("_%s_" % name) in ("_%s_" % c) or ("_%s_" % c) in ("_%s_" % name)]
    found = difflib.get_close_matches(name, parts, n=1, cutoff=0) if parts else \
        difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return found[0] if found else None


class Backend:
    """Base class of a backend. After bridge.hello (before any handler runs) these are set:

    config      the transport config: {section: {key: value}} (a repeated key gives a list)
    jid         the transport JID (-j)
    backend_id  Spectrum's slot number for this backend (a string)
    config_path the config file's absolute path
    """

    def __init__(self, input=None, output=None):
        """`input` and `output` default to stdin and stdout. Taking the real stdout also sends
        whatever else the process prints there (print(), child processes) to stderr, which the
        bridge logs."""
        self._input = input if input is not None else sys.stdin.buffer
        self._output = output if output is not None else _take_stdout()
        self._lock = threading.Lock()
        self._running = False
        self._batch = None  # replies collected while one input chunk is handled
        self._loop_thread = threading.get_ident()
        self._handlers = None  # {type: on_<type>}, looked up at the first message from Spectrum
        self._send_overridden = type(self).send is not Backend.send
        self.config = {}
        self.jid = ""
        self.backend_id = ""
        self.config_path = ""
        self.log = logging.getLogger(type(self).__name__)

    # ---- running ------------------------------------------------------------------------------

    @classmethod
    def main(cls, level=logging.INFO):
        """Runs a backend over stdin/stdout with Python logging sent to the bridge's log."""
        backend = cls()
        handler = BridgeLogHandler(backend)
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        root = logging.getLogger()
        root.handlers[:] = [handler]
        root.setLevel(level)
        try:
            asyncio.run(backend.run())
        except KeyboardInterrupt:
            pass

    async def run(self):
        """Reads and dispatches messages until EXIT or the end of input."""
        self._running = True
        self._loop_thread = threading.get_ident()
        self.warn_unknown_handlers()
        self._handlers = None
        loop = asyncio.get_running_loop()
        self._read = await self._open_reader(loop)
        self._lines = lines = collections.deque()  # read, not dispatched yet
        self._rest = b""  # an incomplete last line
        self._reading = None  # a read started while a coroutine handler ran, not taken yet
        self._eof = False
        try:
            while self._running:
                if not lines:
                    if self._eof:
                        break
                    reading, self._reading = self._reading, None
                    self._take(await (reading if reading is not None else self._read()))
                    continue
                # Replies to the lines of one chunk leave together (see send()).
                self._batch = []
                handle, next_line = self._handle_line, lines.popleft
                try:
                    while lines and self._running:
                        pending = handle(next_line())
                        if pending is not None:
                            await self._await_handler(pending)
                finally:
                    self._flush_batch()
        finally:
            self._running = False
            if self._reading is not None:
                self._reading.cancel()
                self._reading = None
        await self._maybe_await(self.on_stop())

    def _take(self, chunk, answer_pings=False):
        """Queues the complete lines of `chunk` (b"" = end of input). With `answer_pings`,
        bridge.ping lines are answered at once instead."""
        if not chunk:
            self._eof = True
            if self._rest.strip():
                self._lines.append(self._rest)
            self._rest = b""
            return
        *complete, self._rest = (self._rest + chunk).split(b"\n")
        if not answer_pings:
            self._lines.extend(complete)
            return
        for line in complete:
            if b"bridge.ping" in line and self._answer_ping(line):
                continue
            self._lines.append(line)

    def _answer_ping(self, line):
        try:
            msg = _scan(line.decode("utf-8"), 0)[0]
        except (ValueError, StopIteration):
            return False
        if msg.__class__ is not Message or msg.get("type") != "bridge.ping":
            return False
        self._dispatch(msg)
        return True

    async def _await_handler(self, pending):
        """Runs a coroutine handler to its end while input keeps being read: bridge.ping is
        answered meanwhile (the loop is free, so the backend is not hung), everything else waits
        its turn. Replies leave at once while it runs."""
        self._flush_batch()
        task = asyncio.ensure_future(pending)
        try:
            while not task.done():
                if self._reading is None and not self._eof:
                    self._reading = asyncio.ensure_future(self._read())
                waiting = (task,) if self._reading is None else (task, self._reading)
                await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
                if self._reading is not None and self._reading.done():
                    reading, self._reading = self._reading, None
                    self._take(reading.result(), answer_pings=True)
        finally:
            if not task.done():  # run() itself was cancelled
                task.cancel()
            self._batch = []

    def _handle_line(self, line):
        """Dispatches one line; returns what is left to await (an async handler), or None."""
        try:
            msg = _scan(line.decode("utf-8"), 0)[0]
        except StopIteration as e:  # no JSON value at all
            if line.strip():  # blank lines are allowed
                log.error("unreadable line from the bridge: expecting a JSON value at char %d", e.value)
            return None
        except ValueError as e:  # invalid UTF-8 or JSON
            log.error("unreadable line from the bridge: %s", e)
            return None
        if msg.__class__ is not Message:
            log.error("unreadable line from the bridge: not a JSON object: %.100s", line)
            return None
        return self._dispatch(msg)

    def _flush_batch(self):
        batch, self._batch = self._batch, None
        if batch:
            self._write(b"".join(batch))

    def warn_unknown_handlers(self):
        """Logs a warning for every on_<name> method that no message calls (on_message,
        on_typing, …), naming the handler probably meant. run() does it at start."""
        known = SPECTRUM_TYPES + HOOKS
        for attr in sorted(dir(type(self))):
            if not attr.startswith("on_") or attr[3:] in known or not callable(getattr(type(self), attr, None)):
                continue
            guess = _closest(attr[3:], known)
            log.warning("%s.%s is never called: no message of type %r comes from Spectrum%s", type(self).__name__,
                        attr, attr[3:], "; did you mean on_%s?" % guess if guess else
                        " (handlers: %s)" % ", ".join("on_" + k for k in known))

    def stop(self):
        """Ends run() after the current message."""
        self._running = False

    async def _open_reader(self, loop):
        """Returns a coroutine function that gives the next chunk of input, b"" at its end."""
        try:
            fd = self._input.fileno()
            mode = os.fstat(fd).st_mode
            if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode)):
                raise ValueError("not a pipe")
            loop.add_reader(fd, lambda: None)  # fails where the loop cannot watch it (/dev/null)
            loop.remove_reader(fd)
        except (ValueError, OSError, AttributeError):
            # Not a pipe (a file, an in-memory stream): read in a worker thread.
            return lambda: loop.run_in_executor(None, self._read_some)
        os.set_blocking(fd, False)

        async def read():
            # Each chunk is read once the loop says it is there, so other tasks run in between. At
            # most 64 KiB, a pipe's capacity: asyncio's pipe transport reads up to 256 KiB into
            # memory that malloc maps afresh each time, and the page faults cost more than the
            # rest of the reading.
            while True:
                ready = loop.create_future()
                loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
                try:
                    await ready
                finally:
                    loop.remove_reader(fd)
                try:
                    return os.read(fd, 1 << 16)
                except (BlockingIOError, InterruptedError):
                    continue

        return read

    def _read_some(self):
        read1 = getattr(self._input, "read1", None)
        return read1(1 << 16) if read1 else self._input.readline()

    async def _maybe_await(self, result):
        if inspect.isawaitable(result):
            await result

    def _find_handlers(self):
        """{type: its on_<type> handler} for the types Spectrum sends that have one. Looked up once
        instead of for every message: at the first message from Spectrum, which comes after
        bridge.hello and on_start() (which may set handlers of its own)."""
        handlers = {}
        for kind in SPECTRUM_TYPES:
            handler = getattr(self, "on_" + kind, None)
            if handler is not None:
                handlers[kind] = handler
        return handlers

    def _dispatch(self, msg):
        """Runs the handler for `msg`; returns an awaitable when the handler is a coroutine."""
        kind = msg.get("type")
        if kind == "bridge.hello":
            self.config = msg.get("config", {})
            self.jid = msg.get("jid", "")
            self.backend_id = msg.get("backend_id", "")
            self.config_path = msg.get("config_path", "")
            return self._guarded("start", self.on_start, None)
        if kind == "bridge.ping":
            # Answered here, on the event loop: a handler that blocks the loop delays the answer
            # and the bridge sees the backend hung.
            self.send("bridge.pong", id=msg.get("id"))
            # Out at once with what is batched before it: a handler that blocks on a line of the
            # same chunk must not hold back the answer that makes the bridge watch for hangs.
            batch = self._batch
            if batch:
                self._write(b"".join(batch))
                batch.clear()
            return None
        if kind == "bridge.error":
            log.warning("the bridge rejected line %s: %s", msg.get("line_number"), msg.get("error"))
            return self._guarded("bridge_error", self.on_bridge_error, msg)
        if kind == "exit":
            self._running = False
        if "status" in msg and isinstance(msg["status"], str):
            msg["status"] = StatusType.parse(msg["status"])
        if kind == "vcard" and isinstance(msg.get("photo"), str):
            msg["photo"] = base64.b64decode(msg["photo"])
        handlers = self._handlers
        if handlers is None:
            handlers = self._handlers = self._find_handlers()
        try:
            handler = handlers.get(kind)
        except TypeError:  # a type that cannot be a key (a list, an object)
            handler = None
        if handler is None:
            # Also a type the binding does not list (from a newer Spectrum) may have a handler.
            handler = getattr(self, "on_" + kind, None) if isinstance(kind, str) else None
            if handler is None:
                log.debug("no handler for %r", kind)
                return None
        # What _guarded() does, without a call more for every message.
        try:
            result = handler(msg)
        except Exception:
            log.exception("handler on_%s failed", kind)
            return None
        return None if result is None else self._awaited(kind, result)

    def _guarded(self, kind, handler, msg):
        """Runs the handler of `kind` (with `msg` unless None), logging what it raises; returns
        what is left to await when it is a coroutine, else None."""
        try:
            result = handler() if msg is None else handler(msg)
        except Exception:
            log.exception("handler on_%s failed", kind)
            return None
        return None if result is None else self._awaited(kind, result)

    def _awaited(self, kind, result):
        """What is left of a handler of `kind` that returned `result`: a coroutine that awaits it
        and logs what it raises, or None when it is not awaitable."""
        if not inspect.isawaitable(result):
            return None
        name = "on_" + kind

        async def finish():
            try:
                await result
            except Exception:
                log.exception("handler %s failed", name)

        return finish()

    # ---- hooks --------------------------------------------------------------------------------

    def on_start(self):
        """After bridge.hello: config, jid and backend_id are set."""

    def on_stop(self):
        """After EXIT or the end of input."""

    def on_bridge_error(self, msg):
        """The bridge rejected one of our lines: msg.error says why, msg.line_number which."""

    # ---- sending ------------------------------------------------------------------------------

    def send(self, type, **fields):
        """Sends one message: send("connected", user="alice@example.org"). Fields named as in the
        .proto; None values are left out. Safe to call from any thread. Each line is written whole
        and flushed; replies made while handling one chunk of input leave together (128 lines at a
        time), before the backend waits for more input (or before a coroutine handler starts; while
        one runs, lines leave at once)."""
        message = {"type": type}
        for key, value in fields.items():
            if value is not None:
                message[key] = value
        self._emit((_encode(message) + "\n").encode("utf-8"))

    def _send_line(self, line, required, optional=()):
        """Sends the message of `line` (a _Line) for the sending methods below."""
        if self._send_overridden:  # an override of send() sees every message, as always
            self.send(line.type, **line.fields(required, optional))
        else:
            self._emit(line.encode(required, optional))

    def _emit(self, data):
        batch = self._batch
        if batch is not None and threading.get_ident() == self._loop_thread:
            batch.append(data)  # written once the current input chunk is handled, before reading on
            if len(batch) >= _BATCH_LINES:
                self._write(b"".join(batch))
                batch.clear()
        else:
            self._write(data)

    def _write(self, data):
        with self._lock:
            self._output.write(data)
            self._output.flush()

    # Where Spectrum's C++ NetworkPlugin (and the Python NetworkPlugin.py) has a counterpart, the
    # positional arguments come in its order; the C++ name is given in each docstring.

    def connected(self, user):
        """The user is logged in to the legacy network. (handleConnected)"""
        self._send_line(_CONNECTED, (user,))

    def disconnected(self, user, error, message=""):
        """The user's legacy session ended or could not start. (handleDisconnected) `error` has no
        default on purpose: ConnectionErrorCode.NETWORK_ERROR (0) and OTHER_ERROR (16) make
        Spectrum log the user in again (up to 3 times); use AUTHENTICATION_FAILED,
        INVALID_USERNAME, NAME_IN_USE, INVALID_SETTINGS, … for failures that retrying will not
        fix. `message` is shown to the user."""
        self.send("disconnected", user=_required("user", user), error=int(ConnectionErrorCode(error)),
                  message=message)

    def buddy_changed(self, user, buddy, alias=None, groups=None, status=None, status_message=None,
                      icon_hash=None, blocked=None):
        """Adds or updates a contact. (handleBuddyChanged) Without `status` Spectrum shows the buddy
        online."""
        self._send_line(_BUDDY_CHANGED, (user, buddy), (alias, list(groups) if groups is not None else None,
                                                         _status(status), status_message, icon_hash, blocked))

    def buddy_removed(self, user, buddy):
        """(handleBuddyRemoved)"""
        self._send_line(_BUDDY_REMOVED, (user, buddy))

    def auth_request(self, user, buddy):
        """The buddy asks to be added to the user's roster. (handleAuthorization)"""
        self._send_line(_AUTH_REQUEST, (user, buddy))

    def message(self, user, buddy, message, nickname=None, xhtml=None, timestamp=None, headline=None, pm=None,
                carbon=None, attachments=None, *, id=None):
        """A message from `buddy` (a contact, or a room with `nickname` = the sender). (handleMessage)
        `timestamp` is "YYYYMMDDTHHMMSS" (UTC); `attachments` a list of {"url":…} dicts; `id`
        (keyword only, C++ has none) is the legacy network's message id."""
        self._send_line(_CONV_MESSAGE, (user, buddy, message),
                        (nickname, xhtml, timestamp, headline, id, pm, carbon, attachments))

    def subject(self, user, room, subject, nickname=None):
        """A room's subject (topic), optionally set by `nickname`. (handleSubject)"""
        self._send_line(_SUBJECT, (user, room, subject), (nickname,))

    def attention(self, user, buddy, message=""):
        """(handleAttention)"""
        self._send_line(_ATTENTION, (user, buddy), (message,))

    def ack(self, user, buddy, id):
        """Delivery receipt for the message with this `id` (needs features.receipts).
        (handleMessageAck)"""
        self._send_line(_ACK, (user, buddy, "", id))

    def typing(self, user, buddy):
        """(handleBuddyTyping)"""
        self._send_line(_TYPING, (user, buddy))

    def typed(self, user, buddy):
        """(handleBuddyTyped)"""
        self._send_line(_TYPED, (user, buddy))

    def stopped_typing(self, user, buddy):
        """(handleBuddyStoppedTyping)"""
        self._send_line(_STOPPED_TYPING, (user, buddy))

    def participant_changed(self, user, nickname, room, flag=ParticipantFlag.NONE, status=StatusType.ONLINE,
                            status_message=None, newname=None, alias=None, *, icon_hash=None):
        """Room member `nickname` of `room` joined or changed, or left (status NONE); `newname` is
        set when they took another nickname. The entry for the user's own nickname confirms the
        user's join. (handleParticipantChanged: nickname before room, as there; unlike there,
        `status` defaults to ONLINE, so pass StatusType.NONE for a member who left.)"""
        self._send_line(_PARTICIPANT, (user, room, nickname),
                        (int(flag), _status(status), status_message, newname, icon_hash, alias))

    def room_nickname_changed(self, user, room, nickname):
        """The network gave the user another nickname in `room` than requested.
        (handleRoomNicknameChanged)"""
        self._send_line(_ROOM_NICKNAME, (user, room, nickname))

    def room_list(self, user, rooms, names=None):
        """Rooms for service discovery: `rooms` (legacy names) paired with `names` (default: the
        rooms themselves); `user` "" (or None) gives the list for everyone. (handleRoomList)"""
        if user is not None and not isinstance(user, str):
            raise TypeError("room_list(user, rooms, names=None): user must be a str ('' for every user), got %r"
                            % (user,))
        if isinstance(rooms, str) or (names is not None and isinstance(names, str)):
            raise TypeError("room_list: rooms and names must be lists of str, not a str")
        rooms = list(rooms)
        self.send("room_list", room=rooms, name=list(names) if names is not None else rooms, user=user or None)

    def vcard(self, user, id, buddy, fullname=None, nickname=None, photo=None):
        """Answers a vCard request: `id` is the request's id, `photo` raw image bytes.
        (handleVCard: id before buddy, as there)"""
        self.send("vcard", userName=_required("user", user), buddyName=_required("buddy", buddy),
                  id=_required("id", id, int), fullname=fullname, nickname=nickname,
                  photo=base64.b64encode(photo).decode("ascii") if photo is not None else None)

    def backend_config(self, config):
        """Announces features: a dict {"features": {"muc": True}} or INI text. (sendConfig)"""
        if isinstance(config, dict):
            lines = []
            for section, keys in config.items():
                lines.append("[%s]" % section)
                for key, value in keys.items():
                    values = value if isinstance(value, (list, tuple)) else [value]
                    lines.extend("%s=%s" % (key, int(v) if isinstance(v, bool) else v) for v in values)
            config = "\n".join(lines) + "\n"
        self.send("backend_config", config=_required("config", config))

    def query(self, command):
        """Runs a Spectrum admin command (e.g. "status"); the answer arrives in on_query."""
        self._send_line(_QUERY, (command,))

    def raw_xml(self, xml):
        """A raw XMPP stanza (needs features.rawxml). (sendRawXML)"""
        self._send_line(_RAW_XML, (xml,))
