"""`cddh users …` and the production start: the first account from the CLI, refusals named,
passwords never printed twice or stored in clear, demo accounts refused on MONGODB_URI."""

from __future__ import annotations

import os
import re
import subprocess
from typing import Any

from core import repository
from core.access import accounts, sessions
from tests.conftest import CDDH
from tests.integration.orgdata import load_org


def cli(mongod: dict[str, Any], db: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MONGODB_URI": mongod["uri"], "MONGODB_DB": db}
    return subprocess.run(
        [CDDH, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_first_office_chief_from_the_cli_then_the_others(
    mongod: dict[str, Any], repo: repository.Repository
) -> None:
    load_org(repo)
    db = repo.db.name
    made = cli(
        mongod, db, "users", "add", "chanhvp", "--name", "Huỳnh Quốc Bảo", "--role", "office_chief"
    )
    assert made.returncode == 0, made.stderr
    password = re.search(r"\): (\S+)$", made.stdout.strip().splitlines()[1])
    assert password is not None
    login = sessions.login(repo, "chanhvp", password.group(1), None)
    assert login.actor.role == "office_chief" and login.must_change_password
    stored = repo.db.users.find_one({"_id": "chanhvp"})
    assert password.group(1) not in str(stored)
    listed = cli(mongod, db, "users", "list")
    assert "chanhvp" in listed.stdout and "Chánh Văn phòng" in listed.stdout
    assert "argon2" not in listed.stdout and password.group(1) not in listed.stdout
    # refusals name the field, in Vietnamese, and write nothing
    no_unit = cli(mongod, db, "users", "add", "cb.so", "--name", "Cán bộ", "--role", "unit_officer")
    assert no_unit.returncode == 2 and "đơn vị" in no_unit.stderr
    odd = cli(mongod, db, "users", "add", '{"$ne":1}', "--name", "X", "--role", "viewer")
    assert odd.returncode == 2 and "tên đăng nhập" in odd.stderr
    last = cli(mongod, db, "users", "disable", "chanhvp")
    assert last.returncode == 2 and "Chánh Văn phòng" in last.stderr
    assert repo.db.users.count_documents({}) == 1
    # a unit officer, then his role changed: his open session ends
    ok = cli(
        mongod,
        db,
        "users",
        "add",
        "cb.syt",
        "--name",
        "Cán bộ Sở Y tế",
        "--role",
        "unit_officer",
        "--unit",
        "SYT",
    )
    assert ok.returncode == 0, ok.stderr
    given = accounts.reset_password(repo, "cb.syt", "test", password="mat-khau-dung-1")
    token = sessions.login(repo, "cb.syt", given, None).token
    changed = cli(mongod, db, "users", "set-role", "cb.syt", "--role", "viewer")
    assert changed.returncode == 0, changed.stderr
    assert sessions.resume(repo, token).actor is None
    reset = cli(mongod, db, "users", "reset-password", "cb.syt")
    assert reset.returncode == 0 and "chỉ hiện một lần" in reset.stdout
    events = {e["event"] for e in repo.db.access_log.find({})}
    assert {"user_added", "user_changed", "login"} <= events


def test_a_production_start_refuses_demo_accounts_naming_them(
    mongod: dict[str, Any], repo: repository.Repository
) -> None:
    load_org(repo)
    accounts.create_demo_accounts(repo)
    started = cli(mongod, repo.db.name, "run", "--port", "1")
    assert started.returncode != 0
    assert "tài khoản demo" in started.stderr
    assert "chutich" in started.stderr and "xem" in started.stderr
    assert "Bảng điều hành" not in started.stdout  # never got as far as serving
