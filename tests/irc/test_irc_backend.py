"""examples/irc_backend.py end to end: a real IRC server (ngircd), the simulator, the bridge, the
backend, and raw IRC clients ("bob", "NickServ") talking to the XMPP user "alice".

Run as a script (as ctest does), it exits with SKIP (77) when ngircd is not installed, so the test
shows as skipped, not passed. S2J_NGIRCD names the ngircd binary (a path that does not exist means
"not installed")."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("S2J_BUILD_DIR", os.path.join(ROOT, "build"))
SKIP = 77
WAIT = 30  # seconds: bound for anything awaited on a loaded machine


def find_ngircd():
    path = os.environ.get("S2J_NGIRCD")
    if path is None:
        path = shutil.which("ngircd") or "/usr/sbin/ngircd"
    return path if os.access(path, os.X_OK) else None


NGIRCD = find_ngircd()
SERVER_PASSWORD = "server-secret"
USER_PASSWORD = "xmpp-secret"  # the user's XMPP registration password: never a PASS


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class IrcClient:
    """A minimal raw IRC client that records every line it receives."""

    def __init__(self, port, nick, password=None):
        self.nick = nick
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        self.lines = []
        self.buffer = b""
        if password:
            self.send("PASS " + password)
        self.send("NICK " + nick)
        self.send("USER %s 0 * :%s" % (nick, nick))
        self.wait_for(" 001 ")

    def send(self, line):
        self.sock.sendall((line + "\r\n").encode())

    def wait_for(self, text, timeout=WAIT):
        """Returns the first line received so far or later that contains `text`."""
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for line in self.lines[seen:]:
                if text in line:
                    return line
            seen = len(self.lines)
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                break
            if not data:
                break
            self.buffer += data
            *complete, self.buffer = self.buffer.split(b"\r\n")
            for line in complete:
                line = line.decode("utf-8", "replace")
                if line.startswith("PING"):
                    self.send("PONG" + line[4:])
                self.lines.append(line)
        raise AssertionError("%s never received %r; got %r" % (self.nick, text, self.lines))

    def close(self):
        self.sock.close()


def received(out):
    """The messages the backend sent, from the simulator's output."""
    return [line["received"] for line in out if "received" in line]


def disconnected(out):
    """The one DISCONNECTED the backend sent."""
    found = [m for m in received(out) if m["type"] == "disconnected"]
    assert len(found) == 1, found
    return found[0]


def login(password=USER_PASSWORD, user="alice@localhost", nick="alice"):
    return {"type": "login", "user": user, "legacyName": nick, "password": password}


def expect(timeout=WAIT, **fields):
    return {"expect": fields, "timeout": timeout}


def message(text, to, user="alice@localhost"):
    return {"type": "conv_message", "userName": user, "buddyName": to, "message": text, "xhtml": ""}


class IrcTestCase(unittest.TestCase):
    server_password = None  # ngircd's [Global] Password

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="s2j-irc-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.port = free_port()
        conf = os.path.join(self.dir, "ngircd.conf")
        with open(conf, "w") as f:
            f.write("[Global]\nName = irc.test\nInfo = test\nListen = 127.0.0.1\nPorts = %d\n"
                    "PidFile = %s/ngircd.pid\nServerUID = %d\nServerGID = %d\n%s"
                    "[Options]\nPAM = no\nIdent = no\nDNS = no\n[Limits]\nPingTimeout = 120\n"
                    % (self.port, self.dir, os.getuid(), os.getgid(),
                       "Password = %s\n" % self.server_password if self.server_password else ""))
        self.ircd = subprocess.Popen([NGIRCD, "--nodaemon", "--config", conf], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        self.addCleanup(self.ircd.wait)
        self.addCleanup(self.ircd.terminate)
        deadline = time.monotonic() + WAIT
        while True:  # until ngircd listens
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=WAIT).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.ircd.poll() is not None:
                    raise
                time.sleep(0.05)

    def client(self, nick):
        client = IrcClient(self.port, nick, self.server_password)
        self.addCleanup(client.close)
        return client

    def run_sim(self, scenario, irc="", port=None):
        """Runs the simulator with the bridge and the IRC backend through `scenario` (a list of
        scenario lines); `irc` is extra [irc] config. Returns the simulator's output, one object
        per line ({"received": message}, {"finding": ...}, {"info": ...}, ..., {"result": ...})."""
        cfg = os.path.join(self.dir, "irc.cfg")
        with open(cfg, "w") as f:
            f.write("[service]\njid = irc.localhost\n[json_backend]\nchild = python3 %s/examples/irc_backend.py\n"
                    "features = muc\n[irc]\nserver = 127.0.0.1\nport = %d\n%s"
                    % (ROOT, port or self.port, irc))
        script = os.path.join(self.dir, "irc.scenario")
        with open(script, "w") as f:
            f.writelines(json.dumps(line) + "\n" for line in scenario)
        sim = subprocess.run([os.path.join(BUILD, "spectrum2_sim"), "--config", cfg, "--jid", "irc.localhost",
                              "--connect-timeout", str(WAIT), "--exit-grace", "10", "--json",
                              "--script", script, "--", os.path.join(BUILD, "spectrum2_json_backend")],
                             capture_output=True, text=True, timeout=180)
        self.assertEqual(sim.returncode, 0, sim.stdout + sim.stderr)
        return [json.loads(line) for line in sim.stdout.splitlines()]

    def in_thread(self, play):
        """Runs play() (a raw client's part) beside the simulator; check() re-raises its failure."""
        errors = []

        def run():
            try:
                play()
            except Exception as e:  # reported by check()
                errors.append(e)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()

        def check():
            thread.join(WAIT)
            self.assertFalse(thread.is_alive())
            if errors:
                raise errors[0]

        return check


