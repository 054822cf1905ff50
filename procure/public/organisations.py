"""Public pages of communities, providers (with their track record) and evaluation firms.

What they show is public information about organisations: names, districts, classes, credit codes, the
register's facts about a firm, a provider's track record and the debarments in force (public credit
information), and the public projects each takes part in (per procure.public.disclosure). Never: users and
staff, `contact`, the legal representative, team members, firms' engagements, declarations.
Templates get plain dicts built here, never ORM objects. Lists load what a page shows in a few grouped queries."""
from decimal import Decimal

from flask import abort, current_app, render_template, request
from sqlalchemy import func, select

from procure import clock
from procure.accounts.models import COMMUNITY_CLASSES, Organisation
from procure.catalogue.models import Category
from procure.database import MAX_ID
from procure.evaluators.models import EvaluatorProfile
from procure.extensions import db
from procure.performance_evaluation.scoring import GRADE_LABELS
from procure.performance_evaluation.track_record import track_records
from procure.procurement.models import Debarment
from procure.projects.labels import COMMUNITY_CLASS_LABELS
from procure.projects.listing import bounded_int, page_window
from procure.projects.models import Project
from procure.providers.inputs import INSPECTION_LABELS, REGISTRATION_TYPE_LABELS
from procure.providers.models import ProviderProfile
from procure.public import bp, disclosure, tables
from procure.public.listing import district_names, public_projects

ZERO = Decimal("0.00")
# The columns of the project tables on an organisation's page (from procure.public.tables.PROJECT_COLUMNS).
COMMUNITY_PROJECT_COLUMNS = ("code", "title", "stage", "funding_form", "catalogue_year", "approved_amount",
                             "implementer", "contract_amount", "paid", "grade", "score")
PROVIDER_PROJECT_COLUMNS = ("code", "title", "community", "stage", "catalogue_year", "contract_amount", "paid",
                            "grade", "score")
EVALUATOR_PROJECT_COLUMNS = ("code", "title", "community", "implementer", "stage", "catalogue_year", "grade",
                             "score")


def _search() -> str:
    return (request.args.get("q") or "").replace("\x00", "").strip()[:100]


def _paged(query, order):
    """(the page's rows, total, page, pages) of a SELECT of organisations."""
    per_page = current_app.config["PER_PAGE"]
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-total // per_page))
    page = min(bounded_int(request.args.get("page"), 1, MAX_ID) or 1, pages)
    rows = db.session.scalars(query.order_by(*order).limit(per_page).offset((page - 1) * per_page)).unique().all()
    return rows, total, page, pages


def _projects_view(filters, keys, page_key="page"):
    """The public projects of an organisation as a public table (the columns `keys`), one page of it."""
    table = tables.projects_table(filters)
    table.columns = [column for column in table.columns if column.key in keys]
    view = table.page(bounded_int(request.args.get(page_key), 1, MAX_ID), current_app.config["PER_PAGE"])
    return table, view, page_window(view["page"], view["pages"])


def _render(template, **context):
    return render_template(template, text=tables.text, GRADE_LABELS=GRADE_LABELS, **context)


# ---- communities ------------------------------------------------------------------------------------------------

def _community_filters() -> dict:
    filters = {}
    if _search():
        filters["q"] = _search()
    if request.args.get("community_class") in COMMUNITY_CLASSES:
        filters["community_class"] = request.args["community_class"]
    district = (request.args.get("district") or "").strip()
    if len(district) == 6 and district.isascii() and district.isdigit():
        filters["district"] = district
    return filters


def _project_totals(column, org_ids) -> dict:
    """{organisation id: (public projects, their approved total)} by `column` (community_id …)."""
    if not org_ids:
        return {}
    rows = db.session.execute(public_projects({}).with_only_columns(
        column, func.count(Project.id), func.sum(Project.approved_amount))
        .where(column.in_(org_ids)).group_by(column))
    return {org_id: (count, amount or ZERO) for org_id, count, amount in rows}


