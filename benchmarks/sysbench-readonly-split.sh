#!/usr/bin/env bash
# sysbench oltp_read_only --skip_trx=on through the connector's read-only port: how the reads
# spread over the replicas (Com_select deltas per server) and whether any query failed.
#   benchmarks/sysbench-readonly-split.sh [--threads 8] [--seconds 20] [--tables 4] [--rows 10000]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=8 seconds=20 tables=4 rows=10000
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --tables) tables=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    *) echo "usage: $0 [--threads N] [--seconds S] [--tables N] [--rows N]" >&2; exit 2 ;;
  esac
done
command -v sysbench >/dev/null || { echo "sysbench is not installed (apt-get install -y sysbench)" >&2; exit 1; }
command -v mariadb >/dev/null || { echo "the mariadb client is not installed (apt-get install -y mariadb-client)" >&2; exit 1; }
. benchmarks/demo-env.sh
readonly_port=$(sed -n 's/^Read-only port 127.0.0.1:\([0-9]*\) .*/\1/p' "$demo_log")
servers=$(sed -n 's/^  \(db[0-9]*\) *127.0.0.1:\([0-9]*\) *server_id=\([0-9]*\).*/\1:\2:\3/p' "$demo_log")
common=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-user=app --mysql-password=secret --mysql-db=test
        --tables="$tables" --table-size="$rows")
sysbench oltp_read_only "${common[@]}" --mysql-port="$primary" prepare >/dev/null
sleep 2 # replication of the prepared tables
com_select() { mariadb -h127.0.0.1 -P"$1" -uapp -psecret -N -e "SHOW GLOBAL STATUS LIKE 'Com_select'" | awk '{print $2}'; }
declare -A before
for s in $servers; do port=${s#*:}; port=${port%%:*}; before[$s]=$(com_select "$port"); done
out=$(sysbench oltp_read_only "${common[@]}" --mysql-port="$readonly_port" --skip_trx=on --threads="$threads" \
  --time="$seconds" --report-interval=0 run)
echo "$out" | grep -E 'queries:|transactions:|ignored errors:|reconnects:|read:'
echo "Com_select during the run, per server (read-only port $readonly_port):"
for s in $servers; do
  name=${s%%:*}; rest=${s#*:}; port=${rest%%:*}; id=${rest#*:}
  after=$(com_select "$port")
  printf '  %-4s server_id=%s port=%s  %s\n' "$name" "$id" "$port" $((after - before[$s]))
done
sysbench oltp_read_only "${common[@]}" --mysql-port="$primary" cleanup >/dev/null
