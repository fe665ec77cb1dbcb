#!/usr/bin/env bash
# The web chat is tested in a real browser: Debian's Chromium, driven by Playwright, with the
# Noto fonts that cover every script of the catalogs (Ge'ez for Tigrinya, Arabic, Cyrillic),
# so a device without a Ge'ez font is not what the tests see.
set -eu
# axe-core, the accessibility audit the browser tests inject from this local file (no CDN),
# from the npm registry at a pinned version.
AXE_VERSION=4.14.1
AXE_DIR="$(dirname "$0")/../var/axe"
if ! grep -qs "\"version\": \"$AXE_VERSION\"" "$AXE_DIR/node_modules/axe-core/package.json"; then
  if command -v npm >/dev/null 2>&1; then
    echo "Installing axe-core $AXE_VERSION for the accessibility tests (npm)..."
    npm install --silent --no-audit --no-fund --no-save --prefix "$AXE_DIR" "axe-core@$AXE_VERSION"
  else
    echo "The accessibility tests need npm to install axe-core $AXE_VERSION" >&2
    exit 1
  fi
fi
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
