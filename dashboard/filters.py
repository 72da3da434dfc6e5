"""The shared filters and the URL: the sidebar filters, their session store, page parameters.

Every page starts with `current_filters()`. The shared filters live in the sidebar, are kept in
the session when moving between pages and are written to the URL with each page's own
drill-down parameters, so that a link pasted into a chat reopens the same view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, cast

import streamlit as st

from core import explorer
from core.config import plausible_years
from core.dates import (
    AS_OF_FIRST,
    AS_OF_LAST,
    check_as_of,
    format_vn,
    parse_day,
    plausible_day,
    today_local,
)
from core.metrics import MetricsQuery
from core.organisation import delegations_in_force, leaders_in_office
from core.periods import (
    KIND_LABELS,
    PERIOD_KINDS,
    PERIOD_RULES,
    RULE_LABELS,
    Period,
    PeriodKind,
    custom_period,
    default_rule,
    last_n_periods,
    latest_ended,
    period_containing,
    period_for_report,
    year_to_date,
)
from core.text import SEARCH_MAX_CHARS, search_input, strip_invisible
from core.vocab import UNIT_KINDS
from dashboard.data import org_data
from dashboard.formatting import leader_label, md_literal

# Which tasks the figures of a period count (population): key -> Vietnamese label.
POPULATIONS: dict[str, str] = {
    "deadline": "Nhiệm vụ có thời hạn (kể cả gia hạn) trong kỳ",
    "assigned": "Nhiệm vụ giao trong kỳ",
    "cumulative": "Lũy kế từ đầu năm báo cáo: nhiệm vụ giao từ đầu năm đến cuối kỳ",
}

# URL parameter names of the shared filters (Vietnamese without diacritics: readable links).
P_AS_OF, P_KIND, P_REPORT, P_FROM, P_TO, P_RULE = "ngay", "ky", "kybc", "tu", "den", "quytac"
P_PORTFOLIO, P_UNIT_KIND, P_PRIORITY, P_POPULATION, P_MEETING, P_HISTORICAL = (
    "pct",
    "loaidv",
    "trongtam",
    "solieu",
    "hop",
    "dvcu",
)
# The population a period's figures count by default: tasks whose deadline in force falls in
# the period, the one every unit can be ranked on fairly (the trend uses it too).
DEFAULT_POPULATION = "deadline"
FILTER_PARAMS = (
    P_AS_OF,
    P_KIND,
    P_REPORT,
    P_FROM,
    P_TO,
    P_RULE,
    P_PORTFOLIO,
    P_UNIT_KIND,
    P_PRIORITY,
    P_POPULATION,
    P_MEETING,
    P_HISTORICAL,
)

_STORE = "_filters_store"  # canonical filter values (survive hidden widgets, page switches)
_WRITTEN = "_url_written"  # the query parameters this session last wrote
PAGE_PARAMS = "_page_params"  # the current page's drill-down parameters
_INIT = "_filters_from_url"

# --- the shared filters ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """The shared filters of every page (bộ lọc chung)."""

    as_of: date
    period: Period
    portfolio: str | None = None
    unit_kind: str | None = None
    priority_only: bool = False
    meeting_mode: bool = False
    population: str = DEFAULT_POPULATION
    historical: bool = False  # True: tasks stay with units that have ceased to exist
    lead_units: frozenset[str] | None = None
    portfolio_label: str | None = None  # "Phó Chủ tịch UBND tỉnh …" of `portfolio`

    def query(self, by: str = "unit") -> MetricsQuery:
        """The metrics query as of D for these filters (all tasks assigned up to D)."""
        return MetricsQuery(
            as_of=self.as_of,
            by=by,
            priority_only=self.priority_only,
            lead_units=self.lead_units,
            rollup_successors=not self.historical,
            rollup_as_of=self.as_of,
        )

    def period_query(self, by: str = "unit") -> MetricsQuery:
        """The query of the chosen period and population, evaluated at min(period end, D)."""
        q = self.query(by).for_period(self.period, self.population)
        if q.as_of > self.as_of:
            q = replace(q, as_of=self.as_of)
        return q

    @property
    def scale(self) -> float:
        """Chart scale: larger on a projector."""
        return 1.45 if self.meeting_mode else 1.0

    def params(self) -> dict[str, str]:
        """The URL query parameters of these filters (date and period always, others if set)."""
        out = {P_AS_OF: self.as_of.isoformat(), P_KIND: self.period.kind}
        if self.period.kind == "custom":
            out[P_FROM] = self.period.start.isoformat()
            out[P_TO] = self.period.end.isoformat()
        else:
            out[P_REPORT] = self.period.report
        if self.period.rule != default_rule():
            out[P_RULE] = self.period.rule
        if self.portfolio:
            out[P_PORTFOLIO] = self.portfolio
        if self.unit_kind:
            out[P_UNIT_KIND] = self.unit_kind
        if self.priority_only:
            out[P_PRIORITY] = "1"
        if self.population != DEFAULT_POPULATION:
            out[P_POPULATION] = self.population
        if self.historical:
            out[P_HISTORICAL] = "1"
        if self.meeting_mode:
            out[P_MEETING] = "1"
        return out

    def describe(self, with_period: bool = True) -> str:
        """One Vietnamese line saying what the figures cover.

        `with_period=False` for pages whose lists are not cut by the reporting period (the task
        and document lists): they cover every task assigned up to D.
        """
        parts = [f"Số liệu đến ngày {format_vn(self.as_of)}"]
        if with_period:
            period = f"kỳ báo cáo: {self.period.label}"
            if self.period.kind != "custom":  # a custom period's label already has its days
                period += f" ({format_vn(self.period.start)} – {format_vn(self.period.end)})"
            if self.period.start <= self.as_of < self.period.end:
                elapsed = (self.as_of - self.period.start).days + 1
                period += f", kỳ đang diễn ra: đã qua {elapsed}/{self.period.days} ngày"
            parts.append(period)
            if self.population == "cumulative":
                ytd = year_to_date(min(self.period.end, self.as_of), self.period.rule)
                parts.append(ytd.label.lower() + " (nhiệm vụ giao trong khoảng này)")
            else:
                parts.append(POPULATIONS[self.population].lower())
        else:
            parts.append("mọi nhiệm vụ đã giao đến ngày này (không lọc theo kỳ báo cáo)")
        if self.portfolio_label:
            parts.append(f"lĩnh vực phụ trách: {self.portfolio_label} (kể cả phần được ủy quyền)")
        if self.priority_only:
            parts.append("chỉ nhiệm vụ trọng tâm")
        if self.unit_kind:
            parts.append(f"loại đơn vị: {UNIT_KINDS[self.unit_kind]}")
        if self.historical:
            parts.append("theo đơn vị cũ (không gộp vào đơn vị kế thừa)")
        return "; ".join(parts) + "."


def filter_store() -> dict[str, Any]:
    """The session's canonical filter values (they survive hidden widgets and page switches)."""
    store: dict[str, Any] = st.session_state.setdefault(_STORE, {})
    return store


