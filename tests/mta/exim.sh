# shellcheck shell=bash
# Sourced by .ci/mta-bounces: how to start Exim for the check and hand it messages. Defines
# start_exim, which sets log, mta_stop, submit, flush (and collect) for the driver.

# Exim: the same routes; a temporary failure bounces on the next attempt more than a second later
# (the queue run below, 2.5 s after the last message); its daemon takes the reports on the loopback
# port. Run as root with -C, Exim drops to its own user, so the Maildir and the spool are that
# user's.
start_exim() {
  ex=$dir/exim
  log=$ex/log/mainlog
  mkdir -p "$ex/spool" "$ex/log" "$dir/mail"
  cat >"$ex/exim.conf" <<CONF
exim_path = $exim
exim_user = Debian-exim
exim_group = Debian-exim
primary_hostname = exim.bounces.test
qualify_domain = bounces.test
spool_directory = $ex/spool
log_file_path = $ex/log/%slog
pid_file_path = $ex/exim.pid
domainlist local_domains = bounces.test
trusted_users = root
keep_environment =
tls_advertise_hosts =
acl_smtp_rcpt = acl_check_rcpt
begin acl
acl_check_rcpt:
  accept domains = +local_domains
  deny message = relay not permitted
begin routers
local:
  driver = accept
  domains = +local_domains
  transport = maildir
outbound:
  driver = manualroute
  route_list = rcpt.example 127.0.0.1::$refusing_smtp ; \
    throttle.example 127.0.0.1::$throttled_smtp ; * 127.0.0.1::$reporting_smtp
  self = send
  transport = remote_smtp
begin transports
remote_smtp:
  driver = smtp
  hosts_avoid_tls = *
  # Exim 4.96 tries TCP Fast Open by default: its connect() returns at once and the 2 s
  # connect timeout never applies to a dropped SYN (the kernel retries it for two minutes).
  connect_timeout = 2s
  hosts_try_fastopen = :
  allow_localhost
maildir:
  driver = appendfile
  directory = $dir/mail/inbox
  maildir_format
  create_directory
  user = Debian-exim
  group = Debian-exim
begin retry
* * F,1s,1s
CONF
  chown Debian-exim:Debian-exim "$ex/spool" "$ex/log" "$dir/mail"
  # Exim tells on stderr that -C costs it its root privilege: kept in its own file.
  "$exim" -C "$ex/exim.conf" -bd -oX "127.0.0.1:$mta_port" 2>>"$ex/stderr" ||
    fail "exim did not start"
  mta_stop="kill \$(cat $ex/exim.pid)"
  submit() { "$exim" -C "$ex/exim.conf" -odi -f app@bounces.test "$@" 2>>"$ex/stderr"; }
  # Exim counts the retry limit in whole seconds: 2.5 s make sure that more than one has passed
  # since the greylisted message's first attempt, however the clock's seconds fall.
  flush() {
    sleep 2.5
    "$exim" -C "$ex/exim.conf" -qff 2>>"$ex/stderr"
  }
}
