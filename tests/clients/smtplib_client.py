#!/usr/bin/env python3
"""Drives a running smtp-sim with Python's smtplib (standard library only), then checks the
simulator's HTTP API for what it recorded of every client case, smtplib's and swaks's.

    smtplib_client.py send HOST PORT USER PASSWORD
    smtplib_client.py check API_URL CASES_JSON

`send` prints one JSON line per case it ran (what the API should then show); `check` reads the
cases of every client (a JSON list) and compares them with /api/messages, /api/events and
/api/transcripts. Both exit 1 with a message on the first mismatch.

TLS: the simulator's certificate is self-signed, so the STARTTLS context does not verify it.
That is for this test only; never turn verification off against a real server.
"""

import json
import smtplib
import ssl
import sys
import urllib.request

SUCCESS = "success@simulator.amazonses.com"
BOUNCE = "bounce@simulator.amazonses.com"


def fail(message):
    print(f"smtplib_client: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def expect(condition, message):
    if not condition:
        fail(message)


def body(sender, subject):
    return (
        f"From: {sender}\r\nTo: {SUCCESS}\r\nSubject: {subject}\r\n"
        f"Message-ID: <{subject}@clients.example>\r\n\r\n"
        f"Sent by Python smtplib ({subject}).\r\n.a line that starts with a dot\r\n"
    )


def unverified_tls():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # test only: the simulator's self-signed certificate
    return context


def send(host, port, user, password):
    cases = []

    # Plain delivery.
    sender = "py-plain@clients.example"
    with smtplib.SMTP(host, port, timeout=10) as s:
        code, _ = s.ehlo("py.clients.example")
        expect(code == 250, f"EHLO answered {code}")
        expect(s.has_extn("starttls"), "STARTTLS not offered")
        refused = s.sendmail(sender, [SUCCESS], body(sender, "py-plain"))
        expect(refused == {}, f"plain delivery refused: {refused}")
    cases.append({"client": "smtplib", "sender": sender, "stored": [SUCCESS],
                  "subject": "py-plain", "tls": False})

    # STARTTLS, then delivery; AUTH is offered only under TLS.
    sender = "py-tls@clients.example"
    with smtplib.SMTP(host, port, timeout=10) as s:
        s.ehlo("py.clients.example")
        expect(not s.has_extn("auth"), "AUTH offered before TLS")
        code, reply = s.starttls(context=unverified_tls())
        expect(code == 220, f"STARTTLS answered {code} {reply!r}")
        s.ehlo("py.clients.example")
        expect(s.has_extn("auth"), "AUTH not offered under TLS")
        refused = s.sendmail(sender, [SUCCESS], body(sender, "py-tls"))
        expect(refused == {}, f"delivery under TLS refused: {refused}")
    cases.append({"client": "smtplib", "sender": sender, "stored": [SUCCESS],
                  "subject": "py-tls", "tls": True})

    # AUTH (smtplib picks PLAIN or LOGIN) under TLS, a wrong password first.
    sender = "py-auth@clients.example"
    with smtplib.SMTP(host, port, timeout=10) as s:
        s.starttls(context=unverified_tls())
        s.ehlo("py.clients.example")
        try:
            s.login(user, password + "-wrong")
            fail("a wrong password was accepted")
        except smtplib.SMTPAuthenticationError as e:
            expect(e.smtp_code == 535, f"wrong password answered {e.smtp_code}")
        code, reply = s.login(user, password)
        expect(code == 235, f"AUTH answered {code} {reply!r}")
        refused = s.sendmail(sender, [SUCCESS], body(sender, "py-auth"))
        expect(refused == {}, f"delivery after AUTH refused: {refused}")
    cases.append({"client": "smtplib", "sender": sender, "stored": [SUCCESS],
                  "subject": "py-auth", "tls": True, "auth": True})

    # A rejected recipient beside an accepted one: the message is stored for the accepted one.
    sender = "py-reject@clients.example"
    with smtplib.SMTP(host, port, timeout=10) as s:
        refused = s.sendmail(sender, [SUCCESS, BOUNCE], body(sender, "py-reject"))
        expect(set(refused) == {BOUNCE}, f"refused recipients: {refused}")
        code, text = refused[BOUNCE]
        expect(code == 550 and text.startswith(b"5.1.1"), f"bounce@ answered {code} {text!r}")
    cases.append({"client": "smtplib", "sender": sender, "stored": [SUCCESS],
                  "subject": "py-reject", "tls": False,
                  "refused": [{"rcpt": BOUNCE, "code": 550, "status": "5.1.1",
                               "rule": "ses-bounce"}]})

    # Only the rejected recipient: nothing is stored.
    sender = "py-reject-only@clients.example"
    with smtplib.SMTP(host, port, timeout=10) as s:
        try:
            s.sendmail(sender, [BOUNCE], body(sender, "py-reject-only"))
            fail("a message to bounce@ alone was accepted")
        except smtplib.SMTPRecipientsRefused as e:
            code, text = e.recipients[BOUNCE]
            expect(code == 550 and b"5.1.1" in text, f"bounce@ answered {code} {text!r}")
    cases.append({"client": "smtplib", "sender": sender, "stored": [], "tls": False,
                  "refused": [{"rcpt": BOUNCE, "code": 550, "status": "5.1.1",
                               "rule": "ses-bounce"}]})

    for case in cases:
        print(json.dumps(case))


def get(api, path):
    with urllib.request.urlopen(api + path, timeout=10) as r:
        expect(r.status == 200, f"GET {path}: {r.status}")
        data = r.read()
    return data if path.endswith("/raw") else json.loads(data)


def check(api, cases_file):
    with open(cases_file) as f:
        cases = [json.loads(line) for line in f if line.strip()]
    expect(len(cases) >= 8, f"only {len(cases)} client cases ran")
    messages = get(api, "/api/messages")
    events = get(api, "/api/events")
    transcripts = {t["session"]: t for t in get(api, "/api/transcripts")}
    senders = {c["sender"] for c in cases}
    stray = [m["id"] for m in messages if m["envelope"]["sender"] not in senders]
    expect(not stray, f"messages no client sent: {stray}")
    for c in cases:
        who = f'{c["client"]} {c["sender"]}'
        mine = [m for m in messages if m["envelope"]["sender"] == c["sender"]]
        expect(len(mine) == (1 if c["stored"] else 0), f"{who}: {len(mine)} messages stored")
        for m in mine:
            rcpts = [r["address"] for r in m["envelope"]["recipients"]]
            expect(rcpts == c["stored"], f"{who}: stored for {rcpts}, expected {c['stored']}")
            rules = [r["rule"] for r in m["envelope"]["recipients"]]
            expect(rules == ["ses-success"], f"{who}: accepted by rules {rules}")
            raw = get(api, f"/api/messages/{m['id']}/raw")
            expect(f"Subject: {c['subject']}\r\n".encode() in raw, f"{who}: subject not in raw")
            expect(b"\r\n.a line that starts with a dot\r\n" in raw or c["client"] != "smtplib",
                   f"{who}: dot-stuffing not undone")
            notes = [l["text"] for l in transcripts[m["session"]]["lines"]
                     if l["direction"] == "note"]
            expect(("TLS established" in notes) == c["tls"], f"{who}: TLS notes {notes}")
            mine_events = [e for e in events if e.get("message") == m["id"]
                           and e["kind"] == "stored"]
            expect(len(mine_events) == 1, f"{who}: {len(mine_events)} stored events")
        for r in c.get("refused", []):
            found = [e for e in events if e.get("sender") == c["sender"]
                     and e.get("rcpt") == r["rcpt"] and e["step"] == "rcpt"]
            expect(len(found) == 1, f"{who}: {len(found)} RCPT events for {r['rcpt']}")
            e = found[0]
            got = (e["kind"], e.get("rule"), e.get("code"), e.get("status"))
            want = ("refused", r["rule"], r["code"], r["status"])
            expect(got == want, f"{who}: RCPT event {got}, expected {want}")
            expect(e.get("expect", {}).get("reason") == "userunknown",
                   f"{who}: expected classification {e.get('expect')}")
        if c.get("auth"):
            auth = [e for e in events if e["step"] == "auth" and e["kind"] == "accepted"
                    and e["session"] == mine[0]["session"]]
            expect(len(auth) == 1, f"{who}: {len(auth)} accepted AUTH events in its session")
    print(f"smtplib_client: the API recorded all {len(cases)} client cases as expected")


def main(argv):
    if len(argv) == 6 and argv[1] == "send":
        send(argv[2], int(argv[3]), argv[4], argv[5])
    elif len(argv) == 4 and argv[1] == "check":
        check(argv[2], argv[3])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv)