@bp.get("/public/communities")
def communities():
    filters = _community_filters()
    query = select(Organisation).where(Organisation.kind == "community")
    if "q" in filters:
        query = query.where(Organisation.name.icontains(filters["q"], autoescape=True))
    if "community_class" in filters:
        query = query.where(Organisation.community_class == filters["community_class"])
    if "district" in filters:
        query = query.where(Organisation.division_code.startswith(filters["district"]))
    orgs, total, page, pages = _paged(query, (Organisation.division_code, Organisation.id))
    stats = _project_totals(Project.community_id, [o.id for o in orgs])
    districts = district_names(o.division_code for o in orgs)
    classes = COMMUNITY_CLASS_LABELS
    rows = [{"id": o.id, "name": o.name, "district": districts.get(o.division_code[:6], ""),
             "district_code": o.division_code[:6], "class": classes.get(o.community_class, ""),
             "projects": stats.get(o.id, (0, ZERO))[0], "amount": stats.get(o.id, (0, ZERO))[1]} for o in orgs]
    return _render("public/organisations/communities.html", rows=rows, filters=filters, total=total, page=page,
                   pages=pages, page_numbers=page_window(page, pages), class_labels=classes)


@bp.get("/public/communities/<int:org_id>")
def community(org_id):
    org = db.session.scalar(select(Organisation).where(Organisation.id == org_id, Organisation.kind == "community"))
    if org is None:
        abort(404)
    district = org.division_code[:6]
    info = {"id": org.id, "name": org.name, "district": district_names([district]).get(district, district),
            "district_code": district, "class": COMMUNITY_CLASS_LABELS.get(org.community_class, "")}
    table, view, numbers = _projects_view({"community": org.id}, COMMUNITY_PROJECT_COLUMNS)
    return _render("public/organisations/community.html", org=info, table=table, view=view, numbers=numbers)


# ---- providers --------------------------------------------------------------------------------------------------

def _register():
    """A SELECT of the providers in the public register: a profile the bureau has verified."""
    return (select(Organisation).join(ProviderProfile, ProviderProfile.organisation_id == Organisation.id)
            .where(Organisation.kind == "provider", ProviderProfile.verified_at.is_not(None)))


def _debarments(org_ids) -> dict[int, list[dict]]:
    """The debarments in force today (public credit information): reason and period."""
    found = {org_id: [] for org_id in org_ids}
    if not org_ids:
        return found
    for d in db.session.scalars(Debarment.in_force(clock.today()).where(Debarment.organisation_id.in_(org_ids))
                                .order_by(Debarment.starts_on.desc(), Debarment.id.desc())):
        found[d.organisation_id].append({"reason": d.reason, "starts_on": d.starts_on, "ends_on": d.ends_on})
    return found


def _register_page(query, profile_model):
    """One page of a register, searched by name, with its organisations' profiles (two queries)."""
    q = _search()
    if q:
        query = query.where(Organisation.name.icontains(q, autoescape=True))
    orgs, total, page, pages = _paged(query, (Organisation.name, Organisation.id))
    ids = [o.id for o in orgs]
    profiles = {p.organisation_id: p for p in db.session.scalars(
        select(profile_model).where(profile_model.organisation_id.in_(ids)))} if ids else {}
    return q, orgs, profiles, total, page, pages


def _record(record) -> dict:
    """A track record without its project list (the pages list the projects from the public tables)."""
    return {"evaluated": record["evaluated"], "average_score": record["average_score"],
            "on_time_rate": record["on_time_rate"], "milestones_counted": record["milestones_counted"],
            "grades": [(GRADE_LABELS[grade], count) for grade, count in record["grades"].items()]}


@bp.get("/public/providers")
def providers():
    q, orgs, profiles, total, page, pages = _register_page(_register(), ProviderProfile)
    ids = [o.id for o in orgs]
    records = track_records(ids)
    debarments = _debarments(ids)
    rows = [{"id": o.id, "name": o.name, "credit_code": o.credit_code,
             "registration_type": REGISTRATION_TYPE_LABELS.get(profiles[o.id].registration_type, ""),
             "rating": profiles[o.id].rating, "record": _record(records[o.id]), "debarments": debarments[o.id]}
            for o in orgs]
    return _render("public/organisations/providers.html", rows=rows, filters={"q": q} if q else {}, total=total,
                   page=page, pages=pages, page_numbers=page_window(page, pages))