def _parse_filter(name: str, raw: str) -> Any:
    """A URL value of a shared filter as a Python value; ValueError when it makes no sense."""
    if name in (P_AS_OF, P_FROM, P_TO):
        return check_as_of(parse_day(raw))
    if name == P_KIND:
        if raw not in PERIOD_KINDS:
            raise ValueError("không phải loại kỳ báo cáo")
        return raw
    if name == P_RULE:
        if raw not in PERIOD_RULES:
            raise ValueError("không phải cách tính kỳ")
        return raw
    if name == P_POPULATION:
        if raw not in POPULATIONS:
            raise ValueError("không phải cách tính số liệu")
        return raw
    if name in (P_PRIORITY, P_MEETING, P_HISTORICAL):
        return raw in ("1", "true", "co")
    return raw or None


def _opening_portfolio() -> str | None:
    """A Vice-Chairman's session opens on his portfolio (with the delegations in force on D,
    as the portfolio filter always counts them); everyone else on the whole province."""
    actor = st.session_state.get("_cddh_actor")
    if getattr(actor, "role", None) == "vice_chairman":
        return getattr(actor, "leader_id", None)
    return None


def adopt_url_filters() -> set[str]:
    """Take shared filters from the URL on a session's first run, or when a link changed them.

    Within a session a filter missing from the URL keeps its value (switching pages may drop
    the query string); a value that differs from what this session last wrote wins (a link).
    """
    store = filter_store()
    written: dict[str, str] = st.session_state.get(_WRITTEN, {})
    first = _INIT not in st.session_state
    st.session_state[_INIT] = True
    adopted: set[str] = set()
    url = st.query_params.to_dict()
    for name in FILTER_PARAMS:
        raw = url.get(name)
        if raw is None:
            if first:
                store.pop(name, None)
            continue
        if first or raw != written.get(name):
            try:
                store[name] = _parse_filter(name, raw)
                adopted.add(name)
            except ValueError as exc:
                link_problem(name, raw, str(exc))
    if first and P_PORTFOLIO not in url:
        opening = _opening_portfolio()
        if opening:
            store[P_PORTFOLIO] = opening
    if first and url.get(P_KIND) == "custom" and P_REPORT in store:
        store.pop(P_REPORT, None)
    return adopted


