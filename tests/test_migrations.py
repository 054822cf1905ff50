"""The migrations build the whole schema on an empty database, match the models exactly (what
`flask db migrate` would find is nothing), and go back down to nothing.

Each test uses a database of its own: a new SQLite file, or on PostgreSQL a throwaway database created
next to the test database and dropped afterwards; the session's database is never touched."""
import logging
import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from procure import create_app
from procure.extensions import db
from procure.projects.search import outside_models

PG_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(params=["postgresql"] if PG_URL else ["sqlite"])  # the kind the run is on
def empty_database(request, tmp_path):
    """The URL of an empty database of the kind under test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"procure_migrations_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(autouse=True)
def keep_logging():
    """migrations/env.py runs logging.config.fileConfig, which disables every logger that exists (the
    app's among them) and replaces the root handlers: undo that for the tests that run after these."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    disabled = {name: logger.disabled for name, logger in logging.root.manager.loggerDict.items()
                if isinstance(logger, logging.Logger)}
    yield
    root.handlers[:], root.level = handlers, level
    for name, logger in logging.root.manager.loggerDict.items():
        if isinstance(logger, logging.Logger):
            logger.disabled = disabled.get(name, False)


@pytest.fixture
def fresh_app(empty_database):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def flask_db(app, *args):
    # The fresh app's context, pushed here: otherwise the command would find the test session's app
    # (pushed by the autouse fixture) as current_app and migrate the shared test database.
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0 and result.exception is None, (args, result.output, result.exception)
    return result


def tables(app) -> set[str]:
    """The database's tables, but the project search's own (FTS5 on SQLite), which the models do not declare."""
    with app.app_context():
        return {name for name in inspect(db.engine).get_table_names() if not outside_models(name)}


def schema_differences(app) -> list:
    """What autogenerate would write, compared with the options migrations/env.py uses."""
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True, "render_as_batch": True, "target_metadata": db.metadata,
            "include_name": lambda name, type_, _parents: not (type_ in ("table", "index") and outside_models(name))})
        return compare_metadata(context, db.metadata)


def test_upgrade_builds_every_model_table_and_matches_the_models(fresh_app):
    assert tables(fresh_app) == set()
    flask_db(fresh_app, "upgrade")
    model_tables = {t.name for t in db.metadata.sorted_tables}
    assert tables(fresh_app) == model_tables | {"alembic_version"}
    assert schema_differences(fresh_app) == []
    with fresh_app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM categories")).scalar() > 20
        heads = db.session.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    assert len(heads) == 1


def test_downgrade_to_base_and_up_again(fresh_app):
    flask_db(fresh_app, "upgrade")
    flask_db(fresh_app, "downgrade", "base")
    assert tables(fresh_app) <= {"alembic_version"}
    flask_db(fresh_app, "upgrade")
    assert schema_differences(fresh_app) == []


def test_every_revision_steps_down_and_up(fresh_app):
    """Each migration's downgrade undoes exactly its upgrade, one step at a time."""
    from alembic.script import ScriptDirectory

    flask_db(fresh_app, "upgrade")
    with fresh_app.app_context():
        config = fresh_app.extensions["migrate"].migrate.get_config()
        revisions = list(ScriptDirectory.from_config(config).walk_revisions())  # head first
    assert len(revisions) >= 2
    for revision in revisions:
        flask_db(fresh_app, "downgrade", revision.down_revision or "base")
    assert tables(fresh_app) <= {"alembic_version"}
    for revision in reversed(revisions):
        flask_db(fresh_app, "upgrade", revision.revision)
    assert schema_differences(fresh_app) == []


def test_the_comparison_would_notice_a_difference(fresh_app):
    """The check above can fail: a table the migrations do not know shows up as a difference."""
    flask_db(fresh_app, "upgrade")
    with fresh_app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE stray (id INTEGER PRIMARY KEY)"))
    differences = schema_differences(fresh_app)
    assert ("remove_table",) == tuple(d[0] for d in differences if d[0] == "remove_table")


