@echo off
rem 十件实事（shishi）离线安装：Windows，当前用户，不需要管理员权限，不需要联网。
rem Failures are tested with "if errorlevel 1" after each step, not "||": Wine's cmd runs the
rem "||" branch after a quoted command that succeeded, and the bundle is tested under Wine.
setlocal
chcp 936 >nul
set "HERE=%~dp0"
if not defined SHISHI_VENV set "SHISHI_VENV=%LOCALAPPDATA%\shishi\venv"
if not defined SHISHI_CITY set "SHISHI_CITY=%USERPROFILE%\Desktop\十件实事汇总"

set "PY="
rem Ask each candidate for its own path: a missing command prints nothing (this does not rely
rem on error levels, which Wine's cmd does not set for an unknown command).
for %%V in (3.12 3.11) do (
  if not defined PY (
    for /f "delims=" %%P in ('py -%%V -c "import sys; print(sys.executable)" 2^>nul') do set "PY=%%P"
  )
)
if not defined PY (
  for /f "delims=" %%P in ('python -c "import sys; assert sys.version_info[:2] in [(3, 11), (3, 12)]; print(sys.executable)" 2^>nul') do set "PY=%%P"
)
if not defined PY (
  echo 没有找到 Python 3.11 或 3.12。
  echo 请向信息科索取 python.org 的 Windows 安装包（python-3.11.x-amd64.exe），
  echo 安装时选“Install Now”并勾选“Add python.exe to PATH”，不需要管理员权限。然后重新运行本文件。
  if not defined SHISHI_NO_PAUSE pause
  exit /b 2
)
echo 1/3 创建运行环境：%SHISHI_VENV%
"%PY%" -m venv "%SHISHI_VENV%"
if errorlevel 1 goto :failed
echo 2/3 从安装包安装 shishi（不联网）
"%SHISHI_VENV%\Scripts\python.exe" -m pip install -q --no-index --find-links "%HERE%wheels" "shishi[excel]"
if errorlevel 1 goto :failed
echo 3/3 生成汇总工具：%SHISHI_CITY%
"%SHISHI_VENV%\Scripts\shishi.exe" city-workbook -o "%SHISHI_CITY%"
if errorlevel 1 goto :failed
echo.
echo 安装完成。打开 %SHISHI_CITY%\shishi_city.xlsm 点“一键汇总”；不能用宏（WPS 等）时双击同一文件夹中的 一键汇总.bat。
if not defined SHISHI_NO_PAUSE pause
exit /b 0

:failed
echo.
echo 安装没有完成，请把本窗口的内容截图发给信息科。
if not defined SHISHI_NO_PAUSE pause
exit /b 1
