#!/usr/bin/env bash
# Build the offline install bundle for office PCs on the internal network (内网).
#
#   bash scripts/build_offline.sh OUT [--targets win-amd64-cp311,linux-x86_64-cp311,...]
#
# OUT gets: wheels/ (shishi and every dependency, as wheels, for each target), 安装.bat
# (Windows, per-user, no admin), install.sh (Linux: 统信 UOS, 麒麟, Debian), 说明.txt, and
# SHA256SUMS.txt over every file. No Python runtime is shipped: the office installs its own
# CPython 3.11 or 3.12 (python.org installer, "Install for me only").
#
# Each target's dependency set is resolved *for that target* with uv (`uv pip compile
# --python-platform`), because `pip download --platform` evaluates environment markers
# against the build machine and silently drops Windows-only requirements such as pywin32;
# the resolved pins are then fetched with `pip download --no-deps --only-binary=:all:`.
# Needs network access to PyPI on the build machine only.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${1:?usage: build_offline.sh OUT [--targets a,b,...]}
shift
TARGETS="win-amd64-cp311,win-amd64-cp312,linux-x86_64-cp311,linux-x86_64-cp312,linux-aarch64-cp311,linux-aarch64-cp312"
if [ "${1:-}" = "--targets" ]; then
  TARGETS=${2:?--targets needs a list}
fi

PY=${PYTHON:-python3}
BUILD=build/offline
rm -rf "$BUILD" "$OUT"
mkdir -p "$BUILD" "$OUT/wheels"
"$PY" -m venv "$BUILD/venv"
"$BUILD/venv/bin/python" -m pip install -q --upgrade pip uv build

# shishi itself (pure Python, one wheel for every platform)
"$BUILD/venv/bin/python" -m pip wheel -q --no-deps -w "$OUT/wheels" .
WHEEL=$(realpath "$(ls "$OUT"/wheels/shishi-*.whl)")

for target in ${TARGETS//,/ }; do
  case "$target" in
    win-amd64-*)   uvplat=x86_64-pc-windows-msvc; pipplats=(--platform win_amd64); extra=excel ;;
    linux-x86_64-*)  uvplat=x86_64-manylinux_2_28
                     pipplats=(--platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64)
                     extra=excel ;;
    linux-aarch64-*) uvplat=aarch64-manylinux_2_28
                     pipplats=(--platform manylinux_2_28_aarch64 --platform manylinux_2_17_aarch64 --platform manylinux2014_aarch64)
                     extra=excel ;;
    *) echo "unknown target: $target" >&2; exit 2 ;;
  esac
  pyver=${target##*-cp}            # 311
  dotted="${pyver:0:1}.${pyver:1}" # 3.11
  req="$BUILD/requirements-$target.txt"
  spec="shishi"
  [ -n "$extra" ] && spec="shishi[$extra]"
  echo "$spec @ file://$WHEEL" > "$BUILD/in-$target.txt"
  "$BUILD/venv/bin/uv" pip compile -q "$BUILD/in-$target.txt" \
    --python-platform "$uvplat" --python-version "$dotted" \
    --no-header --no-annotate -o "$req"
  grep -v '^shishi' "$req" > "$req.deps"
  "$BUILD/venv/bin/python" -m pip download -q --no-deps --only-binary=:all: \
    "${pipplats[@]}" --python-version "$pyver" --implementation cp --abi "cp$pyver" --abi abi3 --abi none \
    -d "$OUT/wheels" -r "$req.deps"
  cp "$req" "$OUT/wheels/requirements-$target.txt"
  echo "resolved $target: $(wc -l < "$req.deps") dependencies"
done

cp packaging/offline/install.sh "$OUT/install.sh"
chmod +x "$OUT/install.sh"
# A .bat is read in the console's code page (GBK on a Chinese Windows) and needs CRLF.
"$PY" - "$OUT" <<'EOF'
import sys
from pathlib import Path
out = Path(sys.argv[1])
src = Path("packaging/offline")
text = (src / "安装.bat").read_text("utf-8").replace("\r\n", "\n")
(out / "安装.bat").write_bytes(text.encode("gbk").replace(b"\n", b"\r\n"))
(out / "说明.txt").write_bytes((src / "说明.txt").read_text("utf-8").encode("utf-8-sig").replace(b"\n", b"\r\n"))
EOF
(cd "$OUT" && find . -type f ! -name SHA256SUMS.txt -print0 | sort -z | xargs -0 sha256sum > SHA256SUMS.txt)
echo "bundle: $OUT ($(du -sh "$OUT" | cut -f1), $(ls "$OUT/wheels" | grep -c '\.whl$') wheels)"
