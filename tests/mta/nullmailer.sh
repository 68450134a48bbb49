# shellcheck shell=bash
# Sourced by .ci/mta-bounces: how to start nullmailer for the check and hand it messages. Defines
# start_nullmailer, which sets log, mta_stop, submit, flush (and collect) for the driver.

# nullmailer: one smart host (the refusing simulator), no SMTP server; its bounces go back through
# the smart host like DMA's. Its binaries name /usr, /etc/nullmailer and /var/spool/nullmailer at
# build time: in a private mount namespace its package and the work folder's configuration are laid
# over /usr and /etc (read-only overlays), and its queue is mounted on /var/spool/nullmailer. It
# retries a temporary failure every second and gives up after two. Refused one recipient, it gives
# up the whole message and reports that reply for every recipient: the others must read as onhold (a
# reply about someone else), not as bad addresses.
start_nullmailer() {
  nm=$dir/nullmailer
  log=$nm/log
  local layer=$nm/layer
  mkdir -p "$layer/etc/nullmailer" "$layer/var/spool/nullmailer" "$nm/spool/queue" \
    "$nm/spool/tmp" "$nm/spool/failed" "$dir/mail/inbox/new"
  mkfifo "$nm/spool/trigger"
  chown -R mail:mail "$nm/spool"
  echo "127.0.0.1 smtp --port=$refusing_smtp" >"$layer/etc/nullmailer/remotes"
  echo nullmailer.bounces.test >"$layer/etc/mailname"
  echo bounces.test >"$layer/etc/nullmailer/defaultdomain"
  echo 1 >"$layer/etc/nullmailer/pausetime"
  echo 2 >"$layer/etc/nullmailer/queuelifetime"
  local mounts="mount -t overlay overlay -o lowerdir=$work/nullmailer-package/usr:/usr /usr &&
    mount -t overlay overlay -o lowerdir=$layer/etc:/etc /etc &&
    mount -t overlay overlay -o lowerdir=$layer/var/spool:/var/spool /var/spool &&
    mount --bind $nm/spool /var/spool/nullmailer"
  unshare --mount sh -c "$mounts &&
    exec setpriv --reuid=mail --regid=mail --init-groups /usr/sbin/nullmailer-send" \
    >"$log" 2>&1 &
  nm_pid=$!
  mta_stop="kill $nm_pid"
  for _ in $(seq 100); do
    grep -q 'Rescanning queue' "$log" && break
    kill -0 "$nm_pid" 2>/dev/null || break
    sleep 0.1
  done
  grep -q 'Rescanning queue' "$log" || fail "nullmailer did not start"
  submit() {
    nsenter -t "$nm_pid" -m -- /usr/sbin/sendmail -f app@bounces.test "$@" 2>>"$log"
  }
  flush() { :; }
  collect() { collect_stored; }
}
# Its report of the three-recipient message gives nobody2@'s reply for all three.
reads_nullmailer="ok@rcpt.example=onhold full2@rcpt.example=onhold"
