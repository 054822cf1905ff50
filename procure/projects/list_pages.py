"""The staff project list at any size: its total and its pages for each user, and its rows as the page prints
them.

The total ("共 N 个项目") comes from procure.projects.counts when the user's scope and the filters come to one
facet (a community's projects in one state, say); otherwise it is counted, up to TOTAL_CAP ("超过 1000 个").
Rows are in order of the last update (newest first) and a page is read by keyset (procure.paging) from one index
range: (updated_at, id) for everything, (state, updated_at, id) for a state, (community_id, updated_at, id) for
a community. A reviewer's or a bureau's area is a few communities or many: up to MERGE_LIMIT communities, one
range per community, merged; beyond, the (updated_at, id) range walked with the area checked on each row (a
large area holds a good share of all projects, so a page fills after a few dozen rows).

A provider or an evaluation firm sees the projects any of a few conditions allows (procure.projects.permissions
.visible_parts: open tenders, its own contracts, its bids …): one range per condition, merged without repeats.

Every statement is built once per shape (the user's kind of scope, which filters) with its values bound on each
request; providers' and firms' lists, whose conditions their own records make, are built on each request."""
from collections import namedtuple
from zoneinfo import ZoneInfo

from flask import current_app, request, url_for
from flask_babel import get_locale
from sqlalchemy import String, bindparam, exists, or_, select

from procure.accounts.models import Organisation, Role
from procure.codes import area_prefix
from procure.paging import Fetch, Order, capped_count, capped_union_count, page_of, position
from procure.extensions import db
from procure.projects import counts, search
from procure.projects.inputs import FUNDING_FORM_LABELS
from procure.projects.listing import conditions, filtered
from procure.projects.models import Project
from procure.projects.permissions import visible_id_queries, visible_parts
from procure.projects.states import STATE_LABELS, STATE_PHASES

PROJECTS, ORGANISATIONS = Project.__table__, Organisation.__table__
ORDER = Order((PROJECTS.c.updated_at, PROJECTS.c.id))
TOTAL_CAP = 1000
MERGE_LIMIT = 40  # communities of an area read one index range each
FILTERS = ("state", "funding_form", "year", "community", "q")


def _facets(user, filters) -> list | None:
    """The (facet, value)s of procure.projects.counts that the user's scope and the filters come to, or None
    when the counts cannot answer (a search; a provider's or a firm's scope, which their records make)."""
    if "q" in filters or user.role not in (Role.admin, Role.community, Role.reviewer, Role.bureau):
        return None
    found = []
    if "community" in filters:
        found.append(("community", str(filters["community"])))
    elif user.role == Role.community:
        found.append(("community", str(user.organisation_id)))
    elif user.role in (Role.reviewer, Role.bureau):
        prefix = area_prefix(user.organisation.division_code)
        if len(prefix) not in counts.AREA_LEVELS:
            return None
        # No count combines an area with another filter; an area that holds every community (a city's bureau on
        # its own city's site) restricts nothing, and the other filter's own count answers.
        if not (("funding_form" in filters or "year" in filters) and _holds_every_community(prefix)):
            found.append((f"area{len(prefix)}", prefix))
    if "funding_form" in filters:
        found.append(("form", filters["funding_form"]))
    if "year" in filters:
        found.append(("proposal_year", str(filters["year"])))
    return found or [("all", "")]


_OUTSIDE = (select(ORGANISATIONS.c.id)
            .where(ORGANISATIONS.c.kind == "community",
                   or_(ORGANISATIONS.c.division_code.is_(None),
                       ORGANISATIONS.c.division_code.not_like(bindparam("area", type_=String))))
            .limit(1))


def _holds_every_community(prefix: str) -> bool:
    return db.session.execute(_OUTSIDE, {"area": prefix + "%"}).first() is None


def staff_total(user, filters, communities) -> int | None:
    """How many projects the list holds for this user, or None past TOTAL_CAP when the counts cannot say."""
    if ("community" in filters and user.role != Role.admin
            and filters["community"] not in {c.id for c in communities}):
        return 0  # outside the user's area (a community never gets the filter)
    facets = _facets(user, filters)
    if facets is not None and len(facets) == 1:
        facet, value = facets[0]
        return counts.total(facet, value, [filters["state"]] if "state" in filters else None)[0]
    rest = {key: value for key, value in filters.items() if key != "q"}
    if user.role in (Role.provider, Role.evaluator) and "q" not in filters:
        # Each way the user may see a project through its own index (one OR would walk every project).
        total = db.session.scalar(capped_union_count(visible_id_queries(user, conditions(rest)), TOTAL_CAP))
        return total if total <= TOTAL_CAP else None
    query = filtered(user, rest).with_only_columns(Project.id)
    if "q" in filters:
        query = search.counted(query, filters["q"])
    total = db.session.scalar(capped_count(query, TOTAL_CAP))
    return total if total <= TOTAL_CAP else None


def _filter_values(filters) -> dict:
    values = {}
    if "state" in filters:
        values["f_state"] = filters["state"]
    if "funding_form" in filters:
        values["f_form"] = filters["funding_form"]
    if "year" in filters:  # the year the proposal was made, which its code carries
        values["f_year"] = f"WXM{filters['year']}-%"
    if "community" in filters:
        values["f_community"] = filters["community"]
    if "q" in filters:
        values.update(search.params(filters["q"]))
    return values


