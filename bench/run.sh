#!/usr/bin/env bash
# Compares glide-cpp with peers measured in the same run against the same server, and prints one
# markdown table of ratios (machines are shared and noisy: absolute numbers alone mean little).
#
#   bench/run.sh
#
# Environment:
#   BENCH_SECONDS   seconds per measurement (default 3), after a 0.5 s warm-up
#   BENCH_ROUNDS    rounds over all workloads (default 2); each figure is the best of its rounds
#                   (noise on a shared machine only ever slows a run down)
#   BENCH_JOBS      ninja -j for the build (default 2)
#   BENCH_BUILD_DIR the build directory for glide_bench (default build-bench, configured in
#                   Release if it does not exist; an existing one is used as it is configured)
#                   and, when hiredis was found there, hiredis_bench and parser_bench
#   BENCH_SETUP=0   skip scripts/setup.sh (the Debian packages)
#   BENCH_NODE=0    skip the GLIDE for Node peer (it is also skipped when node/npm are missing)
#   BENCH_HIREDIS=0 skip the hiredis peers: hiredis_bench (the pipeline workload with hiredis) and
#                   parser_bench (RespParser against hiredis's redisReader, no server); they are
#                   also skipped when the build directory has no such targets (hiredis not found)
#   BENCH_CLUSTER=0 skip the cluster workloads (and the 6-node cluster they run on)
#   BENCH_ONLY      all (default) | standalone | cluster | hiredis: run only the workloads on the
#                   single server, only those on the cluster, or only the pipeline rows (glide-cpp,
#                   valkey-benchmark, hiredis; no Node) and parser_bench
#   BENCH_PIN=0     do not pin: by default (2 CPUs or more) the single server runs on CPU 0 and
#                   every client of it on CPU 1, so that a round trip always crosses CPUs; left
#                   to the scheduler, sequential round trips came out at 13k/s or 26k/s by where
#                   the two happened to run. The sequential rows are also measured with the
#                   client on the server's CPU ("same CPU"). The cluster is not pinned.
#   BENCH_BEFORE_DIR a build directory of an earlier glide-cpp (bench/glide_bench built there, e.g.
#                   in a git worktree): every glide-cpp measurement is also made with it, right
#                   next to today's, and a last table gives after / before per workload
#   BENCH_NODE_DIR  where @valkey/valkey-glide is installed
#                   (default ${XDG_CACHE_HOME:-$HOME/.cache}/glide-cpp-bench/node)
#
# Progress goes to stderr, the table to stdout. Builds glide_bench, asio_floor, hiredis_bench and
# parser_bench (in Release in build-bench/),
# starts a private valkey-server on a free port and a private 6-node cluster (3 primaries,
# 3 replicas) on six more, and stops them on exit. Not run by CI or tests.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

seconds=${BENCH_SECONDS:-3}
rounds=${BENCH_ROUNDS:-2}
jobs=${BENCH_JOBS:-2}
build_dir=${BENCH_BUILD_DIR:-build-bench}
node_dir=${BENCH_NODE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/glide-cpp-bench/node}
depths=(1 10 100 1000)  # depth 1: sequential round trips, one SET at a time
cluster_depths=(100 1000)
same_cpu_depths=(100 1000)  # pipelines measured again with the client on the server's CPU
get_concurrency=256
only=${BENCH_ONLY:-all}
case "$only" in
  all | standalone | cluster | hiredis) ;;
  *) echo "[bench] BENCH_ONLY must be all, standalone, cluster or hiredis, not '$only'" >&2; exit 2 ;;
esac
use_standalone=1
use_cluster=1
[ "$only" != cluster ] || use_standalone=0
[ "$only" != standalone ] && [ "$only" != hiredis ] && [ "${BENCH_CLUSTER:-1}" != 0 ] || use_cluster=0
[ "$only" != hiredis ] || [ "${BENCH_HIREDIS:-1}" != 0 ] ||
  { echo "[bench] BENCH_ONLY=hiredis with BENCH_HIREDIS=0: nothing to run" >&2; exit 2; }
