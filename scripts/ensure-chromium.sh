#!/usr/bin/env bash
# The web chat is tested in a real browser: Debian's Chromium, driven by Playwright, with the
# Noto fonts that cover every script of the catalogs (Ge'ez for Tigrinya, Arabic, Cyrillic),
# so a device without a Ge'ez font is not what the tests see.
set -eu
NOTO_ETHIOPIC=/usr/share/fonts/truetype/noto/NotoSansEthiopic-Regular.ttf
missing=""
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing="chromium"
[ -f "$NOTO_ETHIOPIC" ] || missing="$missing fonts-noto-core"
[ -n "$missing" ] || exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing$missing for the web chat browser tests (apt-get)..."
  # shellcheck disable=SC2086 # one word per package
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
  echo "The browser tests need:$missing. Install it (e.g. 'sudo apt-get install$missing')" >&2
  echo "or set CHROMIUM_PATH to a Chromium/Chrome binary." >&2
  [ -n "${CHROMIUM_PATH:-}" ] || exit 1
fi
