#!/usr/bin/env bash
# README command 2: set up a fresh Debian 12 machine, build, and run every test. The tests start
# their own valkey-server processes (standalone, TLS, a 6-node cluster) on free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j "$(nproc)" --timeout 1200
