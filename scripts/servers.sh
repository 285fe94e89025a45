# shellcheck shell=bash
# Sourced by scripts/examples.sh and bench/run.sh: start valkey-server processes of our own on
# free loopback ports, and stop them. (The tests have their own harness in tests/support/.)
#   glide_start_server DIR     -> sets GLIDE_SERVER_PORT
#   glide_start_cluster DIR    -> 3 primaries + 3 replicas; sets GLIDE_CLUSTER_PORTS (array)
#   glide_stop_servers         -> stops everything started here (call it from an EXIT trap)

GLIDE_SERVER_PIDS=()

glide_free_ports() {  # COUNT: ports p whose cluster bus port p + 10000 is free too
  python3 - "$1" <<'PY'
import random, socket, sys
ports = []
while len(ports) < int(sys.argv[1]):
    p = random.randint(20000, 45000)
    if any(p in (q, q + 10000, q - 10000) for q in ports):
        continue
    free = True
    for port in (p, p + 10000):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            free = False
        finally:
            s.close()
    if free:
        ports.append(p)
print(" ".join(map(str, ports)))
PY
}

glide_wait_ping() {  # PORT
  for _ in $(seq 100); do
    valkey-cli -h 127.0.0.1 -p "$1" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "valkey-server on port $1 did not start" >&2
  return 1
}

glide_start_server() {  # DIR
  GLIDE_SERVER_PORT=$(glide_free_ports 1)
  valkey-server --port "$GLIDE_SERVER_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$1" \
                --logfile "$1/valkey.log" &
  GLIDE_SERVER_PIDS+=($!)
  glide_wait_ping "$GLIDE_SERVER_PORT"
}

glide_start_cluster() {  # DIR
  read -r -a GLIDE_CLUSTER_PORTS < <(glide_free_ports 6)
  local nodes=() port
  for port in "${GLIDE_CLUSTER_PORTS[@]}"; do
    mkdir -p "$1/cluster-$port"
    valkey-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file nodes.conf \
                  --cluster-node-timeout 5000 --save "" --appendonly no --dir "$1/cluster-$port" \
                  --logfile "$1/cluster-$port/valkey.log" &
    GLIDE_SERVER_PIDS+=($!)
    nodes+=("127.0.0.1:$port")
  done
  for port in "${GLIDE_CLUSTER_PORTS[@]}"; do glide_wait_ping "$port" || return 1; done
  valkey-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$1/cluster-create.log" 2>&1 ||
    { cat "$1/cluster-create.log" >&2; return 1; }
  for port in "${GLIDE_CLUSTER_PORTS[@]}"; do
    for _ in $(seq 300); do
      valkey-cli -h 127.0.0.1 -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' && break
      sleep 0.1
    done
    valkey-cli -h 127.0.0.1 -p "$port" cluster info | grep -q '^cluster_state:ok' ||
      { echo "cluster node $port never reached cluster_state:ok" >&2; return 1; }
  done
}

glide_stop_servers() {
  local pid
  for pid in "${GLIDE_SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${GLIDE_SERVER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  GLIDE_SERVER_PIDS=()
}
