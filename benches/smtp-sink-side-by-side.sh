#!/usr/bin/env bash
# smtp-sim against Postfix's smtp-sink under the same load, alternating, on this machine:
# Postfix's smtp-source, `-s 20 -m 20000 -l 1024` (a new connection per message) and the same
# with `-d` (connections reused). smtp-sim runs the release build, accept-all with capture on
# (every message stored; the store limit raised so nothing is refused), then the ten-rule
# scenario benches/ten-rules.toml, then benches/internet-rules.toml (the ten rules behind block
# list, PTR, FCrDNS, SPF, greylisting and rate-limit checks, all evaluated and passed). Prints
# messages per second per run, the median of each, and the ratios smtp-sim / smtp-sink
# (targets: >= 1.0 new connections, >= 0.9 reused, >= 0.75 with ten rules and with the internet
# checks). Then the memory (RSS) smtp-sim holds for 10,000 concurrent idle connections.
#
# Needs root the first time (installs Debian's postfix package for smtp-source/smtp-sink; only
# those binaries are used, no daemon is started). Environment: ROUNDS (5), MESSAGES (20000),
# IDLE_CONNECTIONS (10000).
# Takes about 5 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
rounds=${ROUNDS:-5}
messages=${MESSAGES:-20000}
idle=${IDLE_CONNECTIONS:-10000}
PATH=$PATH:/usr/sbin

if ! command -v smtp-source >/dev/null || ! command -v smtp-sink >/dev/null; then
  echo "installing postfix (for smtp-source and smtp-sink; no daemon is configured)"
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null
fi
command -v python3 >/dev/null || { echo "python3 is missing" >&2; exit 1; }

cargo build --release --locked -p smtp-sim
sim=target/release/smtp-sim

# Room for 10,000 connections on each side (the servers inherit it).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d)
server_pid=
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    # smtp-sim stops cleanly on SIGINT; smtp-sink wants SIGTERM.
    local sig
    for sig in INT TERM KILL; do
      kill -"$sig" "$server_pid" 2>/dev/null || true
      for _ in $(seq 30); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    done
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=
}
trap 'stop_server; rm -rf "$work"' EXIT

# Two free listen ports below Linux's ephemeral range (32768-60999): the new-connection runs
# leave tens of thousands of ephemeral ports in TIME_WAIT, which a listener must not pick.
free_ports() {
  python3 -c '
import random, socket
held = []  # kept bound until both are found, so the two ports differ
while len(held) < 2:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", random.randrange(20000, 32000)))
        held.append(s)
    except OSError:
        s.close()
print(*(s.getsockname()[1] for s in held))
for s in held:
    s.close()'
}

wait_port() {
  python3 - "$1" <<'PY'
import socket, sys, time
for _ in range(200):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit("server did not come up")
PY
}

# start_sink PORT
start_sink() {
  smtp-sink -u nobody -m 20000 "127.0.0.1:$1" 4096 >"$work/sink.log" 2>&1 &
  server_pid=$!
  wait_port "$1" || { cat "$work/sink.log" >&2; exit 1; }
}

# start_sim PORT API_PORT [scenario]
start_sim() {
  local extra=()
  [ -n "${3:-}" ] && extra=(--scenario "$3")
  "$sim" serve --listen "127.0.0.1:$1" --api "127.0.0.1:$2" --no-tls \
    --max-connections 20000 --max-messages 1000000 --max-store-bytes $((4 << 30)) \
    "${extra[@]}" >"$work/sim.out" 2>"$work/sim.err" &
  server_pid=$!
  for _ in $(seq 100); do grep -q '^api: ' "$work/sim.out" && return; sleep 0.1; done
  cat "$work/sim.err" >&2
  echo "smtp-sim did not start" >&2
  exit 1
}

# load PORT [-d]: runs smtp-source, prints messages per second.
load() {
  local port=$1
  shift
  local t0 t1
  t0=$EPOCHREALTIME
  smtp-source -s 20 -m "$messages" -l 1024 "$@" -f bench@load.example -t user@sink.example \
    -M client.load.example "127.0.0.1:$port" >"$work/source.log" 2>&1 \
    || { cat "$work/source.log" >&2; echo "smtp-source failed" >&2; exit 1; }
  t1=$EPOCHREALTIME
  python3 -c "import sys; print(f'{int(sys.argv[1]) / (float(sys.argv[3]) - float(sys.argv[2])):.0f}')" \
    "$messages" "$t0" "$t1"
}

# stored API_PORT: the messages smtp-sim holds.
stored() {
  python3 -c "import json, sys, urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1]))['messages'])" \
    "http://127.0.0.1:$1/health"
}

