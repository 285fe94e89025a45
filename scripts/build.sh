#!/usr/bin/env bash
# Configures and builds everything (library, tests, examples, benchmarks) into build/.
# Warnings are errors. BUILD_DIR and CMAKE_BUILD_TYPE may be overridden from the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DGLIDE_WERROR=ON -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" "$@"
cmake --build "$BUILD_DIR" -j "$(nproc)"
