# Shared set-up for scripts/dashboard and scripts/test: find or install uv, then sync the venv.
# Sourced, not run. Needs only Python 3.11+ on PATH as python3.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export UV_PYTHON_DOWNLOADS="${UV_PYTHON_DOWNLOADS:-never}"  # use the Python that is installed
export UV_COMPILE_BYTECODE=1                                 # 1 s imports instead of 3 s

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "geomap needs Python 3.11 or newer as python3 (found $(python3 --version 2>&1))." >&2
  exit 1
}

if command -v uv >/dev/null 2>&1; then
  UV=uv
else
  # A private tool venv, so nothing is installed into the system Python.
  if [ ! -x .tools/uv/bin/uv ]; then
    echo "Installing uv into .tools/uv (once) ..." >&2
    python3 -m venv .tools/uv
    .tools/uv/bin/python -m pip install --quiet --disable-pip-version-check uv
  fi
  UV=.tools/uv/bin/uv
fi
