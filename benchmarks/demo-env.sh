# Sourced by the benchmark scripts: starts 'bin/turnout demo', waits for it (at most 120 s), and sets
#   demo       the demo's pid (bin/turnout execs java, so it is the JVM's pid)
#   primary    the primary's port
#   connector  the connector's port
# It defines connector_config PORT [LINE...] (a second connector's configuration: on 127.0.0.1:PORT in
# front of the demo's primary, with the LINEs added to its [defaults]; printed on stdout),
# haproxy_config PORT (HAProxy 2.x in TCP mode, one thread, on 127.0.0.1:PORT in front of
# the primary, printed on stdout), stop_pid PID (TERM, at most 60 s for it to stop, then KILL) and stop_demo, and installs an EXIT trap
# that calls stop_demo; a script that starts more processes replaces the trap with one that stops
# those too and then calls stop_demo.
stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
demo_log=$(mktemp)
bin/turnout demo >"$demo_log" 2>&1 &
demo=$!
stop_demo() { stop_pid "$demo"; rm -f "$demo_log"; }
trap stop_demo EXIT
for _ in $(seq 1 120); do grep -q 'Press Ctrl-C' "$demo_log" && break; kill -0 "$demo" 2>/dev/null || break; sleep 1; done
grep -q 'Press Ctrl-C' "$demo_log" || { cat "$demo_log" >&2; exit 1; }
connector=$(sed -n 's/.*on 127.0.0.1:\([0-9]*\) (configuration.*/\1/p' "$demo_log")
primary=$(sed -n 's/^  db1 *127.0.0.1:\([0-9]*\) .*/\1/p' "$demo_log")
haproxy_config() {
  cat <<CFG
global
  nbthread 1
  maxconn 2000
defaults
  mode tcp
  timeout connect 5s
  timeout client 10m
  timeout server 10m
frontend mysql
  bind 127.0.0.1:$1
  default_backend primary
backend primary
  server db1 127.0.0.1:$primary
CFG
}
connector_config() {
  local port=$1; shift
  printf '[defaults]\napplication-user=app\napplication-password=secret\napplication-port=%s\nconnector-listen-address=127.0.0.1\n' "$port"
  [ $# -eq 0 ] || printf '%s\n' "$@"
  printf '[alpha]\nmaster=127.0.0.1:%s\nmembers=127.0.0.1:%s\n' "$primary" "$primary"
}
