#!/usr/bin/env bash
# What including glide costs a user's file: CPU seconds (user + sys) to compile a one-function
# program that includes <glide/glide.hpp> and calls a few commands on the async and sync clients
# and a batch, and the lines the preprocessor hands the compiler. Run from a source tree
# (defaults to this one); REPEAT (3) runs, the fastest is printed.
#   bench/header_cost.sh [SOURCE_DIR]
set -euo pipefail
src=$(cd "${1:-$(dirname "$0")/..}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/user.cpp" <<'CPP'
#include <glide/glide.hpp>

#include <boost/asio/awaitable.hpp>

boost::asio::awaitable<void> use(glide::GlideClient& client, glide::sync::GlideClient& sync) {
  (void)co_await client.set("k", "v");
  auto v = co_await client.get("k");
  (void)sync.incr("n");
  glide::Batch batch(false);
  batch.set("k", "v").get("k").del({"k"});
  (void)sync.exec(batch, false);
  (void)v;
}
CPP
includes=()
for d in core batch script cluster client; do includes+=(-I "$src/$d/include"); done
flags=(-std=c++20 -O2 -DBOOST_ASIO_SEPARATE_COMPILATION -DBOOST_ASIO_NO_DEPRECATED "${includes[@]}")
runs=()
exec 3>&2
for _ in $(seq "${REPEAT:-3}"); do
  TIMEFORMAT='%U %S'
  t=$( { time g++ "${flags[@]}" -c "$tmp/user.cpp" -o "$tmp/user.o" 2>"$tmp/err" || { cat "$tmp/err" >&3; exit 1; }; } 2>&1 | awk '{print $1 + $2}')
  runs+=("$t")
done
best=$(printf '%s\n' "${runs[@]}" | sort -g | head -1)
lines=$(g++ "${flags[@]}" -E "$tmp/user.cpp" | wc -l)
echo "one user file including glide/glide.hpp: ${best} s CPU, ${lines} preprocessed lines ($src)"
