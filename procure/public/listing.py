"""The public project list: stages a resident understands, filters from the query string, the query the list
page and its exports share (so an export carries exactly the rows and totals the page shows), and how the page
reads its totals and its rows at any size.

Totals come from procure.projects.counts when the filters name at most one facet (a stage and a district, say);
otherwise they are counted, up to TOTAL_CAP. Rows: the list is in id order (newest first), and a page walks one
(state, id) index range per public state from its cursor and merges them (procure.paging.ordered_ids), which
costs the same on the first page and the 2,000th; a filter on one community, implementer or firm, or a search,
reads that filter's own index instead."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, bindparam, or_, select

from procure import pickers
from procure.accounts.models import COMMUNITY_CLASSES, Organisation
from procure.database import MAX_ID
from procure.disclosure import (ACCEPTED_STATES, CATALOGED_ON, IMPLEMENTER_PUBLIC_STATES, NOTICE_STATES,
                                public_clause)
from procure.extensions import db
from procure.paging import Fetch, Order, page_of, position
from procure.projects import counts, search
from procure.projects.inputs import FUNDING_FORM_LABELS
from procure.projects.listing import bounded_int
from procure.projects.models import Project

# stage: (label, the lifecycle states it gathers), in lifecycle order.
STAGES = {
    "notice": (_l("社区公示"), ("notice",)),
    "cataloged": (_l("已入目录"), ("cataloged",)),
    "procurement": (_l("采购中"), ("tendering", "awarded")),
    "delivery": (_l("实施中"), ("contracted", "in_delivery")),
    "acceptance": (_l("验收中"), ("delivered", "under_acceptance", "rectification")),
    "accepted": (_l("已验收"), ("accepted",)),
    "evaluated": (_l("已评价"), ("evaluated",)),
    "closed": (_l("已结项"), ("closed",)),
    "cancelled": (_l("已终止"), ("cancelled",)),
}
STAGE_OF = {state: stage for stage, (_, states) in STAGES.items() for state in states}
FILTER_KEYS = ("q", "stage", "year", "district", "community_class", "funding_form", "category", "community",
               "provider", "evaluator")


def stage_of(project) -> str:
    return STAGE_OF[project.state]


ORGANISATION_FILTERS = {"community": "communities", "provider": "providers", "evaluator": "evaluators"}


def public_filters(args, picks=None) -> dict:
    """The filters from a query string; a value that is not one of the choices is ignored. With `picks` (what
    `picked` made of each organisation filter against the list's choices), an organisation may be named as well
    as numbered."""
    filters = {}
    q = (args.get("q") or "").replace("\x00", "").strip()[:100]  # PostgreSQL refuses NUL in a string
    if q:
        filters["q"] = q
    if args.get("stage") in STAGES:
        filters["stage"] = args["stage"]
    year = bounded_int(args.get("year"), 2000, 2100)
    if year is not None:
        filters["year"] = year
    district = (args.get("district") or "").strip()
    if len(district) == 6 and district.isascii() and district.isdigit():
        filters["district"] = district
    if args.get("community_class") in COMMUNITY_CLASSES:
        filters["community_class"] = args["community_class"]
    if args.get("funding_form") in FUNDING_FORM_LABELS:
        filters["funding_form"] = args["funding_form"]
    category = (args.get("category") or "").strip()
    if 0 < len(category) <= 16 and category.isascii() and category.isalnum():
        filters["category"] = category.upper()
    for key in ORGANISATION_FILTERS:
        value = picks[key].id if picks is not None else bounded_int(args.get(key), 1, MAX_ID)
        if value is not None:
            filters[key] = value
    return filters


def picked(args, choices, key) -> pickers.Picked:
    """What the query string's `key` (community, provider, evaluator) names among the list's choices."""
    return pickers.resolve(args.get(key), choices[ORGANISATION_FILTERS[key]]) or pickers.Picked()


def public_projects(filters):
    """SELECT of the public projects matching `filters` (no order: the caller orders or aggregates)."""
    query = select(Project).join(Organisation, Organisation.id == Project.community_id).where(public_clause())
    if "q" in filters:
        query = query.where(search.matching(filters["q"]))
    if "stage" in filters:
        query = query.where(Project.state.in_(STAGES[filters["stage"]][1]))
    if "year" in filters:
        query = query.where(Project.catalogue_year == filters["year"])
    if "district" in filters:
        query = query.where(Organisation.division_code.startswith(filters["district"]))
    if "community_class" in filters:
        query = query.where(Organisation.community_class == filters["community_class"])
    if "funding_form" in filters:
        query = query.where(Project.funding_form == filters["funding_form"])
    if "category" in filters:
        query = query.where(Project.category_code.startswith(filters["category"]))
    if "community" in filters:
        query = query.where(Project.community_id == filters["community"])
    if "provider" in filters:
        query = query.where(Project.implementer_id == filters["provider"],
                            Project.state.in_(IMPLEMENTER_PUBLIC_STATES))
    if "evaluator" in filters:
        query = query.where(Project.evaluator_org_id == filters["evaluator"], Project.state.in_(ACCEPTED_STATES))
    return query


# ---- the page: totals and rows at any size ---------------------------------------------------------------------

ZERO = Decimal("0.00")
TOTAL_CAP = 1000  # rows counted one by one when the counts table cannot answer
PROJECTS = Project.__table__
ORDER = Order((PROJECTS.c.id,))
# Public states in lifecycle order; a cancelled project is public only if it was listed in a catalogue.
PUBLIC_STATES = NOTICE_STATES + CATALOGED_ON + ("cancelled",)
# Filters on one organisation's projects or on a search: few rows, read through the filter's own index.
NARROW = ("community", "provider", "evaluator", "q")


def public_counts_clause():
    """procure.disclosure.public_clause, on procure.projects.counts rows."""
    return or_(counts.ProjectCount.state.in_(NOTICE_STATES + CATALOGED_ON),
               and_(counts.ProjectCount.state == "cancelled", counts.ProjectCount.listed))


def states_for(filters) -> list[str]:
    """The public states the filters leave, in lifecycle order."""
    states = set(PUBLIC_STATES)
    if "stage" in filters:
        states &= set(STAGES[filters["stage"]][1])
    if "provider" in filters:
        states &= set(IMPLEMENTER_PUBLIC_STATES)
    if "evaluator" in filters:
        states &= set(ACCEPTED_STATES)
    return [state for state in PUBLIC_STATES if state in states]


def _in_state(state):
    if state == "cancelled":
        return and_(PROJECTS.c.state == state, PROJECTS.c.catalogue_year.is_not(None))
    return PROJECTS.c.state == state


def _facets(filters) -> list:
    """The (facet, value)s of procure.projects.counts the filters name ([("all", "")] for none)."""
    found = [(facet, str(filters[key])) for key, facet in (
        ("year", "catalogue_year"), ("district", "area6"), ("community_class", "class"), ("funding_form", "form"),
        ("community", "community"), ("provider", "implementer"), ("evaluator", "evaluator"), ("category", "category"))
        if key in filters and (key != "category" or len(filters[key]) in counts.CATEGORY_LEVELS)]
    return found or [("all", "")]


def _exact(filters) -> bool:
    """Whether the counts give the filters' total: one facet at most, and no search or unusual category."""
    named = sum(key in filters for key in CONDITIONS if key != "q")
    unusual = "category" in filters and len(filters["category"]) not in counts.CATEGORY_LEVELS
    return "q" not in filters and named <= 1 and not unusual


CONDITIONS = ("q", "year", "district", "community_class", "funding_form", "category", "community", "provider",
              "evaluator")


def _values(filters) -> dict:
    """The values the filters bind (see `_conditions`)."""
    values = {f"f_{key}": filters[key] for key in ("year", "community_class", "funding_form", "community",
                                                   "provider", "evaluator") if key in filters}
    for key in ("district", "category"):  # ASCII digits or letters only (public_filters): no LIKE escaping
        if key in filters:
            values[f"f_{key}"] = filters[key] + "%"
    if "q" in filters:
        values.update(search.params(filters["q"]))
    return values


def _conditions(keys, how) -> list:
    """The filters but the stage, as conditions on projects alone (a district or class through its community),
    their values bound at execution."""
    c, organisations = PROJECTS.c, Organisation.__table__.c
    equal = {"year": c.catalogue_year, "funding_form": c.funding_form, "community": c.community_id,
             "provider": c.implementer_id, "evaluator": c.evaluator_org_id}
    found = []
    for key in keys:
        if key == "q":
            found.append(search.condition(how))
        elif key in equal:
            found.append(equal[key] == bindparam(f"f_{key}"))
        elif key == "district":
            found.append(c.community_id.in_(select(organisations.id).where(
                organisations.division_code.like(bindparam("f_district", type_=String)))))
        elif key == "community_class":
            found.append(c.community_id.in_(select(organisations.id).where(
                organisations.community_class == bindparam("f_community_class", type_=String))))
        elif key == "category":
            found.append(c.category_code.like(bindparam("f_category", type_=String)))
    return found


def public_totals(filters):
    """(projects, approved amount, the states that may have any), the count None past TOTAL_CAP. The counts
    give the total of one facet; of several, they still tell which states none of them can have (a state where
    one facet counts nothing), and the list reads no range for those."""
    states = states_for(filters)
    per_facet = []
    for facet, value in _facets(filters):
        rows = counts.sums(facet, value, states, public_counts_clause, "state")
        per_facet.append(({state for n, _amount, state in rows if n}, rows))
    possible = set.intersection(*(found for found, _rows in per_facet))
    if _exact(filters):
        rows = per_facet[0][1]
        return sum(n for n, _a, _s in rows), sum((amount for _n, amount, _s in rows), ZERO), possible
    matching = public_projects({k: v for k, v in filters.items() if k != "q"})
    if "q" in filters:
        matching = search.counted(matching, filters["q"])
    matching = matching.with_only_columns(Project.approved_amount).order_by(None)
    limited = matching.limit(TOTAL_CAP + 1).subquery()
    total, amount = db.session.execute(select(db.func.count(), db.func.sum(limited.c.approved_amount))).one()
    if total > TOTAL_CAP:
        return None, None, possible
    return total, amount, possible


def public_page(filters, args, per_page):
    """(page of rows of SHOWN, total, amount) for the list page."""
    total, amount, possible = public_totals(filters)
    states = tuple(s for s in states_for(filters) if s in possible)
    keys = tuple(key for key in CONDITIONS if key in filters)
    how = search.mode(filters["q"]) if "q" in filters else None
    narrow = any(key in filters for key in NARROW)

    def queries():
        found = _conditions(keys, how)
        if not states:
            return []
        if narrow:
            return [select(PROJECTS.c.id).where(or_(*(_in_state(s) for s in states)), *found)]
        return [select(PROJECTS.c.id).where(_in_state(s), *found) for s in states]
    fetch = Fetch(queries, _load, ("public", states, narrow, keys, how), _values(filters))
    return page_of(fetch, ORDER, position(args, ORDER), per_page, total), total, amount


def _load(ids):
    return SHOWN.where(PROJECTS.c.id.in_(ids))


# What a row of the list shows, as plain columns (a whole Project costs several times as much to build).
_c, _o = PROJECTS.c, Organisation.__table__.c
SHOWN = select(_c.id, _c.code, _c.title, _c.state, _c.funding_form, _c.category_code, _c.catalogue_year,
               _c.approved_amount, _c.requested_amount, _o.id.label("community_id"), _o.name.label("community_name")
               ).select_from(PROJECTS.join(Organisation.__table__, _o.id == _c.community_id))
