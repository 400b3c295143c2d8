#!/usr/bin/env python3
"""A JSON-lines backend (run by the bridge) that answers one of each message family, so that the
simulator's scenario tests cover the whole protocol end to end."""
import json
import sys


def send(**m):
    print(json.dumps(m), flush=True)


for line in sys.stdin:
    m = json.loads(line)
    t = m["type"]
    if t == "login":
        send(type="connected", user=m["user"])
    elif t == "buddy_changed":  # roster: confirm the contact, then the network removes it again
        send(type="buddy_changed", userName=m["userName"], buddyName=m["buddyName"], alias=m.get("alias", ""),
             group=m.get("group", []), status="STATUS_AWAY", statusMessage="brb")
        send(type="auth_request", userName=m["userName"], buddyName=m["buddyName"])
    elif t == "buddy_removed":
        send(type="buddy_removed", userName=m["userName"], buddyName=m["buddyName"])
    elif t == "conv_message":
        send(type="conv_message", userName=m["userName"], buddyName=m["buddyName"], message="re: " + m["message"],
             timestamp="20240131T120000")
        if "id" in m:  # receipts
            send(type="conv_message_ack", userName=m["userName"], buddyName=m["buddyName"], message="", id=m["id"])
    elif t in ("buddy_typing", "buddy_typed", "buddy_stopped_typing"):
        send(type=t, userName=m["userName"], buddyName=m["buddyName"])
    elif t == "attention":
        send(type="attention", userName=m["userName"], buddyName=m["buddyName"], message="hey")
    elif t == "join_room":
        send(type="participant_changed", userName=m["userName"], room=m["room"], nickname=m["nickname"],
             flag=1, status="STATUS_ONLINE")
        send(type="participant_changed", userName=m["userName"], room=m["room"], nickname="carol", flag=0,
             status="STATUS_AWAY", statusMessage="lunch")
        send(type="room_subject_changed", userName=m["userName"], buddyName=m["room"], message="Welcome",
             nickname="carol")
        send(type="room_list", room=[m["room"]], name=["The Room"], user=m["userName"])
    elif t == "room_subject_changed":
        send(type="room_subject_changed", userName=m["userName"], buddyName=m["buddyName"], message=m["message"],
             nickname="me")
    elif t == "leave_room":
        send(type="participant_changed", userName=m["userName"], room=m["room"], nickname="me", flag=0,
             status="STATUS_NONE")
    elif t == "vcard":
        if "photo" in m:  # own vCard update
            send(type="vcard", userName=m["userName"], buddyName="", id=0, nickname=m.get("nickname", ""),
                 photo=m["photo"])
        else:
            send(type="vcard", userName=m["userName"], buddyName=m["buddyName"], id=m["id"], fullname="Bob Builder",
                 nickname="bob", photo="iVBORw0KGgo=")
    elif t == "status_changed":
        send(type="buddy_changed", userName=m["userName"], buddyName="self-status", status=m["status"],
             statusMessage=m.get("statusMessage", ""))
    elif t == "raw_xml":
        send(type="raw_xml", xml="<message to='alice@localhost' from='bob@legacy'><body>raw</body></message>")
    elif t == "query":
        send(type="query", config="status")
    elif t == "logout":
        send(type="backend_config", config="[features]\nmuc=1\nreceipts=1\n")
    elif t == "exit":
        break
