#!/usr/bin/env bash
# Two builds of the connector side by side in one run: sysbench oltp_point_select through a proxy-mode
# and a bridge-mode connector of this checkout's build and of another build (an assembled
# distribution directory, e.g. a checkout of an earlier commit after 'bin/turnout version'), all in
# front of the demo's primary, alternating round by round; per hop QPS, p95 and its process's CPU
# time per query, and per build the proxy/bridge ratio of each round.
#   usage: benchmarks/builds-compare.sh OTHER_TURNOUT_DIR [--threads 8] [--seconds 20] [--rounds 3]
# OTHER_TURNOUT_DIR holds bin/turnout and lib/ (distribution/target/turnout of the other checkout).
# Needs sysbench. Starts 'bin/turnout demo' and four connectors on 127.0.0.1 and stops each by its
# pid at exit. Every hop gets a 5 s warm-up run first.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 OTHER_TURNOUT_DIR [--threads N] [--seconds S] [--rounds R]" >&2; exit 2; }
other=$(cd "$1" && pwd); shift
threads=8; seconds=20; rounds=3
while [ $# -gt 0 ]; do
  case $1 in
    --threads) threads=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "usage: $0 OTHER_TURNOUT_DIR [--threads N] [--seconds S] [--rounds R]" >&2; exit 2 ;;
  esac
done
[ -x "$other/bin/turnout" ] && [ -d "$other/lib" ] || { echo "$other has no bin/turnout and lib/" >&2; exit 2; }
cd "$(dirname "$0")/.."
command -v sysbench >/dev/null || { echo "sysbench is not installed (apt-get install sysbench)" >&2; exit 1; }
out=$(mktemp -d)
. benchmarks/demo-env.sh
declare -A pid port
cleanup() {
  for hop in "${!pid[@]}"; do stop_pid "${pid[$hop]}"; done
  stop_demo; rm -rf "$out"
}
trap cleanup EXIT
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { local p; for p in $(seq "$1" "$2"); do listening "$p" || { echo "$p"; return; }; done; return 1; }

this=distribution/target/turnout
hops=(proxy-this bridge-this proxy-other bridge-other)
next=24506
for hop in "${hops[@]}"; do
  port[$hop]=$(free_port "$next" 24605); next=$((port[$hop] + 1))
  case $hop in
    *-this) dir=$this ;;
    *-other) dir=$other ;;
  esac
  case $hop in
    bridge-*) connector_config "${port[$hop]}" connector-bridge-mode=true >"$out/$hop.ini" ;;
    *) connector_config "${port[$hop]}" >"$out/$hop.ini" ;;
  esac
  "$dir/bin/turnout" connector --config "$out/$hop.ini" --service alpha >"$out/$hop.log" 2>&1 &
  pid[$hop]=$!
done
for hop in "${hops[@]}"; do
  for _ in $(seq 1 100); do listening "${port[$hop]}" && break; sleep 0.1; done
  listening "${port[$hop]}" || { cat "$out"/*.log >&2; exit 1; }
done

sb=(sysbench oltp_point_select --db-driver=mysql --mysql-host=127.0.0.1 --mysql-user=app --mysql-password=secret
    --mysql-db=test --tables=4 --table-size=10000)
"${sb[@]}" --mysql-port="$primary" prepare >/dev/null
for hop in "${hops[@]}"; do "${sb[@]}" --mysql-port="${port[$hop]}" --threads="$threads" --time=5 run >/dev/null; done
tick=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
echo "sysbench oltp_point_select, $threads threads, ${seconds}s per run; this build: $this; other build: $other"
for round in $(seq 1 "$rounds"); do
  declare -A qps=()
  for hop in "${hops[@]}"; do
    before=$(cpu "${pid[$hop]}")
    result=$("${sb[@]}" --mysql-port="${port[$hop]}" --threads="$threads" --time="$seconds" run)
    after=$(cpu "${pid[$hop]}")
    queries=$(sed -n 's/^ *queries: *\([0-9]*\) .*/\1/p' <<<"$result")
    qps[$hop]=$(sed -n 's/^ *queries: *[0-9]* *(\([0-9.]*\) per sec.)/\1/p' <<<"$result")
    p95=$(sed -n 's/^ *95th percentile: *\([0-9.]*\)/\1/p' <<<"$result")
    per_query=$(awk -v t=$((after - before)) -v hz="$tick" -v q="$queries" 'BEGIN {printf "%.1f", (q > 0 ? t * 1e6 / hz / q : 0)}')
    printf 'round %d  %-12s  qps %9s  p95 %6s ms  CPU of the hop %5s us/query\n' "$round" "$hop" "${qps[$hop]}" "$p95" "$per_query"
  done
  for build in this other; do
    awk -v r="$round" -v b="$build" -v p="${qps[proxy-$build]}" -v g="${qps[bridge-$build]}" \
      'BEGIN {printf "round %d  %-5s build: proxy/bridge %.3f\n", r, b, p / g}'
  done
done
