# shellcheck shell=bash
# Sourced by .ci/mta-bounces: how to start Postfix for the check and hand it messages. Defines
# start_postfix, which sets log, mta_stop, submit, flush (and collect) for the driver.

# Postfix: tries each message once (maximal_queue_lifetime = 0: a deferral bounces at once) and
# delivers whatever comes for bounces.test into one Maildir.
start_postfix() {
  pf=$dir/postfix
  log=$pf/maillog
  mkdir -p "$pf/etc" "$pf/queue" "$pf/data" "$dir/mail"
  cp /etc/postfix/master.cf /etc/postfix/postfix-files "$pf/etc/"
  if [ -f /etc/postfix/dynamicmaps.cf ]; then cp /etc/postfix/dynamicmaps.cf "$pf/etc/"; fi
  # No SMTP server on port 25: one on the loopback port the reporting simulator delivers to.
  sed -i -E 's/^(smtp|submission|smtps)( +inet )/#\1\2/' "$pf/etc/master.cf"
  echo "127.0.0.1:$mta_port inet n - n - - smtpd" >>"$pf/etc/master.cf"
  cat >"$pf/etc/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $pf/queue
data_directory = $pf/data
maillog_file = $log
maillog_file_prefixes = $pf
mail_owner = postfix
setgid_group = postdrop
myhostname = mta.bounces.test
mydomain = bounces.test
myorigin = bounces.test
mydestination =
alias_maps =
alias_database =
inet_interfaces = loopback-only
inet_protocols = ipv4
relayhost = [127.0.0.1]:$reporting_smtp
transport_maps = inline:{rcpt.example=smtp:[127.0.0.1]:$refusing_smtp,
  throttle.example=smtp:[127.0.0.1]:$throttled_smtp}
smtp_tls_security_level = none
smtp_connect_timeout = 2s
smtp_connection_cache_on_demand = no
maximal_queue_lifetime = 0
bounce_queue_lifetime = 0
virtual_mailbox_domains = bounces.test
virtual_mailbox_base = $dir/mail
virtual_mailbox_maps = static:inbox/
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
CONF
  chown postfix:postfix "$pf/data"
  chown 65534:65534 "$dir/mail"
  postfix -c "$pf/etc" start >/dev/null || fail "postfix did not start"
  mta_stop="postfix -c $pf/etc stop"
  submit() { sendmail -C "$pf/etc" -f app@bounces.test "$@"; }
  flush() { postqueue -c "$pf/etc" -f; }
}

# The cloud's port-25 throttle through Postfix: five messages to throttle.example, whose simulator
# (tests/mta/throttle.toml) serves two connections and then drops SYNs. Postfix (one message per
# connection, connect timeout 2 s, no retries) delivers two and bounces three ("connect to …:
# Connection timed out"); each must read as `expired` (delivery given up on a connection that never
# came, as the corpus labels it), decision retry, never a bad address.
throttle_check() {
  local before
  before=$(find "$dir/mail/inbox/new" -type f | wc -l)
  for n in 1 2 3 4 5; do
    message "t$n@throttle.example" | submit "t$n@throttle.example" ||
      fail "$mta refused a message to t$n@throttle.example"
  done
  flush
  local got=0
  for _ in $(seq 300); do
    got=$(find "$dir/mail/inbox/new" -type f | wc -l)
    [ "$got" -ge $((before + 3)) ] && break
    sleep 0.1
  done
  [ "$got" -ge $((before + 3)) ] || fail "$mta: $((got - before)) of 3 throttle bounces arrived"
  "$classify" --threads 1 "$dir/mail/inbox" >"$dir/classified-throttle.jsonl" ||
    fail "$mta: bounce-classify reported an error"
  python3 - "$dir/classified-throttle.jsonl" "http://127.0.0.1:$throttled_api" <<'PY' ||
import json, sys, urllib.request
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
bounced = [l for l in lines if l.get("recipient", "").endswith("@throttle.example")]
stored = json.load(urllib.request.urlopen(sys.argv[2] + "/api/messages"))
delivered = {r["address"] for m in stored for r in m["envelope"]["recipients"]}
wrong = []
if len(delivered) != 2:
    wrong.append(f"{len(delivered)} messages got through the throttle, not 2")
if len(bounced) != 3 or {l["recipient"] for l in bounced} & delivered:
    wrong.append(f"bounced {sorted(l['recipient'] for l in bounced)}, delivered {sorted(delivered)}")
for l in bounced:
    ok = l["reason"] == "expired" and not l["hard_bounce"] and l["decision"] == "retry"
    print(f"{'ok   ' if ok else 'WRONG'} {l['recipient']:26} throttled           "
          f"classified {l['reason']} (hard {l['hard_bounce']}, decision {l['decision']}): "
          f"{(l.get('diagnostic') or '')[:70]}")
    if not ok:
        wrong.append(l["recipient"])
sys.exit("; ".join(wrong) if wrong else None)
PY
    fail "$mta: the throttle bounces are not read as given up (retry later)"
  echo "ok: 2 messages through the port-25 throttle, 3 bounced and read as expired (retry later)"
}