_SHOWN_CHARS = 60  # of a URL value quoted back to the reader


def _quoted(raw: str) -> str:
    """A URL value as the reader is shown it: invisible characters removed, at most 60
    characters (a crafted link can carry 60,000), Markdown marks shown as typed."""
    text = strip_invisible(raw)
    text = text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…"
    return md_literal(text)


def link_problem(name: str, raw: str, reason: str) -> None:
    """Note a URL parameter that could not be used (shown by `page_header`, or at once)."""
    problems: dict[str, str] = st.session_state.setdefault("_link_problems", {})
    problems[name] = f"{name}=«{_quoted(raw)}»: {reason}"


def link_note(name: str, note: str) -> None:
    """Note a URL parameter that was used after a change (shown with the link problems)."""
    notes: dict[str, str] = st.session_state.setdefault("_link_notes", {})
    notes[name] = f"{name}: {note}"


class LinkValueError(ValueError):
    """A URL value refused with a Vietnamese reason meant for the reader."""


def one_of(options: Iterable[Any], what: str) -> Callable[[str], str]:
    """A URL value parser accepting only these values (else ValueError naming `what`)."""
    allowed = set(options)

    def parse(raw: str) -> str:
        if raw not in allowed:
            raise LinkValueError(f"không có {what} này")
        return raw

    return parse


def show_link_problems() -> None:
    """Say which parts of the link were left out or changed, once (then forget them)."""
    problems: dict[str, str] = st.session_state.pop("_link_problems", {})
    notes: dict[str, str] = st.session_state.pop("_link_notes", {})
    if problems:
        st.warning(
            "Một phần của đường liên kết không dùng được nên đã bỏ qua: "
            + "; ".join(problems.values())
            + "."
        )
    if notes:
        st.info("Đường liên kết đã được điều chỉnh: " + "; ".join(notes.values()) + ".")


# --- parsers of URL values (a crafted link gets a note, never an error) ---------------------------


def plausible_date(raw: str) -> date:
    """A day from the URL within the plausible years (CDDH_PLAUSIBLE_YEARS), else refused."""
    try:
        return plausible_day(raw)
    except ValueError as exc:
        raise LinkValueError(str(exc)) from None


def plausible_range() -> tuple[date, date]:
    """The first and last day a date widget offers (the plausible years)."""
    first, last = plausible_years()
    return date(first, 1, 1), date(last, 12, 31)


def search_param(name: str) -> Callable[[str], str]:
    """A parser of a search text from the URL: cleaned and cut to SEARCH_MAX_CHARS, with a
    note when it was cut."""

    def parse(raw: str) -> str:
        text, shortened = search_input(raw)
        if shortened:
            link_note(
                name,
                f"nội dung tìm dài quá {SEARCH_MAX_CHARS} ký tự nên chỉ tìm theo "
                f"{SEARCH_MAX_CHARS} ký tự đầu",
            )
        return text

    return parse


RECORD_ID_MAX = 200


def record_id(raw: str) -> str:
    """The id of a record from the URL (task, document): refused when no id could look so."""
    if not raw or len(raw) > RECORD_ID_MAX or strip_invisible(raw) != raw:
        raise LinkValueError("không phải mã hợp lệ")
    return raw


def page_number(last: int) -> Callable[[str], int]:
    """A parser of a page number from the URL: 1 below 1, at most `last`."""

    def parse(raw: str) -> int:
        text = raw.strip()
        digits = text.removeprefix("-")
        if not (digits.isascii() and digits.isdigit()):
            raise LinkValueError("không phải số trang")
        if text.startswith("-"):
            return 1
        return last if len(digits) > 9 else min(max(1, int(digits)), last)

    return parse


