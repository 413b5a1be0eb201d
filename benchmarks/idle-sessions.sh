#!/usr/bin/env bash
# The connector's memory per idle client session, end to end:
#   usage: benchmarks/idle-sessions.sh [sessions=10000] [idle-release]
# With an idle-release duration (e.g. 2s) the connector runs with connector-idle-release: idle
# sessions hold no backend connection, so it needs about 1 descriptor per session instead of 2.
# Starts a sandbox primary allowing sessions + 100 connections (benchmarks/IdleSessions.java server),
# a connector in its own JVM in front of it (bin/turnout's jars, a generated configuration, native
# memory tracking on) and a client JVM (IdleSessions.java clients) that opens the sessions with
# MySQL Connector/J and holds them. The connector JVM is measured three times: after a warm-up of 50
# sessions opened and closed, with the N sessions open and idle, and again after one SELECT 1 on each
# of them. Each time: jcmd GC.run, then heap used (GC.heap_info), RSS and threads (/proc/PID/status),
# native memory (VM.native_memory summary: total committed, and "Other", where Netty's direct buffers
# are), the class histogram, and for information the kernel's TCP memory (/proc/net/sockstat "mem", in pages) and the
# server's RSS. Everything listens on 127.0.0.1; every process started is stopped by its pid at exit,
# also on failure or Ctrl-C. Logs and results stay in benchmarks/target/idle-sessions-DATE/.
# Needs the jars built (see benchmarks/README.md) and a file-descriptor limit of 2 x sessions + 400 per
# process (raised here as far as the hard limit allows; raising the hard limit needs CAP_SYS_RESOURCE).
# (The connector holds 2 descriptors per session, client and backend socket, plus about 100 of its own.)
set -euo pipefail
n=${1:-10000}
release=${2:-}
cd "$(dirname "$0")/.."
lib=distribution/target/turnout/lib
bench=benchmarks/target/benchmarks.jar
cp="$lib/*:$bench"
deadline=600 # seconds, for each step of the client and for every wait here
for f in "$bench" "$lib"/turnout-distribution-*.jar; do
  [ -f "$f" ] || { echo "missing $f: build first, see benchmarks/README.md" >&2; exit 1; }
done

# File descriptors: the connector holds 2 per session, the server and the client 1 each.
need=$(( 2 * n + 400 ))
# With idle release only the sessions active in the last 2 x release hold a backend connection.
if [ -n "$release" ] && [ $(( n + 4000 + 400 )) -lt "$need" ]; then need=$(( n + 4000 + 400 )); fi
want=$(( need < 65536 ? 65536 : need ))
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt "$want" ]; then ulimit -Hn "$want" 2>/dev/null || true; fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fds=$(ulimit -n)
[ "$fds" = unlimited ] || [ "$fds" -ge "$need" ] || {
  echo "the file-descriptor limit is $fds (hard limit $(ulimit -Hn)); $need are needed for $n sessions" >&2
  exit 1; }

