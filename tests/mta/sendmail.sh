# shellcheck shell=bash
# Sourced by .ci/mta-bounces: how to start Sendmail for the check and hand it messages. Defines
# start_sendmail, which sets log, mta_stop, submit, flush (and collect) for the driver.

# Sendmail: a configuration built with m4 from Debian's sendmail-cf macros: mail for rcpt.example
# goes through the mailer table to the refusing simulator, everything else to the reporting one as
# the smart host, mail for bounces.test to a local mailer that writes the Maildir. Sendmail waits a
# minute at start when the host name has no domain, so every command runs in a UTS namespace named
# sendmail.bounces.test. It delivers in the background; a temporary failure is returned on the queue
# run below, once it is more than a second old.
start_sendmail() {
  sm=$dir/sendmail
  log=$sm/stderr
  local cf_dir=$work/sendmail-package/usr/share/sendmail/cf
  mkdir -p "$sm/queue" "$dir/mail/inbox/tmp" "$dir/mail/inbox/new" "$dir/mail/inbox/cur"
  chmod 700 "$sm/queue"
  chown -R 65534:65534 "$dir/mail"
  cat >"$sm/deliver" <<'SH'
#!/bin/sh
# Sendmail's local mailer: the message on stdin becomes one file of the Maildir $1.
name=$(date +%s).$$.sendmail
cat >"$1/tmp/$name" && mv "$1/tmp/$name" "$1/new/$name"
SH
  chmod 755 "$sm/deliver"
  printf 'hosts files\naliases files\n' >"$sm/service.switch"
  printf 'postmaster: root\nMAILER-DAEMON: postmaster\n' >"$sm/aliases"
  printf 'rcpt.example\tesmtp:[127.0.0.1]\nthrottle.example\tsmtp:[127.0.0.1]\n' \
    >"$sm/mailertable"
  cat >"$sm/sendmail.mc" <<MC
divert(0)dnl
OSTYPE(\`bsd4.4')dnl
define(\`confDOMAIN_NAME', \`sendmail.bounces.test')dnl
define(\`QUEUE_DIR', \`$sm/queue')dnl
define(\`STATUS_FILE', \`$sm/statistics')dnl
define(\`confPID_FILE', \`$sm/sendmail.pid')dnl
define(\`ALIAS_FILE', \`$sm/aliases')dnl
define(\`confSERVICE_SWITCH_FILE', \`$sm/service.switch')dnl
define(\`confHOST_STATUS_DIRECTORY', \`')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`confBIND_OPTS', \`-DNSRCH -DEFNAMES')dnl
define(\`confTO_QUEUERETURN', \`1s')dnl
define(\`confTO_QUEUEWARN', \`1d')dnl
define(\`confDEF_USER_ID', \`65534:65534')dnl
define(\`confDONT_BLAME_SENDMAIL', \`GroupWritableDirPathSafe,MapInUnsafeDirPath')dnl
define(\`LOCAL_MAILER_PATH', \`$sm/deliver')dnl
define(\`LOCAL_MAILER_ARGS', \`deliver $dir/mail/inbox \$u')dnl
define(\`ESMTP_MAILER_ARGS', \`TCP \$h $refusing_smtp')dnl
define(\`SMTP_MAILER_ARGS', \`TCP \$h $throttled_smtp')dnl
define(\`confTO_CONNECT', \`2s')dnl
define(\`RELAY_MAILER_ARGS', \`TCP \$h $reporting_smtp')dnl
define(\`SMART_HOST', \`relay:[127.0.0.1]')dnl
FEATURE(\`nocanonify')dnl
FEATURE(\`accept_unresolvable_domains')dnl
FEATURE(\`mailertable', \`hash -o $sm/mailertable')dnl
LOCAL_DOMAIN(\`bounces.test')dnl
DAEMON_OPTIONS(\`Port=$mta_port, Addr=127.0.0.1, Name=MTA')dnl
MODIFY_MAILER_FLAGS(\`LOCAL', \`-rw')dnl
MAILER(\`local')dnl
MAILER(\`smtp')dnl
MC
  m4 -D_CF_DIR_="$cf_dir/" "$cf_dir/m4/cf.m4" "$sm/sendmail.mc" >"$sm/sendmail.cf" 2>>"$log" ||
    fail "sendmail's configuration did not build"
  sendmail_cmd() {
    unshare --uts sh -c "hostname sendmail.bounces.test &&
      exec $work/sendmail-package/usr/libexec/sendmail/sendmail -C $sm/sendmail.cf \"\$@\"" \
      sendmail "$@" 2>>"$log"
  }
  "$work/sendmail-package/usr/libexec/sendmail/makemap" -C "$sm/sendmail.cf" hash \
    "$sm/mailertable" <"$sm/mailertable" 2>>"$log" || fail "sendmail's mailer table did not build"
  sendmail_cmd -bi >/dev/null || fail "sendmail's aliases did not build"
  sendmail_cmd -bd || fail "sendmail did not start"
  mta_stop="kill \$(head -n 1 $sm/sendmail.pid)"
  submit() { sendmail_cmd -f app@bounces.test -odb "$@"; }
  flush() {
    sleep 2.5
    sendmail_cmd -q
  }
}
