"""Project counts kept as the projects change, so that a list's "共 N 个项目", the public totals and the home
page's figures read a few rows instead of counting hundreds of thousands of projects on every request.

One row per (facet, value, state, listed): how many projects, and their approved amounts added up. A facet is one
thing a list is scoped or filtered by: every project ("all"), an area (the community's division code cut at each
level, "area2" province … "area12" community), a community, a community class, a funding form, a catalogue year,
the proposal year (the one its code carries), a category (each level of its code), an implementer and an
evaluation firm. `listed` says whether the project is in a catalogue (the public see a cancelled project only
then). Counts that combine two facets are not kept (that would take a row per combination); the lists count
those rows themselves, up to a cap (procure.projects.listing.bounded_total).

Kept in the same transaction as the change, whoever makes it (a trigger, an edit, the catalogue, the demo): before
a flush the projects it touches are tallied as the database holds them, after it as it holds them now, and the
difference is added in one upsert. A community that moves to another division or class takes its projects'
counts along. Rows written with SQL that bypasses the session (a bulk loader) need `rebuild()` afterwards."""
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import Boolean, String, bindparam, delete, event, func, or_, select, type_coerce
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from procure.accounts.models import Organisation
from procure.extensions import db
from procure.projects.models import Project
from procure.types import Money

ZERO = Decimal("0.00")
AREA_LEVELS = (2, 4, 6, 9, 12)  # province, prefecture, county (district), township (street), community
CATEGORY_LEVELS = (1, 3, 5)  # A, A01, A0101
# What a project's counts depend on: a change to anything else leaves them as they are.
TRACKED = ("state", "code", "community_id", "funding_form", "catalogue_year", "category_code", "implementer_id",
           "evaluator_org_id", "approved_amount")
ORG_TRACKED = ("division_code", "community_class")


class ProjectCount(db.Model):
    __tablename__ = "project_counts"

    facet: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(32), primary_key=True)
    state: Mapped[str] = mapped_column(String(24), primary_key=True)
    listed: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    projects: Mapped[int] = mapped_column(default=0)
    approved_amount: Mapped[Decimal] = mapped_column(Money, default=ZERO)


def proposal_year(code: str) -> str | None:
    """The year a proposal's code carries (WXM2026-0001 → 2026); the SQL in the migration reads it alike."""
    return code[3:7] if code and code.startswith("WXM") and code[7:8] == "-" else None


def facets(row) -> list[tuple[str, str]]:
    """The (facet, value) pairs a project counts under; `row` has the project's TRACKED columns and its
    community's division_code and community_class."""
    found = [("all", ""), ("community", str(row.community_id)), ("class", row.community_class or ""),
             ("form", row.funding_form)]
    division = row.division_code or ""
    found += [(f"area{level}", division[:level]) for level in AREA_LEVELS if len(division) >= level]
    if row.catalogue_year is not None:
        found.append(("catalogue_year", str(row.catalogue_year)))
    year = proposal_year(row.code)
    if year:
        found.append(("proposal_year", year))
    category = row.category_code or ""
    found += [("category", category[:level]) for level in CATEGORY_LEVELS if len(category) >= level]
    if row.implementer_id is not None:
        found.append(("implementer", str(row.implementer_id)))
    if row.evaluator_org_id is not None:
        found.append(("evaluator", str(row.evaluator_org_id)))
    return found


def _rows(session, project_ids=(), community_ids=()):
    """The TRACKED columns of these projects (and of every project of these communities), with their
    community's division and class, as the database holds them now."""
    columns = [getattr(Project, name) for name in TRACKED] + [Organisation.division_code,
                                                                Organisation.community_class]
    clauses = []
    if project_ids:
        clauses.append(Project.id.in_(sorted(project_ids)))
    if community_ids:
        clauses.append(Project.community_id.in_(sorted(community_ids)))
    if not clauses:
        return []
    return session.execute(select(*columns).join(Organisation, Organisation.id == Project.community_id)
                           .where(or_(*clauses))).all()


def tally(rows) -> dict:
    """{(facet, value, state, listed): [projects, approved amount]} of these rows."""
    counts = defaultdict(lambda: [0, ZERO])
    for row in rows:
        listed = row.catalogue_year is not None
        for facet, value in facets(row):
            entry = counts[(facet, value, row.state, listed)]
            entry[0] += 1
            entry[1] += row.approved_amount or ZERO
    return counts


