"""Failed sign-ins are throttled per account and per address (page and API alike), in the database that
every worker shares; the public limits count in the same database; all of it holds under gunicorn with
three workers."""
import json
import os
import re
import subprocess
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from conftest import PASSWORD
from openapi_check import check
from procure.audit.models import AuditEntry
from procure.extensions import db
from procure.ratelimit import DatabaseStorage

ROOT = Path(__file__).resolve().parents[2]


def wrong_login(client, username="bureau", address="198.51.100.1"):
    return client.post("/login", data={"username": username, "password": "not-the-password"},
                       environ_base={"REMOTE_ADDR": address})


def good_login(client, username="bureau", address="198.51.100.1"):
    return client.post("/login", data={"username": username, "password": PASSWORD},
                       environ_base={"REMOTE_ADDR": address})


def token(client, password, username="bureau", address="198.51.100.1"):
    return client.post("/api/v1/tokens", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def lockouts():
    return db.session.scalars(select(AuditEntry).filter_by(action="login_locked")).all()


def test_the_page_refuses_after_ten_failures_even_the_right_password(client, world):
    assert [wrong_login(client).status_code for _ in range(10)] == [200] * 10
    refused = good_login(client)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 15 * 60
    assert "登录失败次数过多" in refused.get_data(as_text=True)
    english = client.post("/login?lang=en", data={"username": "bureau", "password": PASSWORD},
                          environ_base={"REMOTE_ADDR": "198.51.100.1"})
    assert english.status_code == 429 and "Too many failed sign-ins" in english.get_data(as_text=True)
    [entry] = lockouts()
    assert entry.user_id is None and entry.data["username"] == "bureau" and entry.data["by"] == "account"
    assert entry.data["address"] == "198.51.100.1" and entry.data["via"] == "web"


def test_the_api_refuses_after_ten_failures_with_a_json_error(client, world, doc):
    assert [token(client, "wrong").status_code for _ in range(10)] == [401] * 10
    refused = token(client, PASSWORD)
    assert check(doc, "/tokens", "post", refused, 429)["error"] == "too_many_attempts"
    assert int(refused.headers["Retry-After"]) == refused.get_json()["retry_after"] > 0
    assert len(lockouts()) == 1


def test_page_and_api_failures_count_together(client, world):
    for _ in range(5):
        wrong_login(client)
        token(client, "wrong")
    assert good_login(client).status_code == 429


def test_the_lock_ends_with_the_window(client, world, clock):
    for _ in range(10):
        wrong_login(client)
    assert good_login(client).status_code == 429
    clock.advance(hours=0.25)
    assert good_login(client).status_code == 302


def test_a_success_forgets_the_failures(client, world):
    for _ in range(9):
        wrong_login(client)
    assert good_login(client).status_code == 302
    client.post("/logout")
    assert [wrong_login(client).status_code for _ in range(9)] == [200] * 9
    assert good_login(client).status_code == 302


def test_one_address_trying_many_accounts_is_stopped(client, world):
    for name in ("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"):
        assert wrong_login(client, username=name, address="203.0.113.9").status_code == 200
    assert good_login(client, address="203.0.113.9").status_code == 429
    assert [entry.data["by"] for entry in lockouts()] == ["address"]
    assert good_login(client, address="203.0.113.10").status_code == 302  # the account itself is not locked


def test_another_account_from_another_address_is_not_locked(client, world):
    for _ in range(10):
        wrong_login(client)
    assert good_login(client, username="reviewer", address="198.51.100.2").status_code == 302


def test_the_limit_is_a_setting(app, client, world):
    app.config["LOGIN_MAX_FAILURES"] = 3
    try:
        assert [wrong_login(client).status_code for _ in range(4)] == [200, 200, 200, 429]
    finally:
        app.config["LOGIN_MAX_FAILURES"] = 10


def test_an_admin_unlocks_from_the_command_line(app, client, world):
    for _ in range(10):
        wrong_login(client)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["users", "unlock", "bureau"])
    assert result.exit_code == 0, result.output
    assert good_login(client).status_code == 302
    entry = db.session.scalars(select(AuditEntry).filter_by(action="unlock_user")).one()
    assert entry.data["username"] == "bureau" and entry.data["failures"] == 10


def test_an_admin_unlocks_an_address_from_the_command_line(app, client, world):
    """An office behind one shared address, locked by someone's guessing, need not wait out the window."""
    for name in "abcdefghij":
        wrong_login(client, username=name, address="203.0.113.9")
    db.session.commit()
    assert good_login(client, address="203.0.113.9").status_code == 429
    result = app.test_cli_runner().invoke(args=["users", "unlock-address", "203.0.113.9"])
    assert result.exit_code == 0 and "10 failed sign-ins" in result.output, result.output
    assert good_login(client, address="203.0.113.9").status_code == 302
    entry = db.session.scalars(select(AuditEntry).filter_by(action="unlock_address")).one()
    assert entry.data == {"address": "203.0.113.9", "failures": 10, "via": "cli"}


