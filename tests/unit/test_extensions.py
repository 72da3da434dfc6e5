"""The «Gia hạn» mini-language (core/imports/extensions.py, docs/import-formats.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from core.imports.extensions import extensions_cell, format_extensions, parse_extensions

DOC_EXAMPLE = (
    "30/04/2025 (duyệt 25/03/2025, người duyệt Nguyễn Văn An, lý do chờ ý kiến Bộ Y tế, "
    "Bộ Tài chính); 31/05/2025 (duyệt 28/04/2025)"
)


def test_the_documented_example() -> None:
    assert parse_extensions(DOC_EXAMPLE) == [
        {
            "new_deadline": date(2025, 4, 30),
            "approved_date": date(2025, 3, 25),
            "approver": "Nguyễn Văn An",
            "reason": "chờ ý kiến Bộ Y tế, Bộ Tài chính",
        },
        {"new_deadline": date(2025, 5, 31), "approved_date": date(2025, 4, 28)},
    ]


def test_entries_on_lines_and_empty_entries() -> None:
    text = "30/04/2025 (duyệt 25/03/2025)\n\n31/05/2025 (duyệt 28/04/2025);\r\n ; "
    assert [e["new_deadline"] for e in parse_extensions(text)] == [
        date(2025, 4, 30),
        date(2025, 5, 31),
    ]
    assert parse_extensions("") == []
    assert parse_extensions(" ;\n") == []


@pytest.mark.parametrize(
    "inner",
    [
        "duyệt 25/03/2025",
        "duyệt: 25/03/2025",
        "ngày duyệt 25/03/2025",
        "Ngày duyệt: 25/03/2025",
        "DUYỆT 25/03/2025",
        "duyet 25/03/2025",
        "  duyệt   25/03/2025 ",
    ],
)
def test_spellings_of_the_approval_date(inner: str) -> None:
    assert parse_extensions(f"30/04/2025 ({inner})") == [
        {"new_deadline": date(2025, 4, 30), "approved_date": date(2025, 3, 25)}
    ]


def test_keywords_in_any_order_before_the_reason() -> None:
    got = parse_extensions("30/04/2025(người duyệt: Trần Thị B, duyệt 2025-03-25, lý do: bão)")
    assert got == [
        {
            "new_deadline": date(2025, 4, 30),
            "approved_date": date(2025, 3, 25),
            "approver": "Trần Thị B",
            "reason": "bão",
        }
    ]
    assert parse_extensions("2025-04-30 (Nguoi duyet Lê C, duyet 25/03/2025)")[0]["approver"] == (
        "Lê C"
    )


def test_the_reason_runs_to_the_closing_parenthesis() -> None:
    text = (
        "30/04/2025 (duyệt 25/03/2025, lý do chờ Bộ; xem (theo Công văn 12), duyệt lại, "
        "người duyệt sau)"
    )
    (entry,) = parse_extensions(text)
    assert entry["reason"] == ("chờ Bộ; xem (theo Công văn 12), duyệt lại, người duyệt sau")
    assert "approver" not in entry


def test_an_approver_may_contain_commas() -> None:
    (entry,) = parse_extensions(
        "30/04/2025 (người duyệt Trần Văn B, Phó Chủ tịch UBND tỉnh, duyệt 25/03/2025)"
    )
    assert entry["approver"] == "Trần Văn B, Phó Chủ tịch UBND tỉnh"
    assert entry["approved_date"] == date(2025, 3, 25)


def test_values_keep_their_first_letters() -> None:
    (entry,) = parse_extensions("30/04/2025 (duyệt 25/03/2025, người duyệt: Xuân Hòa, lý do XX)")
    assert (entry["approver"], entry["reason"]) == ("Xuân Hòa", "XX")


def test_nested_parentheses_in_a_reason() -> None:
    text = "30/04/2025 (duyệt 25/03/2025, lý do chờ ((Bộ) Y tế); xem lại); 31/05/2025 (duyệt 28/04/2025)"
    first, second = parse_extensions(text)
    assert first["reason"] == "chờ ((Bộ) Y tế); xem lại"
    assert second["new_deadline"] == date(2025, 5, 31)


def test_a_keyword_glued_to_its_value_is_not_a_keyword() -> None:
    with pytest.raises(ValueError, match="trong ngoặc phải bắt đầu bằng «duyệt»"):
        parse_extensions("30/04/2025 (duyệt25/03/2025)")


def test_a_keyword_written_twice_is_refused() -> None:
    with pytest.raises(ValueError) as err:
        parse_extensions("30/04/2025 (duyệt 25/03/2025, ngày duyệt 26/03/2025)")
    assert str(err.value) == (
        "«30/04/2025 (duyệt 25/03/2025, ngày duyệt 26/03/2025)»: «ngày duyệt 26/03/2025» ghi hai lần"
    )
    with pytest.raises(ValueError, match="«người duyệt C» ghi hai lần"):
        parse_extensions("30/04/2025 (duyệt 25/03/2025, người duyệt B, người duyệt C)")


def test_the_parentheses_must_start_with_a_keyword() -> None:
    with pytest.raises(ValueError) as err:
        parse_extensions("30/04/2025 (chờ ý kiến Bộ, duyệt 25/03/2025)")
    assert str(err.value) == (
        "«30/04/2025 (chờ ý kiến Bộ, duyệt 25/03/2025)»: trong ngoặc phải bắt đầu bằng «duyệt», "
        "«người duyệt» hoặc «lý do»"
    )


@pytest.mark.parametrize("text", ["30/04/2025", "30/04/2025 ()", "30/04/2025 (lý do bão)"])
def test_the_approval_date_is_required(text: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_extensions(text)
    assert str(err.value) == (
        f"«{text}»: thiếu ngày duyệt gia hạn, viết «30/04/2025 (duyệt dd/mm/yyyy)»"
    )


@pytest.mark.parametrize(
    "text",
    [
        "30/04/2025 duyệt 25/03/2025",
        "(duyệt 25/03/2025)",
        "a (b) c",
        "30/04/2025 (duyệt 25/03/2025) X",
    ],
)
def test_other_shapes_are_refused(text: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_extensions(text)
    assert str(err.value) == (
        f"«{text}» không đúng dạng «dd/mm/yyyy (duyệt dd/mm/yyyy, người duyệt …, lý do …)»"
    )


def test_days_that_do_not_exist_are_refused() -> None:
    with pytest.raises(ValueError, match="«31/04/2025» không phải ngày có thật"):
        parse_extensions("31/04/2025 (duyệt 25/03/2025)")
    with pytest.raises(ValueError, match="«hôm qua» không phải ngày hợp lệ"):
        parse_extensions("30/04/2025 (duyệt hôm qua)")


def test_an_unbalanced_closing_parenthesis_does_not_hide_a_separator() -> None:
    # A stray ')' must not make the depth negative and swallow the next ';'.
    with pytest.raises(ValueError, match="không đúng dạng"):
        parse_extensions(") 30/04/2025 (duyệt 25/03/2025); 31/05/2025 (duyệt 28/04/2025)")
    got = parse_extensions("30/04/2025 (duyệt 25/03/2025, lý do a)); 31/05/2025 (duyệt 28/04/2025)")
    assert [e["new_deadline"] for e in got] == [date(2025, 4, 30), date(2025, 5, 31)]


# ------------------------------------------------------------------ writing
def test_format_extensions_writes_the_documented_form() -> None:
    extensions = [
        {
            "new_deadline": date(2025, 4, 30),
            "approved_date": datetime(2025, 3, 24, 17, 0, tzinfo=UTC),  # stored form of 25/03
            "approver": "Nguyễn Văn An",
            "reason": "chờ ý kiến Bộ Y tế, Bộ Tài chính",
        },
        {
            "new_deadline": "2025-05-31",
            "approved_date": "28/04/2025",
            "approver": "",
            "reason": None,
        },
    ]
    assert format_extensions(extensions) == DOC_EXAMPLE
    assert format_extensions([]) == ""


def test_format_then_parse_gives_the_extensions_back() -> None:
    extensions = parse_extensions(DOC_EXAMPLE)
    assert parse_extensions(format_extensions(extensions)) == extensions


# ------------------------------------------------------------------ the cell
def test_extensions_cell_of_text() -> None:
    assert extensions_cell(DOC_EXAMPLE) == parse_extensions(DOC_EXAMPLE)


def test_extensions_cell_of_an_object_and_of_a_list() -> None:
    obj = {"new_deadline": "2025-04-30", "approved_date": "2025-03-28", "approver": "Phạm C"}
    assert extensions_cell(dict(obj)) == [
        {
            "new_deadline": date(2025, 4, 30),
            "approved_date": date(2025, 3, 28),
            "approver": "Phạm C",
        }
    ]
    mixed: list[Any] = [dict(obj), "31/05/2025 (duyệt 28/04/2025)"]
    assert extensions_cell(mixed) == [
        {
            "new_deadline": date(2025, 4, 30),
            "approved_date": date(2025, 3, 28),
            "approver": "Phạm C",
        },
        {"new_deadline": date(2025, 5, 31), "approved_date": date(2025, 4, 28)},
    ]


def test_extensions_cell_leaves_missing_days_to_the_record_check() -> None:
    assert extensions_cell({"new_deadline": "2025-04-30", "approved_date": None}) == [
        {"new_deadline": date(2025, 4, 30), "approved_date": None}
    ]
    assert extensions_cell([{"approved_date": " "}]) == [{"approved_date": " "}]


@pytest.mark.parametrize("raw", [[5], [["2025-04-30"]], [None]])
def test_extensions_cell_refuses_items_that_are_not_objects(raw: list[Any]) -> None:
    with pytest.raises(ValueError) as err:
        extensions_cell(raw)
    assert str(err.value) == (
        "mỗi lần gia hạn phải là một đối tượng hoặc dạng chữ «dd/mm/yyyy (…)»"
    )


def test_extensions_cell_refuses_implausible_years(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CDDH_PLAUSIBLE_YEARS", raising=False)
    with pytest.raises(ValueError, match="ngày 30/04/1925 không hợp lý"):
        extensions_cell("30/04/1925 (duyệt 25/03/2025)")
    with pytest.raises(ValueError, match="ngày 25/03/2125 không hợp lý"):
        extensions_cell({"new_deadline": "2025-04-30", "approved_date": "2125-03-25"})
