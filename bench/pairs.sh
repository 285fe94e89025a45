#!/usr/bin/env bash
# Sequential round trips against hiredis's, in alternating 1 s pairs: the ratios of ops/s and of
# client CPU per op (getrusage) for each pair, and their medians. A pair runs the two clients one
# right after the other, in turn first, so that load drifting on a shared machine hits both; the
# median of many pairs is steadier than one long run of each (docs/performance.md, issue 16).
#
#   bench/pairs.sh [pairs] [set|sync-set]     # default: 12 pairs of sync-set
#
# Uses glide_bench and hiredis_bench from BENCH_BUILD_DIR (default build-bench, as bench/run.sh
# builds them), starts its own valkey-server on a free port pinned to CPU 0, runs the clients on
# CPU 1 (2 CPUs or more), and stops the server on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-12}
mode=${2:-sync-set}
build=${BENCH_BUILD_DIR:-build-bench}
glide=$build/bench/glide_bench
hiredis=$build/bench/hiredis_bench
for b in "$glide" "$hiredis"; do
  [ -x "$b" ] || { echo "no $b: build it first (bench/run.sh, or ninja -C $build glide_bench hiredis_bench)" >&2; exit 1; }
done

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
server_cpu="" client_cpu=""
if [ "$(nproc)" -ge 2 ]; then server_cpu="taskset -c 0" client_cpu="taskset -c 1"; fi
$server_cpu valkey-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" \
  --daemonize yes --pidfile "$dir/valkey.pid" --logfile "$dir/valkey.log"
trap 'kill "$(cat "$dir/valkey.pid" 2>/dev/null)" 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do valkey-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done

field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }
for ((i = 0; i < pairs; i++)); do
  if ((i % 2)); then
    h=$($client_cpu "$hiredis" --port "$port" pipeline --depth 1 --seconds 1)
    g=$($client_cpu "$glide" --port "$port" "$mode" --seconds 1)
  else
    g=$($client_cpu "$glide" --port "$port" "$mode" --seconds 1)
    h=$($client_cpu "$hiredis" --port "$port" pipeline --depth 1 --seconds 1)
  fi
  echo "$(field ops_per_sec <<<"$h") $(field cpu_us_per_op <<<"$h") $(field ops_per_sec <<<"$g") $(field cpu_us_per_op <<<"$g")"
done | python3 -c '
import statistics as st, sys
rows = [list(map(float, line.split())) for line in sys.stdin]
ops = [g / h for h, _, g, _ in rows]
cpu = [gc / hc for _, hc, _, gc in rows]
print("pair ratios (ops/cpu):", " ".join(f"{o:.2f}/{c:.2f}" for o, c in zip(ops, cpu)))
print(f"'"$mode"': {len(rows)} pairs, median ops ratio {st.median(ops):.3f}, median CPU ratio {st.median(cpu):.3f}"
      f" (hiredis {st.median(r[0] for r in rows):.0f} ops/s, {st.median(r[1] for r in rows):.1f} us CPU per op)")
'
