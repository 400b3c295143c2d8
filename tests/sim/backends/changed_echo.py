#!/usr/bin/env python3
"""The echo example rewritten with changes, in raw JSON lines, for replay tests: a recorded session of
examples/echo_backend.py replayed against it must show what changed. Usage (as the bridge's child):
  changed_echo.py same          answers as the example does
  changed_echo.py shout         the echo comes back in capitals
  changed_echo.py password PW   refuses a LOGIN whose password is not PW (disconnected, error 2)"""
import json
import sys


def send(**m):
    print(json.dumps(m), flush=True)


mode = sys.argv[1]
for line in sys.stdin:
    m = json.loads(line)
    t = m["type"]
    if t == "login":
        if mode == "password" and m.get("password") != sys.argv[2]:
            send(type="disconnected", user=m["user"], error=2, message="wrong password")
            continue
        send(type="connected", user=m["user"])
        # The example's buddy, its fields in another order and the status as a number: the same message.
        send(type="buddy_changed", statusMessage="I repeat what you say", status=0, group=["Bots"], alias="Echo",
             buddyName="echo", userName=m["user"])
    elif t == "conv_message" and m["buddyName"] == "echo":
        text = m["message"].upper() if mode == "shout" else m["message"]
        send(type="conv_message", userName=m["userName"], buddyName="echo", message=text)