def period_options(kind: str, rule: str, as_of: date, n: int = 24) -> list[Period]:
    """The periods of a kind a user picks from: the one holding D and the n - 1 before, newest
    first."""
    current = period_containing(kind, as_of, rule)  # type: ignore[arg-type]
    return list(reversed(last_n_periods(current, n)))


def _leaders_in_office(data: Mapping[str, Any], as_of: date) -> list[dict[str, Any]]:
    return leaders_in_office(data["leaders"], as_of)


def portfolio_leaders(as_of: date) -> list[dict[str, Any]]:
    """The Chairman and Vice-Chairmen in office on D (the portfolio filter's choices)."""
    return _leaders_in_office(org_data(), as_of)


def _lead_units(
    data: Mapping[str, Any], as_of: date, portfolio: str | None, unit_kind: str | None
) -> frozenset[str] | None:
    wanted: set[str] | None = None
    if portfolio:
        on_day = delegations_in_force(data["delegations"], as_of)
        mine = explorer.portfolio_units(data["units"], data["leaders"], on_day, portfolio, as_of)
        wanted = set(mine["own"]) | set(mine["delegated"])
    if unit_kind:
        kind_units = {u["_id"] for u in data["units"] if u.get("kind") == unit_kind}
        wanted = kind_units if wanted is None else wanted & kind_units
    return frozenset(wanted) if wanted is not None else None


def delegations_on(as_of: date) -> list[dict[str, Any]]:
    """Delegations in force on D."""
    return delegations_in_force(org_data()["delegations"], as_of)


def _resolve(store: dict[str, Any]) -> Filters:
    """Filters from stored values, every missing or invalid one replaced by its default."""
    as_of = store.get(P_AS_OF) or today_local()
    rule = store.get(P_RULE) or default_rule()
    kind = cast(PeriodKind, store.get(P_KIND) or "month")
    period: Period
    if kind == "custom":
        start = store.get(P_FROM) or as_of.replace(day=1)
        end = store.get(P_TO) or as_of
        if start > end:
            start, end = end, start
        period = custom_period(start, end, rule=rule)
    else:
        try:
            period = period_for_report(kind, str(store.get(P_REPORT) or ""), rule)
        except ValueError:
            period = latest_ended(kind, as_of, rule)
    data = org_data()
    portfolio = store.get(P_PORTFOLIO)
    if portfolio and portfolio not in {ldr["_id"] for ldr in _leaders_in_office(data, as_of)}:
        link_problem(
            P_PORTFOLIO, portfolio, f"không có lãnh đạo này đương nhiệm ngày {format_vn(as_of)}"
        )
        store.pop(P_PORTFOLIO, None)
        portfolio = None
    unit_kind = store.get(P_UNIT_KIND)
    if unit_kind not in UNIT_KINDS:
        unit_kind = None
    population = store.get(P_POPULATION) or DEFAULT_POPULATION
    return Filters(
        as_of=as_of,
        period=period,
        portfolio=portfolio,
        unit_kind=unit_kind,
        priority_only=bool(store.get(P_PRIORITY)),
        meeting_mode=bool(store.get(P_MEETING)),
        population=population if population in POPULATIONS else DEFAULT_POPULATION,
        historical=bool(store.get(P_HISTORICAL)),
        lead_units=_lead_units(data, as_of, portfolio, unit_kind),
        portfolio_label=next(
            (leader_label(ldr) for ldr in data["leaders"] if ldr["_id"] == portfolio), None
        ),
    )


def _widget(name: str, value: Any, adopted: set[str]) -> str:
    """The widget key of a filter, primed from the store when new or when a link changed it."""
    key = f"w_{name}"
    if key not in st.session_state or name in adopted:
        st.session_state[key] = value
    return key


def take_widget_values(store: dict[str, Any], adopted: set[str]) -> None:
    """Copy the values the user just changed in the sidebar into the store, before resolving.

    A new as-of date without a new period choice moves the period to the one holding it.
    """
    before = store.get(P_AS_OF)
    for name in FILTER_PARAMS:
        key = f"w_{name}"
        if name not in adopted and key in st.session_state:
            store[name] = st.session_state[key]
    if (
        P_AS_OF not in adopted
        and before is not None
        and store.get(P_AS_OF) != before
        and store.get(P_REPORT) == st.session_state.get(f"w_{P_REPORT}")
    ):
        store.pop(P_REPORT, None)
        st.session_state.pop(f"w_{P_REPORT}", None)


