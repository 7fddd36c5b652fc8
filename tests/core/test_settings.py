"""Settings are typed, with every default in one place; a wrong value is refused in Chinese."""

from __future__ import annotations

import json

import pytest
from conftest import shishi

from workbook.core import resources
from workbook.core.errors import InputError
from workbook.core.settings import Band, Contact, Settings, load_settings, settings_from


def test_the_bundled_file_reads_as_written():
    s = load_settings()
    data = json.loads(resources.default_settings_path().read_text("utf-8"))
    assert s.sheet_password == data["sheet_password"]
    assert "bureau" not in data and s.bureau == ""  # the bureau's name comes from the catalogue
    assert s.contact == Contact(**data["contact"])
    assert s.deadlines == data["deadlines"]
    assert s.ranking.weights == data["ranking"]["weights"]
    assert s.ranking.bands == tuple(Band(**b) for b in data["ranking"]["bands"])
    assert s.bulletin.issuer == s.bulletin.title == ""  # from the catalogue (catalogue/naming)
    assert s.path == str(resources.default_settings_path())


def test_names_come_from_the_settings_else_the_catalogue():
    from workbook.catalogue import model as catalogue
    from workbook.catalogue import naming

    cat = catalogue.load()
    s = load_settings()
    assert naming.bureau(s, cat) == "舟山市市场监督管理局"
    assert naming.issuer(s, cat) == "舟山市市场监督管理局办公室"
    assert naming.bulletin_title(s, cat) == "关于{period_label}助企惠民“十件实事”推进情况的通报"
    own = settings_from(
        {"bureau": "某市局", "bulletin": {"issuer": "某办", "title": "关于{period_label}的通报"}}
    )
    assert (naming.bureau(own, cat), naming.issuer(own, cat)) == ("某市局", "某办")
    assert naming.bulletin_title(own, cat) == "关于{period_label}的通报"
    cat.naming = None  # a catalogue without names: from its title, nothing of 舟山's settings
    assert (
        cat.names["plan"] == "舟山市场监管助企惠民“十件实事”" and cat.names["short"] == "十件实事"
    )
    assert naming.issuer(s, cat) == "办公室"


@pytest.mark.parametrize(
    ("title", "plan"),
    [
        ("2019年十大民生工程项目完成情况表", "十大民生工程"),
        ("2021年眉山市30件民生实事责任分工表", "眉山市30件民生实事"),
        ("2024年舟山市场监管助企惠民“十件实事”任务分解表", "舟山市场监管助企惠民“十件实事”"),
        ("2025年度民生实事项目目标任务分解表", "民生实事"),
        ("", "目标任务"),
    ],
)
def test_the_plan_named_by_a_title(title, plan):
    from workbook.catalogue.model import plan_from_title

    assert plan_from_title(title) == plan


def test_each_key_falls_back_to_its_default_nested_ones_too():
    s = settings_from({"contact": {"phone": "0580-1"}, "bulletin": {"fonts": {"body": "宋体"}}})
    assert s.contact == Contact(phone="0580-1")
    assert s.bulletin.title == Settings().bulletin.title  # not given: the default
    assert s.bulletin.fonts["body"] == "宋体" and s.bulletin.fonts["title"] == "方正小标宋简体"
    assert s.lock_wait_seconds == 60 and s.ranking == Settings().ranking
    assert settings_from({"无关的键": 1}) == Settings()  # unknown keys are ignored


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"lock_wait_seconds": "一分钟"}, "lock_wait_seconds"),
        ({"max_file_bytes": True}, "max_file_bytes"),
        ({"contact": "张三"}, "contact"),
        ({"unit_contacts": {"定海": []}}, "unit_contacts.定海"),
        ({"ranking": {"weights": {"已完成": "满分"}}}, "ranking.weights.已完成"),
        ({"ranking": {"bands": []}}, "ranking.bands"),
    ],
)
def test_a_wrong_value_is_refused_naming_its_key(data, key):
    with pytest.raises(InputError, match=f"设置项 {key} "):
        settings_from(data)


def test_the_cli_says_which_setting_is_wrong(tmp_path):
    bad = tmp_path / "settings.json"
    bad.write_text(json.dumps({"max_seconds_per_file": "三十"}), encoding="utf-8")
    r = shishi("generate", "--period", "2024Q1", "--settings", bad, "--out", tmp_path / "out")
    assert r.returncode == 2, r.stderr
    assert "设置项 max_seconds_per_file 应为数字" in r.stderr
    assert "Traceback" not in r.stderr