@unittest.skipUnless(NGIRCD, "ngircd is not installed (apt-get install ngircd)")
class IrcBackendTest(IrcTestCase):
    """ngircd without a server password: it refuses any PASS."""

    def test_two_users_talk_through_sim_bridge_and_backend(self):
        bob = self.client("bob")
        bob.send("JOIN #test")
        bob.wait_for("JOIN")
        bob.send("TOPIC #test :IRC tests")
        bob.wait_for("TOPIC")

        def play_bob():
            bob.wait_for(":alice!")  # alice joined the channel
            bob.send("PRIVMSG #test :hi alice")
            bob.wait_for("PRIVMSG #test :hello bob")
            bob.wait_for("PRIVMSG bob :psst")
            bob.send("PRIVMSG alice :got it")
            bob.send("PART #test :bye")

        check = self.in_thread(play_bob)
        out = self.run_sim([
            login(),
            expect(type="connected", user="alice@localhost"),
            {"type": "join_room", "userName": "alice@localhost", "nickname": "alice", "room": "#test",
             "password": ""},
            expect(type="participant_changed", room="#test", nickname="alice", status="STATUS_ONLINE"),
            expect(type="room_subject_changed", buddyName="#test", message="IRC tests"),
            expect(type="participant_changed", room="#test", nickname="bob", flag=1),
            expect(type="conv_message", userName="alice@localhost", buddyName="#test", nickname="bob",
                   message="hi alice"),
            message("hello bob", "#test"),
            message("psst", "#test/bob"),
            expect(type="conv_message", userName="alice@localhost", buddyName="bob", message="got it"),
            expect(type="participant_changed", room="#test", nickname="bob", status="STATUS_NONE"),
            login(user="carol@localhost", nick="alice"),
            expect(type="disconnected", user="carol@localhost", error=6),
            {"type": "logout", "user": "alice@localhost", "legacyName": "alice"},
        ])
        check()
        self.assertEqual(out[-1]["result"], "pass")
        self.assertEqual([line for line in out if "finding" in line], [])
        self.assertIn({"type": "backend_config",
                       "config": "[registration]\nneedPassword=1\nneedRegistration=1\n[features]\nmuc=1\n"},
                      received(out))
        self.assertFalse([m for m in received(out) if m.get("message") == "psst"],
                         "a private message to a room member is not reflected")

    def test_own_channel_messages_come_back_from_the_own_nickname(self):
        bob = self.client("bob")
        bob.send("JOIN #room")
        bob.wait_for("JOIN")

        def play_bob():
            bob.wait_for(":alice!")
            bob.wait_for("PRIVMSG #room :hello room")
            bob.wait_for("PRIVMSG #room :\x01ACTION waves\x01")
            bob.send("PRIVMSG alice :done")

        check = self.in_thread(play_bob)
        out = self.run_sim([
            login(),
            expect(type="connected", user="alice@localhost"),
            {"type": "join_room", "userName": "alice@localhost", "nickname": "alice", "room": "#room",
             "password": ""},
            expect(type="participant_changed", room="#room", nickname="alice", status="STATUS_ONLINE"),
            message("hello room", "#room"),
            expect(type="conv_message", userName="alice@localhost", buddyName="#room", nickname="alice",
                   message="hello room"),
            message("/me waves", "#room"),
            expect(type="conv_message", userName="alice@localhost", buddyName="#room", nickname="alice",
                   message="/me waves"),
            expect(type="conv_message", userName="alice@localhost", buddyName="bob", message="done"),
        ])
        check()
        own = [m for m in received(out) if m["type"] == "conv_message" and m.get("nickname") == "alice"]
        self.assertEqual(own, [
            {"type": "conv_message", "userName": "alice@localhost", "buddyName": "#room", "message": "hello room",
             "nickname": "alice"},
            {"type": "conv_message", "userName": "alice@localhost", "buddyName": "#room", "message": "/me waves",
             "nickname": "alice"}])

    def test_the_users_password_is_never_sent_as_pass_and_nickserv_is_off_by_default(self):
        nickserv = self.client("NickServ")
        seen = {}

        def play_nickserv():
            seen["marker"] = nickserv.wait_for("PRIVMSG NickServ :marker")
            seen["lines"] = list(nickserv.lines)

        check = self.in_thread(play_nickserv)
        self.run_sim([
            login(password=USER_PASSWORD),  # ngircd would answer a PASS with ERROR and hang up
            expect(type="connected", user="alice@localhost"),
            message("marker", "NickServ"),  # arrives after anything alice sent before
        ])
        check()
        self.assertFalse([line for line in seen["lines"] if "IDENTIFY" in line or USER_PASSWORD in line],
                         seen["lines"])

    def test_nickserv_identify_sends_the_users_password_after_the_welcome(self):
        nickserv = self.client("NickServ")
        check = self.in_thread(lambda: nickserv.wait_for(":alice!"))
        self.run_sim([
            login(password=USER_PASSWORD),
            expect(type="connected", user="alice@localhost"),
            message("marker", "NickServ"),
        ], irc="nickserv_identify = yes\n")
        check()
        line = nickserv.wait_for("PRIVMSG NickServ")
        self.assertTrue(line.endswith("PRIVMSG NickServ :IDENTIFY " + USER_PASSWORD), line)
        nickserv.wait_for("PRIVMSG NickServ :marker")

    def test_a_server_password_ngircd_does_not_expect_fails_the_login(self):
        out = self.run_sim([
            login(),
            expect(type="disconnected", user="alice@localhost", error=2),
        ], irc="server_password = %s\n" % SERVER_PASSWORD)
        self.assertIn("Bad password", disconnected(out)["message"])


