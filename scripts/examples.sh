#!/usr/bin/env bash
# README command 1: set up, build, start a valkey-server of our own on a free port, and run every
# example against it. Set GLIDE_HOST/GLIDE_PORT to use a server you already have instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh

server_pid=""
workdir=$(mktemp -d)
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
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

for example in "${BUILD_DIR:-build}"/examples/example_*; do
  [ -x "$example" ] || continue
  echo
  echo "== $(basename "$example")"
  "$example"
done
