"""Finding projects by a piece of their title, code or community name, through an index at any size.

SQLite: `project_search`, an FTS5 table with the trigram tokenizer (title, code, community name by project id),
kept by triggers on projects and organisations; a search of three characters or more is a phrase MATCH, which
reads the trigram index. PostgreSQL: pg_trgm GIN indexes on projects.title, projects.code and
organisations.name, which ILIKE '%…%' uses. Migration 0022 creates both (it is the only place they are defined:
they are outside the models, see `outside_models`). A later migration that rebuilds `projects` or
`organisations` in batch mode on SQLite drops their triggers with the old table and must create them again.

A trigram index cannot find one or two characters; such a search looks among the RECENT most recent projects
only (by id), so it stays bounded, and the page says so once there are more projects than that. A search that
matches more than the staff list counts shows the newest MATCHES_SHOWN of them (procure.projects.list_pages)."""
from sqlalchemy import String, bindparam, column, literal_column, or_, select, table, union

from procure.accounts.models import Organisation
from procure.extensions import db
from procure.projects.models import Project

MIN_INDEXED = 3  # characters a trigram index needs
RECENT = 1000
MATCHES_SHOWN = 1000  # a list in last-update order shows the newest of more matches than this
SEARCH_TABLE = "project_search"
TRIGRAM_INDEXES = ("ix_projects_title_trgm", "ix_projects_code_trgm", "ix_organisations_name_trgm")

_fts = table(SEARCH_TABLE, column("rowid"))


def outside_models(name: str) -> bool:
    """Whether a table or index is one of the search's own (FTS5 keeps shadow tables project_search_*), which
    the models do not declare and a comparison with them must leave out."""
    return name == SEARCH_TABLE or name.startswith(SEARCH_TABLE + "_") or name in TRIGRAM_INDEXES


def indexed(q: str) -> bool:
    return len(q) >= MIN_INDEXED


def _pattern(q: str) -> str:
    escaped = q.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def mode(q: str, many: bool = False) -> str:
    """How `q` is looked for: "match" (the FTS5 table), "contains" (ILIKE through the trigram indexes) or
    "recent" (ILIKE among the RECENT most recent projects: one or two characters). With `many` (the list found
    more than it counts), "match_latest" / "contains_latest": the MATCHES_SHOWN newest matches only, which a list
    in another order than the ids' sorts without reading every match."""
    if not indexed(q):
        return "recent"
    found = "match" if db.session.get_bind().dialect.name == "sqlite" else "contains"
    return found + "_latest" if many else found


def params(q: str) -> dict:
    """The values `condition(mode(q))` binds."""
    if mode(q).startswith("match"):
        return {"q_match": '"' + q.replace('"', '""') + '"'}  # a phrase: the characters as typed, in order
    return {"q_pattern": _pattern(q)}


def condition(how: str, values: dict | None = None):
    """A condition on projects (Core columns): title, code or community name contains the search (case aside),
    its values bound from `values`, or at execution when None (a statement built once for every search)."""
    values = values or {}
    projects = Project.__table__
    if how.startswith("match"):
        match = bindparam("q_match", values.get("q_match"), type_=String)
        found = select(_fts.c.rowid).where(literal_column(SEARCH_TABLE).op("MATCH")(match))
        if how == "match_latest":
            found = found.order_by(_fts.c.rowid.desc()).limit(MATCHES_SHOWN)
        return projects.c.id.in_(found)
    pattern = bindparam("q_pattern", values.get("q_pattern"), type_=String)
    organisations = Organisation.__table__
    communities = select(organisations.c.id).where(organisations.c.name.ilike(pattern, escape="/"))
    if how.startswith("contains"):
        # PostgreSQL: the ids found by title, by code (each ILIKE reading its trigram index) and by community,
        # each SELECT planned apart; one OR of the three is planned as a whole, with an estimate that turns it
        # into a sequential scan.
        found = union(select(projects.c.id).where(projects.c.title.ilike(pattern, escape="/")),
                      select(projects.c.id).where(projects.c.code.ilike(pattern, escape="/")),
                      select(projects.c.id).where(projects.c.community_id.in_(communities))).subquery()
        if how == "contains_latest":
            return projects.c.id.in_(select(found.c.id).order_by(found.c.id.desc()).limit(MATCHES_SHOWN))
        return projects.c.id.in_(select(found.c.id))
    # The RECENT newest projects first (a LIMIT in a subquery: the database reads them before anything else),
    # then the search among them; as one condition, PostgreSQL read every project to test it.
    recent = (select(projects.c.id, projects.c.title, projects.c.code, projects.c.community_id)
              .order_by(projects.c.id.desc()).limit(RECENT).subquery("recent"))
    return projects.c.id.in_(select(recent.c.id).where(or_(
        recent.c.title.ilike(pattern, escape="/"), recent.c.code.ilike(pattern, escape="/"),
        recent.c.community_id.in_(communities))))


def recent_only(q: str | None) -> bool:
    """Whether a search looked among the RECENT most recent projects only, so that the page must say so: one or
    two characters, with more projects than that."""
    from procure.projects import counts

    return bool(q) and not indexed(q) and counts.total("all")[0] > RECENT


def counted(query, q: str):
    """`query` (of projects) narrowed to the search, for counting up to a cap: on SQLite joined to the FTS5 table,
    which it then reads first, match by match, stopping at the cap; `id IN (…)` would collect every match."""
    if mode(q) != "match":
        return query.where(matching(q))
    phrase = bindparam("q_match", params(q)["q_match"], type_=String)
    return query.join(_fts, _fts.c.rowid == Project.__table__.c.id).where(
        literal_column(SEARCH_TABLE).op("MATCH")(phrase))


def matching(q: str):
    """A condition on projects: its title, code or community name contains `q` (case aside)."""
    return condition(mode(q), params(q))
