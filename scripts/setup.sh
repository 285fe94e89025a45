#!/usr/bin/env bash
# Installs everything glide-cpp needs to build, test and run its examples on Debian 12 (bookworm).
# Idempotent: safe to run on every CI run; it only adds what is missing.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

backports_line="deb http://deb.debian.org/debian bookworm-backports main"
if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "$backports_line" | $SUDO tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null
  need_update=1
fi

packages=(build-essential g++ cmake make ninja-build pkg-config git ca-certificates openssl procps python3
          libboost1.81-dev libssl-dev libspdlog-dev libfmt-dev libhiredis-dev
          clang clang-tidy libclang-rt-14-dev)
backports=(valkey-server valkey-tools libcatch2-dev)

missing=()
for p in "${packages[@]}" "${backports[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq || [ -z "${need_update:-}" ]
  $SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}"
  $SUDO apt-get install -y -qq --no-install-recommends -t bookworm-backports "${backports[@]}"
fi

# The tests and the examples' default address use the name "localhost" (TLS checks the host name
# against the certificate). A minimal system (debootstrap --variant=minbase) has no /etc/hosts,
# and there it does not resolve.
if ! getent hosts localhost >/dev/null 2>&1; then
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' | $SUDO tee -a /etc/hosts >/dev/null
fi
