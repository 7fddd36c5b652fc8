"""The one place that locates the data files shipped with shishi.

In a wheel, ``schema/`` and ``templates/`` are packaged as ``workbook/_data/``; in a source
checkout they sit at the repository root. Everything else asks this module for paths.
"""

from __future__ import annotations

from pathlib import Path

from workbook.core.errors import FileIOError


def data_dir(name: str) -> Path:
    """Return the directory ``name`` ("schema" or "templates"), installed or in the checkout."""
    from importlib import resources  # start-up: 15 ms (tempfile, shutil, zip support)

    packaged = Path(str(resources.files("workbook"))) / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    raise FileIOError(f"shishi 安装不完整：找不到数据文件夹“{name}”。请重新安装 shishi。")


def schema_path(name: str) -> Path:
    return data_dir("schema") / name


def template_path(name: str) -> Path:
    return data_dir("templates") / name


def default_catalogue_path() -> Path:
    """The bundled 2024 catalogue."""
    return template_path("catalogue_2024.json")


def default_settings_path() -> Path:
    return template_path("settings.json")
