"""A city the size of a province's, made from the demo city in bulk (`flask demo scale`), for measuring the pages
on it and for tests that need many rows.

The demo's projects are copied until the city holds `projects` (each with everything that hangs from it, moved
back in time by whole weeks into a community of its street; procure.demo.scale.projects), in new communities as
it grows (procure.demo.scale.communities); residents register as volunteers and serve until the city holds
`volunteers` and the ledger `ledger_entries` entries (procure.demo.scale.volunteers). Rows go in with executemany
in batches, in one transaction (a failure leaves nothing behind): minutes for 100,000 projects, not hours.
"""
import math
import sqlite3
import random
import time
from datetime import datetime, timezone

import click

from procure import clock
from procure.extensions import db

PROJECTS_PER_COMMUNITY = 250  # communities are added until each holds about this many projects
PROJECTS_PER_YEAR = 7000  # the copies spread over as many years as keep a year's codes within WXM2026-9999
NOT_DEMO = ("数据库中没有演示数据：请先运行 flask demo load。 / The database does not hold the demo city: run "
            "`flask demo load` first; the scale generator multiplies the demo's projects.")


def scale_city(projects: int, volunteers: int = 10_000, ledger_entries: int = 1_000_000, seed: int = 0, *,
               communities: int | None = None, years: int | None = None, progress=None) -> dict:
    """Grow the demo city until it holds `projects` projects, `volunteers` volunteers and `ledger_entries` ledger
    entries (totals; nothing is removed). Returns the rows added per table.

    Raises click.ClickException when the demo city is not there. Commits (its own transaction)."""
    from procure.demo import demo_present
    from procure.demo.scale import projects as copies
    from procure.demo.scale.bulk import Bulk
    from procure.demo.scale.communities import add_communities, existing
    from procure.demo.scale.rewrites import copied_tables
    from procure.demo.scale.volunteers import add_volunteers
    from procure.recounting import recount_everything

    say = progress or (lambda _message: None)
    if not demo_present():
        raise click.ClickException(NOT_DEMO)
    template_ids, documents = _templates_in_session()
    db.session.commit()
    db.session.remove()
    rng = random.Random(seed)
    began = time.perf_counter()
    metadata = db.metadata
    with db.engine.connect() as connection:
        _fast_sqlite(connection)
        with connection.begin():
            bulk = Bulk(connection)
            have = {name: bulk.scalar(f"SELECT count(*) FROM {name}") for name in ("projects", "volunteers",
                                                                                    "point_entries")}
            adding = max(0, projects - have["projects"])
            city = existing(bulk, metadata.tables["organisations"], metadata.tables["users"])
            tables = copied_tables(metadata)
            families = {org_id: c.family for org_id, c in city.by_org.items()}
            staff = {}
            for user_id, org_id in connection.exec_driver_sql(
                    "SELECT id, organisation_id FROM users WHERE active AND role IN ('community', 'provider') "
                    "ORDER BY id").fetchall():
                staff.setdefault(org_id, []).append(user_id)
            templates = copies.read_templates(bulk, tables, template_ids, families, staff)
            for template in templates:
                template.documents = documents[template.project_id]
            wanted = _communities_wanted(templates, city, communities or max(len(city.by_org),
                                                                               projects // PROJECTS_PER_COMMUNITY))
            added = add_communities(bulk, metadata, city, wanted, rng)
            say(f"communities: {added} added, {len(city.by_org)} in all")
            planned = copies.plan(templates, adding, years or max(2, math.ceil(projects / PROJECTS_PER_YEAR)),
                                  city, rng)
            catalogues = copies.add_catalogues(bulk, metadata.tables["catalogues"], planned)
            copier = copies.Copier(bulk, metadata, tables, city, catalogues, seed,
                                   _every(say, 5, began))
            copier.run(planned)
            add_volunteers(bulk, metadata, city, max(0, volunteers - have["volunteers"]),
                           max(0, ledger_entries - have["point_entries"]),
                           clock.local(datetime.now(timezone.utc)).date(), rng, seed,
                           _every(say, 5, began))
            bulk.restart_sequences(metadata.sorted_tables)
            say(f"rows written in {time.perf_counter() - began:.0f} s; committing")
        _usual_sqlite(connection)
    recount_everything(say)
    with db.engine.connect() as connection:
        _analyse(connection)
    say(f"done in {time.perf_counter() - began:.0f} s")
    return dict(sorted(bulk.written.items()))


def _templates_in_session() -> tuple[list[int], dict]:
    """The demo's projects (the first ones made), and the public documents each has (kind, last change)."""
    from procure.demo.projects import PROJECTS
    from procure.demo.scale.bulk import time_text
    from procure.documents import sources
    from procure.projects.models import Project

    found = db.session.scalars(db.select(Project).order_by(Project.id).limit(len(PROJECTS))).all()
    documents = {}
    for project in found:
        updated = time_text(project.updated_at.astimezone(timezone.utc).replace(tzinfo=None))
        documents[project.id] = [(kind, updated) for kind in sources.PROJECT_KINDS if sources.available(project, kind)]
    return [p.id for p in found], documents


def _communities_wanted(templates, city, total: int) -> dict:
    """Communities per family (a demo community and its sisters), in proportion to the family's demo projects, so
    that each community ends with about as many projects (each family keeps at least those it has)."""
    per_family = {}
    for template in templates:
        per_family[template.family] = per_family.get(template.family, 0) + 1
    return {family: max(len(city.by_family[family]), round(total * count / len(templates)))
            for family, count in sorted(per_family.items(), key=lambda pair: repr(pair[0]))}


def _fast_sqlite(connection):
    """SQLite: no waiting for the disk at each write, a large page cache, and a rollback journal instead of the
    write-ahead log while the rows go in (the log would hold every new page once more, to be copied into the
    database at the end; a rollback journal keeps only the few pages that were there before). SQLite changes
    the journal only when no other connection has the database open; otherwise the log stays, slower.
    Outside a transaction, as SQLite wants; _usual_sqlite puts the app's settings back."""
    _sqlite_settings(connection, ("synchronous=OFF", "cache_size=-262144", "temp_store=MEMORY"), "DELETE")


def _usual_sqlite(connection):
    """Put back the settings procure.database gives every SQLite connection (the connection goes back to the pool)."""
    _sqlite_settings(connection, ("synchronous=NORMAL", "cache_size=-2000", "temp_store=DEFAULT"), "WAL")


def _sqlite_settings(connection, pragmas, journal: str):
    if connection.dialect.name != "sqlite":
        return
    sqlite = connection.connection.driver_connection
    for pragma in pragmas:
        sqlite.execute(f"PRAGMA {pragma}")
    try:
        sqlite.execute(f"PRAGMA journal_mode={journal}")
    except sqlite3.OperationalError:  # another connection holds the database open: the journal stays as it is
        pass


def _analyse(connection):
    """Fresh planner statistics for the grown tables (what PostgreSQL's autovacuum and SQLite's `PRAGMA optimize`
    would gather in time)."""
    if connection.dialect.name == "sqlite":
        sqlite = connection.connection.driver_connection
        sqlite.execute("PRAGMA analysis_limit=2000")
        sqlite.execute("ANALYZE")
    else:
        with connection.begin():
            connection.exec_driver_sql("ANALYZE")


def _every(say, seconds: float, began: float):
    """A progress callback that speaks at most every `seconds` seconds, with the time so far."""
    last = [0.0]

    def speak(message: str):
        now = time.perf_counter()
        if now - last[0] >= seconds:
            last[0] = now
            say(f"{message} ({now - began:.0f} s)")
    return speak
