#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for FUZZ_SECONDS (default
# 30) from its checked-in seed corpus. New inputs go to a scratch copy, not into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-30}
build=${FUZZ_BUILD_DIR:-build-fuzz}
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DGLIDE_FUZZ=ON -DGLIDE_BUILD_EXAMPLES=OFF \
  -DGLIDE_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc)" --target resp_parser_fuzz value_conversions_fuzz
for target in resp_parser value_conversions; do
  corpus=$(mktemp -d)
  cp tests/fuzz/corpus/$target/* "$corpus/"
  echo "== fuzzing $target for ${seconds}s"
  "$build/tests/${target}_fuzz" -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=1024 "$corpus" 2>&1 | tail -3
  rm -rf "$corpus"
done
