#!/usr/bin/env bash
# The web chat is tested in a real browser: Debian's Chromium, driven by Playwright.
set -eu
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium for the web chat browser tests (apt-get)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "The browser tests need Chromium. Install it (e.g. 'sudo apt-get install chromium')" >&2
  echo "or set CHROMIUM_PATH to a Chromium/Chrome binary." >&2
  [ -n "${CHROMIUM_PATH:-}" ] || exit 1
fi
