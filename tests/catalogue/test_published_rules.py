"""How a published column is read, as tables with hand-written answers: the name split into
name, unit and a trailing bound word; the kind a row's unit and targets point to; a published
figure written as the export layout writes it."""

from __future__ import annotations

import pytest

from workbook.catalogue.table.published import _kind, _split_name, _target_text, _unit_kind


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("城镇新增就业(人)", ("城镇新增就业", "人", "")),
        ("城镇登记失业率低于(%)", ("城镇登记失业率", "%", "低于")),
        (
            "★组织开展各类补贴性职业技能培训(万人次)",
            ("组织开展各类补贴性职业技能培训", "万人次", ""),
        ),
        ("◆减免税费（亿元）", ("减免税费", "亿元", "")),
        ("★城镇登记失业率控制在4.3%以内", ("城镇登记失业率控制在4.3%以内", "", "")),
        ("建成投用市公共实训基地", ("建成投用市公共实训基地", "", "")),
    ],
)
def test_a_name_splits_into_name_unit_and_bound(printed, expected):
    assert _split_name(printed) == expected


@pytest.mark.parametrize(
    ("unit", "texts", "kind"),
    [
        ("人", ["8000", "3800", "/"], "count"),
        ("%", ["4.3", "4.3"], "rate"),
        ("", ["4.3%以内", ""], "rate"),
        ("亿元", ["5", "0.1"], "amount"),
        ("个工作日", ["3"], "time_limit"),
        ("%", ["下降10%", "压降5%"], "change"),
        ("%", ["同比增长8%"], "change"),
        ("", ["完成年度目标任务", "应补尽补"], "qualitative"),
        ("人", ["/", ""], "qualitative"),  # no figure at all: nothing points to a number
    ],
)
def test_the_kind_a_row_points_to(unit, texts, kind):
    assert _kind(unit, texts) == kind


@pytest.mark.parametrize(
    ("text", "kind", "bound", "scale", "written"),
    [
        ("4.3", "rate", "低于", 1, "低于4.3%"),
        ("85", "rate", "", 1, "85%"),
        ("4.3%以内", "rate", "", 1, "4.3%以内"),
        ("2.2", "count", "", 10000, "22000"),
        ("8000", "count", "", 1, "8000"),
        ("", "count", "", 1, ""),
        ("应补尽补", "qualitative", "", 1, "应补尽补"),
    ],
)
def test_a_published_figure_as_the_export_layout_writes_it(text, kind, bound, scale, written):
    assert _target_text(text, kind, bound, scale) == written


@pytest.mark.parametrize(
    ("unit", "kind"),
    [
        ("市本级", "city"),
        ("眉山天府新区", "zone"),
        ("高新区", "zone"),
        ("东坡区", "county"),
        ("仁寿县", "county"),
    ],
)
def test_a_unit_is_registered_by_its_name(unit, kind):
    assert _unit_kind(unit) == kind
