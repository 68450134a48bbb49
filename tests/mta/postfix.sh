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
