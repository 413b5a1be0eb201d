#!/usr/bin/env bash
# Runs Debian's sysbench oltp_read_write against the demo cluster's primary directly and through
# the connector, alternating, and prints the QPS of each run side by side.
#   usage: benchmarks/sysbench-compare.sh [threads=16] [seconds=30] [rounds=2]
# Needs sysbench (apt-get install sysbench). Starts 'bin/turnout demo' and stops it by pid at exit.
set -euo pipefail
threads=${1:-16}; seconds=${2:-30}; rounds=${3:-2}
cd "$(dirname "$0")/.."
command -v sysbench >/dev/null || { echo "sysbench is not installed (apt-get install sysbench)" >&2; exit 1; }
. benchmarks/demo-env.sh
sb=(sysbench oltp_read_write --db-driver=mysql --mysql-host=127.0.0.1 --mysql-user=app --mysql-password=secret
    --mysql-db=test --tables=${SB_TABLES:-4} --table-size=${SB_TABLE_SIZE:-10000})
"${sb[@]}" --mysql-port="$primary" prepare >/dev/null
echo "sysbench oltp_read_write, $threads threads, ${seconds}s per run; primary :$primary, connector :$connector"
for round in $(seq 1 "$rounds"); do
  for target in direct connector; do
    port=$primary; [ "$target" = connector ] && port=$connector
    out=$("${sb[@]}" --mysql-port="$port" --threads="$threads" --time="$seconds" run)
    qps=$(sed -n 's/^ *queries: *[0-9]* *(\([0-9.]*\) per sec.)/\1/p' <<<"$out")
    errors=$(sed -n 's/^ *ignored errors: *\([0-9]*\).*/\1/p' <<<"$out")
    p95=$(sed -n 's/^ *95th percentile: *\([0-9.]*\)/\1/p' <<<"$out")
    printf 'round %d  %-9s  qps %9s  p95 %7s ms  errors %s\n' "$round" "$target" "$qps" "$p95" "$errors"
  done
done
