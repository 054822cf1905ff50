"""How the app meets its database (procure/database.py, procure/web.py): a GET that writes is marked and takes
SQLite's write lock at BEGIN like a POST, and the testing configuration refuses an unmarked one; a database
that cannot be reached or written answers 503 with Retry-After (page and API), never 500, and the app works
again without a restart once the database is back (issue 16)."""
import itertools

import pytest
from sqlalchemy import event, exc, select, text

from procure import create_app
from procure.accounts import throttle
from procure.accounts.models import Division
from procure.database import UnmarkedWrite, writes
from procure.extensions import db
from outage import read_only
from support import login


@pytest.fixture
def probe(tmp_path):
    """An app of its own on a SQLite file, with three views: one reads, one writes marked, one writes unmarked.
    `probe.statements` lists what reached the database."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'probe.db'}")
    app.database = tmp_path / "probe.db"

    renamed = itertools.count()

    def name_district():  # a write every time: the name changes
        db.session.merge(Division(code="330102", name=f"青山区{next(renamed) or ''}"))
        db.session.commit()
        return "named"

    app.add_url_rule("/probe/reads", "reads", lambda: str(db.session.scalar(select(Division.name))))
    app.add_url_rule("/probe/marked", "marked", writes(name_district))
    app.add_url_rule("/probe/unmarked", "unmarked", lambda: name_district())
    app.statements = []
    with app.app_context():
        db.metadata.create_all(db.engine, tables=[Division.__table__])
        event.listen(db.engine, "before_cursor_execute",
                     lambda _conn, _cursor, statement, *_: app.statements.append(statement))
    yield app
    with app.app_context():
        db.engine.dispose()


def begins(app) -> list[str]:
    return [s for s in app.statements if s.startswith("BEGIN")]


def test_a_marked_get_takes_the_write_lock_at_begin_and_a_reading_one_does_not(probe):
    client = probe.test_client()
    assert client.get("/probe/marked").get_data(as_text=True) == "named"
    assert begins(probe) == ["BEGIN IMMEDIATE"]
    probe.statements.clear()
    assert client.get("/probe/reads").get_data(as_text=True) == "青山区"
    assert begins(probe) == ["BEGIN"]


def test_an_unmarked_get_that_writes_fails_the_test_that_made_it(probe):
    with pytest.raises(UnmarkedWrite, match=r"GET /probe/unmarked \(unmarked\) wrote to the database without @writes"):
        probe.test_client().get("/probe/unmarked")
    with probe.app_context():
        assert db.session.scalar(select(Division)) is None  # and nothing was written


def test_a_read_only_database_file_answers_503_and_recovers_without_a_restart(probe):
    client = probe.test_client()
    assert client.get("/probe/marked").status_code == 200
    with probe.app_context():
        db.engine.dispose()  # connections opened from now on see the file as it is (a new worker would)
    with read_only(probe.database):
        refused = client.get("/probe/marked")
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "30"
        assert "系统暂时无法连接数据库" in refused.get_data(as_text=True)
        assert client.get("/probe/marked").status_code == 503
        assert client.get("/probe/reads").get_data(as_text=True) == "青山区"  # reading goes on
    # writable again: the connections opened read-only meanwhile are replaced, the very next write succeeds
    assert [client.get("/probe/marked").status_code for _ in range(3)] == [200] * 3


def unreachable(*_args, **_kwargs):
    raise exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("connection to server failed: refused"))


def test_the_api_answers_503_with_retry_after_while_the_database_is_out_of_reach(client, world, monkeypatch):
    monkeypatch.setattr(throttle, "retry_after", unreachable)
    response = client.post("/api/v1/tokens", json={"username": "bureau", "password": "x"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    body = response.get_json()
    assert body["error"] == "unavailable" and "数据库暂时不可用" in body["message"] and body["retry_after"] == 30
    monkeypatch.undo()
    assert client.post("/api/v1/tokens", json={"username": "bureau", "password": "x"}).status_code == 401


def test_a_page_answers_503_in_both_languages_and_works_again_after(app, client, world, monkeypatch):
    monkeypatch.setattr(throttle, "retry_after", unreachable)
    monkeypatch.setitem(app.config, "DATABASE_RETRY_AFTER", 12)
    response = login(client, "bureau")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "12"
    assert "请在 12 秒后重试" in page and "Please try again in 12 seconds" in page
    monkeypatch.undo()
    assert login(client, "bureau").status_code == 302


def test_a_lost_connection_answers_503(client, world, monkeypatch):
    def lost(*_args, **_kwargs):
        raise exc.DBAPIError("SELECT 1", {}, Exception("server closed the connection unexpectedly"),
                             connection_invalidated=True)

    monkeypatch.setattr(throttle, "retry_after", lost)
    assert client.post("/api/v1/tokens", json={"username": "bureau", "password": "x"}).status_code == 503


def test_a_wrong_statement_is_still_a_500(client, world, monkeypatch):
    """Not every database error is an outage: a statement that names no column is a bug, and says so."""
    def wrong(*_args, **_kwargs):
        db.session.execute(text("SELECT no_such_column FROM users"))

    monkeypatch.setattr(throttle, "retry_after", wrong)
    response = client.post("/api/v1/tokens", json={"username": "bureau", "password": "x"})
    assert response.status_code == 500 and response.get_json()["error"] == "internal_error"
