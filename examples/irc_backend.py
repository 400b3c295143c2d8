#!/usr/bin/env python3
"""An IRC backend for Spectrum 2: each XMPP user becomes an IRC client of the server named in the
transport config, rooms map to channels. Run it under spectrum2_json_backend (see irc.cfg).

  [irc]
  server = irc.example.org      # default 127.0.0.1
  port = 6667                   # default 6667
  server_password = secret      # the IRC server's own password (PASS), for servers that need one;
                                # default none: no PASS is sent
  nickserv_identify = yes       # after the welcome, "PRIVMSG NickServ :IDENTIFY <password>" with
                                # the user's password from the registration; default no
  login_timeout = 60            # seconds to wait for the server's welcome (001)

The user's legacy name is the IRC nickname. The user's password is never sent as PASS: it goes to
NickServ, and only with nickserv_identify.

Every login ends in CONNECTED or DISCONNECTED: nickname taken -> NAME_IN_USE, server password
wrong or missing -> AUTHENTICATION_FAILED, banned or refused by the server -> AUTHENTICATION_IMPOSSIBLE,
server unreachable -> INVALID_SETTINGS; a connection that drops or stays silent ->
NETWORK_ERROR, which lets Spectrum try again. A message the user sends to a channel is reported
back from the user's own nickname, as XMPP clients expect a room to do."""
import asyncio
import logging
import os
import sys

# In a checkout, the binding next door; installed, the one on python3's path (no PYTHONPATH needed).
_CHECKOUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bindings", "python")
if os.path.isdir(os.path.join(_CHECKOUT, "spectrum2_bridge")):
    sys.path.insert(0, _CHECKOUT)

from spectrum2_bridge import Backend, ConnectionErrorCode, ParticipantFlag, StatusType

log = logging.getLogger("irc")

# IRC numerics that end a login, and the DISCONNECTED code each maps to.
LOGIN_ERRORS = {
    "431": ConnectionErrorCode.INVALID_USERNAME,  # no nickname given
    "432": ConnectionErrorCode.INVALID_USERNAME,  # erroneous nickname
    "433": ConnectionErrorCode.NAME_IN_USE,
    "436": ConnectionErrorCode.NAME_IN_USE,  # nickname collision
    "464": ConnectionErrorCode.AUTHENTICATION_FAILED,  # password mismatch
    "465": ConnectionErrorCode.AUTHENTICATION_IMPOSSIBLE,  # banned from the server
}


def parse_line(line):
    """':nick!user@host CMD a b :trailing' -> (nick, CMD, [a, b, trailing])."""
    prefix = ""
    if line.startswith(":"):
        prefix, _, line = line[1:].partition(" ")
    if " :" in line:
        line, _, trailing = line.partition(" :")
        params = line.split() + [trailing]
    else:
        params = line.split()
    return prefix.split("!")[0], (params[0].upper() if params else ""), params[1:]


def channel_name(room):
    return room if room[:1] in "#&" else "#" + room


def is_channel(name):
    return name[:1] in "#&"


def refusal_code(reason):
    """The DISCONNECTED code for an ERROR the server sent before its welcome."""
    text = reason.lower()
    if "password" in text:  # ngircd: "Access denied: Bad password?"
        return ConnectionErrorCode.AUTHENTICATION_FAILED
    return ConnectionErrorCode.AUTHENTICATION_IMPOSSIBLE  # banned, K-lined, not allowed, ...


def config_flag(value):
    return str(value).strip().lower() in ("1", "yes", "true", "on")


