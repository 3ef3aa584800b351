#!/usr/bin/env bash
# Headless Chromium + a CJK font for the browser tests (Debian packages; never `playwright install`).
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qiE "noto sans cjk|wqy"; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "browser: /usr/bin/chromium and a CJK font are needed (apt-get install chromium chromium-driver fonts-noto-cjk); browser tests will be skipped" >&2
  exit 0
fi
echo "browser: installing chromium, chromium-driver and fonts-noto-cjk …" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null
