#!/usr/bin/env bash
# Set up (venv, LibreOffice) and run every check: ruff, mypy, pytest, a non-editable install.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-libreoffice
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy workbook macros_py
# A plain (non-editable) install must find the schema, catalogue and templates.
rm -rf build/wheel-check && mkdir -p build/wheel-check
.venv/bin/python -m pip wheel -q --no-deps -w build/wheel-check .
.venv/bin/python -m pip install -q --no-deps --target build/wheel-check/site build/wheel-check/*.whl
(cd /tmp && PYTHONPATH="$OLDPWD/build/wheel-check/site" "$OLDPWD/.venv/bin/python" -c \
  'import workbook, sys; assert "wheel-check" in workbook.__file__, workbook.__file__' \
  && PYTHONPATH="$OLDPWD/build/wheel-check/site" "$OLDPWD/.venv/bin/python" -m workbook catalogue check >/dev/null)
echo "non-editable install: ok"
.venv/bin/python -m pytest "$@"
