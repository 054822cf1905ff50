"""Every statement the desks, the project page and its history, a catalogue's page, the star board, the volunteer
register, the OCDS feed and the open-data page run reads the big tables through an index, never by reading one
whole: checked with the database's own plan (SQLite: EXPLAIN QUERY PLAN, where a plain SCAN of a table reads all
of it; PostgreSQL: EXPLAIN with sequential scans switched off, so that a Seq Scan means no index could serve).
A walk down an index or the table in its order (stopped by a LIMIT) is how a page reads its first rows."""
from decimal import Decimal

import pytest
from sqlalchemy import event

from procure.accounts.models import User
from procure.extensions import db
from procure.volunteers import ledger
from procure.volunteers.models import Volunteer

import statements
from support import login

# The tables that grow with the data: read whole, a page's cost would grow with them.
BIG = ("projects", "audit_entries", "point_entries", "volunteer_periods", "volunteers", "catalogue_items",
       "ocds_releases", "contracts", "payments", "payment_requests", "milestones", "challenges", "bids",
       "performance_evaluations", "signups")
PAGES = {
    "community": ["/desk", "/volunteers", "/volunteers?year=2026"],
    "reviewer": ["/desk"],
    "bureau": ["/desk", "/catalogues", "/catalogues/2026", "/projects/{tendering}", "/projects/{delivering}/history?before={entry}"],
    "provider": ["/desk"],
    "evaluator": ["/desk"],
    "admin": ["/desk"],
    None: ["/public/volunteers/board", "/public/volunteers/board?period=year", "/public/volunteers/board?period=all",
           "/api/v1/ocds/releases?limit=5", "/open-data", "/public/catalogues"],
}


@pytest.fixture
def city(journey, world, clock):
    projects = {"delivering": journey.drive(journey.create(title="实施中"), "in_delivery"),
                "accepting": journey.drive(journey.create(title="验收中"), "under_acceptance"),
                "tendering": journey.drive(journey.create(title="采购中"), "tendering"),
                "submitted": journey.drive(journey.create(title="已提交"), "submitted"),
                "draft": journey.create(title="草稿")}
    for n in range(3):
        user = User(username=f"v{n}", role="resident", organisation_id=world.community.id, display_name=f"v{n}",
                    password_hash="x")
        db.session.add(user)
        db.session.flush()
        v = Volunteer(user_id=user.id, community_id=world.community.id, real_name=f"钱{n}", id_number=f"ID{n:016d}",
                      phone="13900000000", consent_public=True)
        db.session.add(v)
        db.session.flush()
        ledger.append(v, "service", hours=Decimal(10 + n), points=Decimal(10 + n))
    db.session.commit()
    clock.advance(days=1)
    from procure.audit.models import AuditEntry

    entry = db.session.scalar(db.select(AuditEntry.id).filter_by(project_id=projects["delivering"].id)
                              .order_by(AuditEntry.id.desc()).limit(1))
    return {**{key: p.id for key, p in projects.items()}, "entry": entry}


def statements_of(client, path) -> list:
    seen = []

    def keep(_conn, _cursor, statement, parameters, _context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and not executemany:
            seen.append((statement, parameters))
    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    return seen


def whole_reads(statement, parameters) -> list[str]:
    """The big tables the database would read whole for this statement."""
    return statements.whole_reads(statement, parameters, BIG)


def test_the_pages_read_the_big_tables_through_indexes(client, world, city):
    failures = []
    for username, paths in PAGES.items():
        if username:
            login(client, username if username not in ("provider", "evaluator") else _actor(world, username, city))
        for path in paths:
            for statement, parameters in statements_of(client, path.format(**city)):
                found = whole_reads(statement, parameters)
                if found:
                    failures.append((path, username, found, statement[:300]))
        client.post("/logout")
    assert not failures, "\n".join(map(str, failures))


def _actor(world, role, city) -> str:
    from procure.projects.models import Project

    delivering = db.session.get(Project, city["delivering"])
    accepting = db.session.get(Project, city["accepting"])
    if role == "provider":
        return next(n for n in ("provider", "provider2", "provider3")
                    if world[n].organisation_id == delivering.implementer_id)
    return next(n for n in ("evaluator", "evaluator2") if world[n].organisation_id == accepting.evaluator_org_id)


def test_the_check_sees_a_whole_read(world, city):
    """The check itself: a statement that must read every project is caught (a condition on a sum no index holds;
    a title LIKE '%x%' PostgreSQL's trigram index answers)."""
    from procure.projects.models import Project

    statement = str(db.select(Project.id).where(Project.beneficiaries_count + 1 > 5).compile(
        db.engine, compile_kwargs={"literal_binds": True}))
    assert whole_reads(statement, {} if db.engine.dialect.name == "postgresql" else ())
