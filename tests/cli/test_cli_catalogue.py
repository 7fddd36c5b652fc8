"""The catalogue commands, run as a user runs them (subprocess, real files)."""

from __future__ import annotations

import json

import pytest
from conftest import shishi


@pytest.mark.parametrize(
    "cmd",
    [[], ["catalogue"], ["catalogue", "check"], ["catalogue", "export"], ["catalogue", "import"]],
)
def test_help(cmd):
    r = shishi(*cmd, "--help")
    assert r.returncode == 0 and "用法：" in r.stdout


def test_check_bundled_exits_0_with_warnings():
    r = shishi("catalogue", "check")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 个错误，4 个警告" in r.stdout


def test_check_json_and_error_exit(tmp_path, cat_copy):
    cat_copy["indicators"][2]["seq"] = 2
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(cat_copy, ensure_ascii=False), encoding="utf-8")
    r = shishi("catalogue", "check", str(bad), "--json")
    assert r.returncode == 1
    out = json.loads(r.stdout)
    assert out["valid"] is False and any(p["code"] == "seq.duplicate" for p in out["problems"])


def test_check_not_json_is_reported_not_crashed(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    r = shishi("catalogue", "check", str(bad))
    assert r.returncode == 1 and "不是有效的 JSON" in r.stdout


def test_usage_error_exits_2():
    assert shishi("catalogue", "export", "--format", "pdf").returncode == 2


def test_export_csv_has_bom_and_import_roundtrip(tmp_path):
    csv_path = tmp_path / "t.csv"
    assert shishi("catalogue", "export", "--format", "csv", "-o", str(csv_path)).returncode == 0
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
    x = tmp_path / "t.xlsx"
    assert shishi("catalogue", "export", "--format", "xlsx", "-o", str(x)).returncode == 0
    out = tmp_path / "c.json"
    r = shishi("catalogue", "import", str(x), "-o", str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    from workbook.core import resources

    assert json.loads(out.read_text("utf-8")) == json.loads(
        resources.default_catalogue_path().read_text("utf-8")
    )
