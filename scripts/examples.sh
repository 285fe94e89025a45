#!/usr/bin/env bash
# README command 1: set up, build, start a valkey-server and a 6-node cluster (3 primaries, 3
# replicas) of our own on free ports, and run every example against them. Set GLIDE_HOST/GLIDE_PORT
# (a server) or GLIDE_CLUSTER_HOST/GLIDE_CLUSTER_PORT (any node of a cluster) to use yours instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh

source scripts/servers.sh
workdir=$(mktemp -d)
trap 'glide_stop_servers; rm -rf "$workdir"' EXIT

if [ -z "${GLIDE_PORT:-}" ]; then
  glide_start_server "$workdir"
  export GLIDE_HOST=127.0.0.1 GLIDE_PORT=$GLIDE_SERVER_PORT
  echo "== started valkey-server on $GLIDE_HOST:$GLIDE_PORT"
fi

if [ -z "${GLIDE_CLUSTER_PORT:-}" ]; then
  glide_start_cluster "$workdir"
  export GLIDE_CLUSTER_HOST=127.0.0.1 GLIDE_CLUSTER_PORT=${GLIDE_CLUSTER_PORTS[0]}
  echo "== started a 6-node cluster on $GLIDE_CLUSTER_HOST:${GLIDE_CLUSTER_PORTS[*]}"
fi

for example in "${BUILD_DIR:-build}"/examples/example_*; do
  [ -x "$example" ] || continue
  echo
  echo "== $(basename "$example")"
  "$example"
done
