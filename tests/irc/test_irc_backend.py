"""examples/irc_backend.py end to end: a real IRC server (ngircd), the simulator, the bridge, the
backend, and a raw IRC client "bob" talking to the XMPP user "alice"."""
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
NGIRCD = shutil.which("ngircd") or ("/usr/sbin/ngircd" if os.path.exists("/usr/sbin/ngircd") else None)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class IrcClient:
    """A minimal raw IRC client that records every line it receives."""

    def __init__(self, port, nick):
        self.nick = nick
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        self.lines = []
        self.buffer = b""
        self.send("NICK " + nick)
        self.send("USER %s 0 * :%s" % (nick, nick))
        self.wait_for(" 001 ")

    def send(self, line):
        self.sock.sendall((line + "\r\n").encode())

    def wait_for(self, text, timeout=20):
        deadline = time.time() + timeout
        seen = 0
        while time.time() < deadline:
            for line in self.lines[seen:]:
                if text in line:
                    return line
            seen = len(self.lines)
            self.sock.settimeout(max(0.1, deadline - time.time()))
            data = self.sock.recv(4096)
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


SCENARIO = r'''
{"type":"login","user":"alice@localhost","legacyName":"alice","password":""}
{"expect":{"type":"connected","user":"alice@localhost"},"timeout":10}
{"type":"join_room","userName":"alice@localhost","nickname":"alice","room":"#test","password":""}
{"expect":{"type":"participant_changed","room":"#test","nickname":"alice","status":"STATUS_ONLINE"},"timeout":10}
{"expect":{"type":"room_subject_changed","buddyName":"#test","message":"IRC tests"},"timeout":10}
{"expect":{"type":"participant_changed","room":"#test","nickname":"bob","flag":1},"timeout":10}
{"expect":{"type":"conv_message","userName":"alice@localhost","buddyName":"#test","nickname":"bob","message":"hi alice"},"timeout":15}
{"type":"conv_message","userName":"alice@localhost","buddyName":"#test","message":"hello bob","xhtml":""}
{"type":"conv_message","userName":"alice@localhost","buddyName":"#test/bob","message":"psst","xhtml":""}
{"expect":{"type":"conv_message","userName":"alice@localhost","buddyName":"bob","message":"got it"},"timeout":15}
{"expect":{"type":"participant_changed","room":"#test","nickname":"bob","status":"STATUS_NONE"},"timeout":15}
{"type":"login","user":"carol@localhost","legacyName":"alice","password":""}
{"expect":{"type":"disconnected","user":"carol@localhost","error":6},"timeout":10}
{"type":"logout","user":"alice@localhost","legacyName":"alice"}
'''


@unittest.skipUnless(NGIRCD, "ngircd is not installed (apt-get install ngircd)")
class IrcBackendTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="s2j-irc-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.port = free_port()
        conf = os.path.join(self.dir, "ngircd.conf")
        with open(conf, "w") as f:
            f.write("[Global]\nName = irc.test\nInfo = test\nListen = 127.0.0.1\nPorts = %d\n"
                    "PidFile = %s/ngircd.pid\nServerUID = %d\nServerGID = %d\n"
                    "[Options]\nPAM = no\nIdent = no\nDNS = no\n[Limits]\nPingTimeout = 120\n"
                    % (self.port, self.dir, os.getuid(), os.getgid()))
        self.ircd = subprocess.Popen([NGIRCD, "--nodaemon", "--config", conf], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        self.addCleanup(self.ircd.wait)
        self.addCleanup(self.ircd.terminate)
        deadline = time.time() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)

    def test_two_users_talk_through_sim_bridge_and_backend(self):
        cfg = os.path.join(self.dir, "irc.cfg")
        with open(cfg, "w") as f:
            f.write("[service]\njid = irc.localhost\n[json_backend]\nchild = python3 %s/examples/irc_backend.py\n"
                    "features = muc\n[irc]\nserver = 127.0.0.1\nport = %d\n" % (ROOT, self.port))
        script = os.path.join(self.dir, "irc.scenario")
        with open(script, "w") as f:
            f.write(SCENARIO)

        bob = IrcClient(self.port, "bob")
        bob.send("JOIN #test")
        bob.wait_for("JOIN")
        bob.send("TOPIC #test :IRC tests")
        bob.wait_for("TOPIC")
        errors = []

        def play_bob():
            try:
                bob.wait_for(":alice!")  # alice joined the channel
                bob.send("PRIVMSG #test :hi alice")
                bob.wait_for("PRIVMSG #test :hello bob")
                bob.wait_for("PRIVMSG bob :psst")
                bob.send("PRIVMSG alice :got it")
                bob.send("PART #test :bye")
            except Exception as e:  # reported by the main thread
                errors.append(e)

        thread = threading.Thread(target=play_bob)
        thread.start()
        sim = subprocess.run([os.path.join(BUILD, "spectrum2_sim"), "--config", cfg, "--jid", "irc.localhost",
                              "--script", script, "--", os.path.join(BUILD, "spectrum2_json_backend")],
                             capture_output=True, text=True, timeout=120)
        thread.join(30)
        self.assertEqual(errors, [])
        self.assertEqual(sim.returncode, 0, sim.stdout + sim.stderr)
        self.assertIn("PASS", sim.stdout)
        self.assertNotIn("\n! ", sim.stdout, "no findings")
        self.assertIn("< {\"type\":\"backend_config\",\"config\":\"[registration]\\nneedPassword=1\\nneedRegistration=1\\n[features]\\nmuc=1\\n\"}", sim.stdout)


if __name__ == "__main__":
    unittest.main()