def test_0016_takes_the_bidirectional_controls_out_of_earlier_attachment_names(fresh_app):
    """Issue 15, item 8, for files uploaded before the upload cleaned their names; other names stay as they were."""
    from datetime import datetime, timezone

    from sqlalchemy import MetaData, Table, select

    flask_db(fresh_app, "upgrade", "0015_payments")
    names = {1: "报告\u202etxt.pdf", 2: "\u2066合同\u2069\u200e.pdf", 3: "名单\u061c\u200f.csv", 4: "照片 2026.jpg"}
    now = datetime(2026, 3, 2, tzinfo=timezone.utc)
    with fresh_app.app_context(), db.engine.begin() as conn:
        table = {name: Table(name, MetaData(), autoload_with=conn) for name in ("organisations", "users",
                                                                              "attachments")}
        conn.execute(table["organisations"].insert().values(id=1, kind="government", name="机构", division_code="330102",
                                                            credit_code_override=False, council_version=0))
        conn.execute(table["users"].insert().values(id=1, username="u", password_hash="x", display_name="u",
                                                    role="bureau", organisation_id=1, active=True, created_at=now))
        for number, name in names.items():
            conn.execute(table["attachments"].insert().values(
                id=number, kind="provider_evidence", original_name=name, stored_name=f"stored{number}",
                content_type="application/pdf", size=1, sha256="0" * 64, uploaded_at=now, uploaded_by_id=1,
                organisation_id=1))
    flask_db(fresh_app, "upgrade")
    with fresh_app.app_context(), db.engine.connect() as conn:
        found = dict(conn.execute(select(table["attachments"].c.id, table["attachments"].c.original_name)).all())
    assert found == {1: "报告txt.pdf", 2: "合同.pdf", 3: "名单.csv", 4: "照片 2026.jpg"}


def test_0022_counts_the_projects_there_are_and_indexes_them_for_search(fresh_app):
    """Issue 17: the counts table starts from the projects a database already holds, and the search finds them."""
    from datetime import datetime, timezone

    from sqlalchemy import MetaData, Table

    from procure.projects import counts, search
    from procure.projects.models import Project

    flask_db(fresh_app, "upgrade", "0021_job_runs")
    now = datetime(2026, 3, 2, tzinfo=timezone.utc)
    with fresh_app.app_context(), db.engine.begin() as conn:
        table = {name: Table(name, MetaData(), autoload_with=conn) for name in ("organisations", "projects")}
        conn.execute(table["organisations"].insert(), [
            dict(id=1, kind="community", name="幸福里社区", division_code="330102001001", community_class="mature",
                 credit_code=None, credit_code_override=False, council_version=0),
            dict(id=2, kind="provider", name="阳光社工", division_code="330102", community_class=None,
                 credit_code="52330101MJ0000001X", credit_code_override=True, council_version=0)])
        rows = [dict(id=1, code="WXM2025-0001", title="长者助餐服务", state="closed", catalogue_year=2025,
                     approved_amount=4000000, requested_amount=4000000, implementer_id=2, category_code="A0101",
                     grade="good", procurement_method="open_tender"),
                dict(id=2, code="WXM2026-0001", title="儿童课堂", state="notice", requested_amount=300000),
                dict(id=3, code="WXM2026-0002", title="邻里节", state="cancelled", catalogue_year=2026,
                     approved_amount=100000, requested_amount=100000, category_code="A0201")]
        blank = dict.fromkeys(("catalogue_year", "approved_amount", "implementer_id", "category_code", "grade",
                               "procurement_method"))
        conn.execute(table["projects"].insert(), [
            dict(blank, **row, community_id=1, funding_form="purchase", version=1, created_at=now, updated_at=now)
            for row in rows])
    flask_db(fresh_app, "upgrade")
    with fresh_app.app_context():
        assert counts.stored(db.session) == counts.recount(db.session)
        assert counts.total("area9", "330102001")[0] == 3 and counts.total("implementer", "2")[0] == 1
        projects = Project.__table__
        found = db.session.execute(db.select(projects.c.id).where(search.matching("助餐服"))).scalars().all()
        assert found == [1]
        by_community = db.session.execute(db.select(projects.c.id).where(search.matching("幸福里"))).scalars().all()
        assert sorted(by_community) == [1, 2, 3]