class IrcSession:
    """One XMPP user's connection to the IRC server."""

    def __init__(self, backend, user, nick, password):
        self.backend, self.user, self.nick, self.password = backend, user, nick, password
        self.writer = None
        self.welcomed = False
        self.closing = False  # LOGOUT or shutdown: Spectrum expects no answer any more
        self.ended = None  # (code, reason) once the login failed or the session ended
        self.channels = {}  # channel -> set of nicknames

    async def run(self, host, port, server_password=None, nickserv_identify=False, login_timeout=60):
        """Connects, logs in and relays until the connection ends. Reports every outcome: CONNECTED
        on the welcome, DISCONNECTED with a code for each way out (unless the user logged out)."""
        self.nickserv_identify = nickserv_identify
        try:
            await self.session(host, port, server_password, login_timeout)
        except asyncio.CancelledError:
            raise
        except Exception as e:  # a bug here must not leave the user waiting
            log.exception("%s: IRC session failed", self.user)
            self.end(ConnectionErrorCode.OTHER_ERROR, "IRC backend error: %s" % e)
        finally:
            if self.writer is not None:
                self.writer.close()
        if self.closing:
            return
        if self.ended is None:
            reason = "connection to the IRC server lost" if self.welcomed else \
                "the IRC server closed the connection before the login completed"
            self.end(ConnectionErrorCode.NETWORK_ERROR, reason)
        self.backend.disconnected(self.user, *self.ended)

    async def session(self, host, port, server_password, login_timeout):
        if not self.nick or any(c in self.nick for c in " ,*?!@:\r\n") or is_channel(self.nick):
            return self.end(ConnectionErrorCode.INVALID_USERNAME, "%r is not an IRC nickname" % self.nick)
        try:
            reader, self.writer = await asyncio.wait_for(asyncio.open_connection(host, port), login_timeout)
        except (OSError, asyncio.TimeoutError) as e:
            reason = getattr(e, "strerror", None) or str(e) or "timed out"
            return self.end(ConnectionErrorCode.INVALID_SETTINGS,
                            "cannot reach the IRC server %s:%s: %s" % (host, port, reason))
        if self.closing:
            return None
        if server_password:
            self.send("PASS", server_password)
        self.send("NICK", self.nick)
        self.send("USER", self.nick, "0", "*", self.nick)
        deadline = asyncio.get_running_loop().time() + login_timeout
        while self.ended is None:
            try:
                if self.welcomed:
                    data = await reader.readline()
                else:
                    left = deadline - asyncio.get_running_loop().time()
                    data = await asyncio.wait_for(reader.readline(), max(left, 0))
            except asyncio.TimeoutError:
                return self.end(ConnectionErrorCode.NETWORK_ERROR,
                                "no welcome from the IRC server within %g s" % login_timeout)
            except (OSError, ValueError) as e:  # reset, or a line longer than the stream's limit
                return self.end(ConnectionErrorCode.NETWORK_ERROR, "IRC connection failed: %s" % e)
            if not data:
                return None
            line = data.decode("utf-8", "replace").rstrip("\r\n")
            try:
                self.handle(*parse_line(line))
            except Exception:  # one odd line must not end the session
                log.exception("%s: cannot handle IRC line %r", self.user, line)
        return None

    def end(self, code, reason):
        """Records how the session ended (the first reason wins) and stops reading."""
        if self.ended is None:
            self.ended = (code, reason)

    def send(self, command, *params):
        if self.writer is None or self.writer.is_closing():
            return
        args = list(params)
        if args and (" " in args[-1] or args[-1].startswith(":") or not args[-1]):
            args[-1] = ":" + args[-1]
        line = " ".join([command] + args)
        self.writer.write((line.replace("\r", " ").replace("\n", " ") + "\r\n").encode("utf-8"))

    def quit(self, reason="Leaving"):
        self.closing = True
        self.send("QUIT", reason)
        if self.writer is None:
            return
        if not self.welcomed:  # nothing to say goodbye to yet
            self.writer.close()

    def handle(self, sender, command, params):
        b, user = self.backend, self.user
        if command == "PING":
            self.send("PONG", *params)
        elif command == "001":
            self.welcomed = True
            self.nick = params[0]
            if self.nickserv_identify and self.password:
                self.send("PRIVMSG", "NickServ", "IDENTIFY " + self.password)
            b.connected(user)
        elif command == "ERROR":
            reason = params[-1] if params else "closed by the IRC server"
            if self.welcomed:
                self.end(ConnectionErrorCode.NETWORK_ERROR, "connection to the IRC server lost: " + reason)
            else:
                self.end(refusal_code(reason), "the IRC server refused the login: " + reason)
        elif command in LOGIN_ERRORS and not self.welcomed:
            self.end(LOGIN_ERRORS[command], params[-1] if params else command)
        elif command == "JOIN":
            channel = params[0]
            self.channels.setdefault(channel, set()).add(sender)
            b.participant_changed(user, sender, channel, status=StatusType.ONLINE)
        elif command == "353":  # NAMES: "= #chan :@op +voice plain"
            channel = params[-2]
            for name in params[-1].split():
                nick = name.lstrip("@+%&~")
                self.channels.setdefault(channel, set()).add(nick)
                flag = ParticipantFlag.MODERATOR if name[:1] in "@&~" else ParticipantFlag.NONE
                b.participant_changed(user, nick, channel, flag=flag, status=StatusType.ONLINE)
        elif command == "332":  # topic on join
            b.subject(user, params[-2], params[-1])
        elif command == "TOPIC":
            b.subject(user, params[0], params[-1], nickname=sender)
        elif command in ("PART", "KICK"):
            channel, gone = params[0], (params[1] if command == "KICK" else sender)
            self.channels.get(channel, set()).discard(gone)
            b.participant_changed(user, gone, channel, status=StatusType.NONE)
        elif command == "QUIT":
            for channel, members in self.channels.items():
                if sender in members:
                    members.discard(sender)
                    b.participant_changed(user, sender, channel, status=StatusType.NONE, status_message=params[-1])
        elif command == "NICK":
            new = params[0]
            if sender == self.nick:
                self.nick = new
            for channel, members in self.channels.items():
                if sender in members:
                    members.discard(sender)
                    members.add(new)
                    b.participant_changed(user, sender, channel, newname=new)
        elif command == "NOTICE" and "!" not in sender:
            pass  # from the server, not from a user
        elif command in ("PRIVMSG", "NOTICE"):
            target, text = params[0], params[-1]
            if text.startswith("\x01ACTION ") and text.endswith("\x01"):
                text = "/me " + text[8:-1]
            elif text.startswith("\x01"):
                return  # other CTCP
            if is_channel(target):
                b.message(user, target, text, nickname=sender)
            else:
                b.message(user, sender, text)


