#!/usr/bin/env python3
"""The smallest useful Spectrum 2 backend: every user gets one buddy, "echo", who repeats whatever
the user says. Run it under spectrum2_json_backend (see echo.cfg)."""
import os
import sys

# In a checkout, the binding next door; installed, the one on python3's path (no PYTHONPATH needed).
_CHECKOUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bindings", "python")
if os.path.isdir(os.path.join(_CHECKOUT, "spectrum2_bridge")):
    sys.path.insert(0, _CHECKOUT)

from spectrum2_bridge import Backend, StatusType

BUDDY = "echo"


class EchoBackend(Backend):
    def on_login(self, msg):
        self.log.info("%s logs in as %s", msg.user, msg.legacyName)
        self.connected(msg.user)
        self.buddy_changed(msg.user, BUDDY, alias="Echo", groups=["Bots"], status=StatusType.ONLINE,
                           status_message="I repeat what you say")

    def on_conv_message(self, msg):
        if msg.buddyName == BUDDY:
            self.message(msg.userName, BUDDY, msg.message)


if __name__ == "__main__":
    EchoBackend.main()
