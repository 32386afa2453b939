# Sourced by scripts/run and scripts/test: create .venv on first use and keep it in step
# with pyproject.toml. Nothing here downloads anything but Python packages.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
extras="${PAUSEPOINT_EXTRAS:-}"
stamp="$venv/.installed${extras:+-$extras}"
python="${PYTHON:-python3}"

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "pausepoint needs Python 3.11 or newer; set PYTHON=/path/to/python3.11 and try again." >&2
  exit 2
fi
if [ ! -x "$venv/bin/python" ]; then
  echo "Setting up pausepoint in $venv (first run only)..." >&2
  "$python" -m venv "$venv"
fi
if [ ! -f "$stamp" ] || [ "$root/pyproject.toml" -nt "$stamp" ]; then
  "$venv/bin/python" -m pip install --quiet --upgrade pip >&2
  "$venv/bin/python" -m pip install --quiet -e "$root${extras:+[$extras]}" >&2
  touch "$stamp"
fi
