#!/usr/bin/env bash
# The scale benchmark (issue 16): sysbench oltp_point_select and oltp_read_write at 8, 64, 512 and
# 2,000 client connections against one sandbox primary: direct, through HAProxy in TCP mode (when
# installed), through a connector in bridge mode and through a connector in proxy mode (RW_STRICT),
# the targets alternating within each round. For each run: QPS, p99, errors, the CPU time per
# query of the hop's process and of the server (user + system, /proc/PID/stat), and the most
# backend connections the server had open during the run (established TCP connections to its port,
# sampled every second with ss).
#   usage: benchmarks/scale.sh [--connections "8 64 512 2000"] [--mixes "point_select read_write"]
#                              [--seconds 20] [--rounds 1] [--warmup 5]
# Needs sysbench, ss (iproute2) and the jars built (see benchmarks/README.md); haproxy is optional.
# Everything listens on 127.0.0.1; every process started is stopped by its pid at exit, also on
# failure or Ctrl-C. Logs and the result table stay in benchmarks/target/scale-DATE/.
# (Connection multiplexing, the fifth target the issue names, is not built yet.)
set -euo pipefail
connections="8 64 512 2000"; mixes="point_select read_write"; seconds=20; rounds=1; warmup=5
while [ $# -gt 0 ]; do
  case $1 in
    --connections) connections=$2; shift 2 ;;
    --mixes) mixes=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    *) echo "usage: $0 [--connections LIST] [--mixes LIST] [--seconds S] [--rounds R] [--warmup S]" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
for tool in sysbench ss; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed (apt-get install sysbench iproute2)" >&2; exit 1; }
done
lib=distribution/target/turnout/lib
bench=benchmarks/target/benchmarks.jar
for f in "$bench" "$lib"/turnout-distribution-*.jar; do
  [ -f "$f" ] || { echo "missing $f: build first, see benchmarks/README.md" >&2; exit 1; }
done
most=0; for c in $connections; do [ "$c" -gt "$most" ] && most=$c; done
# Each connector holds 2 descriptors per session; sysbench and the server 1 each.
need=$(( 2 * most + 1000 ))
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt "$need" ]; then ulimit -Hn "$need" 2>/dev/null || true; fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge "$need" ] || {
  echo "the file-descriptor limit is $(ulimit -n); $need are needed for $most connections" >&2; exit 1; }

out=benchmarks/target/scale-$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$out"
server=""; proxy=""; bridge=""; haproxy_pid=""; sampler=""
stop_pid() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  stop_pid "$sampler"; stop_pid "$haproxy_pid"; stop_pid "$bridge"; stop_pid "$proxy"; stop_pid "$server"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
await_port() {
  local port=$1 pid=$2 log=$3
  for _ in $(seq 1 600); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "nothing listens on $port:" >&2; tail -n 30 "$log" >&2; exit 1
}

echo "starting a sandbox primary with max_connections=$((most + 200)) ..."
java -cp "$lib/*:$bench" benchmarks/IdleSessions.java server $((most + 200)) >"$out/server.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do grep -qE '^free [0-9]+$' "$out/server.log" && break; kill -0 "$server" || break; sleep 0.2; done
grep -qE '^free [0-9]+$' "$out/server.log" || { cat "$out/server.log" >&2; exit 1; }
read -r primary mariadbd < <(sed -n 's/^primary \([0-9]*\) \([0-9]*\)$/\1 \2/p' "$out/server.log")

