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
_raw_decode = json.JSONDecoder(object_hook=Message).raw_decode  # the bridge writes no padding
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _status(value):
    return None if value is None else StatusType.parse(value).wire


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
                # Replies to the lines of one chunk leave in one write (see send()).
                self._batch = []
                try:
                    while lines and self._running:
                        pending = self._handle_line(lines.popleft())
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
            msg = _raw_decode(line.decode("utf-8"))[0]
        except ValueError:
            return False
        if not isinstance(msg, dict) or msg.get("type") != "bridge.ping":
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
        if not line.strip():
            return None
        try:
            msg = _raw_decode(line.decode("utf-8"))[0]
        except ValueError as e:
            log.error("unreadable line from the bridge: %s", e)
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
        try:
            stream = asyncio.StreamReader(limit=1 << 30, loop=loop)
            await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stream), self._input)
            return lambda: stream.read(1 << 16)
        except (ValueError, OSError, AttributeError):
            # Not a pipe (a file, a terminal, an in-memory stream): read in a worker thread.
            return lambda: loop.run_in_executor(None, self._read_some)

    def _read_some(self):
        read1 = getattr(self._input, "read1", None)
        return read1(1 << 16) if read1 else self._input.readline()

    async def _maybe_await(self, result):
        if inspect.isawaitable(result):
            await result

    def _dispatch(self, msg):
        """Runs the handler for `msg`; returns an awaitable when the handler is a coroutine."""
        kind = msg.get("type")
        if kind == "bridge.hello":
            self.config = msg.get("config", {})
            self.jid = msg.get("jid", "")
            self.backend_id = msg.get("backend_id", "")
            self.config_path = msg.get("config_path", "")
            return self._guarded("on_start", self.on_start, None)
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
            return self._guarded("on_bridge_error", self.on_bridge_error, msg)
        if kind == "exit":
            self._running = False
        if "status" in msg and isinstance(msg["status"], str):
            msg["status"] = StatusType.parse(msg["status"])
        if kind == "vcard" and isinstance(msg.get("photo"), str):
            msg["photo"] = base64.b64decode(msg["photo"])
        handler = getattr(self, "on_" + kind, None) if isinstance(kind, str) else None
        if handler is None:
            log.debug("no handler for %r", kind)
            return None
        return self._guarded("on_" + kind, handler, msg)

    def _guarded(self, name, handler, msg):
        try:
            result = handler() if msg is None else handler(msg)
        except Exception:
            log.exception("handler %s failed", name)
            return None
        if result is None or not inspect.isawaitable(result):
            return None

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
        and flushed; replies made while handling one chunk of input leave together, before the
        backend waits for more input (or before a coroutine handler starts; while one runs,
        lines leave at once)."""
        message = {"type": type}
        for key, value in fields.items():
            if value is not None:
                message[key] = value
        data = (_encode(message) + "\n").encode("utf-8")
        batch = self._batch
        if batch is not None and threading.get_ident() == self._loop_thread:
            batch.append(data)  # written when the current input chunk is handled, before reading on
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
        self.send("connected", user=_required("user", user))

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
        self.send("buddy_changed", userName=_required("user", user), buddyName=_required("buddy", buddy),
                  alias=alias, group=list(groups) if groups is not None else None, status=_status(status),
                  statusMessage=status_message, iconHash=icon_hash, blocked=blocked)

    def buddy_removed(self, user, buddy):
        """(handleBuddyRemoved)"""
        self.send("buddy_removed", userName=_required("user", user), buddyName=_required("buddy", buddy))

    def auth_request(self, user, buddy):
        """The buddy asks to be added to the user's roster. (handleAuthorization)"""
        self.send("auth_request", userName=_required("user", user), buddyName=_required("buddy", buddy))

    def message(self, user, buddy, message, nickname=None, xhtml=None, timestamp=None, headline=None, pm=None,
                carbon=None, attachments=None, *, id=None):
        """A message from `buddy` (a contact, or a room with `nickname` = the sender). (handleMessage)
        `timestamp` is "YYYYMMDDTHHMMSS" (UTC); `attachments` a list of {"url":…} dicts; `id`
        (keyword only, C++ has none) is the legacy network's message id."""
        self.send("conv_message", userName=_required("user", user), buddyName=_required("buddy", buddy),
                  message=_required("message", message), nickname=nickname, xhtml=xhtml, timestamp=timestamp,
                  headline=headline, id=id, pm=pm, carbon=carbon, attachment=attachments)

    def subject(self, user, room, subject, nickname=None):
        """A room's subject (topic), optionally set by `nickname`. (handleSubject)"""
        self.send("room_subject_changed", userName=_required("user", user), buddyName=_required("room", room),
                  message=_required("subject", subject), nickname=nickname)

    def attention(self, user, buddy, message=""):
        """(handleAttention)"""
        self.send("attention", userName=_required("user", user), buddyName=_required("buddy", buddy),
                  message=message)

    def ack(self, user, buddy, id):
        """Delivery receipt for the message with this `id` (needs features.receipts).
        (handleMessageAck)"""
        self.send("conv_message_ack", userName=_required("user", user), buddyName=_required("buddy", buddy),
                  message="", id=_required("id", id))

    def typing(self, user, buddy):
        """(handleBuddyTyping)"""
        self.send("buddy_typing", userName=_required("user", user), buddyName=_required("buddy", buddy))

    def typed(self, user, buddy):
        """(handleBuddyTyped)"""
        self.send("buddy_typed", userName=_required("user", user), buddyName=_required("buddy", buddy))

    def stopped_typing(self, user, buddy):
        """(handleBuddyStoppedTyping)"""
        self.send("buddy_stopped_typing", userName=_required("user", user), buddyName=_required("buddy", buddy))

    def participant_changed(self, user, nickname, room, flag=ParticipantFlag.NONE, status=StatusType.ONLINE,
                            status_message=None, newname=None, alias=None, *, icon_hash=None):
        """Room member `nickname` of `room` joined or changed, or left (status NONE); `newname` is
        set when they took another nickname. The entry for the user's own nickname confirms the
        user's join. (handleParticipantChanged: nickname before room, as there; unlike there,
        `status` defaults to ONLINE, so pass StatusType.NONE for a member who left.)"""
        self.send("participant_changed", userName=_required("user", user), room=_required("room", room),
                  nickname=_required("nickname", nickname), flag=int(flag), status=_status(status),
                  statusMessage=status_message, newname=newname, iconHash=icon_hash, alias=alias)

    def room_nickname_changed(self, user, room, nickname):
        """The network gave the user another nickname in `room` than requested.
        (handleRoomNicknameChanged)"""
        self.send("room_nickname_changed", userName=_required("user", user), room=_required("room", room),
                  nickname=_required("nickname", nickname))

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
        self.send("query", config=_required("command", command))

    def raw_xml(self, xml):
        """A raw XMPP stanza (needs features.rawxml). (sendRawXML)"""
        self.send("raw_xml", xml=_required("xml", xml))
