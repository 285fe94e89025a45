#!/usr/bin/env bash
# README command 2: set up a fresh Debian 12 machine, build, and run every test. The tests start
# their own valkey-server processes (standalone, TLS, a 6-node cluster) on free loopback ports.
# Then the same suite under AddressSanitizer + UBSan, the multiplexer and the sync client under
# ThreadSanitizer, and each fuzz target for FUZZ_SECONDS. GLIDE_QUICK=1 stops after the first
# suite (for a quick local run; CI runs everything).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

jobs=$(nproc)
run_suite() {  # build dir, extra ctest arguments...
  local dir=$1
  shift
  (cd "$dir" && ctest --output-on-failure -j "$jobs" --timeout 1200 "$@")
}

echo "== build and test"
bash scripts/build.sh
run_suite "${BUILD_DIR:-build}"
[ "${GLIDE_QUICK:-0}" = 1 ] && exit 0

echo "== AddressSanitizer + UndefinedBehaviorSanitizer"
# The consumer project builds a user's program without sanitizers: not meaningful here.
cmake -S . -B build-asan -G Ninja -DGLIDE_WERROR=ON -DGLIDE_SANITIZE=address,undefined \
  -DGLIDE_BUILD_EXAMPLES=OFF -DGLIDE_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 run_suite build-asan -E "consumer_project|function_size"

echo "== ThreadSanitizer: the multiplexer and the sync client from many threads"
cmake -S . -B build-tsan -G Ninja -DGLIDE_WERROR=ON -DGLIDE_SANITIZE=thread \
  -DGLIDE_BUILD_EXAMPLES=OFF -DGLIDE_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-tsan -j "$jobs" --target connection_tests client_tests batch_tests
TSAN_OPTIONS=halt_on_error=1 run_suite build-tsan -R "^(connection_tests|client_tests|batch_tests)$"

echo "== fuzzing"
FUZZ_SECONDS=${FUZZ_SECONDS:-30} bash scripts/fuzz.sh
