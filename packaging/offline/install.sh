#!/usr/bin/env bash
# 十件实事（shishi）离线安装：统信 UOS、麒麟、Debian 等 Linux 桌面。不需要管理员权限，不需要联网。
#   bash install.sh            安装到 ~/.local/share/shishi/venv，并在 ~/十件实事汇总 生成汇总工具
#   SHISHI_VENV=... SHISHI_CITY=... bash install.sh   指定安装位置和汇总工具文件夹
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${SHISHI_VENV:-${XDG_DATA_HOME:-$HOME/.local/share}/shishi/venv}"
city="${SHISHI_CITY:-$HOME/十件实事汇总}"

py=""
for cand in ${PYTHON:-} python3.12 python3.11 python3; do
  if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; assert (3, 11) <= sys.version_info[:2] <= (3, 12)' 2>/dev/null; then
    py="$cand"; break
  fi
done
if [ -z "$py" ]; then
  echo "没有找到 Python 3.11 或 3.12。请联系信息科安装 Python 3.11（统信/麒麟软件商店或信息科提供的安装包），再运行本脚本。" >&2
  exit 2
fi
if ! "$py" -c 'import venv, ensurepip' 2>/dev/null; then
  echo "$py 缺少 venv 模块（Debian 系统上的软件包名为 python3-venv）。请联系信息科安装后再运行本脚本。" >&2
  exit 2
fi
echo "1/3 用 $("$py" --version) 创建运行环境：$venv"
"$py" -m venv "$venv"
echo "2/3 从安装包安装 shishi（不联网）"
"$venv/bin/python" -m pip install -q --no-index --find-links "$here/wheels" "shishi[excel]"
echo "3/3 生成汇总工具：$city"
"$venv/bin/shishi" city-workbook -o "$city"
echo
echo "安装完成。汇总：在 $city 中运行 一键汇总.sh；命令行：$venv/bin/shishi --help"
