"""working_day_index_expr evaluated by a real mongod agrees with WorkCalendar.working_day_index."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from core.calendar import WorkCalendar, working_day_index_expr
from core.dates import to_bson_day

START = date(2024, 11, 1)
END = date(2027, 2, 28)


def _days() -> list[date]:
    """Every day around Tết 2025 and 2026 and the swaps, plus every 5th day of the range."""
    chosen = set()
    for first, last in (
        (date(2025, 1, 15), date(2025, 2, 15)),
        (date(2025, 4, 20), date(2025, 5, 10)),
        (date(2026, 2, 5), date(2026, 3, 1)),
        (date(2026, 8, 15), date(2026, 9, 7)),
        (date(2026, 12, 20), date(2027, 1, 10)),
        (START, START + timedelta(days=10)),
        (END - timedelta(days=10), END),
    ):
        d = first
        while d <= last:
            chosen.add(d)
            d += timedelta(days=1)
    d = START
    while d <= END:
        chosen.add(d)
        d += timedelta(days=5)
    return sorted(chosen)


def _evaluate(mongo_db: Any, cal: WorkCalendar, days: list[date]) -> dict[date, Any]:
    coll = mongo_db["test_calendar_expr"]
    coll.drop()
    coll.insert_many([{"_id": d.isoformat(), "day": to_bson_day(d)} for d in days])
    coll.insert_one({"_id": "missing"})
    pipeline = [{"$project": {"index": working_day_index_expr(cal, "$day", START, END)}}]
    result = {row["_id"]: row["index"] for row in coll.aggregate(pipeline)}
    coll.drop()
    assert result.pop("missing") is None
    return {date.fromisoformat(k): v for k, v in result.items()}


def test_expr_matches_python(mongo_db: Any) -> None:
    cal = WorkCalendar()
    days = _days()
    assert len(days) > 200
    got = _evaluate(mongo_db, cal, days)
    expected = {d: cal.working_day_index(d) for d in days}
    assert got == expected
    assert all(isinstance(v, int) for v in got.values())


def test_expr_matches_python_with_extra_days(mongo_db: Any) -> None:
    cal = WorkCalendar(
        extra_holidays={
            date(2025, 3, 5): "Nghỉ",
            date(2024, 12, 31): "Nghỉ",
            date(2025, 4, 26): "X",
        },
        extra_workdays={
            date(2025, 3, 8): "Làm bù",
            date(2026, 2, 18): "Trực",
            date(2026, 1, 1): "Y",
        },
    )
    days = _days() + [date(2025, 3, d) for d in range(1, 11)]
    got = _evaluate(mongo_db, cal, sorted(set(days)))
    assert got == {d: cal.working_day_index(d) for d in got}
    # Differences of the server's indexes are working-day counts.
    a, b = date(2025, 1, 24), date(2025, 2, 3)
    assert got[b] - got[a] == cal.working_days_between(a, b) == 1


def test_expr_is_null_outside_the_years(mongo_db: Any) -> None:
    cal = WorkCalendar()
    coll = mongo_db["test_calendar_expr_out"]
    coll.drop()
    coll.insert_many(
        [
            {"_id": "before", "day": to_bson_day(date(2023, 12, 31))},
            {"_id": "first", "day": to_bson_day(date(2024, 1, 1))},
            {"_id": "after", "day": to_bson_day(date(2028, 1, 1))},
        ]
    )
    pipeline = [{"$project": {"index": working_day_index_expr(cal, "$day", START, END)}}]
    result = {row["_id"]: row["index"] for row in coll.aggregate(pipeline)}
    coll.drop()
    assert result == {
        "before": None,
        "first": cal.working_day_index(date(2024, 1, 1)),
        "after": None,
    }
