#!/bin/bash
# setup.sh: installs every Debian package sekimori's build, tests, oracle, fuzzing and benchmarks
# need. Non-interactive and idempotent: when everything is already installed it only runs
# dpkg-query and exits (well under a second). Run as root (or with sudo available).
set -euo pipefail

PACKAGES=(
    # build
    meson ninja-build pkg-config gcc clang llvm libclang-rt-14-dev clang-format
    libpcap-dev libyaml-dev libcmocka-dev libssl-dev libvectorscan-dev libpcre2-dev libhtp-dev
    # oracle, sample capture, verify runner, schema checks
    tshark python3 python3-scapy python3-yaml python3-jsonschema
    # captures, benchmarks, profiling
    zstd xz-utils time valgrind linux-perf
)

# One dpkg-query for all: packages it does not know are reported on stderr and are missing.
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${PACKAGES[@]}" 2>/dev/null \
    | awk '$NF == "installed" && $(NF-1) == "ok" {print $1}' || true)
missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! grep -qx -- "$pkg" <<<"$installed"; then
        missing+=("$pkg")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "setup: all ${#PACKAGES[@]} packages present"
    exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=()
if [[ $(id -u) -ne 0 ]]; then
    SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer it in advance so nothing blocks.
echo "wireshark-common wireshark-common/install-setuid boolean false" \
    | "${SUDO[@]}" debconf-set-selections
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" </dev/null
echo "setup: done"