@bp.get("/public/providers/<int:org_id>")
def provider(org_id):
    org = db.session.scalar(_register().where(Organisation.id == org_id))
    if org is None:
        abort(404)
    profile = db.session.scalar(select(ProviderProfile).filter_by(organisation_id=org.id))
    district = org.division_code[:6]
    info = {"id": org.id, "name": org.name, "credit_code": org.credit_code,
            "district": district_names([district]).get(district, district),
            "registration_type": REGISTRATION_TYPE_LABELS.get(profile.registration_type, ""),
            "founded_on": profile.founded_on, "rating": profile.rating,
            "annual_inspection": INSPECTION_LABELS.get(profile.annual_inspection, ""),
            "service_areas": profile.service_areas, "public_welfare_class_one": profile.public_welfare_class_one,
            "verified_on": clock.local(profile.verified_at).date()}
    table, view, numbers = _projects_view({"provider": org.id}, PROVIDER_PROJECT_COLUMNS)
    return _render("public/organisations/provider.html", org=info, record=_record(track_records([org.id])[org.id]),
                   debarments=_debarments([org.id])[org.id], table=table, view=view, numbers=numbers)


# ---- evaluation firms ---------------------------------------------------------------------------------------------

def _firms():
    """A SELECT of the evaluation firms in the register (with a profile)."""
    return (select(Organisation).join(EvaluatorProfile, EvaluatorProfile.organisation_id == Organisation.id)
            .where(Organisation.kind == "evaluator"))


def _specialties(codes, categories) -> list[str]:
    return [f"{code} {categories[code]}" if code in categories else code for code in codes or []]


def _firm(org, profile, categories) -> dict:
    return {"id": org.id, "name": org.name, "credit_code": org.credit_code, "accreditation": profile.accreditation,
            "accredited_until": profile.accredited_until,
            "expired": profile.accredited_until is not None and profile.accredited_until < clock.today(),
            "specialties": _specialties(profile.specialties, categories), "active": profile.active}


def _top_categories() -> dict[str, str]:
    return dict(db.session.execute(select(Category.code, Category.name)
                                   .where(Category.parent_code.is_(None))).all())


@bp.get("/public/evaluators")
def evaluators():
    q, orgs, profiles, total, page, pages = _register_page(_firms(), EvaluatorProfile)
    ids = [o.id for o in orgs]
    # The projects whose firm is public (evaluator_public: from the acceptance on), counted per firm.
    counts = dict(db.session.execute(public_projects({}).with_only_columns(Project.evaluator_org_id,
                                                                           func.count(Project.id))
                                     .where(Project.evaluator_org_id.in_(ids),
                                            Project.state.in_(disclosure.ACCEPTED_STATES))
                                     .group_by(Project.evaluator_org_id)).all()) if ids else {}
    categories = _top_categories()
    rows = [{**_firm(o, profiles[o.id], categories), "projects": counts.get(o.id, 0)} for o in orgs]
    return _render("public/organisations/evaluators.html", rows=rows, filters={"q": q} if q else {}, total=total,
                   page=page, pages=pages, page_numbers=page_window(page, pages))


@bp.get("/public/evaluators/<int:org_id>")
def evaluator(org_id):
    org = db.session.scalar(_firms().where(Organisation.id == org_id))
    if org is None:
        abort(404)
    profile = db.session.scalar(select(EvaluatorProfile).filter_by(organisation_id=org.id))
    info = _firm(org, profile, _top_categories())
    table, view, numbers = _projects_view({"evaluator": org.id}, EVALUATOR_PROJECT_COLUMNS)
    return _render("public/organisations/evaluator.html", org=info, table=table, view=view, numbers=numbers)