[ "$use_standalone" = 1 ] || [ "$use_cluster" = 1 ] || { echo "[bench] nothing to run" >&2; exit 2; }

log() { echo "[bench] $*" >&2; }

# ---- packages and build
if [ "${BENCH_SETUP:-1}" != 0 ]; then
  log "checking packages (scripts/setup.sh)"
  scripts/setup.sh >&2
fi
if [ ! -f "$build_dir/build.ninja" ]; then
  log "configuring $build_dir (Release)"
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGLIDE_WERROR=ON \
    -DGLIDE_BUILD_TESTS=OFF -DGLIDE_BUILD_EXAMPLES=OFF >&2
fi
# The hiredis peers exist as targets only when CMake found hiredis (libhiredis-dev); regenerate
# build.ninja first if the CMake files changed, so that a new target shows.
ninja -C "$build_dir" build.ninja >&2
use_hiredis=0
targets=(glide_bench asio_floor)
if [ "${BENCH_HIREDIS:-1}" != 0 ] && [ "$use_standalone" = 1 ]; then
  if ninja -C "$build_dir" -t query hiredis_bench >/dev/null 2>&1 &&
    ninja -C "$build_dir" -t query parser_bench >/dev/null 2>&1; then
    use_hiredis=1
    targets+=(hiredis_bench parser_bench)
  else
    log "no hiredis_bench/parser_bench targets in $build_dir (hiredis not found when it was configured:"
    log "  install libhiredis-dev, then cmake -S . -B $build_dir): the hiredis rows are skipped"
    [ "$only" != hiredis ] || { log "BENCH_ONLY=hiredis: nothing to run"; exit 1; }
  fi
fi
log "building ${targets[*]} in $build_dir ($(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build_dir/CMakeCache.txt"))"
ninja -C "$build_dir" -j"$jobs" "${targets[@]}" >&2
glide_bench=$(cd "$build_dir" && pwd)/bench/glide_bench
before_bench=""
if [ -n "${BENCH_BEFORE_DIR:-}" ]; then
  before_bench=$(cd "$BENCH_BEFORE_DIR" && pwd)/bench/glide_bench
  [ -x "$before_bench" ] || { log "no bench/glide_bench in BENCH_BEFORE_DIR=$BENCH_BEFORE_DIR"; exit 1; }
  log "before: $before_bench, measured next to every glide-cpp figure"
  # The modes it knows, from its usage line: an earlier build may lack newer ones (sync-set).
  before_modes="|$({ "$before_bench" 2>&1 || true; } | sed -n 's/^usage: glide_bench .* \([a-z|-]*\)$/\1/p')|"
fi
hiredis_bench=$(cd "$build_dir" && pwd)/bench/hiredis_bench
asio_floor=$(cd "$build_dir" && pwd)/bench/asio_floor
parser_bench=$(cd "$build_dir" && pwd)/bench/parser_bench

# ---- GLIDE for Node, installed outside the repository
use_node=0
if [ "${BENCH_NODE:-1}" != 0 ] && [ "$only" != hiredis ]; then
  if command -v node >/dev/null && command -v npm >/dev/null; then
    if [ ! -f "$node_dir/node_modules/@valkey/valkey-glide/package.json" ]; then
      log "installing @valkey/valkey-glide into $node_dir"
      mkdir -p "$node_dir"
      (cd "$node_dir" && npm install --no-audit --no-fund --loglevel=error @valkey/valkey-glide >&2)
    fi
    use_node=1
    node_version=$(node -p "require('$node_dir/node_modules/@valkey/valkey-glide/package.json').version")
    log "GLIDE for Node $node_version (node $(node --version))"
  else
    log "node/npm not found: the GLIDE for Node rows are skipped"
  fi
fi