declare -A rates cpu
run() {
  local name=$1 server=$2 mode=$3 scenario=${4:-}
  local port api rate flags=()
  read -r port api < <(free_ports)
  [ "$mode" = reused ] && flags=(-d)
  if [ "$server" = sink ]; then start_sink "$port"; else start_sim "$port" "$api" "$scenario"; fi
  rate=$(load "$port" "${flags[@]}")
  # The server's CPU time (user + system, clock ticks) for the run, per message: less
  # sensitive than msg/s to what else the machine runs.
  local ticks us
  ticks=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
  us=$((ticks * 1000000 / $(getconf CLK_TCK) / messages))
  if [ "$server" = sim ]; then
    local n
    n=$(stored "$api")
    [ "$n" = "$messages" ] || { echo "$name: smtp-sim stored $n of $messages" >&2; exit 1; }
  fi
  stop_server
  rates[$name]="${rates[$name]:-} $rate"
  cpu[$name]="${cpu[$name]:-} $us"
  printf '%-22s %8s msg/s %6s us CPU/msg\n' "$name" "$rate" "$us"
}

echo "load: smtp-source -s 20 -m $messages -l 1024 [-d], $rounds rounds, alternating; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$rounds"); do
  echo "--- round $r"
  run sink-new sink new
  run sim-new sim new
  run sim10-new sim new benches/ten-rules.toml
  run simnet-new sim new benches/internet-rules.toml
  run sink-reused sink reused
  run sim-reused sim reused
  run sim10-reused sim reused benches/ten-rules.toml
  run simnet-reused sim reused benches/internet-rules.toml
done

median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# ratios A B: each round's ratio A/B (runs of one round are minutes apart at most, so a load
# change on the machine touches both sides alike), space-separated.
ratios() {
  python3 -c "import sys; a, b = sys.argv[1].split(), sys.argv[2].split(); print(*(f'{float(x) / float(y):.2f}' for x, y in zip(a, b)))" "$1" "$2"
}
echo "--- medians (msg/s); ratio smtp-sim / smtp-sink: median of the rounds' ratios [each round]"
for mode in new reused; do
  sink=${rates[sink-$mode]}
  r1=$(ratios "${rates[sim-$mode]}" "$sink")
  r10=$(ratios "${rates[sim10-$mode]}" "$sink")
  rnet=$(ratios "${rates[simnet-$mode]}" "$sink")
  printf '%-7s smtp-sink %6s | smtp-sim %6s: %sx [%s]\n' "$mode" \
    "$(median "$sink")" "$(median "${rates[sim-$mode]}")" "$(median "$r1")" "$r1"
  printf '%-7s ten rules %6s: %sx [%s] | internet checks %6s: %sx [%s]\n' "" \
    "$(median "${rates[sim10-$mode]}")" "$(median "$r10")" "$r10" \
    "$(median "${rates[simnet-$mode]}")" "$(median "$rnet")" "$rnet"
done
echo "--- server CPU time per message (us, median): smtp-sink | smtp-sim | ten rules | internet checks"
for mode in new reused; do
  printf '%-7s %6s | %6s | %6s | %6s\n' "$mode" "$(median "${cpu[sink-$mode]}")" \
    "$(median "${cpu[sim-$mode]}")" "$(median "${cpu[sim10-$mode]}")" "$(median "${cpu[simnet-$mode]}")"
done
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "--- memory: $idle concurrent idle connections (greeted, then held)"
rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
idle_rss() {
  local server=$1 port api before after line
  read -r port api < <(free_ports)
  if [ "$server" = sink ]; then start_sink "$port"; else start_sim "$port" "$api"; fi
  before=$(rss "$server_pid")
  coproc IDLE { python3 benches/idle-connections.py 127.0.0.1 "$port" "$idle"; }
  local idle_pid=$IDLE_PID
  read -r line <&"${IDLE[0]}" || true
  after=$(rss "$server_pid")
  echo >&"${IDLE[1]}"
  wait "$idle_pid" || true
  stop_server
  python3 -c "
import sys
before, after, n, opened = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
print(f'{sys.argv[5]:9s} {opened or \"?\"} greeted; RSS {before / 1024:.1f} MiB -> {after / 1024:.1f} MiB: '
      f'{(after - before) / 1024:.1f} MiB held, {(after - before) * 1024 / n / 1024:.1f} KiB per connection')
" "$before" "$after" "$idle" "${line#open }" "$server"
}
idle_rss sim
idle_rss sink
