#!/usr/bin/env bash
# Installs glide into a temporary prefix, builds the consumer project against it with
# find_package, and again with add_subdirectory of the source tree, and runs both against a
# valkey-server started here.
set -euo pipefail
source_dir=$1
build_dir=$2
work=$(mktemp -d)
server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
valkey-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" --logfile "$work/valkey.log" &
server_pid=$!
for _ in $(seq 100); do valkey-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done

cmake -S "$source_dir/tests/consumer" -B "$work/installed" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/installed" >/dev/null
"$work/installed/consumer" 127.0.0.1 "$port"

cmake -S "$source_dir/tests/consumer" -B "$work/subdir" -G Ninja -DGLIDE_SOURCE_DIR="$source_dir" >/dev/null
cmake --build "$work/subdir" -j 2 >/dev/null
"$work/subdir/consumer" 127.0.0.1 "$port"