def _filter_clauses(keys, how) -> list:
    c = PROJECTS.c
    found = []
    if "state" in keys:
        found.append(c.state == bindparam("f_state", type_=String))
    if "funding_form" in keys:
        found.append(c.funding_form == bindparam("f_form", type_=String))
    if "year" in keys:
        found.append(c.code.like(bindparam("f_year", type_=String)))
    if "community" in keys:
        found.append(c.community_id == bindparam("f_community"))
    if "q" in keys:
        found.append(search.condition(how))
    return found


def _in_area():
    """The area as a condition each row is checked against (no index range: see the module's docstring)."""
    return exists().where(ORGANISATIONS.c.id == PROJECTS.c.community_id,
                          ORGANISATIONS.c.division_code.like(bindparam("s_area", type_=String)))


def _scope(user, filters, communities):
    """(shape, values, queries builder) of the user's scope, or None when it cannot be bound (providers, firms)."""
    c = PROJECTS.c
    if user.role == Role.admin or "community" in filters:  # a community filter is inside the area (staff_total)
        return ("all",), {}, lambda found: [select(c.id).where(*found)]
    if user.role == Role.community:
        return ("community",), {"s_community": user.organisation_id}, lambda found: [
            select(c.id).where(c.community_id == bindparam("s_community"), *found)]
    if user.role in (Role.reviewer, Role.bureau):
        if "q" not in filters and len(communities) <= MERGE_LIMIT:
            values = {f"s_c{i}": community.id for i, community in enumerate(communities)}
            return ("merge", len(communities)), values, lambda found: [
                select(c.id).where(c.community_id == bindparam(f"s_c{i}"), *found)
                for i in range(len(communities))]
        values = {"s_area": area_prefix(user.organisation.division_code) + "%"}
        return ("area",), values, lambda found: [select(c.id).where(_in_area(), *found)]
    return None


def staff_page(user, filters, communities, per_page):
    """(page, total) of the list for this user."""
    total = staff_total(user, filters, communities)
    keys = tuple(key for key in FILTERS if key in filters)
    how = search.mode(filters["q"], many=total is None) if "q" in filters else None
    scope = _scope(user, filters, communities) if total != 0 else (("none",), {}, lambda found: [])
    if scope is None:  # a provider or a firm: one index range per way they may see a project, merged
        found = conditions(filters)
        fetch = Fetch(lambda: [select(PROJECTS.c.id).where(part, *found) for part in visible_parts(user)], _load,
                      overlapping=True)
    else:
        shape, values, branches = scope
        fetch = Fetch(lambda: branches(_filter_clauses(keys, how)), _load, ("staff", shape, keys, how),
                      dict(values, **_filter_values(filters)))
    return page_of(fetch, ORDER, position(request.args, ORDER), per_page, total), total


# What a row of the list shows, read as plain columns (a whole Project with its community costs several times
# as much to build, for forty columns the page never prints).
SHOWN = select(PROJECTS.c.id, PROJECTS.c.code, PROJECTS.c.title, PROJECTS.c.state, PROJECTS.c.funding_form,
               PROJECTS.c.requested_amount, PROJECTS.c.approved_amount, PROJECTS.c.updated_at,
               ORGANISATIONS.c.name.label("community")).select_from(
    PROJECTS.join(ORGANISATIONS, ORGANISATIONS.c.id == PROJECTS.c.community_id))


def _load(ids):
    return SHOWN.where(PROJECTS.c.id.in_(ids))


def options(labels: dict) -> list[tuple[str, str]]:
    """(value, label) pairs of a select, each label translated once per process and language."""
    locale = get_locale()
    key = (id(labels), locale.language, locale.territory, locale.script)
    if key not in _OPTIONS:
        _OPTIONS[key] = [(value, str(label)) for value, label in labels.items()]
    return _OPTIONS[key]


_OPTIONS: dict = {}


# A row as the template prints it: attributes rather than dict keys, which Jinja reads at the first try
# (`p.code` on a dict raises and catches an AttributeError before the key is looked up).
Row = namedtuple("Row", "id code title community url funding_form state phase state_label requested_amount "
                        "approved_amount updated_at")


def shown_rows(projects) -> list[Row]:
    """What the list prints of each project (rows of SHOWN), as text: labels translated once per process,
    times in the display zone, amounts formatted; the template only escapes and prints."""
    zone = ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
    states, forms = dict(options(STATE_LABELS)), dict(options(FUNDING_FORM_LABELS))
    detail = url_for("projects.detail", project_id=1)[:-1]  # …/projects/ : one URL built, not one per row
    return [Row(p.id, p.code, p.title, p.community, f"{detail}{p.id}", forms[p.funding_form], p.state,
                STATE_PHASES.get(p.state, "prep"), states[p.state], _amount(p.requested_amount),
                _amount(p.approved_amount), p.updated_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"))
            for p in projects]


def _amount(value) -> str:
    return "" if value is None else f"{value:,.2f}"
