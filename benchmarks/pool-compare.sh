#!/usr/bin/env bash
# New sessions per second (JMH JdbcLoadBenchmark.newConnection, 8 threads): direct, through the demo's
# connector (no backend pool), and through a second connector with connector-backend-pool=8 in front
# of the same primary, alternating, two rounds. Needs benchmarks/target/benchmarks.jar and the
# distribution (./mvnw -q -B -pl benchmarks,distribution -am package -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/demo-env.sh
pool_port=24507
out=$(mktemp -d)
connector_config "$pool_port" connector-backend-pool=8 >"$out/pool.ini"
distribution/target/turnout/bin/turnout connector --config "$out/pool.ini" --service alpha > "$out/pool-connector.log" 2>&1 &
pool_pid=$!
trap 'stop_pid $pool_pid; stop_demo; rm -rf "$out"' EXIT
for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$pool_port) 2>/dev/null && break; sleep 0.1; done
# Round 0 warms the two connectors' JIT up (a fresh JVM logs clients in at about half the rate
# for its first seconds) and is not reported.
for round in 0 1 2; do
  for target in direct:$primary connector:$connector pooled:$pool_port; do
    [ "$round" = 0 ] && [ "${target%%:*}" = direct ] && continue
    name=${target%%:*}; port=${target#*:}
    score=$(timeout 120 java -jar benchmarks/target/benchmarks.jar 'JdbcLoadBenchmark.newConnection' -f 1 -wi 1 -w 5 -i 1 -r 10 -t 8 \
      -p url=jdbc:mysql://127.0.0.1:$port/test -p user=app -p password=secret 2>&1 | awk '/^JdbcLoadBenchmark.newConnection/ {print $(NF-1)}' | tail -1)
    [ "$round" = 0 ] || echo "round $round $name newConnection ops/s: $score"
  done
done
