#!/usr/bin/env bash
# The same JMH load (JdbcLoadBenchmark: HikariCP + MySQL Connector/J) against the demo cluster's
# primary directly and through the connector, alternating, and optionally through HAProxy in TCP
# mode, through a bridge on another port, and with sysbench oltp_point_select.
#
#   usage: benchmarks/compare.sh [--threads 8] [--seconds 20] [--warmup 5] [--rounds 2] [--rows 10000]
#                                [--haproxy] [--sysbench] [--bridge] [--bridge-port P] [--no-build]
#
# Builds the benchmarks and the distribution, starts 'bin/turnout demo' (benchmarks/demo-env.sh),
# and for every round and every workload runs each target once, in the order direct, connector,
# haproxy, bridge. Prints a table of throughput per round with the ratio target/direct, and the
# point-select latency percentiles at 1 thread with the microseconds added to direct's.
# Everything listens on 127.0.0.1; every process it starts is stopped by pid when it exits,
# also on failure or Ctrl-C. JMH's own output and a CSV per run stay in the printed directory.
set -euo pipefail
threads=8; seconds=20; warmup=5; rounds=2; rows=10000
with_haproxy=false; with_sysbench=false; bridge_port=""; with_bridge=false; build=true
usage() { sed -n '7,8p' "$0" | sed 's/^# *//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --threads) threads=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --haproxy) with_haproxy=true; shift ;;
    --sysbench) with_sysbench=true; shift ;;
    --bridge-port) bridge_port=$2; shift 2 ;;
    --bridge) with_bridge=true; shift ;;
    --no-build) build=false; shift ;;
    -h|--help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done
for number in "$threads" "$seconds" "$warmup" "$rounds" "$rows" ${bridge_port:+"$bridge_port"}; do
  [[ $number =~ ^[0-9]+$ && $number -gt 0 ]] || { echo "not a positive number: $number" >&2; exit 2; }
done
cd "$(dirname "$0")/.."

if $with_haproxy && ! command -v haproxy >/dev/null; then
  echo "HAProxy is not installed (apt-get install -y haproxy): skipping the haproxy target" >&2
  with_haproxy=false
fi
if $with_sysbench && ! command -v sysbench >/dev/null; then
  echo "sysbench is not installed (apt-get install -y sysbench): skipping sysbench" >&2
  with_sysbench=false
fi
if [ -n "$bridge_port" ] && ! (exec 3<>"/dev/tcp/127.0.0.1/$bridge_port") 2>/dev/null; then
  echo "nothing listens on 127.0.0.1:$bridge_port (--bridge-port)" >&2; exit 1
fi
if $build; then
  # The distribution too: bin/turnout would rebuild it (slowly, inside the demo's start-up time)
  # whenever a source file is newer than its jar, and the benchmarks' sources are.
  echo "building the benchmarks and the distribution ..." >&2
  ./mvnw -q -B -pl benchmarks,distribution -am package -DskipTests
fi