@unittest.skipUnless(NGIRCD, "ngircd is not installed (apt-get install ngircd)")
class IrcServerPasswordTest(IrcTestCase):
    """ngircd with a server password (PASS)."""

    server_password = SERVER_PASSWORD

    def test_server_password_is_sent_as_pass(self):
        self.run_sim([
            login(password=USER_PASSWORD),  # a different password: only server_password may be the PASS
            expect(type="connected", user="alice@localhost"),
        ], irc="server_password = %s\n" % SERVER_PASSWORD)

    def test_wrong_server_password_is_authentication_failed(self):
        out = self.run_sim([
            login(password=SERVER_PASSWORD),  # the user's password is not the server's, even when equal
            expect(type="disconnected", user="alice@localhost", error=2),
        ], irc="server_password = wrong\n")
        self.assertIn("Bad password", disconnected(out)["message"])

    def test_missing_server_password_is_authentication_failed(self):
        self.run_sim([
            login(password=SERVER_PASSWORD),
            expect(type="disconnected", user="alice@localhost", error=2),
        ])


@unittest.skipUnless(NGIRCD, "ngircd is not installed (apt-get install ngircd)")
class IrcLoginEndsTest(IrcTestCase):
    """Every other way out of a login attempt ends in DISCONNECTED too."""

    def test_server_closing_before_the_welcome(self):
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen()
            listener.settimeout(WAIT)

            def hang_up_after_the_login():
                conn, _ = listener.accept()
                with conn:
                    conn.settimeout(WAIT)
                    data = b""
                    while b"USER " not in data:  # read it all, so that closing sends FIN, not RST
                        chunk = conn.recv(4096)
                        if not chunk:
                            break
                        data += chunk

            check = self.in_thread(hang_up_after_the_login)
            out = self.run_sim([
                login(),
                expect(type="disconnected", user="alice@localhost", error=0),
            ], port=listener.getsockname()[1])
            check()
        self.assertIn("closed the connection before the login completed", disconnected(out)["message"])

    def test_server_that_never_welcomes(self):
        with socket.socket() as listener:  # connections queue up, nothing is ever answered
            listener.bind(("127.0.0.1", 0))
            listener.listen()
            out = self.run_sim([
                login(),
                expect(type="disconnected", user="alice@localhost", error=0),
            ], irc="login_timeout = 2\n", port=listener.getsockname()[1])
        self.assertIn("no welcome from the IRC server within 2 s", disconnected(out)["message"])

    def test_unreachable_server_is_invalid_settings(self):
        self.run_sim([
            login(),
            expect(type="disconnected", user="alice@localhost", error=7),
        ], port=free_port())

    def test_nickname_ngircd_rejects_is_invalid_username(self):
        self.run_sim([
            login(nick="9lives"),  # IRC nicknames do not start with a digit
            expect(type="disconnected", user="alice@localhost", error=1),
        ])


if __name__ == "__main__":
    if not NGIRCD:
        print("SKIP: ngircd is not installed (apt-get install ngircd)", file=sys.stderr)
        sys.exit(SKIP)
    unittest.main()
