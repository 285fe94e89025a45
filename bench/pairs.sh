#!/usr/bin/env bash
# Sequential round trips against hiredis's, in alternating 1 s pairs: the ratios of ops/s and of
# client CPU per op (getrusage) for each pair, and their medians. A pair runs the two clients one
# right after the other, in turn first, so that load drifting on a shared machine hits both; the
# median of many pairs is steadier than one long run of each (docs/performance.md, issue 16).
#
#   bench/pairs.sh [pairs] [set|sync-set]     # default: 12 pairs of sync-set
#
# With `set`, bench/asio_floor (an Asio coroutine on a bare socket) runs in every group as well.
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
# For `set`, asio_floor runs in each group too: the same round trips from an Asio coroutine on a
# bare socket, the floor under any client built on Asio's event loop (its median CPU ratio, and
# glide-cpp's over it, are printed as well).
floor=""
if [ "$mode" = set ] && [ -x "$build/bench/asio_floor" ]; then floor=$build/bench/asio_floor; fi
for ((i = 0; i < pairs; i++)); do
  runs=(h g)
  [ -z "$floor" ] || runs+=(f)
  if ((i % 2)); then runs=($(printf '%s\n' "${runs[@]}" | tac)); fi
  for r in "${runs[@]}"; do
    case $r in
      h) h=$($client_cpu "$hiredis" --port "$port" pipeline --depth 1 --seconds 1) ;;
      g) g=$($client_cpu "$glide" --port "$port" "$mode" --seconds 1) ;;
      f) f=$($client_cpu "$floor" --port "$port" set --seconds 1) ;;
    esac
  done
  line="$(field ops_per_sec <<<"$h") $(field cpu_us_per_op <<<"$h") $(field ops_per_sec <<<"$g") $(field cpu_us_per_op <<<"$g")"
  [ -z "$floor" ] || line="$line $(field ops_per_sec <<<"$f") $(field cpu_us_per_op <<<"$f")"
  echo "$line"
done | python3 -c '
import statistics as st, sys
rows = [list(map(float, line.split())) for line in sys.stdin]
ops = [r[2] / r[0] for r in rows]
cpu = [r[3] / r[1] for r in rows]
print("pair ratios (ops/cpu):", " ".join(f"{o:.2f}/{c:.2f}" for o, c in zip(ops, cpu)))
print(f"'"$mode"': {len(rows)} pairs, median ops ratio {st.median(ops):.3f}, median CPU ratio {st.median(cpu):.3f}"
      f" (hiredis {st.median(r[0] for r in rows):.0f} ops/s, {st.median(r[1] for r in rows):.1f} us CPU per op)")
if rows and len(rows[0]) == 6:
    print(f"asio_floor: median ops ratio {st.median(r[4] / r[0] for r in rows):.3f}, median CPU ratio "
          f"{st.median(r[5] / r[1] for r in rows):.3f} vs hiredis; glide-cpp / floor CPU {st.median(r[3] / r[5] for r in rows):.3f}")
'