# ---- private servers
workdir=$(mktemp -d "${TMPDIR:-/tmp}/glide-bench.XXXXXX")
source "$root/scripts/servers.sh"
trap 'glide_stop_servers; rm -rf "$workdir"' EXIT
trap 'exit 130' INT TERM
server_version=$(valkey-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')

port=""
pin=0
[ "${BENCH_PIN:-1}" = 0 ] || [ "$(nproc)" -lt 2 ] || pin=1
client_cpu=1  # where the clients of the single server run when pinned
if [ "$use_standalone" = 1 ]; then
  glide_start_server "$workdir" || { cat "$workdir/valkey.log" >&2; exit 1; }
  port=$GLIDE_SERVER_PORT
  log "valkey-server $server_version on 127.0.0.1:$port"
  if [ "$pin" = 1 ]; then
    taskset -a -p -c 0 "${GLIDE_SERVER_PIDS[-1]}" >/dev/null
    log "pinned: the server on CPU 0, its clients on CPU 1 (BENCH_PIN=0: not pinned)"
  fi
fi

# A 6-node cluster, 3 primaries and 3 replicas, started as scripts/examples.sh starts it.
cluster_port=""
if [ "$use_cluster" = 1 ]; then
  glide_start_cluster "$workdir" || { log "the cluster did not form"; exit 1; }
  cluster_ports=("${GLIDE_CLUSTER_PORTS[@]}")
  cluster_port=${cluster_ports[0]}
  log "6-node cluster (3 primaries, 3 replicas) of valkey-server $server_version on 127.0.0.1:${cluster_ports[*]}"
fi
log "${seconds}s per measurement, $rounds round(s)"

# ---- measurements
declare -A best    # measurement name -> best ops/s over the rounds
declare -A allocs  # glide-cpp measurement name -> heap allocations per operation (glide_bench counts)
declare -A cpu     # measurement name -> the client's least CPU µs per operation over the rounds

record() {  # name ops_per_sec [cpu µs per op]
  local name=$1 v=$2 c=${3:-}
  log "  $name: $v ops/s${c:+, $c µs CPU per op}"
  if [ -z "${best[$name]:-}" ] || [ "$v" -gt "${best[$name]}" ]; then best[$name]=$v; fi
  # Like throughput, CPU per operation only ever gets worse from noise: the least is kept.
  if [ -n "$c" ] && { [ -z "${cpu[$name]:-}" ] || python3 -c "import sys; sys.exit(0 if $c < ${cpu[$name]} else 1)"; }; then
    cpu[$name]=$c
  fi
}
cpu_of() { sed -n 's/^result .*cpu_us_per_op=\([0-9.]*\).*/\1/p' | tail -1; }
ops_of() { sed -n 's/^result .*ops_per_sec=\([0-9]*\).*/\1/p' | tail -1; }

# The command prefix for a client of port $1: pinned to $client_cpu for the single server.
on_cpu() {
  if [ "$pin" = 1 ] && [ "$1" = "$port" ]; then echo "taskset -c $client_cpu"; fi
}

one_cpp() {  # binary port name, glide_bench arguments...
  local bin=$1 p=$2 name=$3 out
  shift 3
  # shellcheck disable=SC2046
  out=$($(on_cpu "$p") "$bin" --port "$p" --seconds "$seconds" "$@") || { log "$bin $* failed"; exit 1; }
  record "$name" "$(ops_of <<<"$out")" "$(cpu_of <<<"$out")"
  allocs[$name]=$(sed -n 's/^result .*allocs_per_op=\([0-9.]*\).*/\1/p' <<<"$out" | tail -1)
}
cpp_names=()  # every glide-cpp measurement, for the after / before table
cpp_at() {  # port name, glide_bench arguments...: today's glide-cpp, and the earlier one next to it
  local p=$1 name=$2 mode=$3
  shift 2
  [[ " ${cpp_names[*]} " == *" $name "* ]] || cpp_names+=("$name")
  local before=$before_bench
  if [ -n "$before" ] && [[ "$before_modes" != *"|$mode|"* ]]; then
    [ "$round" != 1 ] || log "  before_$name: not measured, the earlier glide_bench has no mode $mode"
    before=""
  fi
  if [ -n "$before" ] && [ $((round % 2)) = 0 ]; then one_cpp "$before" "$p" "before_$name" "$@"; fi
  one_cpp "$glide_bench" "$p" "$name" "$@"
  if [ -n "$before" ] && [ $((round % 2)) = 1 ]; then one_cpp "$before" "$p" "before_$name" "$@"; fi
}
nodejs_at() {  # port name, bench.mjs arguments...
  local p=$1 name=$2 out
  shift 2
  [ "$use_node" = 1 ] || return 0
  # shellcheck disable=SC2046
  out=$($(on_cpu "$p") node bench/node/bench.mjs --modules "$node_dir/node_modules" --port "$p" --seconds "$seconds" "$@") ||
    { log "bench.mjs $* failed"; exit 1; }
  record "$name" "$(ops_of <<<"$out")"
}
peer_bench() {  # binary name, its arguments...: a peer program of the single server, ops/s and CPU
  local bin=$1 name=$2 out
  shift 2
  # shellcheck disable=SC2046
  out=$($(on_cpu "$port") "$bin" --port "$port" --seconds "$seconds" "$@") || { log "$(basename "$bin") $* failed"; exit 1; }
  record "$name" "$(ops_of <<<"$out")" "$(cpu_of <<<"$out")"
}
hiredis() {  # name, hiredis_bench arguments...
  [ "$use_hiredis" = 1 ] || return 0
  peer_bench "$hiredis_bench" "$@"
}
floor() { peer_bench "$asio_floor" "$@"; }  # name, asio_floor arguments...: the same round trips, no client library
cpp() { cpp_at "$port" "$@"; }                          # against the single server
nodejs() { nodejs_at "$port" "$@"; }
cpp_cluster() { cpp_at "$cluster_port" "$@"; }          # against the cluster (any node seeds it)
nodejs_cluster() { nodejs_at "$cluster_port" "$@"; }
vbench() {  # name depth [sizing]: as many SETs as glide-cpp's best run at that depth (or the
            # measurement named by sizing) did in $seconds
  local name=$1 depth=$2 sizing=${3:-cpp_pipeline_$2} n out v
  n=$(python3 -c "print(max(20000, int(${best[$sizing]} * $seconds)))")
  # shellcheck disable=SC2046
  out=$($(on_cpu "$port") valkey-benchmark -h 127.0.0.1 -p "$port" -P "$depth" -c 1 -n "$n" -t set -d 16 -r 10000 -q 2>&1) ||
    { log "valkey-benchmark failed: $out"; exit 1; }
  v=$(tr '\r' '\n' <<<"$out" | sed -n 's/^SET: \([0-9.]*\) requests per second.*/\1/p' | tail -1)
  [ -n "$v" ] || { log "cannot parse valkey-benchmark output: $out"; exit 1; }
  record "$name" "${v%.*}"
}

# Peers run next to each other, and the order flips every round, so that drifting load on the
# shared machine hits every side alike.
run_group() {  # round, then "kind name args..." strings
  local round=$1
  shift
  local -a steps=("$@")
  if [ $((round % 2)) = 0 ]; then
    local -a reversed=()
    for ((i = ${#steps[@]} - 1; i >= 0; i--)); do reversed+=("${steps[$i]}"); done
    steps=("${reversed[@]}")
  fi
  local s
  for s in "${steps[@]}"; do
    # shellcheck disable=SC2086
    set -- $s
    "$@"
  done
}

for ((round = 1; round <= rounds; round++)); do
  log "round $round/$rounds"
  if [ "$use_standalone" = 1 ]; then
    for d in "${depths[@]}"; do
      # glide-cpp first in every round: valkey-benchmark sizes its run (-n) from its figure.
      cpp "cpp_pipeline_$d" pipeline --depth "$d"
      run_group "$round" "vbench vbench_$d $d" "hiredis hiredis_pipeline_$d pipeline --depth $d" \
        "nodejs node_pipeline_$d pipeline --depth $d"
    done
    # Sequential SETs through the plain API (set(), awaited one by one): the same round trips as
    # depth 1 above, without a batch; and through the blocking client, next to hiredis.
    run_group "$round" "cpp cpp_set set" "floor asio_floor_set set"
    run_group "$round" "cpp cpp_sync_set sync-set" "hiredis hiredis_sync_1 pipeline --depth 1"
    cpp cpp_sync_pipeline_100 sync-pipeline --depth 100
    if [ "$pin" = 1 ]; then
      # Every client on the server's CPU: no cross-CPU wake-up in a round trip, so what each
      # client spends on the CPU shows (it is taken from the server).
      client_cpu=0
      cpp cpp_set_same set
      run_group "$round" "vbench vbench_1_same 1 cpp_set_same" "hiredis hiredis_pipeline_1_same pipeline --depth 1"
      if [ "$only" != hiredis ]; then
        for d in "${same_cpu_depths[@]}"; do
          cpp "cpp_pipeline_${d}_same" pipeline --depth "$d"
          run_group "$round" "vbench vbench_${d}_same $d cpp_pipeline_${d}_same" \
            "hiredis hiredis_pipeline_${d}_same pipeline --depth $d" "nodejs node_pipeline_${d}_same pipeline --depth $d"
        done
      fi
      client_cpu=1
    fi
    if [ "$only" != hiredis ]; then
      run_group "$round" "cpp cpp_script script" "cpp cpp_evalsha evalsha" "nodejs node_script script" \
        "nodejs node_evalsha evalsha"
      run_group "$round" "cpp cpp_get get --concurrency $get_concurrency" \
        "cpp cpp_pipeline_100_get pipeline --depth 100" "nodejs node_get get --concurrency $get_concurrency"
    fi
  fi
  if [ "$use_cluster" = 1 ]; then
    for d in "${cluster_depths[@]}"; do
      run_group "$round" "cpp_cluster cpp_cluster_pipeline_$d cluster-pipeline --depth $d" \
        "nodejs_cluster node_cluster_pipeline_$d cluster-pipeline --depth $d"
    done
  fi
done

# RespParser against hiredis's redisReader on the same bytes, no server involved: one run of
# parser_bench, which does its own rounds (best of them, the order flipped every round).
parser_cases=(small array big)
if [ "$use_hiredis" = 1 ]; then
  log "parser_bench: ${seconds}s per measurement, $rounds round(s)"
  out=$("$parser_bench" --seconds "$seconds" --rounds "$rounds") || { log "parser_bench failed"; exit 1; }
  for c in "${parser_cases[@]}"; do
    for impl in glide-cpp hiredis; do
      v=$(sed -n "s/^result impl=$impl mode=parser case=$c .*ops_per_sec=\([0-9]*\).*/\1/p" <<<"$out")
      [ -n "$v" ] || { log "cannot parse parser_bench output: $out"; exit 1; }
      record "${impl%-cpp}_parser_$c" "$v"
    done
  done
fi

# Memory of queued requests: a million GETs on a client whose server never answers (a free port
# nothing listens on), no rounds needed: the figure is a count, not a speed.
queue_line=""
if [ "$use_standalone" = 1 ] && [ "$only" != hiredis ]; then
  free_port=$(glide_free_ports 1)
  queue_line=$("$glide_bench" --port "$free_port" queue-memory 2>/dev/null) || { log "glide_bench queue-memory failed"; exit 1; }
  log "  $queue_line"
fi

# ---- the table
row() {  # workload ours peer_label peer
  local workload=$1 ours=${best[$2]:-} label=$3 peer=${best[$4]:-} ratio="-"
  [ -n "$ours" ] && [ -n "$peer" ] || return 0
  ratio=$(python3 -c "print(f'{$ours / $peer:.2f}')")
  printf '| %s | %s | %s | %s | %s |\n' "$workload" "$ours" "$label" "$peer" "$ratio"
}
echo "| workload | glide-cpp ops/s | peer | peer ops/s | ratio |"
echo "|---|---:|---|---:|---:|"
for d in "${depths[@]}"; do
  workload="pipeline: Batch(false) of $d SETs, 1 client"
  [ "$d" != 1 ] || workload="pipeline: Batch(false) of 1 SET, 1 client (sequential round trips)"
  row "$workload" "cpp_pipeline_$d" "valkey-benchmark -P $d -c 1 -t set" "vbench_$d"
  row "$workload" "cpp_pipeline_$d" "hiredis, $d redisAppendCommand + $d redisGetReply" "hiredis_pipeline_$d"
  row "$workload" "cpp_pipeline_$d" "GLIDE Node exec(Batch(false))" "node_pipeline_$d"
done
row "script \`return ARGV[1]\`, sequential: invoke_script" cpp_script "glide-cpp custom_command EVALSHA" cpp_evalsha
row "script \`return ARGV[1]\`, sequential: invoke_script" cpp_script "GLIDE Node invokeScript" node_script
row "EVALSHA via custom_command, sequential" cpp_evalsha "GLIDE Node customCommand EVALSHA" node_evalsha
row "GET, $get_concurrency coroutines on 1 client" cpp_get "glide-cpp pipeline, depth 100 (SET)" cpp_pipeline_100_get
row "GET, $get_concurrency coroutines on 1 client" cpp_get "GLIDE Node GET, $get_concurrency concurrent" node_get
row "reply parsing (no server): 10000 small replies (+OK, :12345, 16-byte bulk), replies/s" glide_parser_small \
  "hiredis redisReader" hiredis_parser_small
row "reply parsing (no server): arrays of 1000 16-byte bulk strings, arrays/s" glide_parser_array \
  "hiredis redisReader" hiredis_parser_array
row "reply parsing (no server): 1 MiB bulk strings, replies/s" glide_parser_big "hiredis redisReader" hiredis_parser_big
for d in "${cluster_depths[@]}"; do
  row "cluster pipeline: ClusterBatch(false) of $d SETs, 1 client, 3 primaries" "cpp_cluster_pipeline_$d" \
    "GLIDE Node exec(ClusterBatch(false))" "node_cluster_pipeline_$d"
done
row "SET, sequential: set() awaited one at a time, 1 client" cpp_set "valkey-benchmark -P 1 -c 1 -t set" vbench_1
row "SET, sequential: set() awaited one at a time, 1 client" cpp_set "hiredis, redisCommand-like round trips" hiredis_pipeline_1
row "SET, sequential: set() awaited one at a time, 1 client" cpp_set "Asio coroutine, bare socket (bench/asio_floor)" asio_floor_set
row "SET, sequential: sync::GlideClient::set(), 1 thread" cpp_sync_set "hiredis redisCommand-like round trips, next to it" hiredis_sync_1
row "SET, sequential, client on the server's CPU" cpp_set_same "valkey-benchmark -P 1 -c 1 -t set, same CPU" vbench_1_same
row "SET, sequential, client on the server's CPU" cpp_set_same "hiredis round trips, same CPU" hiredis_pipeline_1_same
for d in "${same_cpu_depths[@]}"; do
  workload="pipeline: Batch(false) of $d SETs, client on the server's CPU"
  row "$workload" "cpp_pipeline_${d}_same" "valkey-benchmark -P $d -c 1 -t set, same CPU" "vbench_${d}_same"
  row "$workload" "cpp_pipeline_${d}_same" "hiredis, same CPU" "hiredis_pipeline_${d}_same"
  row "$workload" "cpp_pipeline_${d}_same" "GLIDE Node exec(Batch(false)), same CPU" "node_pipeline_${d}_same"
done

# ---- heap allocations and memory (glide_bench's counting operator new)
echo
echo "| glide-cpp workload | heap allocations per operation |"
echo "|---|---:|"
alloc_row() {  # workload name
  [ -n "${allocs[$2]:-}" ] || return 0
  printf '| %s | %s |\n' "$1" "${allocs[$2]}"
}
for d in "${depths[@]}"; do alloc_row "pipeline: exec() of a reused Batch(false) of $d SETs, per SET (write and read path)" "cpp_pipeline_$d"; done
alloc_row "SET, sequential, per SET" cpp_set
alloc_row "GET, $get_concurrency coroutines, per GET (its 16-byte value is one)" cpp_get
alloc_row "invoke_script, per call" cpp_script
for d in "${cluster_depths[@]}"; do alloc_row "cluster pipeline of $d SETs, per SET" "cpp_cluster_pipeline_$d"; done
echo
echo "| client CPU per SET (user + system, getrusage) | glide-cpp µs | hiredis µs | glide-cpp / hiredis |"
echo "|---|---:|---:|---:|"
cpu_row() {  # workload ours theirs
  local a=${cpu[$2]:-} b=${cpu[$3]:-}
  [ -n "$a" ] && [ -n "$b" ] || return 0
  printf '| %s | %s | %s | %s |\n' "$1" "$a" "$b" "$(python3 -c "print(f'{$a / $b:.2f}')")"
}
cpu_row "sequential, async set()" cpp_set hiredis_pipeline_1
cpu_row "sequential, sync::GlideClient::set()" cpp_sync_set hiredis_sync_1
# The floor under the async row: an Asio coroutine writing and reading the same SETs on a bare
# socket (bench/asio_floor.cpp): what the event loop and a coroutine resume cost before any client.
cpu_row "sequential, Asio coroutine on a bare socket (bench/asio_floor, no client library)" asio_floor_set hiredis_pipeline_1
cpu_row "pipeline depth 100, async exec()" cpp_pipeline_100 hiredis_pipeline_100
cpu_row "pipeline depth 100, sync::GlideClient::exec()" cpp_sync_pipeline_100 hiredis_pipeline_100
# A cluster pipeline is split into one per primary (three here, each on its own connection); the
# peer is hiredis's depth-100 pipeline on one server, the same work per SET.
cpu_row "cluster pipeline depth 100 (3 primaries), async exec()" cpp_cluster_pipeline_100 hiredis_pipeline_100
if [ -n "$queue_line" ]; then
  echo
  echo "Queued requests: $(sed -n 's/^result .* requests=\([0-9]*\) bytes_per_request=\([0-9.]*\) payload_per_request=\([0-9.]*\) overhead_per_request=\([0-9.]*\).*/\1 GETs queued hold \2 bytes each on the heap: \3 bytes of encoded command, \4 bytes beyond it/p' <<<"$queue_line")"
fi

# ---- after / before (BENCH_BEFORE_DIR)
if [ -n "$before_bench" ]; then
  echo
  echo "| glide-cpp measurement | after ops/s | before ops/s | after / before | allocations per op after / before | CPU µs per op after / before |"
  echo "|---|---:|---:|---:|---:|---:|"
  for name in "${cpp_names[@]}"; do
    after=${best[$name]:-} before=${best[before_$name]:-}
    [ -n "$after" ] && [ -n "$before" ] || continue
    printf '| %s | %s | %s | %s | %s / %s | %s / %s |\n' "$name" "$after" "$before" "$(python3 -c "print(f'{$after / $before:.2f}')")" \
      "${allocs[$name]:-?}" "${allocs[before_$name]:-?}" "${cpu[$name]:-?}" "${cpu[before_$name]:-?}"
  done
fi