def render_filters() -> Filters:
    """Draw the shared filters in the sidebar (hidden in meeting mode) and return them."""
    adopted = adopt_url_filters()
    store = filter_store()
    take_widget_values(store, adopted)
    current = _resolve(store)
    if current.meeting_mode:
        st.session_state["_filters"] = current
        return current
    data = org_data()
    sb = st.sidebar
    sb.toggle(
        "Chế độ trình chiếu (họp)",
        key=_widget(P_MEETING, current.meeting_mode, adopted),
        help="Chữ và biểu đồ lớn hơn, ẩn bộ lọc; giữ nguyên trang đang xem.",
    )
    store[P_MEETING] = st.session_state[f"w_{P_MEETING}"]
    sb.markdown("**Bộ lọc chung**")
    as_of = sb.date_input(
        "Số liệu đến ngày",
        key=_widget(P_AS_OF, current.as_of, adopted),
        format="DD/MM/YYYY",
        min_value=AS_OF_FIRST,
        max_value=AS_OF_LAST,
        help="Trạng thái nhiệm vụ được tính tại ngày này (mặc định: hôm nay).",
    )
    store[P_AS_OF] = as_of if isinstance(as_of, date) else current.as_of
    kind = sb.selectbox(
        "Loại kỳ báo cáo",
        options=list(PERIOD_KINDS),
        format_func=lambda k: KIND_LABELS[k],
        key=_widget(P_KIND, current.period.kind, adopted),
    )
    store[P_KIND] = kind
    rule = current.period.rule
    if kind == "custom":
        start_default = (
            current.period.start
            if current.period.kind == "custom"
            else (current.as_of.replace(day=1))
        )
        end_default = current.period.end if current.period.kind == "custom" else current.as_of
        c1, c2 = sb.columns(2)
        start = c1.date_input(
            "Từ ngày",
            key=_widget(P_FROM, start_default, adopted),
            format="DD/MM/YYYY",
            min_value=AS_OF_FIRST,
            max_value=AS_OF_LAST,
        )
        end = c2.date_input(
            "Đến ngày",
            key=_widget(P_TO, end_default, adopted),
            format="DD/MM/YYYY",
            min_value=AS_OF_FIRST,
            max_value=AS_OF_LAST,
        )
        store[P_FROM], store[P_TO] = start, end
        if isinstance(start, date) and isinstance(end, date) and start > end:
            sb.warning("«Từ ngày» sau «Đến ngày»: đã đổi chỗ hai ngày.")
    else:
        options = period_options(kind, rule, store[P_AS_OF])
        keys = [p.report for p in options]
        # Labels only: the sidebar is narrow; the chosen period's days are written below it.
        spans = {p.report: p for p in options}
        chosen = (
            current.period.report
            if current.period.kind == kind
            else latest_ended(kind, store[P_AS_OF], rule).report
        )
        if chosen not in keys:
            spans[chosen] = period_for_report(kind, chosen, rule)
            keys.append(chosen)
        labels = {k: p.label for k, p in spans.items()}
        wkey = _widget(P_REPORT, chosen, adopted)
        if st.session_state.get(wkey) not in keys:
            st.session_state[wkey] = chosen
        store[P_REPORT] = sb.selectbox(
            "Kỳ báo cáo", options=keys, format_func=lambda k: labels[k], key=wkey
        )
        shown = spans[store[P_REPORT]]
        sb.caption(f"Từ {format_vn(shown.start)} đến {format_vn(shown.end)}")
    with sb.expander("Cách tính kỳ và số liệu"):
        store[P_RULE] = st.radio(
            "Quy tắc kỳ báo cáo",
            options=list(PERIOD_RULES),
            format_func=lambda r: RULE_LABELS[r],
            key=_widget(P_RULE, rule, adopted),
        )
        store[P_POPULATION] = st.radio(
            "Số liệu tính trên",
            options=list(POPULATIONS),
            format_func=lambda p: POPULATIONS[p],
            key=_widget(P_POPULATION, current.population, adopted),
            help="Trạng thái luôn tính tại cuối kỳ (không quá ngày xem).",
        )
    leaders = _leaders_in_office(data, store[P_AS_OF])
    leader_ids: list[str | None] = [None, *[ldr["_id"] for ldr in leaders]]
    names = {ldr["_id"]: leader_label(ldr) for ldr in leaders}
    wkey = _widget(P_PORTFOLIO, current.portfolio, adopted)
    if st.session_state.get(wkey) not in leader_ids:
        st.session_state[wkey] = None
    store[P_PORTFOLIO] = sb.selectbox(
        "Lĩnh vực phụ trách",
        options=leader_ids,
        format_func=lambda i: "Toàn tỉnh" if i is None else names[i],
        placeholder="Toàn tỉnh",
        key=wkey,
        help="Các đơn vị thuộc lĩnh vực lãnh đạo phụ trách, kể cả phần được ủy quyền tại ngày xem.",
    )
    kinds_present = [k for k in UNIT_KINDS if any(u.get("kind") == k for u in data["units"])]
    kind_options: list[str | None] = [None, *[k for k in kinds_present if k != "ppc"]]
    wkey = _widget(P_UNIT_KIND, current.unit_kind, adopted)
    if st.session_state.get(wkey) not in kind_options:
        st.session_state[wkey] = None
    store[P_UNIT_KIND] = sb.selectbox(
        "Loại đơn vị",
        options=kind_options,
        format_func=lambda k: "Tất cả" if k is None else UNIT_KINDS[k],
        placeholder="Tất cả",
        key=wkey,
    )
    store[P_PRIORITY] = sb.toggle(
        "Chỉ nhiệm vụ trọng tâm", key=_widget(P_PRIORITY, current.priority_only, adopted)
    )
    store[P_HISTORICAL] = sb.toggle(
        "Tính theo đơn vị cũ (trước sáp nhập)",
        key=_widget(P_HISTORICAL, current.historical, adopted),
        help="Mặc định, nhiệm vụ của đơn vị đã sáp nhập, giải thể tại ngày xem được tính cho đơn "
        "vị kế thừa. Bật để xem số liệu theo đơn vị được giao lúc đầu.",
    )
    filters = _resolve(store)
    st.session_state["_filters"] = filters
    return filters


