#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (playwright-core drives it), once: a no-op when present.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# A lock so parallel callers (CI steps, several test runs) do not fight over dpkg.
exec 9>/tmp/napflow-apt.lock
flock 9
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
"$CHROMIUM" --version
