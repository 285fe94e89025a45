#!/usr/bin/env bash
# README command 1: set up, build, start a valkey-server and a 6-node cluster (3 primaries, 3
# replicas) of our own on free ports, and run every example against them. Set GLIDE_HOST/GLIDE_PORT
# (a server) or GLIDE_CLUSTER_HOST/GLIDE_CLUSTER_PORT (any node of a cluster) to use yours instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh

server_pid=""
cluster_pids=()
workdir=$(mktemp -d)
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  for pid in "${cluster_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${cluster_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$workdir"
}
trap cleanup EXIT

if [ -z "${GLIDE_PORT:-}" ]; then
  export GLIDE_HOST=127.0.0.1
  GLIDE_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
               shuf -i 20000-40000 -n 1)
  export GLIDE_PORT
  valkey-server --port "$GLIDE_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$workdir" \
                --logfile "$workdir/valkey.log" &
  server_pid=$!
  for _ in $(seq 100); do
    valkey-cli -h 127.0.0.1 -p "$GLIDE_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "== started valkey-server on $GLIDE_HOST:$GLIDE_PORT"
fi

if [ -z "${GLIDE_CLUSTER_PORT:-}" ]; then
  export GLIDE_CLUSTER_HOST=127.0.0.1
  # Six ports p whose cluster bus port p + 10000 is free too.
  read -r -a cluster_ports < <(python3 - <<'PY'
import random, socket
ports = []
while len(ports) < 6:
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
)
  nodes=()
  for port in "${cluster_ports[@]}"; do
    mkdir -p "$workdir/cluster-$port"
    valkey-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file nodes.conf \
                  --cluster-node-timeout 5000 --save "" --appendonly no --dir "$workdir/cluster-$port" \
                  --logfile "$workdir/cluster-$port/valkey.log" &
    cluster_pids+=($!)
    nodes+=("127.0.0.1:$port")
  done
  for port in "${cluster_ports[@]}"; do
    for _ in $(seq 100); do
      valkey-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break
      sleep 0.1
    done
  done
  valkey-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$workdir/cluster-create.log"
  for port in "${cluster_ports[@]}"; do
    for _ in $(seq 300); do
      valkey-cli -h 127.0.0.1 -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' && break
      sleep 0.1
    done
    valkey-cli -h 127.0.0.1 -p "$port" cluster info | grep -q '^cluster_state:ok' ||
      { echo "cluster node $port never reached cluster_state:ok" >&2; exit 1; }
  done
  export GLIDE_CLUSTER_PORT=${cluster_ports[0]}
  echo "== started a 6-node cluster on $GLIDE_CLUSTER_HOST:${cluster_ports[*]}"
fi

for example in "${BUILD_DIR:-build}"/examples/example_*; do
  [ -x "$example" ] || continue
  echo
  echo "== $(basename "$example")"
  "$example"
done