out=benchmarks/target/idle-sessions-$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$out"
sync_dir=$(mktemp -d)
server=""; connector=""; clients=""
stop_pid() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() { stop_pid "$clients"; stop_pid "$connector"; stop_pid "$server"; rm -rf "$sync_dir"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# await_line FILE REGEX PID: until a line of FILE matches, failing when PID exits or after the deadline.
await_line() {
  local file=$1 regex=$2 pid=$3
  for _ in $(seq 1 $((deadline * 5))); do
    grep -qE "$regex" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  grep -qE "$regex" "$file" 2>/dev/null && return 0
  echo "no '$regex' in $file:" >&2; tail -n 30 "$file" >&2; exit 1
}

echo "starting a sandbox primary with max_connections=$((n + 100)) ..."
java -cp "$cp" benchmarks/IdleSessions.java server $((n + 100)) >"$out/server.log" 2>&1 &
server=$!
await_line "$out/server.log" '^free [0-9]+$' "$server"
read -r primary mariadbd < <(sed -n 's/^primary \([0-9]*\) \([0-9]*\)$/\1 \2/p' "$out/server.log")
port=$(sed -n 's/^free \([0-9]*\)$/\1/p' "$out/server.log")

cat >"$out/idle.ini" <<EOF
# Written by benchmarks/idle-sessions.sh: one primary, no managers, no replicas.
[defaults]
application-user=app
application-password=secret
application-port=$port
connector-listen-address=127.0.0.1
${release:+connector-idle-release=$release}

[alpha]
topology=clustered
master=127.0.0.1:$primary
members=127.0.0.1:$primary
EOF
java -XX:NativeMemoryTracking=summary -Xmx1g -cp "$lib/*" dev.turnout.cli.Turnout connector -c "$out/idle.ini" \
    >"$out/connector.log" 2>&1 &
connector=$!
for _ in $(seq 1 $((deadline * 5))); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$connector" 2>/dev/null || { cat "$out/connector.log" >&2; exit 1; }
  sleep 0.2
done

java -Xmx3g -cp "$cp" benchmarks/IdleSessions.java clients "$port" "$n" "$sync_dir" "$deadline" >"$out/clients.log" 2>&1 &
clients=$!

# measure LABEL: one line of KiB figures for the connector JVM after a full GC.
measure() {
  jcmd "$connector" GC.run >/dev/null
  local heap rss threads nmt total other tcp db fd
  heap=$(jcmd "$connector" GC.heap_info | sed -n 's/.* used \([0-9]*\)K.*/\1/p' | head -n 1)
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$connector/status")
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$connector/status")
  nmt=$(jcmd "$connector" VM.native_memory summary)
  total=$(sed -n 's/^Total: reserved=[0-9]*KB, committed=\([0-9]*\)KB.*/\1/p' <<<"$nmt")
  other=$(sed -n 's/^- *Other (reserved=[0-9]*KB, committed=\([0-9]*\)KB).*/\1/p' <<<"$nmt")
  tcp=$(awk '/^TCP:/ {for (i = 1; i < NF; i++) if ($i == "mem") print $(i + 1)}' /proc/net/sockstat)
  db=$(awk '/^VmRSS:/ {print $2}' "/proc/$mariadbd/status")
  fd=$(find "/proc/$connector/fd" -mindepth 1 -maxdepth 1 | wc -l)
  echo "$1 $heap $rss $total ${other:-0} $threads $tcp $db $fd" >>"$out/measurements.txt"
  printf '%-6s heap %7s KiB  RSS %7s KiB  NMT committed %7s KiB  NMT Other %6s KiB  threads %2s  fds %5s  TCP mem %6s pages  mariadbd RSS %7s KiB\n' \
      "$1" "$heap" "$rss" "$total" "${other:-0}" "$threads" "$fd" "$tcp" "$db"
  echo "== $1" >>"$out/nmt.txt"; echo "$nmt" >>"$out/nmt.txt"
  jcmd "$connector" GC.class_histogram >"$out/histogram-$1.txt"
}

await_line "$out/clients.log" '^warm$' "$clients"
sleep 2
measure before
touch "$sync_dir/open"
echo "opening $n sessions ..."
await_line "$out/clients.log" '^open [0-9]+' "$clients"
grep '^open ' "$out/clients.log"
sleep 5
measure idle
touch "$sync_dir/check"
await_line "$out/clients.log" '^alive ' "$clients"
alive=$(sed -n 's/^alive \([0-9]*\)\/.*/\1/p' "$out/clients.log")
reported=$(sed -n 's/.* connector-sessions \([0-9]*\)$/\1/p' "$out/clients.log")
echo "SELECT 1 answered on $alive of $n sessions; the connector reports $reported sessions besides the one asking"
sleep 2
measure used
touch "$sync_dir/close"
await_line "$out/clients.log" '^closed$' "$clients"
wait "$clients"; clients=""

awk -v n="$n" '
  { heap[$1] = $2; rss[$1] = $3; nmt[$1] = $4; other[$1] = $5; tcp[$1] = $7; db[$1] = $8 }
  END {
    printf "per session, %d sessions (KiB = 1024 bytes; TCP pages of 4 KiB):\n", n
    for (i = 1; i <= 2; i++) {
      s = i == 1 ? "idle" : "used"
      printf "  %s: heap %.2f KiB, RSS %.2f KiB, NMT committed %.2f KiB, NMT Other %.2f KiB, TCP mem %.2f KiB, mariadbd RSS %.2f KiB\n", \
        (s == "idle" ? "open, idle        " : "after a SELECT 1  "), (heap[s] - heap["before"]) / n, (rss[s] - rss["before"]) / n, \
        (nmt[s] - nmt["before"]) / n, (other[s] - other["before"]) / n, (tcp[s] - tcp["before"]) * 4 / n, (db[s] - db["before"]) / n
    }
  }' "$out/measurements.txt" | tee "$out/result.txt"
echo "what the heap holds per idle session (GC.class_histogram, idle minus before; top 15 by bytes):"
awk -v n="$n" '
  FNR == 1 { file++ }
  $1 ~ /^[0-9]+:$/ { if (file == 1) { b[$4] = $3; i0[$4] = $2 } else { a[$4] = $3; i1[$4] = $2 } }
  END { for (c in a) printf "%10.1f B %8.2f objects  %s\n", (a[c] - b[c]) / n, (i1[c] - i0[c]) / n, c }' \
  "$out/histogram-before.txt" "$out/histogram-idle.txt" | sort -rn | head -n 15 | tee "$out/histogram-per-session.txt"
[ "$alive" = "$n" ] && [ "$reported" = "$n" ] || { echo "FAILED: not every session was alive and counted" >&2; exit 1; }
echo "logs and figures in $out"
