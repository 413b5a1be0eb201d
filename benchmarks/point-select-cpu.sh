#!/usr/bin/env bash
# sysbench oltp_point_select against the demo cluster's primary directly and through the connector,
# alternating, with the connector JVM's CPU time per query (user + system, from /proc/PID/stat).
#   usage: benchmarks/point-select-cpu.sh [threads=8] [seconds=20] [rounds=2]
# Needs sysbench. Starts 'bin/turnout demo' and stops it by pid at exit.
set -euo pipefail
threads=${1:-8}; seconds=${2:-20}; rounds=${3:-2}
cd "$(dirname "$0")/.."
command -v sysbench >/dev/null || { echo "sysbench is not installed (apt-get install sysbench)" >&2; exit 1; }
. benchmarks/demo-env.sh
sb=(sysbench oltp_point_select --db-driver=mysql --mysql-host=127.0.0.1 --mysql-user=app --mysql-password=secret
    --mysql-db=test --tables=4 --table-size=10000)
"${sb[@]}" --mysql-port="$primary" prepare >/dev/null
tick=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$demo/stat"; }
echo "sysbench oltp_point_select, $threads threads, ${seconds}s per run; primary :$primary, connector :$connector"
for round in $(seq 1 "$rounds"); do
  for target in direct connector; do
    port=$primary; [ "$target" = connector ] && port=$connector
    before=$(cpu)
    out=$("${sb[@]}" --mysql-port="$port" --threads="$threads" --time="$seconds" run)
    after=$(cpu)
    queries=$(sed -n 's/^ *queries: *\([0-9]*\) .*/\1/p' <<<"$out")
    qps=$(sed -n 's/^ *queries: *[0-9]* *(\([0-9.]*\) per sec.)/\1/p' <<<"$out")
    p95=$(sed -n 's/^ *95th percentile: *\([0-9.]*\)/\1/p' <<<"$out")
    per_query=$(( (after - before) * 1000000 / tick / (queries > 0 ? queries : 1) ))
    printf 'round %d  %-9s  qps %9s  p95 %6s ms  connector CPU %3d us/query\n' "$round" "$target" "$qps" "$p95" "$per_query"
  done
done
