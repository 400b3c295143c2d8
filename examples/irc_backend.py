#!/usr/bin/env python3
"""An IRC backend for Spectrum 2: each XMPP user becomes an IRC client of the server named in the
transport config, rooms map to channels. Run it under spectrum2_json_backend (see irc.cfg).

  [irc]
  server = irc.example.org   # default 127.0.0.1
  port = 6667                # default 6667

The user's legacy name is the IRC nickname; a non-empty password is sent as PASS."""
import asyncio
import os
import sys

try:
    import spectrum2_bridge
except ImportError:  # run from a checkout: use the binding next door
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bindings", "python"))
    import spectrum2_bridge

from spectrum2_bridge import Backend, ConnectionErrorCode, ParticipantFlag, StatusType

# IRC numerics that end a login, and the DISCONNECTED code each maps to.
LOGIN_ERRORS = {
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


class IrcSession:
    """One XMPP user's connection to the IRC server."""

    def __init__(self, backend, user, nick, password):
        self.backend, self.user, self.nick, self.password = backend, user, nick, password
        self.writer = None
        self.welcomed = False
        self.closing = False
        self.channels = {}  # channel -> set of nicknames

    async def run(self, host, port):
        try:
            reader, self.writer = await asyncio.open_connection(host, port)
        except OSError as e:
            self.backend.disconnected(self.user, ConnectionErrorCode.INVALID_SETTINGS,
                                      "cannot reach the IRC server %s:%s: %s" % (host, port, e.strerror or e))
            return
        if self.password:
            self.send("PASS", self.password)
        self.send("NICK", self.nick)
        self.send("USER", self.nick, "0", "*", self.nick)
        while True:
            data = await reader.readline()
            if not data:
                break
            self.handle(*parse_line(data.decode("utf-8", "replace").rstrip("\r\n")))
        if not self.closing and self.welcomed:
            # Error 0 asks Spectrum to log the user in again, which is right for a lost connection.
            self.backend.disconnected(self.user, ConnectionErrorCode.NETWORK_ERROR, "connection to the IRC server lost")
        self.writer.close()

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

    def handle(self, sender, command, params):
        b, user = self.backend, self.user
        if command == "PING":
            self.send("PONG", *params)
        elif command == "001":
            self.welcomed = True
            self.nick = params[0]
            b.connected(user)
        elif command in LOGIN_ERRORS and not self.welcomed:
            self.closing = True
            b.disconnected(user, LOGIN_ERRORS[command], params[-1])
            self.writer.close()
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
            if target[:1] in "#&":
                b.message(user, target, text, nickname=sender)
            else:
                b.message(user, sender, text)


class IrcBackend(Backend):
    def on_start(self):
        irc = self.config.get("irc", {})
        self.host = irc.get("server", self.config.get("json_backend", {}).get("irc_server", "127.0.0.1"))
        self.port = int(irc.get("port", self.config.get("json_backend", {}).get("irc_port", 6667)))
        self.sessions = {}
        self.tasks = set()

    def on_login(self, msg):
        session = IrcSession(self, msg.user, msg.legacyName, msg.get("password", ""))
        self.sessions[msg.user] = session
        task = asyncio.get_running_loop().create_task(session.run(self.host, self.port))
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
        if not session or not msg.message:
            return
        target = msg.buddyName
        if "/" in target and target[:1] in "#&":  # private message to a room participant
            target = target.split("/", 1)[1]
        for line in msg.message.splitlines() or [""]:
            session.send("PRIVMSG", target, line)

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
