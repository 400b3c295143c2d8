#!/usr/bin/env python3
"""echo_backend.py without the binding: the bridge's JSON lines protocol by hand, in any language
this is all it takes. Read one JSON object per line from stdin, print one per line to stdout, and
flush after each line."""
import json
import sys

BUDDY = "echo"


def send(**message):
    # One line per message, flushed at once: the bridge forwards each line as it arrives.
    print(json.dumps(message), flush=True)


for line in sys.stdin:
    msg = json.loads(line)
    kind = msg["type"]
    if kind == "login":
        send(type="connected", user=msg["user"])
        send(type="buddy_changed", userName=msg["user"], buddyName=BUDDY, alias="Echo",
             group=["Bots"], status="STATUS_ONLINE", statusMessage="I repeat what you say")
    elif kind == "conv_message" and msg["buddyName"] == BUDDY:
        send(type="conv_message", userName=msg["userName"], buddyName=BUDDY, message=msg["message"])
    elif kind == "bridge.error":
        print("bridge rejected line %d: %s" % (msg["line_number"], msg["error"]), file=sys.stderr)
    elif kind == "exit":
        break