def current_filters() -> Filters:
    """The shared filters of this run; the first call of a run draws them in the sidebar.

    Drawn from inside the page's script (not before `st.navigation` runs it) so that the
    widgets keep one identity across the reruns of a page: Streamlit derives widget ids from
    the running page, and the very first run of a session may report another one.
    """
    found = st.session_state.get("_filters")
    if isinstance(found, Filters):
        return found
    filters = render_filters()
    meeting_css(filters)
    return filters


# --- page parameters (drill-down) bound to the URL ------------------------------------------------


def page_param(name: str, default: Any, parse: Callable[[str], Any] | None = None) -> Any:
    """A page's drill-down value (selected unit, task, page number…), bound to the URL.

    Taken from the URL parameter `name` when a link set or changed it; otherwise the value the
    page kept in the session (key `p_<name>`, not a widget key: it survives widgets that are
    not drawn). Widgets edit it through `bind(name)`.
    """
    pkey = f"p_{name}"
    written: dict[str, str] = st.session_state.get(_WRITTEN, {})
    raw = st.query_params.get(name)
    if raw != written.get(name) and (raw is not None or pkey in st.session_state):
        value = default
        if raw is not None:
            try:
                value = parse(raw) if parse is not None else raw
            except (ValueError, KeyError) as exc:
                reason = str(exc) if isinstance(exc, LinkValueError) else "giá trị không hợp lệ"
                link_problem(name, raw, reason)
                value = default
        st.session_state[pkey] = value
    elif pkey not in st.session_state:
        st.session_state[pkey] = default
    return st.session_state[pkey]


def set_state(name: str, value: Any) -> None:
    """Change a page's drill-down value (for buttons and links within the page)."""
    st.session_state[f"p_{name}"] = value
    st.session_state.pop(f"w_{name}", None)


def _copy_back(name: str) -> None:
    st.session_state[f"p_{name}"] = st.session_state[f"w_{name}"]