out=benchmarks/target/compare-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
. benchmarks/demo-env.sh
haproxy_pid=""; bridge_pid=""; running=""
stop_children() { # JMH's host JVM forks the measuring JVM: stop both
  local pid=$1 child
  for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do stop_pid "$child"; done
  stop_pid "$pid"
}
cleanup() {
  [ -n "$running" ] && stop_children "$running"
  [ -n "$haproxy_pid" ] && stop_pid "$haproxy_pid"
  [ -n "$bridge_pid" ] && stop_pid "$bridge_pid"
  stop_demo
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Runs a command in the background and waits for it, so that a signal stops it at once.
run() { "$@" & running=$!; local status=0; wait "$running" || status=$?; running=""; return $status; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

targets=(direct connector); declare -A port=([direct]=$primary [connector]=$connector)
if $with_haproxy; then
  for candidate in $(seq 24306 24405); do listening "$candidate" || { port[haproxy]=$candidate; break; }; done
  [ -n "${port[haproxy]:-}" ] || { echo "no free port in 24306..24405 for HAProxy" >&2; exit 1; }
  haproxy_config "${port[haproxy]}" >"$out/haproxy.cfg"
  haproxy -db -f "$out/haproxy.cfg" >"$out/haproxy.log" 2>&1 &
  haproxy_pid=$!
  for _ in $(seq 1 50); do listening "${port[haproxy]}" && break; sleep 0.1; done
  listening "${port[haproxy]}" || { cat "$out/haproxy.log" >&2; exit 1; }
  targets+=(haproxy)
fi
if $with_bridge && [ -z "$bridge_port" ]; then
  # A second connector, in bridge mode (connector-bridge-mode=true), in front of the demo's primary.
  for candidate in $(seq 24406 24505); do listening "$candidate" || { bridge_port=$candidate; break; }; done
  [ -n "$bridge_port" ] || { echo "no free port in 24406..24505 for the bridge" >&2; exit 1; }
  connector_config "$bridge_port" connector-bridge-mode=true >"$out/bridge.ini"
  distribution/target/turnout/bin/turnout connector --config "$out/bridge.ini" --service alpha >"$out/bridge.log" 2>&1 &
  bridge_pid=$!
  for _ in $(seq 1 100); do listening "$bridge_port" && break; sleep 0.1; done
  listening "$bridge_port" || { cat "$out/bridge.log" >&2; exit 1; }
fi
if [ -n "$bridge_port" ]; then port[bridge]=$bridge_port; targets+=(bridge); fi
echo "primary :$primary, connector :$connector${port[haproxy]:+, haproxy :${port[haproxy]}}${bridge_port:+, bridge :$bridge_port}; output in $out" >&2

if $with_sysbench; then
  sb=(sysbench oltp_point_select --db-driver=mysql --mysql-host=127.0.0.1 --mysql-user=app --mysql-password=secret
      --mysql-db=test --tables=1 --table-size="$rows")
  # sysbench's sbtest1 is the table JdbcLoadBenchmark uses; prepared here, JMH finds it and keeps it.
  "${sb[@]}" --mysql-port="$primary" cleanup >/dev/null
  "${sb[@]}" --mysql-port="$primary" prepare >/dev/null
fi

declare -A result
jmh() { # jmh NAME LABEL THREADS TARGET: runs JdbcLoadBenchmark.NAME and records its CSV rows
  local name=$1 label=$2 t=$3 target=$4
  local csv="$out/$round-$label-$target.csv"
  run java -jar benchmarks/target/benchmarks.jar "JdbcLoadBenchmark\.$name\$" -f 1 -t "$t" \
      -wi 1 -w "${warmup}s" -i 1 -r "${seconds}s" -p rows="$rows" \
      -p url="jdbc:mysql://127.0.0.1:${port[$target]}/test" -p user=app -p password=secret \
      -rf csv -rff "$csv" >"$out/$round-$label-$target.log" 2>&1 \
    || echo "round $round $label $target failed: see $out/$round-$label-$target.log" >&2
  [ -f "$csv" ] || return 0
  # "dev...JdbcLoadBenchmark.pointSelectLatency:p0.50","sample",1,N,123.4,... -> label:p0.50 = 123.4
  local key score
  while IFS=, read -r key _ _ _ score _; do
    key=${key//\"/}; key=${key##*.JdbcLoadBenchmark.}
    key=${key/#$name/$label}
    result["$round|$key|$target"]=$score
  done < <(tail -n +2 "$csv")
}
sysbench_run() {
  local target=$1 log="$out/$round-sysbench-$target.log"
  run "${sb[@]}" --mysql-port="${port[$target]}" --threads="$threads" --time="$seconds" run >"$log" 2>&1 \
    || { echo "round $round sysbench $target failed: see $log" >&2; return 0; }
  result["$round|sysbench point select|$target"]=$(sed -n 's/^ *queries: *[0-9]* *(\([0-9.]*\) per sec.)/\1/p' "$log")
}

# The hops are warmed up first, unmeasured: a fresh connector JVM is slower while its JIT compiles.
for target in "${targets[@]:1}"; do
  echo "warm-up: $target" >&2
  for name in pointSelect newConnection; do
    run java -jar benchmarks/target/benchmarks.jar "JdbcLoadBenchmark\.$name\$" -f 1 -t "$threads" -wi 0 -i 1 -r 5s \
        -p rows="$rows" -p url="jdbc:mysql://127.0.0.1:${port[$target]}/test" -p user=app -p password=secret \
        >"$out/warm-up-$name-$target.log" 2>&1 || echo "warm-up $name $target failed: see $out/warm-up-$name-$target.log" >&2
  done
done

for round in $(seq 1 "$rounds"); do
  for name in pointSelect readOnlyMix readWriteMix newConnection; do
    for target in "${targets[@]}"; do
      echo "round $round: $name, $threads threads, $target" >&2
      jmh "$name" "$name" "$threads" "$target"
    done
  done
  if $with_sysbench; then
    for target in "${targets[@]}"; do
      echo "round $round: sysbench oltp_point_select, $threads threads, $target" >&2
      sysbench_run "$target"
    done
  fi
  for target in "${targets[@]}"; do
    echo "round $round: pointSelectLatency, 1 thread, $target" >&2
    jmh pointSelectLatency "latency" 1 "$target"
  done
done

# The table: throughput with the ratio to direct, latency with the microseconds added to direct.
fmt() { awk -v v="$1" -v d="$2" 'BEGIN { if (v == "") { printf "-"; exit } printf (d ? "%.1f" : "%.0f"), v }'; }
ratio() { awk -v v="$1" -v d="$2" 'BEGIN { if (v == "" || d == "" || d == 0) printf "-"; else printf "%.2f", v / d }'; }
added() { awk -v v="$1" -v d="$2" 'BEGIN { if (v == "" || d == "") printf "-"; else printf "%+.1f", v - d }'; }
{
  echo "JdbcLoadBenchmark, $threads threads, ${warmup}s warm-up + ${seconds}s per run, $rows rows; $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  header="| round | workload (ops/s) | direct"; rule="|---|---|---"
  for target in "${targets[@]:1}"; do header+=" | $target | $target/direct"; rule+="|---|---"; done
  echo "$header |"; echo "$rule|"
  workloads=(pointSelect readOnlyMix readWriteMix readWriteMix:rolledBack newConnection)
  $with_sysbench && workloads+=("sysbench point select")
  for round in $(seq 1 "$rounds"); do
    for workload in "${workloads[@]}"; do
      direct=${result["$round|$workload|direct"]:-}
      line="| $round | $workload | $(fmt "$direct" 0)"
      for target in "${targets[@]:1}"; do
        value=${result["$round|$workload|$target"]:-}
        line+=" | $(fmt "$value" 0) | $(ratio "$value" "$direct")"
      done
      echo "$line |"
    done
  done
  echo
  header="| round | pointSelect at 1 thread (µs) | direct"; rule="|---|---|---"
  for target in "${targets[@]:1}"; do header+=" | $target | added"; rule+="|---|---"; done
  echo "$header |"; echo "$rule|"
  for round in $(seq 1 "$rounds"); do
    for percentile in p0.50 p0.90 p0.99; do
      direct=${result["$round|latency:$percentile|direct"]:-}
      line="| $round | $percentile | $(fmt "$direct" 1)"
      for target in "${targets[@]:1}"; do
        value=${result["$round|latency:$percentile|$target"]:-}
        line+=" | $(fmt "$value" 1) | $(added "$value" "$direct")"
      done
      echo "$line |"
    done
  done
} | tee "$out/table.md"
