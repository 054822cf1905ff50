"""How the app meets its database (procure/database.py): a GET that writes is marked and takes SQLite's write
lock at BEGIN like a POST, and the testing configuration refuses an unmarked one (issue 16)."""
import itertools

import pytest
from sqlalchemy import event, select

from procure import create_app
from procure.accounts.models import Division
from procure.database import UnmarkedWrite, writes
from procure.extensions import db


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
