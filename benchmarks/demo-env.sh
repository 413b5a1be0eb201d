# Sourced by the benchmark scripts: starts 'bin/turnout demo', waits for it, and sets
#   demo       the demo's pid (bin/turnout execs java, so it is the JVM's pid)
#   primary    the primary's port
#   connector  the connector's port
# and an EXIT trap that stops the demo by its pid. Needs sysbench.
command -v sysbench >/dev/null || { echo "sysbench is not installed (apt-get install sysbench)" >&2; exit 1; }
demo_log=$(mktemp)
bin/turnout demo >"$demo_log" 2>&1 &
demo=$!
trap 'kill -TERM $demo 2>/dev/null; wait $demo 2>/dev/null; rm -f "$demo_log"' EXIT
for _ in $(seq 1 120); do grep -q 'Press Ctrl-C' "$demo_log" && break; sleep 1; done
grep -q 'Press Ctrl-C' "$demo_log" || { cat "$demo_log" >&2; exit 1; }
connector=$(sed -n 's/.*on 127.0.0.1:\([0-9]*\) (configuration.*/\1/p' "$demo_log")
primary=$(sed -n 's/^  db1 *127.0.0.1:\([0-9]*\) .*/\1/p' "$demo_log")