def test_unlocking_an_address_leaves_the_account_tried_from_it_locked(app, client, world):
    for _ in range(10):
        wrong_login(client, address="203.0.113.9")
    db.session.commit()
    assert app.test_cli_runner().invoke(args=["users", "unlock-address", "203.0.113.9"]).exit_code == 0
    assert good_login(client, username="reviewer", address="203.0.113.9").status_code == 302  # the address is free
    assert good_login(client, address="203.0.113.9").status_code == 429  # the guessed account is not


def test_the_database_storage_counts_in_windows(app):
    storage = DatabaseStorage("procure-db://")
    storage.reset()
    assert storage.check() and storage.get("k") == 0
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3 and time.time() < storage.get_expiry("k") <= time.time() + 60
    assert storage.incr("k", 60, amount=2) == 5
    storage.clear("k")
    assert storage.get("k") == 0 and storage.incr("k", 60) == 1
    assert storage.incr("gone", 0) == 1 and storage.get("gone") == 0  # an expired window starts again
    assert storage.incr("gone", 60) == 1
    assert storage.reset() == 2 and storage.get("k") == 0


# --- served by gunicorn with three workers --------------------------------------------------------------

PG_URL = os.environ.get("TEST_DATABASE_URL")
DEMO_PASSWORD = "throttle-demo-2026"


@pytest.fixture
def database_url(tmp_path):
    """An empty database of the kind under test (a throwaway PostgreSQL database next to the test one)."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'served.db'}"
        return
    name = f"procure_throttle_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def served(tmp_path, database_url):
    from live.conftest import LiveServer, _free_port

    venv = ROOT / ".venv-runtime" if (ROOT / ".venv-runtime" / "bin" / "gunicorn").exists() else ROOT / ".venv"
    bin_dir = venv / "bin"
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TEST_DATABASE", "PYTHON", "VIRTUAL_ENV", "PYTEST", "RATELIMIT", "LOGIN_"))}
    port = _free_port()
    env.update(PROCURE_ENV="production", SESSION_COOKIE_SECURE="0", SECRET_KEY="throttle-test",
               PUBLIC_BASE_URL=f"http://127.0.0.1:{port}", PROCURE_BIND=f"127.0.0.1:{port}", WORKERS="3",
               PROCURE_INSTANCE=str(tmp_path), DATABASE_URL=database_url, FLASK_APP="wsgi",
               DEMO_PASSWORD=DEMO_PASSWORD, PATH=f"{bin_dir}:{env.get('PATH', '')}")
    for command in (["db", "upgrade"], ["calendar", "sync"], ["demo", "load"]):
        done = subprocess.run([str(bin_dir / "flask"), *command], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
    engine = create_engine(database_url)
    with engine.connect() as conn:
        code = conn.execute(text("SELECT code FROM projects WHERE state = 'notice' ORDER BY code")).scalar()
    engine.dispose()
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as out:
        server = subprocess.Popen([str(bin_dir / "gunicorn"), "-c", "gunicorn.conf.py"],
                                  cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    live = LiveServer(f"http://127.0.0.1:{port}", log, tmp_path / "served.db")
    live.notice_code = code
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if live.get("/")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.2)
        yield live
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.mark.timeout(600)
def test_three_workers_share_the_limits(served):
    from live.conftest import Visitor

    # wrong sign-ins for one account, each on a new connection (so spread over the workers)
    statuses = []
    for _ in range(15):
        visitor = Visitor(served)
        page = visitor.get("/login")[2].decode()
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        fields = {"username": "admin", "password": "wrong-password", "csrf_token": csrf}
        statuses.append(visitor.get("/login", body=urllib.parse.urlencode(fields).encode(),
                                    content_type="application/x-www-form-urlencoded")[0])
    assert statuses == [200] * 10 + [429] * 5
    # and the API's, for another account (the address is locked too by now: it answers 429 at once)
    status, headers, body = served.get("/api/v1/tokens", data={"username": "nobody", "password": "x"})
    assert status == 429 and json.loads(body)["error"] == "too_many_attempts" and int(headers["Retry-After"]) > 0

    statuses = []
    for _ in range(10):
        visitor = Visitor(served)
        page = visitor.get(f"/public/projects/{served.notice_code}")[2].decode()
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        fields = {"content": "晚间噪音影响休息，请调整活动时间。", "resident_name": "居民甲", "resident_contact": "",
                  "csrf_token": match.group(1) if match else ""}
        statuses.append(visitor.get(f"/public/projects/{served.notice_code}/objections",
                                    body=urllib.parse.urlencode(fields).encode(),
                                    content_type="application/x-www-form-urlencoded")[0])
    assert statuses == [302] * 5 + [429] * 5
    assert not served.errors()
