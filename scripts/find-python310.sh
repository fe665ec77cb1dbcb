#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter (Rasa Open Source 3.6 supports 3.8-3.10 only).
# Looks at $PYTHON310, python3.10 on PATH, pyenv, uv and the usual install locations.
set -u

is_310() { [ -x "$1" ] && "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; }

candidates=()
[ -n "${PYTHON310:-}" ] && candidates+=("$PYTHON310")
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null)
  for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | sort -t. -k3 -n -r); do
    candidates+=("$root/versions/$v/bin/python3.10")
  done
fi
command -v uv >/dev/null 2>&1 && candidates+=("$(uv python find 3.10 2>/dev/null)")
candidates+=(/usr/bin/python3.10 /usr/local/bin/python3.10 /opt/homebrew/bin/python3.10)

for c in "${candidates[@]}"; do
  # A pyenv shim answers only when its version is selected, so resolve it first.
  if is_310 "$c"; then echo "$c"; exit 0; fi
done

cat >&2 <<'MSG'
No Python 3.10 found. Rasa Open Source 3.6 runs on Python 3.8-3.10 only.
Install one of these, then run the command again:
  - pyenv:   pyenv install 3.10
  - Debian/Ubuntu: sudo apt-get install python3.10 python3.10-venv
  - uv:      uv python install 3.10
Or point PYTHON310 at an existing interpreter: PYTHON310=/path/to/python3.10 make run
MSG
exit 1
