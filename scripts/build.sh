#!/usr/bin/env bash
# Configures and builds into build/: everything (library, tests, examples, benchmarks), or only the
# targets named in GLIDE_TARGETS (e.g. GLIDE_TARGETS=examples). Warnings are errors. BUILD_DIR and
# CMAKE_BUILD_TYPE may be overridden from the environment; arguments go to cmake's configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DGLIDE_WERROR=ON -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
targets=()
for t in ${GLIDE_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$BUILD_DIR" -j "$(nproc)" "${targets[@]}"
