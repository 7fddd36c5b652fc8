#!/usr/bin/env bash
# Set up (venv, LibreOffice) and run every check: ruff, mypy, import-linter, pytest, a
# non-editable install.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-libreoffice
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy workbook macros_py shishi_demo
# The stages import only the stages below them (pyproject.toml [tool.importlinter]).
.venv/bin/lint-imports --no-cache
# A plain (non-editable) install must find the schema, catalogue and templates.
rm -rf build/wheel-check && mkdir -p build/wheel-check
.venv/bin/python -m pip wheel -q --no-deps -w build/wheel-check .
.venv/bin/python -m pip install -q --no-deps --target build/wheel-check/site build/wheel-check/*.whl
site="$PWD/build/wheel-check/site"
py="$PWD/.venv/bin/python"
check_dir=$(mktemp -d)
(cd "$check_dir" \
  && PYTHONPATH="$site" "$py" -c 'import workbook, macros_py.city; assert "wheel-check" in workbook.__file__, workbook.__file__; import shishi_demo.run' \
  && PYTHONPATH="$site" "$py" -m workbook catalogue check >/dev/null \
  && PYTHONPATH="$site" "$py" -m workbook generate --period 2024Q1 --unit 定海 --out out >/dev/null \
  && test -f "out/2024Q1_定海_十件实事填报.xlsx" \
  && PYTHONPATH="$site" "$py" -m workbook demo --out demo >/dev/null \
  && ls demo/summary/*.xlsx >/dev/null)
rm -rf "$check_dir"
echo "non-editable install: ok"
.venv/bin/python -m pytest "$@"
# The Windows route under Wine (about 4 minutes with Wine's install): CI runs it; elsewhere
# SHISHI_WINE=1 bash scripts/test.sh does (docs/install.md says what it proves).
if [ "${SHISHI_WINE:-}" = "1" ] || [ "${CI:-}" = "true" ]; then
  bash scripts/wine_check.sh
fi