def bind(name: str) -> dict[str, Any]:
    """Keyword arguments tying a widget to the drill-down value `name` (call `page_param` first).

    The widget shows the kept value and writes the user's choice back to it.
    """
    wkey = f"w_{name}"
    st.session_state[wkey] = st.session_state.get(f"p_{name}")
    return {"key": wkey, "on_change": _copy_back, "args": (name,)}


def bind_from_first_page(name: str, page: str = "trang") -> dict[str, Any]:
    """`bind`, and a change of this filter sends the list back to its first page."""
    kwargs = bind(name)

    def changed() -> None:
        st.session_state[f"p_{name}"] = st.session_state[f"w_{name}"]
        st.session_state[f"p_{page}"] = 1

    kwargs["on_change"], kwargs["args"] = changed, ()
    return kwargs


def pager(pages: int, current: int, name: str = "trang") -> None:
    """Page buttons bound to the drill-down value `name` (server-side paging)."""
    wkey = f"w_{name}"
    if st.session_state.get(wkey) != current:
        st.session_state.pop(wkey, None)
    st.pagination(
        pages, default=current, key=wkey, on_change=_copy_back, args=(name,), max_visible_pages=9
    )


def url_value(name: str) -> str | None:
    """A drill-down parameter as the URL has it when a link set or changed it (else None)."""
    written: dict[str, str] = st.session_state.get(_WRITTEN, {})
    raw = st.query_params.get(name)
    return raw if raw != written.get(name) else None


def set_page_param(name: str, value: Any) -> None:
    """Record one of the page's drill-down parameters for the URL (None: absent)."""
    params: dict[str, str] = st.session_state.setdefault(PAGE_PARAMS, {})
    if value is None or value == "" or value is False:
        params.pop(name, None)
    elif isinstance(value, date):
        params[name] = value.isoformat()
    elif value is True:
        params[name] = "1"
    else:
        params[name] = str(value)


def sync_url(filters: Filters) -> None:
    """Write the filters and the page's parameters to the URL (only when they changed)."""
    wanted = {**filters.params(), **st.session_state.get(PAGE_PARAMS, {})}
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
    st.session_state[_WRITTEN] = wanted


_OVERFLOW = "[data-testid='stTopNavSection'] [data-testid='stMarkdownContainer']"


def meeting_css(filters: Filters) -> None:
    """Page links and chosen options wrap instead of being cut; in meeting mode, larger text and
    cards on a projector and the top navigation's overflow in Vietnamese. Streamlit's main menu
    (theme, print, "About"; English only, nothing a reader needs) is hidden."""
    st.html(
        "<style>[data-testid^='stPageLink'] * { white-space: normal !important; "
        "overflow: visible !important; text-overflow: clip !important; }"
        "[data-testid='stMainMenu'] { display: none; }"
        # A chosen option's tag wraps its words instead of ending in "…".
        "[data-testid='stMultiSelectTagsContainer'] span { white-space: normal !important; "
        "overflow: visible !important; text-overflow: clip !important; height: auto !important; "
        "max-width: none !important; }"
        # The tables' own toolbar speaks English (search, download, columns): hidden; pages
        # offer their own Vietnamese download buttons.
        "[data-testid='stElementToolbar'] { display: none !important; }"
        # The file uploader's English button and instructions («Upload», «200MB per file»)
        # give way to Vietnamese; the page's label states the real limit.
        "[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p "
        "{ font-size: 0 !important; }"
        "[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] "
        "p::after { content: 'Chọn tệp'; font-size: 1rem; }"
        "[data-testid='stFileUploaderDropzoneInstructions'] span { font-size: 0 !important; }"
        "[data-testid='stFileUploaderDropzoneInstructions'] span::after "
        "{ content: 'hoặc kéo thả tệp vào đây'; font-size: 0.875rem; }</style>"
    )
    if filters.meeting_mode:
        st.html(
            "<style>"
            "html { font-size: 21px; }"
            ".cddh-card-value { font-size: min(3rem, var(--fit)); }"
            ".cddh-card-label { font-size: 1rem; }"
            "[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'] "
            "{ display: none; }"
            # The navigation moves to the top; the pages that do not fit it are behind
            # Streamlit's English «5 more» (the only section of a flat navigation): Vietnamese.
            f"{_OVERFLOW} p {{ font-size: 0 !important; }}"
            f"{_OVERFLOW} p::after {{ content: 'Trang khác'; font-size: 0.875rem; }}"
            "</style>"
        )
