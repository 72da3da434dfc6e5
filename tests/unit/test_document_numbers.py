"""Document numbers (số, ký hiệu): one spelling, and the type their symbol shows."""

from __future__ import annotations

import pytest

from core.imports.document_numbers import normalize_number, type_from_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("123/QĐ-UBND", "123/QĐ-UBND"),
        ("Số: 123 / QĐ - UBND", "123/QĐ-UBND"),
        ("số 123/QĐ-UBND", "123/QĐ-UBND"),
        ("So:123/QĐ-UBND", "123/QĐ-UBND"),
        ("SỐ :  45/KH-UBND", "45/KH-UBND"),
        ("123 / QÐ-UBND", "123/QĐ-UBND"),  # Icelandic capital eth typed for Đ
        ("12/qð-ubnd", "12/qđ-ubnd"),  # and its small letter for đ
        ("  7/UBND-KT  ", "7/UBND-KT"),
        ("KH 12/UBND", "KH 12/UBND"),  # a word other than «số» before the number stays
        ("Số: QĐ-12", "Số: QĐ-12"),  # «số» not followed by a number stays
        ("Số  123/CĐ-UBND", "123/CĐ-UBND"),
    ],
)
def test_normalize_number(raw: str, expected: str) -> None:
    assert normalize_number(raw) == expected


def test_normalize_number_composes_decomposed_letters() -> None:
    assert normalize_number("Sô\u0301: 9/QĐ-UBND") == "9/QĐ-UBND"


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("123/QĐ-UBND", "QD"),
        ("Số: 123 / QÐ - UBND", "QD"),
        ("5/UBND-KT", "CV"),
        ("12/CT-UBND", "CT"),
        ("3/KH-UBND", "KH"),
        ("8/CĐ-UBND", "CD"),
        ("9/TB-VPUBND", "TB"),
        ("10/qđ-ubnd", "QD"),
        ("11/NQ-HĐND", None),  # a type the tracker does not hold
        ("123", None),  # no symbol at all
        ("123/", None),  # an empty symbol
        ("2024/12/QĐ-UBND", "QD"),  # the symbol follows the last slash
        ("15/QĐ-UBND-VX", "QD"),  # the type is the symbol's first part
        ("16/UBND-KT-VP", "CV"),
    ],
)
def test_type_from_number(number: str, expected: str | None) -> None:
    assert type_from_number(number) == expected
