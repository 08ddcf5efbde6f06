#!/usr/bin/env bash
# The browser test drives Debian's Chromium (playwright-core never downloads a browser here).
# Installs it when it is missing and this machine can (root with apt-get); otherwise says how.
set -u
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser test (apt-get install -y --no-install-recommends chromium)…"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 \
    || { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; } \
    || echo "could not install chromium; test/browser will fail until /usr/bin/chromium exists"
else
  echo "no /usr/bin/chromium and no root apt-get: install chromium (Debian package) for test/browser"
fi
exit 0
