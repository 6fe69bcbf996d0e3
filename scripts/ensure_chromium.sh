#!/usr/bin/env bash
# Make headless Chromium (Debian's package) available for the browser tests.
# Installs it when it is missing and we may (root with apt-get); otherwise says why not.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing chromium for the browser tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "chromium is not installed and cannot be installed here (need root and apt-get);" \
       "the browser tests will be skipped, or fail under CI" >&2
fi