free_port() { local p; for p in $(seq "$1" "$2"); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }; done; return 1; }
connector() { # connector NAME PORT [SETTING...]
  local name=$1 port=$2; shift 2
  {
    printf '[defaults]\napplication-user=app\napplication-password=secret\napplication-port=%s\n' "$port"
    printf 'connector-listen-address=127.0.0.1\nconnector-max-connections=%s\n' $((most + 100))
    [ $# -eq 0 ] || printf '%s\n' "$@"
    printf '[alpha]\ntopology=clustered\nmaster=127.0.0.1:%s\nmembers=127.0.0.1:%s\n' "$primary" "$primary"
  } >"$out/$name.ini"
  java -Xmx1g -Dio.netty.leakDetection.level=disabled -cp "$lib/*" dev.turnout.cli.Turnout connector \
      -c "$out/$name.ini" >"$out/$name.log" 2>&1 &
}
targets=(direct)
declare -A port=([direct]=$primary) pid=([direct]="")
port[proxy]=$(free_port 25406 25505); connector proxy "${port[proxy]}"; proxy=$!; pid[proxy]=$proxy
port[bridge]=$(free_port 25506 25605); connector bridge "${port[bridge]}" connector-bridge-mode=true; bridge=$!
pid[bridge]=$bridge
if command -v haproxy >/dev/null; then
  port[haproxy]=$(free_port 25306 25405)
  cat >"$out/haproxy.cfg" <<CFG
global
  nbthread 1
  maxconn $((most + 100))
defaults
  mode tcp
  timeout connect 5s
  timeout client 10m
  timeout server 10m
frontend mysql
  bind 127.0.0.1:${port[haproxy]}
  default_backend primary
backend primary
  server db1 127.0.0.1:$primary maxconn $((most + 100))
CFG
  haproxy -db -f "$out/haproxy.cfg" >"$out/haproxy.log" 2>&1 &
  haproxy_pid=$!; pid[haproxy]=$haproxy_pid
  targets+=(haproxy)
fi
targets+=(bridge proxy)
await_port "${port[proxy]}" "$proxy" "$out/proxy.log"
await_port "${port[bridge]}" "$bridge" "$out/bridge.log"
[ -z "$haproxy_pid" ] || await_port "${port[haproxy]}" "$haproxy_pid" "$out/haproxy.log"

sb=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-user=app --mysql-password=secret --mysql-db=test
    --tables=4 --table-size=10000 --percentile=99 --rand-type=uniform)
sysbench oltp_point_select "${sb[@]}" --mysql-port="$primary" prepare >"$out/prepare.log"
tick=$(getconf CLK_TCK)
cpu() { if [ -n "$1" ]; then awk '{print $14 + $15}' "/proc/$1/stat"; else echo 0; fi; }
# The most connections established to the server's port while the sampler ran, written to FILE at its end.
sample_backends() {
  local file=$1 max=0 n
  trap 'echo "$max" >"$file"; exit 0' TERM
  while true; do
    n=$(ss -Htn state established "( sport = :$primary )" | wc -l)
    [ "$n" -gt "$max" ] && max=$n
    echo "$max" >"$file"
    sleep 1 & wait $!
  done
}
results="$out/results.txt"
{
  echo "# benchmarks/scale.sh --connections \"$connections\" --mixes \"$mixes\" --seconds $seconds --rounds $rounds"
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -r); primary :$primary (mariadbd $mariadbd)"
  printf '%-12s %6s %5s %-8s %10s %9s %7s %14s %16s %9s\n' mix conns round target qps p99_ms errors \
      "hop_us/query" "server_us/query" backends
} | tee "$results"
for mix in $mixes; do
  for conns in $connections; do
    for target in "${targets[@]}"; do # warm-up: JIT compilation and the connectors' pools are not counted
      sysbench "oltp_$mix" "${sb[@]}" --mysql-port="${port[$target]}" --threads="$conns" --time="$warmup" \
          run >"$out/warmup-$mix-$conns-$target.log" 2>&1 || true
    done
    for round in $(seq 1 "$rounds"); do
      for target in "${targets[@]}"; do
        sample_backends "$out/backends" & sampler=$!
        hop_before=$(cpu "${pid[$target]}"); server_before=$(cpu "$mariadbd")
        log="$out/run-$mix-$conns-$round-$target.log"
        sysbench "oltp_$mix" "${sb[@]}" --mysql-port="${port[$target]}" --threads="$conns" --time="$seconds" \
            run >"$log" 2>&1 || true
        hop_after=$(cpu "${pid[$target]}"); server_after=$(cpu "$mariadbd")
        stop_pid "$sampler"; sampler=""
        queries=$(sed -n 's/^ *queries: *\([0-9]*\) .*/\1/p' "$log"); queries=${queries:-0}
        qps=$(sed -n 's/^ *queries: *[0-9]* *(\([0-9.]*\) per sec.)/\1/p' "$log")
        p99=$(sed -n 's/^ *99th percentile: *\([0-9.]*\)/\1/p' "$log")
        errors=$(sed -n 's/^ *ignored errors: *\([0-9]*\).*/\1/p' "$log")
        per() { awk -v t="$1" -v hz="$tick" -v q="$queries" 'BEGIN {printf "%.1f", (q > 0 ? t * 1e6 / hz / q : 0)}'; }
        printf '%-12s %6s %5s %-8s %10s %9s %7s %14s %16s %9s\n' "$mix" "$conns" "$round" "$target" "${qps:-failed}" \
            "${p99:--}" "${errors:--}" "$(per $((hop_after - hop_before)))" "$(per $((server_after - server_before)))" \
            "$(cat "$out/backends" 2>/dev/null || echo -)" | tee -a "$results"
      done
    done
  done
done
echo "results: $results"
