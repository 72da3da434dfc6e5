"""A file of the organisation: units, leaders and delegations, checked with the store."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.dates import optional_day
from core.errors import ValidationFailed
from core.imports.cells import cell_text
from core.imports.columns import (
    IGNORED_KEYS,
    ORG_COLUMNS,
    ORG_KIND_LABELS,
    ORG_KIND_NAMES,
    RECORD_COLUMN,
)
from core.imports.known import Known
from core.imports.problems import Issues
from core.imports.readers import Row, Sheet, blank, header_key
from core.imports.references import TITLE_ALIASES, Resolver, sector_code, unit_list, vocab_code
from core.imports.rows import convert_row, map_columns, row_values
from core.model import (
    FIELD_LABELS,
    Delegation,
    Leader,
    Record,
    Unit,
    delegation_rule_problems,
    validate,
)
from core.vocab import LEADER_TITLES, UNIT_KINDS


@dataclass
class _OrgRow:
    kind: str
    sheet: Sheet
    line: int
    data: dict[str, Any]  # converted values of the columns present, by field


def _org_kind(value: Any) -> str | None:
    key = header_key(cell_text(value)) if not blank(value) else ""
    for kind, names in ORG_KIND_NAMES.items():
        if key in {header_key(n) for n in names}:
            return kind
    return None


def org_sheets(sheets: Sequence[Sheet]) -> dict[int, str]:
    """Sheets of a workbook named for a record kind: {sheet index: kind}."""
    found: dict[int, str] = {}
    for sheet in sheets:
        kind = _org_kind(sheet.title) if sheet.title else None
        if kind is not None:
            found[sheet.index] = kind
    return found


def has_record_column(sheet: Sheet) -> bool:
    return any(header_key(h) in RECORD_COLUMN.keys for h in sheet.headers)


def _org_rows(sheets: Sequence[Sheet], issues: Issues, warnings: list[str]) -> list[_OrgRow]:
    """Rows of units, leaders and delegations, converted cell by cell (not yet resolved)."""
    named = org_sheets(sheets)
    out: list[_OrgRow] = []
    if named:
        for sheet in sheets:
            if sheet.index not in named:
                warnings.append(f"trang «{sheet.title}» không phải trang tổ chức (bỏ qua)")
                continue
            kind = named[sheet.index]
            cols = ORG_COLUMNS[kind]
            colmap = map_columns(sheet, cols, issues, warnings, others=(RECORD_COLUMN,))
            if any(c.required and c.field not in colmap for c in cols):
                continue
            by_field = {c.field: c for c in cols}
            for row in sheet.rows:
                values = row_values(sheet, row, colmap)
                if all(blank(v) for v in values.values()):
                    continue
                data = convert_row(sheet, row, values, by_field, issues)
                out.append(_OrgRow(kind, sheet, row.line, data))
        return out

    sheet = sheets[0]
    if sheet.title is not None:
        sheet.title = None  # one sheet: lines alone are clear
    record_index = next(
        (i for i, h in enumerate(sheet.headers) if header_key(h) in RECORD_COLUMN.keys), None
    )
    if record_index is None and sheet.source != "jsonl":
        issues.add(
            sheet,
            sheet.header_line,
            f"cột «{RECORD_COLUMN.vi}»",
            "tệp tổ chức cần cột «record» (unit, leader, delegation) hoặc các trang "
            "«Đơn vị», «Lãnh đạo», «Ủy quyền»",
        )
        return out
    rows_by_kind: dict[str, list[Row]] = {}
    for row in sheet.rows:
        if all(blank(v) for v in row.cells.values()):
            continue
        raw = row.cells.get(record_index) if record_index is not None else None
        row_kind = _org_kind(raw)
        if row_kind is None:
            issues.add(
                sheet,
                row.line,
                "loại bản ghi",
                f"«{'' if blank(raw) else cell_text(raw)}» không hợp lệ: ghi unit/đơn vị, "
                "leader/lãnh đạo hoặc delegation/ủy quyền",
            )
            continue
        rows_by_kind.setdefault(row_kind, []).append(row)
    all_org = [c for cols in ORG_COLUMNS.values() for c in cols]
    colmaps: dict[str, dict[str, int]] = {}
    for kind, cols in ORG_COLUMNS.items():
        others = [RECORD_COLUMN, *(c for c in all_org if c not in cols)]
        sink: list[str] = [] if colmaps else warnings  # warn about ignored columns once
        colmaps[kind] = map_columns(
            sheet,
            cols,
            issues if kind in rows_by_kind else Issues(),
            sink,
            others=others,
            report_missing=False,
        )
        if kind in rows_by_kind:
            for column in cols:
                if column.required and column.field not in colmaps[kind]:
                    if sheet.source != "jsonl":
                        issues.add(
                            sheet,
                            sheet.header_line,
                            f"cột «{column.vi}»",
                            f"thiếu cột bắt buộc cho bản ghi {ORG_KIND_LABELS[kind]}",
                        )
    # Cells of another kind's columns must be empty (a typo would otherwise lose data).
    for kind, rows in rows_by_kind.items():
        cols = ORG_COLUMNS[kind]
        by_field = {c.field: c for c in cols}
        used = set(colmaps[kind].values()) | ({record_index} if record_index is not None else set())
        for row in rows:
            for index, value in row.cells.items():
                if index in used or blank(value) or not sheet.headers[index]:
                    continue
                if header_key(sheet.headers[index]) in IGNORED_KEYS:
                    continue
                if any(header_key(sheet.headers[index]) in c.keys for c in all_org):
                    issues.add(
                        sheet,
                        row.line,
                        f"cột «{sheet.headers[index]}»",
                        f"không dùng cho bản ghi {ORG_KIND_LABELS[kind]}: để trống",
                    )
            values = row_values(sheet, row, colmaps[kind])
            data = convert_row(sheet, row, values, by_field, issues)
            out.append(_OrgRow(kind, sheet, row.line, data))
    return out


def _stored_unit_input(d: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "code": d["_id"],
        "name": d.get("name"),
        "short_name": d.get("short_name"),
        "kind": d.get("kind"),
        "parent": d.get("parent"),
        "valid_from": optional_day(d.get("valid_from")),
        "valid_to": optional_day(d.get("valid_to")),
        "successor": d.get("successor"),
        "sector": d.get("sector"),
        "order": d.get("order", 0),
    }


def _stored_leader_input(d: Mapping[str, Any]) -> dict[str, Any]:
    portfolio = d.get("portfolio") or {}
    return {
        "id": d["_id"],
        "name": d.get("name"),
        "title": d.get("title"),
        "unit": d.get("unit"),
        "portfolio": {
            "sectors": list(portfolio.get("sectors", [])),
            "units": list(portfolio.get("units", [])),
        },
        "term_from": optional_day(d.get("term_from")),
        "term_to": optional_day(d.get("term_to")),
        "ppc_member": bool(d.get("ppc_member", False)),
    }


def _stored_delegation_input(d: Mapping[str, Any]) -> dict[str, Any]:
    scope = d.get("scope") or {}
    return {
        "id": d["_id"],
        "from_leader": d.get("from_leader"),
        "to_leader": d.get("to_leader"),
        "scope": {k: list(scope.get(k, [])) for k in ("sectors", "units", "tasks")},
        "date_from": optional_day(d.get("date_from")),
        "date_to": optional_day(d.get("date_to")),
        "reason": d.get("reason"),
    }


def _duplicates(rows: Sequence[_OrgRow], key_field: str, issues: Issues) -> list[_OrgRow]:
    """The first row of each key; later rows with the same key are problems."""
    first: dict[str, _OrgRow] = {}
    for r in rows:
        key = r.data.get(key_field)
        if not isinstance(key, str):
            continue
        if key in first:
            other = first[key]
            where = f"dòng {other.line}"
            if other.sheet is not r.sheet and other.sheet.title:
                where += f" trang «{other.sheet.title}»"
            column = next(c for c in ORG_COLUMNS[r.kind] if c.field == key_field)
            issues.add(r.sheet, r.line, column.label, f"«{key}» trùng với {where}")
        else:
            first[key] = r
    return list(first.values())


def parse_org(
    sheets: Sequence[Sheet], known: Known, issues: Issues, warnings: list[str]
) -> tuple[list[Unit], list[Leader], list[Delegation], dict[str, int]]:
    """Validated units, leaders and delegations, and how many of each are already stored."""
    rows = _org_rows(sheets, issues, warnings)
    if not rows and not issues:
        issues.add(sheets[0], None, "tệp", "không có dòng dữ liệu nào")
    units_rows = [r for r in rows if r.kind == "unit"]
    leader_rows = [r for r in rows if r.kind == "leader"]
    delegation_rows = [r for r in rows if r.kind == "delegation"]
    _duplicates(units_rows, "code", issues)
    _duplicates(leader_rows, "id", issues)
    _duplicates(delegation_rows, "id", issues)

    stored_units = {str(u["_id"]): u for u in known.units}
    stored_leaders = {str(x["_id"]): x for x in known.leaders}
    stored_delegations = {str(x["_id"]): x for x in known.delegations}

    # References resolve against the store and the file together (the file wins).
    unit_names: dict[str, tuple[str | None, ...]] = {
        code: (u.get("name"), u.get("short_name")) for code, u in stored_units.items()
    }
    for r in units_rows:
        code = r.data.get("code")
        if isinstance(code, str):
            unit_names[code] = (r.data.get("name"), r.data.get("short_name"))
    units = Resolver("đơn vị")
    for code, names in unit_names.items():
        units.add(code, *names)
    leader_names: dict[str, str | None] = {c: x.get("name") for c, x in stored_leaders.items()}
    for r in leader_rows:
        ident = r.data.get("id")
        if isinstance(ident, str):
            leader_names[ident] = r.data.get("name")
    leaders = Resolver("lãnh đạo")
    for ident, name in leader_names.items():
        leaders.add(ident, name)

    out_units = _build_units(units_rows, units, stored_units, issues)
    out_leaders = _build_leaders(leader_rows, units, stored_leaders, issues)
    out_delegations = _build_delegations(
        delegation_rows, units, leaders, stored_delegations, issues
    )
    _check_unit_cycles(out_units, units_rows, stored_units, issues)
    _check_delegation_rules(
        out_delegations, delegation_rows, out_leaders, stored_leaders, stored_delegations,
        known, issues,
    )  # fmt: skip
    existing = {
        "units": sum(1 for u in out_units if u.code in stored_units),
        "leaders": sum(1 for x in out_leaders if x.id in stored_leaders),
        "delegations": sum(1 for x in out_delegations if x.id in stored_delegations),
    }
    return out_units, out_leaders, out_delegations, existing


def _label(kind: str, name: str) -> str:
    column = next((c for c in ORG_COLUMNS[kind] if c.field == name), None)
    return column.label if column else FIELD_LABELS.get(name, name)


def _resolve_into(r: _OrgRow, name: str, resolver: Resolver, issues: Issues) -> None:
    value = r.data.get(name)
    if isinstance(value, str):
        try:
            r.data[name] = resolver.resolve(value)
        except ValueError as exc:
            issues.add(r.sheet, r.line, _label(r.kind, name), str(exc))


def _resolve_list(r: _OrgRow, name: str, resolver: Resolver, issues: Issues) -> None:
    value = r.data.get(name)
    if isinstance(value, list):
        codes, reasons = unit_list(value, resolver)
        for reason in reasons:
            issues.add(r.sheet, r.line, _label(r.kind, name), reason)
        r.data[name] = codes


def _sectors_into(r: _OrgRow, name: str, issues: Issues) -> None:
    value = r.data.get(name)
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else None
    if items is None:
        return
    codes: list[str] = []
    for item in items:
        try:
            code = sector_code(item)
        except ValueError as exc:
            issues.add(r.sheet, r.line, _label(r.kind, name), str(exc))
            continue
        if code not in codes:
            codes.append(code)
    r.data[name] = codes[0] if isinstance(value, str) and codes else codes


def _validated(model: type[Record], r: _OrgRow, data: dict[str, Any], issues: Issues) -> Any:
    try:
        return validate(model, data, line=r.line)
    except ValidationFailed as exc:
        issues.model(r.sheet, exc, ORG_COLUMNS[r.kind])
        return None


def _build_units(
    rows: Sequence[_OrgRow],
    units: Resolver,
    stored: Mapping[str, Mapping[str, Any]],
    issues: Issues,
) -> list[Unit]:
    out: list[Unit] = []
    for r in rows:
        kind = r.data.get("kind")
        if isinstance(kind, str):
            try:
                r.data["kind"] = vocab_code(kind, UNIT_KINDS, "loại đơn vị", {})
            except ValueError as exc:
                issues.add(r.sheet, r.line, _label("unit", "kind"), str(exc))
        _resolve_into(r, "parent", units, issues)
        _resolve_into(r, "successor", units, issues)
        _sectors_into(r, "sector", issues)
        code = str(r.data.get("code"))
        base = _stored_unit_input(stored[code]) if code in stored else {}
        data = {**base, **r.data}
        if data.get("order") is None:
            data["order"] = base.get("order", 0)
        if "valid_from" in data and data["valid_from"] is None:
            data.pop("valid_from")
        unit = _validated(Unit, r, data, issues)
        if unit is not None:
            out.append(unit)
    return out


def _build_leaders(
    rows: Sequence[_OrgRow],
    units: Resolver,
    stored: Mapping[str, Mapping[str, Any]],
    issues: Issues,
) -> list[Leader]:
    out: list[Leader] = []
    for r in rows:
        title = r.data.get("title")
        if isinstance(title, str):
            try:
                r.data["title"] = vocab_code(title, LEADER_TITLES, "chức danh", TITLE_ALIASES)
            except ValueError as exc:
                issues.add(r.sheet, r.line, _label("leader", "title"), str(exc))
        _resolve_into(r, "unit", units, issues)
        _resolve_list(r, "portfolio_units", units, issues)
        _sectors_into(r, "portfolio_sectors", issues)
        ident = str(r.data.get("id"))
        data = _stored_leader_input(stored[ident]) if ident in stored else {}
        portfolio = dict(data.get("portfolio") or {"sectors": [], "units": []})
        for name, value in r.data.items():
            if name.startswith("portfolio_"):
                portfolio[name.removeprefix("portfolio_")] = value
            else:
                data[name] = value
        data["portfolio"] = portfolio
        if "term_from" in data and data["term_from"] is None:
            data.pop("term_from")
        leader = _validated(Leader, r, data, issues)
        if leader is not None:
            out.append(leader)
    return out


def _build_delegations(
    rows: Sequence[_OrgRow],
    units: Resolver,
    leaders: Resolver,
    stored: Mapping[str, Mapping[str, Any]],
    issues: Issues,
) -> list[Delegation]:
    out: list[Delegation] = []
    for r in rows:
        _resolve_into(r, "from_leader", leaders, issues)
        _resolve_into(r, "to_leader", leaders, issues)
        _resolve_list(r, "scope_units", units, issues)
        _sectors_into(r, "scope_sectors", issues)
        ident = str(r.data.get("id"))
        data = _stored_delegation_input(stored[ident]) if ident in stored else {}
        scope = dict(data.get("scope") or {"sectors": [], "units": [], "tasks": []})
        for name, value in r.data.items():
            if name.startswith("scope_"):
                scope[name.removeprefix("scope_")] = value
            else:
                data[name] = value
        data["scope"] = scope
        delegation = _validated(Delegation, r, data, issues)
        if delegation is not None:
            out.append(delegation)
    return out


def _check_unit_cycles(
    units: Sequence[Unit],
    rows: Sequence[_OrgRow],
    stored: Mapping[str, Mapping[str, Any]],
    issues: Issues,
) -> None:
    """Parent and successor chains must not loop (store and file together)."""
    line_of = {r.data.get("code"): r for r in rows}
    for name, label in (("parent", "đơn vị cấp trên"), ("successor", "đơn vị kế thừa")):
        link: dict[str, str | None] = {c: u.get(name) for c, u in stored.items()}
        link.update({u.code: getattr(u, name) for u in units})
        for u in units:
            path = [u.code]
            nxt = link.get(u.code)
            while nxt is not None and nxt not in path and len(path) < 1000:
                path.append(nxt)
                nxt = link.get(nxt)
            if nxt == u.code:
                r = line_of[u.code]
                issues.add(
                    r.sheet, r.line, label, f"tạo thành vòng lặp ({' → '.join([*path, u.code])})"
                )


def _check_delegation_rules(
    delegations: Sequence[Delegation],
    rows: Sequence[_OrgRow],
    leaders: Sequence[Leader],
    stored_leaders: Mapping[str, Mapping[str, Any]],
    stored_delegations: Mapping[str, Mapping[str, Any]],
    known: Known,
    issues: Issues,
) -> None:
    """The rules of Repository.delegation_problems, over the store and the file together."""
    line_of = {r.data.get("id"): r for r in rows}
    ppc_member = {c: bool(x.get("ppc_member")) for c, x in stored_leaders.items()}
    ppc_member.update({x.id: x.ppc_member for x in leaders})
    union: dict[str, dict[str, Any]] = {
        c: _stored_delegation_input(d) for c, d in stored_delegations.items()
    }
    union.update({d.id: d.model_dump() for d in delegations})
    task_ids = sorted({t for d in delegations for t in d.scope.tasks})
    stored_tasks = known.stored_tasks(task_ids)
    for d in delegations:
        r = line_of[d.id]
        missing = [t for t in d.scope.tasks if t not in stored_tasks]
        if missing:
            issues.add(
                r.sheet, r.line, "nhiệm vụ ủy quyền", f"không có nhiệm vụ «{', '.join(missing)}»"
            )
        personal = [t for t in d.scope.tasks if stored_tasks.get(t, {}).get("personal")]
        for problem in delegation_rule_problems(
            d, union.values(), ppc_member.get(d.from_leader, False), personal
        ):
            issues.add(r.sheet, r.line, problem.field, problem.reason)
