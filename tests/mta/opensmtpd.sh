# shellcheck shell=bash
# Sourced by .ci/mta-bounces: how to start OpenSMTPD for the check and hand it messages. Defines
# start_opensmtpd, which sets log, mta_stop, submit, flush (and collect) for the driver.

# OpenSMTPD: its binary names its spool, its helpers and its control socket at build time, so it
# runs in a private mount namespace where its package is laid over /usr (a read-only overlay), empty
# folders over /var/spool and /var/lib, and the work folder's spool and run folders on
# /var/spool/smtpd and /run; submit and flush enter that namespace. A temporary failure expires
# after two seconds (the queue run below). Its sendmail front end must be setgid opensmtpq: a copy
# in the work folder is.
start_opensmtpd() {
  os=$dir/opensmtpd
  log=$os/log
  local layer=$os/layer
  mkdir -p "$os/spool" "$os/run" "$os/bin" "$dir/mail" "$layer/var/spool/smtpd" \
    "$layer/var/lib/opensmtpd/empty"
  chmod 711 "$os/spool"
  chown 65534:65534 "$dir/mail"
  install -m 2555 -g opensmtpq "$work/opensmtpd-package/usr/sbin/smtpctl" "$os/bin/smtpctl"
  ln -s smtpctl "$os/bin/sendmail"
  cat >"$os/smtpd.conf" <<CONF
queue ttl 2s
listen on 127.0.0.1 port $mta_port
table local_users { "@" = "nobody" }
action "local" maildir "$dir/mail/inbox" user nobody virtual <local_users>
action "refusing" relay host smtp+notls://127.0.0.1:$refusing_smtp
action "reporting" relay host smtp+notls://127.0.0.1:$reporting_smtp
match from any for domain "bounces.test" action "local"
match from any for domain "rcpt.example" action "refusing"
match from any for any action "reporting"
CONF
  local mounts="mount -t overlay overlay -o lowerdir=$work/opensmtpd-package/usr:/usr /usr &&
    mount -t overlay overlay -o lowerdir=$layer/var/spool:/var/spool /var/spool &&
    mount -t overlay overlay -o lowerdir=$layer/var/lib:/var/lib /var/lib &&
    mount --bind $os/spool /var/spool/smtpd && mount --bind $os/run /run"
  unshare --mount sh -c "$mounts && exec /usr/sbin/smtpd -d -f $os/smtpd.conf" >"$log" 2>&1 &
  os_pid=$!
  mta_stop="kill $os_pid"
  for _ in $(seq 100); do
    [ -S "$os/run/smtpd.sock" ] && break
    kill -0 "$os_pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -S "$os/run/smtpd.sock" ] || fail "opensmtpd did not start"
  submit() { nsenter -t "$os_pid" -m -- "$os/bin/sendmail" -f app@bounces.test "$@"; }
  flush() {
    sleep 2.5
    nsenter -t "$os_pid" -m -- "$os/bin/smtpctl" schedule all >/dev/null
  }
}

# What an MTA's report cannot say: OpenSMTPD's report on an expired message says only "Envelope
# expired" (as a delay, status 4.4.7), not the greylisting reply it kept meeting.
reads_opensmtpd="grey@rcpt.example=expired"
