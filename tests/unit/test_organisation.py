"""Leaders in office and delegations in force on a day: both ends count, an open end holds."""

from __future__ import annotations

from datetime import date, datetime

from core.organisation import delegations_in_force, in_force, in_office, leaders_in_office


def test_a_term_holds_both_of_its_ends_and_an_open_end_holds_forever() -> None:
    term = {"term_from": datetime(2021, 6, 1), "term_to": date(2026, 5, 31)}
    assert not in_office(term, date(2021, 5, 31))
    assert in_office(term, date(2021, 6, 1)) and in_office(term, date(2026, 5, 31))
    assert not in_office(term, date(2026, 6, 1))
    assert in_office({"term_from": date(2021, 6, 1), "term_to": None}, date(2099, 1, 1))


def test_leaders_in_office_chairman_first_titles_filtered() -> None:
    leaders = [
        {"_id": "PCT-B", "title": "vice_chairman", "term_from": date(2020, 1, 1)},
        {"_id": "PCT-A", "title": "vice_chairman", "term_from": date(2020, 1, 1)},
        {"_id": "CT", "title": "chairman", "term_from": date(2020, 1, 1)},
        {"_id": "CVP", "title": "office_chief", "term_from": date(2020, 1, 1)},
        {"_id": "CT-OLD", "title": "chairman", "term_from": date(2015, 1, 1),
         "term_to": date(2019, 12, 31)},
    ]  # fmt: skip
    on = date(2024, 1, 1)
    assert [x["_id"] for x in leaders_in_office(leaders, on)] == ["CT", "PCT-A", "PCT-B"]
    assert [x["_id"] for x in leaders_in_office(leaders, on, ("office_chief",))] == ["CVP"]
    assert [x["_id"] for x in leaders_in_office(leaders, date(2019, 12, 31))] == ["CT-OLD"]


def test_a_delegation_is_in_force_from_its_first_to_its_last_day() -> None:
    g = {"date_from": date(2026, 3, 2), "date_to": date(2026, 3, 6)}
    assert [in_force(g, date(2026, 3, d)) for d in (1, 2, 6, 7)] == [False, True, True, False]
    assert not in_force({"date_from": date(2026, 3, 2)}, date(2026, 3, 3))
    assert delegations_in_force([g, {**g, "date_to": date(2026, 3, 2)}], date(2026, 3, 4)) == [g]
