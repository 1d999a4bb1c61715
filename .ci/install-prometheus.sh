#!/usr/bin/env bash
# Installs `promtool` (Debian's `prometheus` package), which the OpenMetrics
# round-trip test (tests/promtool_roundtrip.rs) needs under CI.
#
# Idempotent: does nothing when `promtool` is already on PATH. Otherwise it
# installs with apt-get, which needs root (or passwordless sudo).
set -euo pipefail

if command -v promtool >/dev/null 2>&1; then
    echo "promtool already installed: $(promtool --version 2>&1 | head -n 1)"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "install-prometheus.sh: promtool is missing and installing it needs root" >&2
    exit 1
fi

"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends prometheus >/dev/null

# The package ships a systemd unit; on a CI container nothing needs to run, only the tool.
echo "installed: $(promtool --version 2>&1 | head -n 1)"
