#!/usr/bin/env bash
# README command 1: set up, build the library and the examples (not the tests: they are command
# 2's), start a valkey-server and a 6-node cluster (3 primaries, 3 replicas) of our own on free
# ports, and run every example against them. The first example runs as soon as it is built; the
# others are built after it. Set GLIDE_HOST/GLIDE_PORT (a server) or
# GLIDE_CLUSTER_HOST/GLIDE_CLUSTER_PORT (any node of a cluster) to use yours instead.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step() { echo; echo "== [$(( $(date +%s) - started ))s] $*"; }

step "setup: the compiler, CMake, Boost, OpenSSL, spdlog and valkey-server (scripts/setup.sh)"
bash scripts/setup.sh

step "build: the library and the first example"
GLIDE_TARGETS=example_quickstart bash scripts/build.sh

source scripts/servers.sh
workdir=$(mktemp -d)
trap 'glide_stop_servers; rm -rf "$workdir"' EXIT

if [ -z "${GLIDE_PORT:-}" ]; then
  step "servers: a valkey-server"
  glide_start_server "$workdir"
  export GLIDE_HOST=127.0.0.1 GLIDE_PORT=$GLIDE_SERVER_PORT
  echo "started valkey-server on $GLIDE_HOST:$GLIDE_PORT"
fi

run_example() {
  step "example: $1"
  "${BUILD_DIR:-build}/examples/$1"
}
run_example example_quickstart

step "build: the other examples"
GLIDE_TARGETS=examples bash scripts/build.sh

if [ -z "${GLIDE_CLUSTER_PORT:-}" ]; then
  step "servers: a 6-node cluster"
  glide_start_cluster "$workdir"
  export GLIDE_CLUSTER_HOST=127.0.0.1 GLIDE_CLUSTER_PORT=${GLIDE_CLUSTER_PORTS[0]}
  echo "started a 6-node cluster on $GLIDE_CLUSTER_HOST:${GLIDE_CLUSTER_PORTS[*]}"
fi

for example in "${BUILD_DIR:-build}"/examples/example_*; do
  [ -x "$example" ] || continue
  [ "$(basename "$example")" = example_quickstart ] && continue
  run_example "$(basename "$example")"
done
step "done: every example ran"
