#!/usr/bin/env bash
# Creates the project's virtual environment on Python 3.11 and installs the project with its dev tools.
# durable-rules 2.0.28 compiles a C extension: it needs gcc and the Python headers (present on the
# project's machines) and does not build on Python 3.13.
set -euo pipefail
venv=${1:-.venv}
py=""
for cand in python3.11 "$(command -v pyenv >/dev/null 2>&1 && pyenv root)/versions/3.11"*/bin/python3.11; do
  if [ -n "$cand" ] && command -v "$cand" >/dev/null 2>&1; then py=$(command -v "$cand"); break; fi
done
if [ -z "$py" ]; then
  echo "bootstrap: Python 3.11 not found; install python3.11 (durable-rules does not build on 3.13)" >&2
  exit 1
fi
bash "$(dirname "$0")/install-system-deps.sh"
if [ ! -x "$venv/bin/python" ]; then
  "$py" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -e ".[dev]"
# bytecode for the project's own modules: machines that set PYTHONDONTWRITEBYTECODE=1 would otherwise compile
# every module from source in every fresh process (a CLI call pays it each time); a module changed since is
# compiled in memory as before
"$venv/bin/python" -m compileall -q -j 0 engine api explanations benchmarks >/dev/null
echo "bootstrap: $("$venv/bin/python" --version) ready in $venv"
