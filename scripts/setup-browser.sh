#!/usr/bin/env bash
# Installs what the client tests need and is a no-op when it is all there:
#   Debian: chromium (real browser, driven by Playwright at /usr/bin/chromium), poppler-utils (pdftotext)
#   npm:    tests/js/node_modules (ical.js, TimelineJS3) from tests/js/package-lock.json
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=(chromium poppler-utils fonts-noto-core fonts-noto-cjk)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "[setup-browser] apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# (re)install when node_modules is missing or older than the lock file
if [ -f tests/js/package-lock.json ] && { [ ! -f tests/js/node_modules/.package-lock.json ] \
     || [ tests/js/package-lock.json -nt tests/js/node_modules/.package-lock.json ]; }; then
  if command -v npm >/dev/null; then
    echo "[setup-browser] npm ci in tests/js"
    (cd tests/js && npm ci --ignore-scripts --no-audit --no-fund --silent)
  else
    echo "[setup-browser] npm not found: the ical.js/TimelineJS client tests will be skipped" >&2
  fi
fi
