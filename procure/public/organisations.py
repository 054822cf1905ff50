"""Public pages of communities, providers (with their track record) and evaluation firms.

What they show is public information about organisations: names, districts, classes, credit codes, the
register's facts about a firm, a provider's track record and the debarments in force (public credit
information), and the public projects each takes part in (per procure.disclosure). Never: users and
staff, `contact`, the legal representative, team members, firms' engagements, declarations.
Templates get plain dicts, never ORM objects. The lists' rows come from procure.public.registers (the tables
the lists' exports share), built for the page shown in a few grouped queries."""
from flask import abort, current_app, render_template, request
from sqlalchemy import select

from procure import clock, tabular
from procure.accounts.divisions import district_names
from procure.accounts.models import Organisation
from procure.database import MAX_ID
from procure.evaluators.models import EvaluatorProfile
from procure.extensions import db
from procure.performance_evaluation.scoring import GRADE_LABELS
from procure.performance_evaluation.track_record import track_records
from procure.projects.labels import COMMUNITY_CLASS_LABELS
from procure.projects.listing import bounded_int, page_window
from procure.providers.inputs import INSPECTION_LABELS, REGISTRATION_TYPE_LABELS
from procure.providers.models import ProviderProfile
from procure.public import bp, registers, tables


# The columns of the project tables on an organisation's page (from procure.public.tables.PROJECT_COLUMNS).
COMMUNITY_PROJECT_COLUMNS = ("code", "title", "stage", "funding_form", "catalogue_year", "approved_amount",
                             "implementer", "contract_amount", "paid", "grade", "score")
PROVIDER_PROJECT_COLUMNS = ("code", "title", "community", "stage", "catalogue_year", "contract_amount", "paid",
                            "grade", "score")
EVALUATOR_PROJECT_COLUMNS = ("code", "title", "community", "implementer", "stage", "catalogue_year", "grade",
                             "score")


def _page_of(table):
    """(the page's rows, total, page, pages) of a register's table: the rows of one page only."""
    per_page = current_app.config["PER_PAGE"]
    ids = table.ids()
    pages = max(1, -(-len(ids) // per_page))
    page = min(bounded_int(request.args.get("page"), 1, MAX_ID) or 1, pages)
    first = (page - 1) * per_page
    return table.build(ids[first:first + per_page]), len(ids), page, pages


def _projects_view(filters, keys, page_key="page"):
    """The public projects of an organisation as a public table (the columns `keys`), one page of it."""
    table = tables.projects_table(filters)
    table.columns = [column for column in table.columns if column.key in keys]
    view = table.page(bounded_int(request.args.get(page_key), 1, MAX_ID), current_app.config["PER_PAGE"])
    return table, view, page_window(view["page"], view["pages"])


def _render(template, **context):
    return render_template(template, text=tabular.text, GRADE_LABELS=GRADE_LABELS, **context)


# ---- communities ------------------------------------------------------------------------------------------------

@bp.get("/public/communities")
def communities():
    filters = registers.community_filters(request.args)
    rows, total, page, pages = _page_of(registers.communities_table(filters))
    return _render("public/organisations/communities.html", rows=rows, filters=filters, total=total, page=page,
                   pages=pages, page_numbers=page_window(page, pages), class_labels=COMMUNITY_CLASS_LABELS)


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

@bp.get("/public/providers")
def providers():
    filters = registers.name_filters(request.args)
    rows, total, page, pages = _page_of(registers.providers_table(filters))
    return _render("public/organisations/providers.html", rows=rows, filters=filters, total=total,
                   page=page, pages=pages, page_numbers=page_window(page, pages))


@bp.get("/public/providers/<int:org_id>")
def provider(org_id):
    org = db.session.scalar(registers.provider_register().where(Organisation.id == org_id))
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
    return _render("public/organisations/provider.html", org=info,
                   record=registers.record_of(track_records([org.id])[org.id]),
                   debarments=registers.debarments([org.id])[org.id], table=table, view=view, numbers=numbers)


# ---- evaluation firms ---------------------------------------------------------------------------------------------

@bp.get("/public/evaluators")
def evaluators():
    filters = registers.name_filters(request.args)
    rows, total, page, pages = _page_of(registers.evaluators_table(filters))
    return _render("public/organisations/evaluators.html", rows=rows, filters=filters, total=total,
                   page=page, pages=pages, page_numbers=page_window(page, pages))


@bp.get("/public/evaluators/<int:org_id>")
def evaluator(org_id):
    org = db.session.scalar(registers.firm_register().where(Organisation.id == org_id))
    if org is None:
        abort(404)
    profile = db.session.scalar(select(EvaluatorProfile).filter_by(organisation_id=org.id))
    info = registers.firm(org, profile, registers.top_categories())
    table, view, numbers = _projects_view({"evaluator": org.id}, EVALUATOR_PROJECT_COLUMNS)
    return _render("public/organisations/evaluator.html", org=info, table=table, view=view, numbers=numbers)
