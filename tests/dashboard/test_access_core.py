"""The role table through `core`: what each role reads, what it is refused, logins, sessions,
lockouts and the access log — on the demo province in a real mongod."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from core import explorer, metrics, repository
from core.access import accounts, audit, sessions
from core.access.roles import ROLES, Actor
from core.access.scopes import scope_for
from core.dates import now_utc
from core.errors import AccessDenied, LoginRefused, ValidationFailed
from core.metrics import MetricsQuery
from core.scope import Scope
from tests.dashboard.demo_db import AS_OF


def bound(repo: repository.Repository, username: str) -> repository.Repository:
    """The store as this demo user sees it."""
    actor = accounts.actor_of(repo.user(username) or {})
    return repo.acting_as(actor, scope_for(actor, repo.units(), AS_OF))


def unit_officer(repo: repository.Repository) -> tuple[repository.Repository, frozenset[str]]:
    store = bound(repo, "snnmt")
    assert store.reader.units is not None
    return store, store.reader.units


def test_unit_officer_scope_holds_his_unit_and_the_units_it_succeeded(
    demo_repo: repository.Repository, demo_accounts: Any
) -> None:
    _, units = unit_officer(demo_repo)
    assert "SNNMT" in units
    assert "STNMT" in units  # merged into SNNMT on 1/3/2025: its tasks are his now
    assert "SYT" not in units


def test_unit_officer_never_sees_a_task_of_another_unit(
    demo_repo: repository.Repository, demo_accounts: Any
) -> None:
    store, units = unit_officer(demo_repo)
    rows = store.find_tasks({}, Scope.everything(), limit=0)
    assert rows, "the unit has tasks in the demo"
    for t in rows:
        assert t["lead_unit"] in units or set(t["coord_units"]) & units
    # asking for another unit's tasks gives nothing, whatever the filter
    assert store.find_tasks({"lead_unit": "SYT"}, Scope.of_units(["SYT"]), limit=0) == [
        t
        for t in store.find_tasks({"lead_unit": "SYT"}, Scope.everything(), limit=0)
        if set(t["coord_units"]) & units
    ]
    other = demo_repo.find_tasks(
        {"lead_unit": "SYT", "coord_units": {"$nin": sorted(units)}}, Scope.everything(), limit=1
    )[0]
    assert store.task(other["_id"], Scope.everything()) is None
    assert store.task_events(other["_id"]) == []
    total = demo_repo.count_tasks({}, Scope.everything())
    mine = store.count_tasks({}, Scope.everything())
    assert 0 < mine < total


def test_unit_officer_figures_count_only_his_tasks(
    demo_repo: repository.Repository, demo_accounts: Any
) -> None:
    store, _units = unit_officer(demo_repo)
    q = MetricsQuery(as_of=AS_OF, by="unit")
    mine = metrics.status_metrics(store, q)
    province = metrics.status_metrics(demo_repo, q)
    within = metrics.status_metrics(
        demo_repo, MetricsQuery(as_of=AS_OF, by="unit", scope=store.reader)
    )
    assert mine["total"] == within["total"]
    assert mine["total"]["assigned"] < province["total"]["assigned"]
    # a period's figures never come from the province-wide stored summaries
    assert store.period_summaries("deadline", [(AS_OF - timedelta(days=30), AS_OF)]) == {}


def test_unit_officer_search_with_operator_looking_text_stays_in_scope(
    demo_repo: repository.Repository, demo_accounts: Any
) -> None:
    store, units = unit_officer(demo_repo)
    for text in ['{"$ne": null}', ".*", "Sở Y tế", "$where", "a|b", "(?i)"]:
        page = explorer.search_tasks(store, explorer.TaskSearch(as_of=AS_OF, text=text))
        for row in page.rows:
            assert row["lead_unit"] in units or set(row["coord_units"]) & units


def test_unit_officer_sees_only_documents_holding_his_tasks(
    demo_repo: repository.Repository, demo_accounts: Any
) -> None:
    store, _units = unit_officer(demo_repo)
    docs = store.documents_page({}, limit=0)
    assert 0 < len(docs) < demo_repo.count_documents({})
    held = set(demo_repo.db.tasks.distinct("document", store.reader.task_match()))
    assert {d["_id"] for d in docs} == held
    page, total = store.documents_page_counted({}, limit=len(held) + 5)
    assert total == len(held) and {d["_id"] for d in page} == held
    foreign = demo_repo.db.documents.find_one({"_id": {"$nin": sorted(held)}})
    assert foreign is not None and store.document(foreign["_id"]) is None


def test_viewer_reads_figures_but_never_task_content(
    demo_repo: repository.Repository, demo_accounts: Any
) -> None:
    store = bound(demo_repo, "xem")
    figures = metrics.status_metrics(store, MetricsQuery(as_of=AS_OF, by="unit"))
    assert (
        figures["total"]
        == metrics.status_metrics(demo_repo, MetricsQuery(as_of=AS_OF, by="unit"))["total"]
    )
    any_task = demo_repo.find_tasks({}, Scope.everything(), limit=1)[0]
    for read in (
        lambda: store.task(any_task["_id"], Scope.everything()),
        lambda: store.find_tasks({}, Scope.everything()),
        lambda: store.documents_page({}),
        lambda: store.documents_page_counted({}),
        lambda: store.aggregate_tasks([{"$match": {}}, {"$limit": 1}], Scope.everything()),
        lambda: store.aggregate_tasks(
            [{"$group": {"_id": "$lead_unit", "ids": {"$push": "$_id"}}}],
            Scope.everything(),
            source="facts",
        ),
        lambda: explorer.search_tasks(store, explorer.TaskSearch(as_of=AS_OF)),
    ):
        with pytest.raises(AccessDenied, match="không có quyền xem nội dung nhiệm vụ"):
            read()


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_may_do_exactly_what_the_table_says(
    demo_repo: repository.Repository, demo_accounts: Any, role: str
) -> None:
    username, _ = demo_accounts[role]
    store = bound(demo_repo, username)
    may_manage = store.actor is not None and store.actor.may("manage_users")
    if may_manage:
        assert any(u["username"] == username for u in store.users())
    else:
        with pytest.raises(AccessDenied, match="quản lý tài khoản"):
            store.users()
    if role in ("office_chief", "office_deputy", "chairman", "vice_chairman", "office_specialist"):
        store.list_briefings()
    else:
        with pytest.raises(AccessDenied, match="tải báo cáo"):
            store.list_briefings()
    if role not in ("office_chief", "office_deputy"):
        with pytest.raises(AccessDenied):
            store.save_briefing(b"x", "x.docx", {})
        with pytest.raises(AccessDenied):
            store.access_log({})
    with pytest.raises(AccessDenied):
        store.drop_all()  # only the server's operator
    with pytest.raises(AccessDenied):
        list(store.raw_documents("tasks"))


def test_login_refuses_the_same_way_for_unknown_user_and_wrong_password(
    demo_repo: repository.Repository, demo_accounts: Any
) -> None:
    with pytest.raises(LoginRefused) as wrong:
        sessions.login(demo_repo, "chanhvp", "sai-mat-khau-123", "1.2.3.4")
    with pytest.raises(LoginRefused) as unknown:
        sessions.login(demo_repo, "khongco", "sai-mat-khau-123", "1.2.3.4")
    assert str(wrong.value) == str(unknown.value) == sessions.WRONG
    for odd in ({"$ne": None}, '{"$ne": null}', "chanhvp.*", "^c", "", None):
        with pytest.raises(LoginRefused, match="không đúng"):
            sessions.login(demo_repo, odd, {"$ne": None}, None)


def _fresh_user(repo: repository.Repository, name: str, role: str = "chairman") -> str:
    return accounts.add_user(
        repo,
        username=name,
        display_name="Người thử",
        role=role,
        actor="test",
        leader_id="CT" if role == "chairman" else None,
        password="mat-khau-dung-1",
    )


def test_lockout_after_repeated_failures_and_its_end(
    repo: repository.Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.integration.orgdata import load_org  # the demo organisation, small

    load_org(repo)
    monkeypatch.setenv("CDDH_LOGIN_MAX_FAILURES", "3")
    _fresh_user(repo, "khoa.thu")
    for _ in range(3):
        with pytest.raises(LoginRefused, match="không đúng"):
            sessions.login(repo, "khoa.thu", "sai-sai-sai-1", None)
    with pytest.raises(LoginRefused, match="tạm khóa"):
        sessions.login(repo, "khoa.thu", "mat-khau-dung-1", None)  # even the right one
    # an unknown name locks exactly the same way (no way to tell which names exist)
    for _ in range(3):
        with pytest.raises(LoginRefused, match="không đúng"):
            sessions.login(repo, "ai.do", "sai-sai-sai-1", None)
    with pytest.raises(LoginRefused, match="tạm khóa"):
        sessions.login(repo, "ai.do", "sai-sai-sai-1", None)
    # the lock ends
    repo.db.users.update_one(
        {"_id": "khoa.thu"}, {"$set": {"lock_until": now_utc() - timedelta(seconds=1)}}
    )
    assert sessions.login(repo, "khoa.thu", "mat-khau-dung-1", None).actor.username == "khoa.thu"
    events = [e["event"] for e in repo.db.access_log.find({"username": "khoa.thu"})]
    assert events.count("login_failed") == 3 and "lockout" in events and "login" in events


def test_sessions_expire_end_at_logout_and_with_the_account(repo: repository.Repository) -> None:
    from tests.integration.orgdata import load_org

    load_org(repo)
    _fresh_user(repo, "phien.thu")
    login = sessions.login(repo, "phien.thu", "mat-khau-dung-1", None)
    assert sessions.resume(repo, login.token).actor == login.actor
    assert sessions.resume(repo, login.token[:-1] + "x").actor is None  # tampered
    assert sessions.resume(repo, None).actor is None
    # inactivity
    repo.db.sessions.update_many({}, {"$set": {"expires_at": now_utc() - timedelta(seconds=1)}})
    state = sessions.resume(repo, login.token)
    assert state.actor is None and state.expired
    # logout ends it on the server: the same cookie replayed is worthless
    again = sessions.login(repo, "phien.thu", "mat-khau-dung-1", None)
    sessions.logout(repo, again.token)
    assert sessions.resume(repo, again.token).actor is None
    # a disabled account's open session ends at once
    third = sessions.login(repo, "phien.thu", "mat-khau-dung-1", None)
    accounts.set_active(repo, "phien.thu", False, "test")
    assert sessions.resume(repo, third.token).actor is None
    with pytest.raises(LoginRefused, match="vô hiệu hóa"):
        sessions.login(repo, "phien.thu", "mat-khau-dung-1", None)
    # the token is never stored, only its hash
    assert repo.db.sessions.find_one({"_id": third.token}) is None


def test_passwords_are_hashed_and_changed_by_their_owner(repo: repository.Repository) -> None:
    from tests.integration.orgdata import load_org

    load_org(repo)
    _fresh_user(repo, "doi.mk")
    stored = repo.db.users.find_one({"_id": "doi.mk"})
    assert stored["password_hash"].startswith("$argon2id$")
    assert "mat-khau-dung-1" not in str(stored)
    actor = sessions.login(repo, "doi.mk", "mat-khau-dung-1", None).actor
    with pytest.raises(LoginRefused, match="hiện tại không đúng"):
        accounts.change_own_password(repo, actor, "sai", "mat-khau-moi-22")
    with pytest.raises(LoginRefused, match="ít nhất"):
        accounts.change_own_password(repo, actor, "mat-khau-dung-1", "ngan")
    accounts.change_own_password(repo, actor, "mat-khau-dung-1", "mat-khau-moi-22")
    with pytest.raises(LoginRefused):
        sessions.login(repo, "doi.mk", "mat-khau-dung-1", None)
    sessions.login(repo, "doi.mk", "mat-khau-moi-22", None)
    assert "mat-khau-moi-22" not in str(list(repo.db.access_log.find()))


def test_account_fields_are_checked_and_operator_names_refused(repo: repository.Repository) -> None:
    from tests.integration.orgdata import load_org

    load_org(repo)
    for bad in ('{"$ne": 1}', "$where", "a.b$", "ab", "Tên Có Dấu", "x" * 41):
        with pytest.raises(ValidationFailed, match="tên đăng nhập"):
            accounts.add_user(repo, username=bad, display_name="X", role="viewer", actor="t")
    with pytest.raises(ValidationFailed) as exc:
        accounts.add_user(
            repo, username="cb.donvi", display_name="X", role="unit_officer", actor="t"
        )
    assert "đơn vị" in str(exc.value)
    with pytest.raises(ValidationFailed, match="vai trò"):
        accounts.add_user(repo, username="cb.x", display_name="X", role="admin", actor="t")
    assert repo.db.users.count_documents({}) == 0


def test_the_last_office_chief_cannot_be_disabled(repo: repository.Repository) -> None:
    accounts.add_user(
        repo,
        username="chanh",
        display_name="Chánh VP",
        role="office_chief",
        actor="t",
        password="mat-khau-dung-1",
    )
    with pytest.raises(ValidationFailed, match="ít nhất một tài khoản Chánh Văn phòng"):
        accounts.set_active(repo, "chanh", False, "t")
    with pytest.raises(ValidationFailed, match="ít nhất một tài khoản Chánh Văn phòng"):
        accounts.set_role(repo, "chanh", "viewer", "t")


def test_access_log_is_written_and_searched_by_the_office_only(
    demo_repo: repository.Repository, demo_accounts: Any
) -> None:
    username, password = demo_accounts["office_chief"]
    sessions.login(demo_repo, username, password, "10.0.0.7")
    chief = bound(demo_repo, username)
    rows, total = audit.search(chief, audit.LogSearch(username=username, event="login"))
    assert total >= 1 and rows[0]["client"] == "10.0.0.7"
    rows, _ = audit.search(chief, audit.LogSearch(username='{"$ne": null}'))
    # typed text is a value, not an operator: only entries of that literal name come back
    assert all(r["username"] == '{"$ne": null}' for r in rows)
    rows, _ = audit.search(chief, audit.LogSearch(username=".*"))
    assert all(r["username"] == ".*" for r in rows)
    with pytest.raises(AccessDenied):
        audit.search(bound(demo_repo, "chutich"), audit.LogSearch())


def test_an_actor_records_himself_as_author(
    demo_repo: repository.Repository, demo_accounts: Any
) -> None:
    chief = bound(demo_repo, "chanhvp")
    assert chief._who("typed name") == "chanhvp"
    assert isinstance(chief.actor, Actor)


def test_a_vice_chairman_opens_on_his_portfolio(demo_env: repository.Repository) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.dashboard.test_pages import APP
    from tests.signin import sign_in_app

    at = sign_in_app(AppTest.from_file(APP, default_timeout=120), "vice_chairman")
    at.query_params["ngay"] = AS_OF.isoformat()
    at.run()
    assert not at.exception
    assert any(
        "lĩnh vực phụ trách" in c.value and "Nguyễn Thanh Tùng" in c.value for c in at.caption
    ), [c.value for c in at.caption]
    chairman = sign_in_app(AppTest.from_file(APP, default_timeout=120), "chairman")
    chairman.query_params["ngay"] = AS_OF.isoformat()
    chairman.run()
    assert not any("lĩnh vực phụ trách" in c.value for c in chairman.caption)


def test_the_read_model_never_answers_beyond_the_readers_scope(
    demo_repo: repository.Repository, demo_accounts: Any
) -> None:
    """The columns hold the whole province: a unit officer is answered by his scoped
    pipelines, a figures-only reader gets counts but never a task list from them."""
    from core.readmodel.figures import Columns, Pipelines, figures_for
    from core.services import work_calendar

    class WarmModel:  # a read model that says it has caught up (its columns are not read)
        repo = demo_repo

        def sync(self, timeout: float) -> bool:
            return True

    store, _units = unit_officer(demo_repo)
    assert isinstance(figures_for(store, WarmModel()), Pipelines)  # type: ignore[arg-type]
    viewer = bound(demo_repo, "xem")
    served = figures_for(viewer, WarmModel())  # type: ignore[arg-type]
    assert isinstance(served, Columns) and served.repo is viewer
    q = MetricsQuery(as_of=AS_OF, by="unit")
    with pytest.raises(AccessDenied):
        served.longest_overdue(q, work_calendar(demo_repo), limit=5)
    with pytest.raises(AccessDenied):
        served.due_soon(q, work_calendar(demo_repo), limit=5)
