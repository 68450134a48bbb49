#!/usr/bin/env bash
# bounce-classify against sisimai (Debian's libsisimai-perl), side by side in one run: both read the
# same files (the development corpus copied COPIES times into a temporary Maildir-like folder, so
# that start-up costs are amortised), one thread each. Prints emails per second for both and the
# ratio. Installs libsisimai-perl when it is missing (needs apt and root).
#
#   benches/sisimai-side-by-side.sh [COPIES]      (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${1:-10}
corpus=../shared/corpus/sisimai/dev
# A worktree elsewhere falls back to /work/shared.
[ -d "$corpus" ] || corpus=/work/shared/corpus/sisimai/dev
[ -d "$corpus" ] || { echo "missing ../shared/corpus/sisimai/dev (../shared beside the repository) and $corpus" >&2; exit 1; }

if ! perl -MSisimai -e 1 2>/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsisimai-perl >/dev/null
fi
cargo build --release --locked -q -p bounce-classify
bin=target/release/bounce-classify

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/mail"
for i in $(seq 1 "$copies"); do
  for f in "$corpus"/*.eml; do cp "$f" "$work/mail/$i-$(basename "$f")"; done
done
emails=$(find "$work/mail" -type f | wc -l)

now() { date +%s.%N; }
t0=$(now)
sisimai_found=$(perl -MSisimai -e 'my $v = Sisimai->make($ARGV[0], delivered => 1) || []; print scalar(@$v)' "$work/mail")
t1=$(now)
ours_found=$("$bin" --threads 1 "$work/mail" | grep -c '"index"')
t2=$(now)

python3 - "$emails" "$t0" "$t1" "$t2" "$sisimai_found" "$ours_found" <<'PY'
import sys
emails, t0, t1, t2 = int(sys.argv[1]), *map(float, sys.argv[2:5])
s, o = t1 - t0, t2 - t1
sisimai_v = __import__("subprocess").run(["perl", "-MSisimai", "-e", "print $Sisimai::VERSION"], capture_output=True, text=True).stdout
print(f"emails            {emails}")
print(f"sisimai {sisimai_v:9s} {s:7.3f} s  {emails / s:10.0f} emails/s  ({sys.argv[5]} recipients)")
print(f"bounce-classify   {o:7.3f} s  {emails / o:10.0f} emails/s  ({sys.argv[6]} recipients)")
print(f"ratio             {s / o:.1f}x  (target: at least 100x)")
PY
