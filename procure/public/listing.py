"""The public project list: stages a resident understands, filters from the query string, and the query the
list page and its exports share (so an export carries exactly the rows and totals the page shows)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from procure.accounts.models import COMMUNITY_CLASSES, Organisation
from procure.database import MAX_ID
from procure.disclosure import ACCEPTED_STATES, IMPLEMENTER_PUBLIC_STATES, public_clause
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


def public_filters(args) -> dict:
    """The filters from a query string; a value that is not one of the choices is ignored."""
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
    for key in ("community", "provider", "evaluator"):
        value = bounded_int(args.get(key), 1, MAX_ID)
        if value is not None:
            filters[key] = value
    return filters


def public_projects(filters):
    """SELECT of the public projects matching `filters` (no order: the caller orders or aggregates)."""
    query = select(Project).join(Organisation, Organisation.id == Project.community_id).where(public_clause())
    if "q" in filters:
        query = query.where(or_(Project.title.icontains(filters["q"], autoescape=True),
                                Project.code.icontains(filters["q"], autoescape=True)))
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
