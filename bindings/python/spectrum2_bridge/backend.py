"""An asyncio base class for Spectrum 2 backends run by spectrum2_json_backend.

Subclass Backend, define on_<type> handlers for what Spectrum sends, call the sending methods for
what you send back, and run YourBackend.main(). Handlers may be plain functions or coroutines."""
import asyncio
import base64
import inspect
import json
import logging
import sys
import threading

from .enums import ConnectionError, ParticipantFlag, StatusType
from .message import Message

log = logging.getLogger("spectrum2_bridge")

# Everything Spectrum sends to a backend; each may have an on_<type> handler.
SPECTRUM_TYPES = (
    "login", "logout", "buddy_changed", "buddy_removed", "conv_message", "join_room", "leave_room",
    "room_subject_changed", "vcard", "status_changed", "buddy_typing", "buddy_stopped_typing",
    "buddy_typed", "attention", "exit", "query", "raw_xml", "buddies",
)

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


class Backend:
    """Base class of a backend. After bridge.hello (before any handler runs) these are set:

    config      the transport config: {section: {key: value}} (a repeated key gives a list)
    jid         the transport JID (-j)
    backend_id  Spectrum's slot number for this backend (a string)
    config_path the config file's absolute path
    """

    def __init__(self, input=None, output=None):
        self._input = input if input is not None else sys.stdin.buffer
        self._output = output if output is not None else sys.stdout.buffer
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
        loop = asyncio.get_running_loop()
        read = await self._open_reader(loop)
        rest = b""
        while self._running:
            chunk = await read()
            if not chunk:
                break
            *lines, rest = (rest + chunk).split(b"\n")
            # Replies to the lines of one chunk leave in one write (see send()).
            self._batch = []
            try:
                for line in lines:
                    pending = self._handle_line(line)
                    if pending is not None:
                        await pending
                    if not self._running:
                        break
            finally:
                self._flush_batch()
        if rest.strip() and self._running:
            pending = self._handle_line(rest)
            if pending is not None:
                await pending
        self._running = False
        await self._maybe_await(self.on_stop())

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
        backend waits for more input."""
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

    def connected(self, user):
        """The user is logged in to the legacy network."""
        self.send("connected", user=_required("user", user))

    def disconnected(self, user, error, message=""):
        """The user's legacy session ended or could not start. `error` has no default on purpose:
        ConnectionError.NETWORK_ERROR (0) and OTHER_ERROR (16) make Spectrum log the user in again
        (up to 3 times); use AUTHENTICATION_FAILED, INVALID_USERNAME, NAME_IN_USE,
        INVALID_SETTINGS, … for failures that retrying will not fix. `message` is shown to the user."""
        self.send("disconnected", user=_required("user", user), error=int(ConnectionError(error)),
                  message=message)

    def buddy_changed(self, user, buddy, alias=None, groups=None, status=None, status_message=None,
                      icon_hash=None, blocked=None):
        """Adds or updates a contact. Without `status` Spectrum shows the buddy online."""
        self.send("buddy_changed", userName=_required("user", user), buddyName=_required("buddy", buddy),
                  alias=alias, group=list(groups) if groups is not None else None, status=_status(status),
                  statusMessage=status_message, iconHash=icon_hash, blocked=blocked)

    def buddy_removed(self, user, buddy):
        self.send("buddy_removed", userName=_required("user", user), buddyName=_required("buddy", buddy))

    def auth_request(self, user, buddy):
        """The buddy asks to be added to the user's roster."""
        self.send("auth_request", userName=_required("user", user), buddyName=_required("buddy", buddy))

    def message(self, user, buddy, message, nickname=None, xhtml=None, timestamp=None, headline=None, id=None,
                pm=None, carbon=None, attachments=None):
        """A message from `buddy` (a contact, or a room with `nickname` = the sender). `timestamp`
        is "YYYYMMDDTHHMMSS" (UTC); `attachments` a list of {"url":…} dicts."""
        self.send("conv_message", userName=_required("user", user), buddyName=_required("buddy", buddy),
                  message=_required("message", message), nickname=nickname, xhtml=xhtml, timestamp=timestamp,
                  headline=headline, id=id, pm=pm, carbon=carbon, attachment=attachments)

    def subject(self, user, room, subject, nickname=None):
        """A room's subject (topic), optionally set by `nickname`."""
        self.send("room_subject_changed", userName=_required("user", user), buddyName=_required("room", room),
                  message=_required("subject", subject), nickname=nickname)

    def attention(self, user, buddy, message=""):
        self.send("attention", userName=_required("user", user), buddyName=_required("buddy", buddy),
                  message=message)

    def ack(self, user, buddy, id):
        """Delivery receipt for the message with this `id` (needs features.receipts)."""
        self.send("conv_message_ack", userName=_required("user", user), buddyName=_required("buddy", buddy),
                  message="", id=_required("id", id))

    def typing(self, user, buddy):
        self.send("buddy_typing", userName=_required("user", user), buddyName=_required("buddy", buddy))

    def typed(self, user, buddy):
        self.send("buddy_typed", userName=_required("user", user), buddyName=_required("buddy", buddy))

    def stopped_typing(self, user, buddy):
        self.send("buddy_stopped_typing", userName=_required("user", user), buddyName=_required("buddy", buddy))

    def participant_changed(self, user, room, nickname, flag=ParticipantFlag.NONE, status=StatusType.ONLINE,
                            status_message=None, newname=None, icon_hash=None, alias=None):
        """A room member joined, changed or left (status NONE). The entry for the user's own
        nickname confirms the user's join."""
        self.send("participant_changed", userName=_required("user", user), room=_required("room", room),
                  nickname=_required("nickname", nickname), flag=int(flag), status=_status(status),
                  statusMessage=status_message, newname=newname, iconHash=icon_hash, alias=alias)

    def room_nickname_changed(self, user, room, nickname):
        """The network gave the user another nickname in `room` than requested."""
        self.send("room_nickname_changed", userName=_required("user", user), room=_required("room", room),
                  nickname=_required("nickname", nickname))

    def room_list(self, rooms, names=None, user=None):
        """Rooms for service discovery: `rooms` (legacy names) paired with `names`."""
        rooms = list(rooms)
        self.send("room_list", room=rooms, name=list(names) if names is not None else rooms, user=user)

    def vcard(self, user, buddy, id, fullname=None, nickname=None, photo=None):
        """Answers a vCard request: `id` is the request's id, `photo` raw image bytes."""
        self.send("vcard", userName=_required("user", user), buddyName=_required("buddy", buddy),
                  id=_required("id", id, int), fullname=fullname, nickname=nickname,
                  photo=base64.b64encode(photo).decode("ascii") if photo is not None else None)

    def backend_config(self, config):
        """Announces features: a dict {"features": {"muc": True}} or INI text."""
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
        """A raw XMPP stanza (needs features.rawxml)."""
        self.send("raw_xml", xml=_required("xml", xml))