def add(session, counts: dict, sign: int = 1) -> None:
    """Add `counts` (times `sign`) to the table, creating the rows it lacks. Keys go in sorted order, so two
    transactions updating the same rows lock them in the same order (PostgreSQL) and never deadlock."""
    values = [{"facet": f, "value": v, "state": s, "listed": listed, "projects": sign * n, "approved_amount": sign * a}
              for (f, v, s, listed), (n, a) in sorted(counts.items()) if n or a]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    for start in range(0, len(values), 500):
        statement = insert(ProjectCount).values(values[start:start + 500])
        session.execute(statement.on_conflict_do_update(
            index_elements=["facet", "value", "state", "listed"],
            set_={"projects": ProjectCount.projects + statement.excluded.projects,
                  "approved_amount": ProjectCount.approved_amount + statement.excluded.approved_amount}))


def _changed(obj, names) -> bool:
    state = db.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "before_flush")
def _before(session, _context, _instances):
    session.info.pop("project_counts", None)  # left by a flush that failed
    projects = {obj.id for obj in (*session.dirty, *session.deleted)
                if isinstance(obj, Project) and obj.id is not None
                and (obj in session.deleted or _changed(obj, TRACKED))}
    communities = {obj.id for obj in session.dirty if isinstance(obj, Organisation) and _changed(obj, ORG_TRACKED)}
    if projects or communities:
        session.info["project_counts"] = (projects, communities, tally(_rows(session, projects, communities)))


@event.listens_for(Session, "after_flush")
def _after(session, _context):
    projects, communities, before = session.info.pop("project_counts", (set(), set(), {}))
    projects = projects | {obj.id for obj in session.new if isinstance(obj, Project)}
    if not (projects or communities):
        return
    counts = tally(_rows(session, projects, communities))
    for key, (n, amount) in before.items():
        counts[key][0] -= n
        counts[key][1] -= amount
    add(session, counts)


@event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop("project_counts", None)


def rebuild(session) -> int:
    """Count every project again from scratch (after a bulk load that bypassed the session); returns how many."""
    session.execute(delete(ProjectCount))
    columns = [getattr(Project, name) for name in TRACKED] + [Organisation.division_code,
                                                                Organisation.community_class]
    rows = session.execute(select(*columns).join(Organisation, Organisation.id == Project.community_id)
                           .execution_options(yield_per=2000))
    counts = tally(rows)
    add(session, counts)
    return sum(n for (facet, _v, _s, _l), (n, _a) in counts.items() if facet == "all")


def stored(session) -> dict:
    """The table as {key: (projects, amount)}, zero rows left out (tests compare it with a recount)."""
    return {(c.facet, c.value, c.state, c.listed): (c.projects, c.approved_amount)
            for c in session.scalars(select(ProjectCount)) if c.projects or c.approved_amount}


def recount(session) -> dict:
    """What the table should hold, counted from the projects now (the same shape as `stored`)."""
    columns = [getattr(Project, name) for name in TRACKED] + [Organisation.division_code,
                                                                Organisation.community_class]
    rows = session.execute(select(*columns).join(Organisation, Organisation.id == Project.community_id))
    return {key: (n, a) for key, (n, a) in tally(rows).items() if n or a}


def sums(facet: str, value: str | None = "", states=None, where=None, group_by: str | None = None) -> list:
    """Rows of (projects, approved amount[, the group_by column]) summed over a facet's rows: one value's (every
    value's if None), these states' (all if None), under `where()` (a function returning a condition on
    ProjectCount, e.g. the public's) if given. Each shape of the statement is built once per process."""
    key = (value is None, states is None, where, group_by)
    statement = _SUMS.get(key)
    if statement is None:
        statement = _SUMS[key] = _sums_statement(*key)
    params = {"facet": facet}
    if value is not None:
        params["value"] = value
    if states is not None:
        params["states"] = sorted(states)
    return db.session.execute(statement, params).all()


def total(facet: str, value: str = "", states=None, where=None) -> tuple[int, Decimal]:
    """(projects, approved amount) of one facet value (see `sums`)."""
    return tuple(sums(facet, value, states, where)[0])


_SUMS: dict = {}


def _sums_statement(every_value, every_state, where, group_by):
    table = ProjectCount.__table__
    query = select(func.coalesce(func.sum(table.c.projects), 0),
                   type_coerce(func.coalesce(func.sum(table.c.approved_amount), 0), Money)
                   ).where(table.c.facet == bindparam("facet"))
    if not every_value:
        query = query.where(table.c.value == bindparam("value"))
    if not every_state:
        query = query.where(table.c.state.in_(bindparam("states", expanding=True)))
    if where is not None:
        query = query.where(where())
    if group_by is not None:
        query = query.add_columns(table.c[group_by]).group_by(table.c[group_by])
    return query