class IrcBackend(Backend):
    def on_start(self):
        irc = self.config.get("irc", {})
        legacy = self.config.get("json_backend", {})  # irc_server / irc_port there work too
        self.host = irc.get("server", legacy.get("irc_server", "127.0.0.1"))
        self.port = int(irc.get("port", legacy.get("irc_port", 6667)))
        self.server_password = irc.get("server_password") or None
        self.nickserv_identify = config_flag(irc.get("nickserv_identify", "no"))
        self.login_timeout = float(irc.get("login_timeout", 60))
        self.sessions = {}
        self.tasks = set()

    def on_login(self, msg):
        old = self.sessions.get(msg.user)
        if old:
            old.quit("Reconnecting")
        session = IrcSession(self, msg.user, msg.legacyName, msg.get("password", ""))
        self.sessions[msg.user] = session
        task = asyncio.get_running_loop().create_task(
            session.run(self.host, self.port, self.server_password, self.nickserv_identify, self.login_timeout))
        self.tasks.add(task)

        def ended(task):
            self.tasks.discard(task)
            if self.sessions.get(msg.user) is session:
                del self.sessions[msg.user]

        task.add_done_callback(ended)

    def on_logout(self, msg):
        session = self.sessions.get(msg.user)
        if session:
            session.quit()

    def on_join_room(self, msg):
        session = self.sessions.get(msg.userName)
        if session:
            session.send("JOIN", channel_name(msg.room), *([msg.password] if msg.get("password") else []))
            if msg.nickname and msg.nickname != session.nick:
                self.room_nickname_changed(msg.userName, channel_name(msg.room), session.nick)

    def on_leave_room(self, msg):
        session = self.sessions.get(msg.userName)
        if session:
            session.send("PART", channel_name(msg.room))

    def on_conv_message(self, msg):
        session = self.sessions.get(msg.userName)
        if not session or not session.welcomed or not msg.message:
            return
        target = msg.buddyName
        if "/" in target and is_channel(target):  # private message to a room participant
            target = target.split("/", 1)[1]
        if msg.message.startswith("/me "):
            session.send("PRIVMSG", target, "\x01ACTION %s\x01" % msg.message[4:].replace("\n", " "))
        else:
            for line in msg.message.splitlines() or [""]:
                session.send("PRIVMSG", target, line)
        if is_channel(target):
            # XMPP clients wait for the room to send their own message back (XEP-0045 7.4); the
            # IRC server does not, so it is reported here, from the user's nickname.
            self.message(msg.userName, msg.buddyName, msg.message, nickname=session.nick)

    def on_room_subject_changed(self, msg):
        session = self.sessions.get(msg.userName)
        if session:
            session.send("TOPIC", channel_name(msg.buddyName), msg.message)

    def on_status_changed(self, msg):
        session = self.sessions.get(msg.userName)
        if session:
            away = msg.status not in (StatusType.ONLINE, StatusType.FFC)
            session.send("AWAY", *([msg.get("statusMessage") or "away"] if away else []))

    async def on_stop(self):
        for session in self.sessions.values():
            session.quit("Spectrum is shutting down")
        if self.tasks:
            await asyncio.wait(self.tasks, timeout=2)


if __name__ == "__main__":
    IrcBackend.main()
