#!/usr/bin/env bash
# sysbench oltp_point_select against the demo cluster's primary directly, through the demo's connector
# (proxy mode), through a second connector in bridge mode and, with --haproxy, through HAProxy in TCP
# mode, alternating; for each hop its process's CPU time per query (user + system, /proc/PID/stat).
#   usage: benchmarks/point-select-cpu.sh [--threads 8] [--seconds 20] [--rounds 2] [--haproxy]
# Needs sysbench (and haproxy for --haproxy). Starts 'bin/turnout demo', the bridge and HAProxy on
# 127.0.0.1 and stops each by its pid at exit. Every target gets a 5 s warm-up run first, so that
# the connectors' JIT compilation is not counted.
set -euo pipefail
threads=8; seconds=20; rounds=2; with_haproxy=false
while [ $# -gt 0 ]; do
  case $1 in
    --threads) threads=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --haproxy) with_haproxy=true; shift ;;
    *) echo "usage: $0 [--threads N] [--seconds S] [--rounds R] [--haproxy]" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
command -v sysbench >/dev/null || { echo "sysbench is not installed (apt-get install sysbench)" >&2; exit 1; }
if $with_haproxy && ! command -v haproxy >/dev/null; then echo "haproxy is not installed (apt-get install haproxy)" >&2; exit 1; fi
out=$(mktemp -d)
. benchmarks/demo-env.sh
bridge_pid=""; haproxy_pid=""
cleanup() {
  [ -n "$haproxy_pid" ] && stop_pid "$haproxy_pid"
  [ -n "$bridge_pid" ] && stop_pid "$bridge_pid"
  stop_demo; rm -rf "$out"
}
trap cleanup EXIT
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { local p; for p in $(seq "$1" "$2"); do listening "$p" || { echo "$p"; return; }; done; return 1; }

bridge_port=$(free_port 24406 24505)
connector_config "$bridge_port" connector-bridge-mode=true >"$out/bridge.ini"
distribution/target/turnout/bin/turnout connector --config "$out/bridge.ini" --service alpha >"$out/bridge.log" 2>&1 &
bridge_pid=$!
targets=(direct proxy bridge)
declare -A port=([direct]=$primary [proxy]=$connector [bridge]=$bridge_port)
declare -A pid=([direct]="" [proxy]=$demo [bridge]=$bridge_pid)
if $with_haproxy; then
  port[haproxy]=$(free_port 24306 24405)
  haproxy_config "${port[haproxy]}" >"$out/haproxy.cfg"
  haproxy -db -f "$out/haproxy.cfg" >"$out/haproxy.log" 2>&1 &
  haproxy_pid=$!
  pid[haproxy]=$haproxy_pid
  targets+=(haproxy)
fi
for target in "${targets[@]}"; do
  for _ in $(seq 1 100); do listening "${port[$target]}" && break; sleep 0.1; done
  listening "${port[$target]}" || { cat "$out"/*.log >&2; exit 1; }
done

sb=(sysbench oltp_point_select --db-driver=mysql --mysql-host=127.0.0.1 --mysql-user=app --mysql-password=secret
    --mysql-db=test --tables=4 --table-size=10000)
"${sb[@]}" --mysql-port="$primary" prepare >/dev/null
for target in "${targets[@]}"; do "${sb[@]}" --mysql-port="${port[$target]}" --threads="$threads" --time=5 run >/dev/null; done
tick=$(getconf CLK_TCK)
cpu() { if [ -n "$1" ]; then awk '{print $14 + $15}' "/proc/$1/stat"; else echo 0; fi; }
echo "sysbench oltp_point_select, $threads threads, ${seconds}s per run; primary :$primary, proxy :$connector, bridge :$bridge_port${port[haproxy]:+, haproxy :${port[haproxy]}}"
for round in $(seq 1 "$rounds"); do
  for target in "${targets[@]}"; do
    before=$(cpu "${pid[$target]}")
    result=$("${sb[@]}" --mysql-port="${port[$target]}" --threads="$threads" --time="$seconds" run)
    after=$(cpu "${pid[$target]}")
    queries=$(sed -n 's/^ *queries: *\([0-9]*\) .*/\1/p' <<<"$result")
    qps=$(sed -n 's/^ *queries: *[0-9]* *(\([0-9.]*\) per sec.)/\1/p' <<<"$result")
    p95=$(sed -n 's/^ *95th percentile: *\([0-9.]*\)/\1/p' <<<"$result")
    per_query=$(awk -v t=$((after - before)) -v hz="$tick" -v q="$queries" 'BEGIN {printf "%.1f", (q > 0 ? t * 1e6 / hz / q : 0)}')
    printf 'round %d  %-8s  qps %9s  p95 %6s ms  CPU of the hop %5s us/query\n' "$round" "$target" "$qps" "$p95" "$per_query"
  done
done
