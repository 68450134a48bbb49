"""Checks bounce-classify's reading of an MTA's bounces against the simulators' event logs.

Usage: check_bounces.py CLASSIFIED.jsonl CASES READS NAME=API_URL...

CASES holds one line per case: the simulator that decided (a NAME given), the recipient, and
the id of the rule that decided. The rule's event in that simulator's log carries what a
classifier should conclude (reason, hard bounce); the classifier's line for the recipient must
say the same. The bounce of the message sent to nobody2@, ok@ and full2@ (when CASES hold them) must list the two
refused recipients, numbered in the order of its own Final-Recipient fields, and not the one
accepted. READS (space-separated RCPT=REASON, may be empty) names the recipients whose bounce,
as this MTA writes it, does not carry the simulator's reply about them (an expiry report that
only says the message expired; another recipient's reply given for all): for them REASON is
expected, and never a hard bounce, whether or not the simulator decided on them. With READS
naming ok@, the MTA reported the three-recipient message failed for all, and the check of its
bounce is theirs. Exits non-zero, naming every disagreement.
"""

import json
import sys
import urllib.request


def main() -> None:
    lines = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
    reads = dict(item.split("=", 1) for item in sys.argv[3].split())
    apis = dict(arg.split("=", 1) for arg in sys.argv[4:])
    events = {
        name: json.load(urllib.request.urlopen(api + "/api/events"))
        for name, api in apis.items()
    }
    wrong = []
    for case in sys.argv[2].splitlines():
        name, rcpt, rule = case.split()
        if rcpt in reads:
            check_line(lines, rcpt, rule, {"reason": reads.pop(rcpt), "hard": False}, "-", wrong)
            continue
        log = events[name]
        # The rule's decision for this recipient: at RCPT its event names the recipient; after
        # DATA the session is found through the RCPT the recipient passed.
        sessions = {e["session"] for e in log if e.get("rcpt") == rcpt}
        decided = [
            e
            for e in log
            if e["session"] in sessions
            and e["rule"] == rule
            and e.get("rcpt") in (None, rcpt)
            and e["kind"] in ("refused", "accepted")
        ]
        # An MTA that retries after a deferral meets the same rule again: one expectation.
        expects = {json.dumps(e["expect"], sort_keys=True) for e in decided}
        if len(expects) != 1:
            seen = [(e["step"], e["kind"], e.get("expect")) for e in decided]
            wrong.append(f"{rcpt}: {len(decided)} decisions of rule {rule} in the log {seen}")
            continue
        check_line(lines, rcpt, rule, decided[0]["expect"], decided[0]["code"], wrong)
    for rcpt, reason in sorted(reads.items()):
        if rcpt == "ok@rcpt.example" and "nobody2@rcpt.example" in sys.argv[2]:
            check_line(lines, rcpt, "-", {"reason": reason, "hard": False}, "-", wrong)
            del reads[rcpt]

    # The three-recipient message's bounce, when the cases hold it (MTAs list recipients in
    # their own order: Postfix sorts them).
    if "nobody2@rcpt.example" in sys.argv[2] and "ok@rcpt.example" not in sys.argv[3]:
        wrong.extend(check_three_recipient_bounce(lines))

    if reads:
        wrong.append(f"READS names recipients that are not cases: {sorted(reads)}")
    if wrong:
        sys.exit("; ".join(wrong))


def check_line(lines: list, rcpt: str, rule: str, expect: dict, code, wrong: list) -> None:
    """The classifier's one line for `rcpt` says `expect`'s reason and hard bounce."""
    got = [line for line in lines if line.get("recipient") == rcpt]
    if len(got) != 1:
        wrong.append(f"{rcpt}: {len(got)} lines in the classifier's output")
        return
    g = got[0]
    ok = g["reason"] == expect["reason"] and g["hard_bounce"] == expect["hard"]
    print(
        f"{'ok   ' if ok else 'WRONG'} {rcpt:26} {rule:19} {code} "
        f"expected {expect['reason']} (hard {expect['hard']}), classified {g['reason']} "
        f"(hard {g['hard_bounce']}, {g['decoded_by']}, action {g['action']})"
    )
    if not ok:
        wrong.append(rcpt)


def check_three_recipient_bounce(lines: list) -> list:
    """The bounce of the message to nobody2@, ok@ and full2@ lists the two refused recipients,
    numbered in the order of its Final-Recipient fields, and not the accepted one."""
    wrong = []
    multi = sorted(
        (line["index"], line["recipient"], line["source"])
        for line in lines
        if line.get("recipient") in ("nobody2@rcpt.example", "full2@rcpt.example")
    )
    listed = []
    if len(multi) == 2 and multi[0][2] == multi[1][2]:
        listed = [
            field.split(";", 1)[1].strip()
            for field in open(multi[0][2], encoding="utf-8")
            if field.lower().startswith("final-recipient:")
        ]
    if len(listed) != 2 or [(i, r) for i, r, _ in multi] != list(enumerate(listed, 1)):
        wrong.append(f"the two-recipient bounce reads {multi}, its Final-Recipient fields {listed}")
    if any(line.get("recipient") == "ok@rcpt.example" for line in lines):
        wrong.append("the accepted recipient ok@rcpt.example is reported")
    return wrong


if __name__ == "__main__":
    main()
