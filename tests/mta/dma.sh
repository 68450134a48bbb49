# shellcheck shell=bash
# Sourced by .ci/mta-bounces: how to start DMA for the check and hand it messages. Defines
# start_dma, which sets log, mta_stop, submit, flush (and collect) for the driver.

# DMA (the DragonFly Mail Agent): no SMTP server and one smart host, the refusing simulator; it
# names its configuration and helper folders at build time, so each command runs in a private mount
# namespace with its package laid over /usr and its configuration over /etc (read-only overlays).
# Its bounces go back through the smart host (the sender's domain is not its own), where the
# simulator stores them; collect copies them from the simulator's API into the Maildir. It keeps
# retrying a temporary failure for days and bounces each recipient on its own: only the refusing
# cases, without greylisting and the three-recipient message, are for it.
start_dma() {
  dm=$dir/dma
  log=$dm/stderr
  mkdir -p "$dm/layer/etc/dma" "$dm/spool" "$dir/mail/inbox/new"
  chgrp mail "$dm/spool"
  chmod 775 "$dm/spool"
  touch "$dm/layer/etc/dma/auth.conf"
  cat >"$dm/layer/etc/dma/dma.conf" <<CONF
SMARTHOST 127.0.0.1
PORT $refusing_smtp
SPOOLDIR $dm/spool
MAILNAME dma.bounces.test
CONF
  mta_stop=
  submit() {
    unshare --mount sh -c "mount -t overlay overlay -o lowerdir=$dm/layer/etc:/etc /etc &&
      mount -t overlay overlay -o lowerdir=$work/dma-package/usr:/usr /usr &&
      exec /usr/sbin/dma -f app@bounces.test \"\$@\"" dma "$@" 2>>"$log"
  }
  flush() { :; }
  collect() { collect_stored; }
}
cases_dma_skip="grey@rcpt.example nobody2@rcpt.example full2@rcpt.example"
