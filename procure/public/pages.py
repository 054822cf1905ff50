"""Public portal pages (no login): the home page at the site's root, the project list with its filters and
totals, a project's public page and its public PDFs, and the published catalogues. Templates get plain data
built here or in procure.public.project_view, never ORM rows whose private fields they could print."""
from decimal import Decimal

from flask import abort, current_app, render_template, request
from flask_babel import get_locale
from sqlalchemy import and_, exists, func, or_, select

from procure import clock, disclosure, pickers
from procure.accounts.divisions import district_names
from procure.accounts.models import COMMUNITY_CLASSES, Organisation
from procure.catalogue.models import Catalogue, CatalogueItem, Category
from procure.database import writes
from procure.extensions import db, limiter
from procure.kept import kept
from procure.performance_evaluation.models import PerformanceEvaluation
from procure.performance_evaluation.scoring import GRADE_LABELS
from procure.procurement.models import Bid, Contract
from procure.procurement.tenders import Tender
from procure.projects import counts, search
from procure.projects.inputs import FUNDING_FORM_LABELS, METHOD_LABELS
from procure.projects.labels import COMMUNITY_CLASS_LABELS
from procure.projects.models import Project
from procure.public import bp
from procure.public.figures import headline
from procure.public.listing import (IMPLEMENTER_PUBLIC_STATES, ORGANISATION_FILTERS, STAGES, TOTAL_CAP, picked,
                                    public_counts_clause, public_filters, public_page, stage_of)
from procure.public.objections import CONTENT_MAX, PublicObjectionForm
from procure.public.project_view import notice_period, project_view
from procure.workdays.service import Calendar

RECENT = 6  # rows in each "recent" list of the home page
ZERO = Decimal("0.00")


def _catalogue_state_labels():
    from procure.catalogue.views import STATE_LABELS

    return STATE_LABELS


# ---- home ------------------------------------------------------------------------------------------------

def latest(at, project_id, *conditions):
    """A subquery (project_id, at) of the RECENT newest rows of one table by `at` whose project is public. It reads
    that table alone, so the database walks its (at, project_id) index from the newest and stops after RECENT
    rows; joined to the projects in one query, SQLite would rather start from the projects' state index,
    collecting every public project and sorting them all."""
    public = exists().where(Project.id == project_id, disclosure.public_clause())
    return (select(project_id.label("project_id"), at.label("at")).where(at.is_not(None), public, *conditions)
            .order_by(at.desc(), project_id.desc()).limit(RECENT).subquery())


def this_years_catalogue() -> dict | None:
    year = clock.today().year
    catalogue = db.session.scalar(select(Catalogue).where(Catalogue.year == year,
                                                          Catalogue.state.in_(disclosure.PUBLIC_CATALOGUE_STATES)))
    if catalogue is None:
        return None
    count, total = _catalogue_totals([catalogue.id]).get(catalogue.id, (0, ZERO))
    return {"year": year, "state": _catalogue_state_labels()[catalogue.state], "count": count, "total": total}


def open_tenders() -> list[dict]:
    rows = db.session.execute(
        select(Project.code, Project.title, Organisation.id, Organisation.name, Project.approved_amount,
               Project.procurement_method, Project.bid_deadline)
        .join(Organisation, Organisation.id == Project.community_id)
        .where(Project.state == "tendering", Project.bid_deadline > clock.now())
        .order_by(Project.bid_deadline, Project.id).limit(20)).all()
    return [{"code": code, "title": title, "community": {"id": org_id, "name": name}, "budget": amount,
             "method": METHOD_LABELS.get(method, method), "deadline": deadline}
            for code, title, org_id, name, amount, method, deadline in rows]


def recent_awards() -> list[dict]:
    awarded = exists().where(Bid.project_id == Tender.project_id, Bid.status == "awarded")
    new = latest(Tender.award_notice_at, Tender.project_id, awarded)
    rows = db.session.execute(
        select(Project.code, Project.title, new.c.at, Organisation.id, Organisation.name, Bid.price)
        .join(Project, Project.id == new.c.project_id)
        .join(Bid, and_(Bid.project_id == Project.id, Bid.status == "awarded"))
        .join(Organisation, Organisation.id == Bid.provider_id)
        .order_by(new.c.at.desc(), new.c.project_id.desc())).all()
    return [{"code": code, "title": title, "at": at, "winner": {"id": org_id, "name": name}, "amount": price}
            for code, title, at, org_id, name, price in rows]


def recent_contracts() -> list[dict]:
    new = latest(Contract.published_at, Contract.project_id)
    rows = db.session.execute(
        select(Project.code, Project.title, new.c.at, Contract.kind, Organisation.id, Organisation.name,
               Contract.amount)
        .join(Project, Project.id == new.c.project_id)
        .join(Contract, Contract.project_id == Project.id)
        .join(Organisation, Organisation.id == Contract.implementer_id)
        .order_by(new.c.at.desc(), new.c.project_id.desc())).all()
    return [{"code": code, "title": title, "at": at, "kind": kind, "implementer": {"id": org_id, "name": name},
             "amount": amount} for code, title, at, kind, org_id, name, amount in rows]


def recent_evaluations() -> list[dict]:
    new = latest(PerformanceEvaluation.finalised_at, PerformanceEvaluation.project_id)
    rows = db.session.execute(
        select(Project.code, Project.title, Organisation.id, Organisation.name, PerformanceEvaluation.grade,
               PerformanceEvaluation.score, new.c.at)
        .join(Project, Project.id == new.c.project_id)
        .join(PerformanceEvaluation, PerformanceEvaluation.project_id == Project.id)
        .join(Organisation, Organisation.id == Project.community_id)
        .order_by(new.c.at.desc(), new.c.project_id.desc())).all()
    return [{"code": code, "title": title, "community": {"id": org_id, "name": name}, "grade": grade,
             "grade_label": GRADE_LABELS.get(grade, grade or ""), "score": score, "at": at}
            for code, title, org_id, name, grade, score, at in rows]


def under_notice() -> list[dict]:
    projects = db.session.scalars(select(Project).where(Project.state.in_(disclosure.NOTICE_STATES))
                                  .order_by(Project.notice_published_on.desc(), Project.id.desc()).limit(20)).all()
    calendar = Calendar() if projects else None
    periods = {p.id: notice_period(p, calendar) for p in projects}
    return [{"code": p.code, "title": p.title, "community": {"id": p.community.id, "name": p.community.name},
             "requested_amount": p.requested_amount, "published_on": p.notice_published_on,
             "ends_on": periods[p.id] and periods[p.id].ends_on,
             "provisional": periods[p.id].provisional if periods[p.id] else ()} for p in projects]


@bp.get("/")
def home():
    return render_template("public/home.html", catalogue=this_years_catalogue(), tenders=open_tenders(),
                           awards=recent_awards(), contracts=recent_contracts(), evaluations=recent_evaluations(),
                           notices=under_notice(), figures=headline(), year=clock.today().year)


# ---- the project list ------------------------------------------------------------------------------------

def filter_choices() -> dict:
    """The options of the list's selects, kept by each worker for FILTER_OPTIONS_CACHE_SECONDS (in each
    language): a city's hundreds of communities and firms, read on every request, cost more than the page."""
    return kept("public_filters", current_app.config["FILTER_OPTIONS_CACHE_SECONDS"], str(get_locale()),
                _filter_choices)


def _filter_choices() -> dict:
    """The options of the list's selects: what the public projects actually have, read from the counts
    (procure.projects.counts: a row per value, never the projects themselves), then the names."""
    ProjectCount = counts.ProjectCount
    wanted = {"catalogue_year": None, "area6": None, "community": None,
              "implementer": IMPLEMENTER_PUBLIC_STATES, "evaluator": disclosure.ACCEPTED_STATES}
    rows = db.session.execute(
        select(ProjectCount.facet, ProjectCount.value).where(
            ProjectCount.facet.in_(wanted), ProjectCount.projects > 0, public_counts_clause(),
            or_(ProjectCount.facet.not_in(("implementer", "evaluator")),
                and_(ProjectCount.facet == "implementer", ProjectCount.state.in_(IMPLEMENTER_PUBLIC_STATES)),
                and_(ProjectCount.facet == "evaluator", ProjectCount.state.in_(disclosure.ACCEPTED_STATES))))
        .group_by(ProjectCount.facet, ProjectCount.value)).all()
    values = {facet: set() for facet in wanted}
    for facet, value in rows:
        values[facet].add(value)
    years = sorted((int(y) for y in values["catalogue_year"]), reverse=True)
    codes = sorted(values["area6"])
    names = district_names(codes)
    ids = {int(v) for facet in ("community", "implementer", "evaluator") for v in values[facet]}
    orgs = db.session.execute(select(Organisation.id, Organisation.name, Organisation.kind,
                                     Organisation.division_code).where(Organisation.id.in_(ids))).all()
    communities = [(o.id, o.name) for o in sorted((o for o in orgs if str(o.id) in values["community"]),
                                                  key=lambda o: (o.division_code, o.id))]
    providers = [(o.id, o.name) for o in sorted((o for o in orgs if str(o.id) in values["implementer"]
                                                 and o.kind == "provider"), key=lambda o: o.name)]
    evaluators = [(o.id, o.name) for o in sorted((o for o in orgs if str(o.id) in values["evaluator"]),
                                                 key=lambda o: o.name)]
    # The top two levels of the tree (A, A01): a filter on a code takes in everything under it.
    categories = [(code, f"{'　' if len(code) > 1 else ''}{code} {name}") for code, name in db.session.execute(
        select(Category.code, Category.name).where(func.length(Category.code) <= 3).order_by(Category.code))]
    return {"stages": [(k, label) for k, (label, _s) in STAGES.items()], "years": years,
            "districts": [(code, names[code]) for code in codes],
            "community_classes": [(c, COMMUNITY_CLASS_LABELS[c]) for c in COMMUNITY_CLASSES],
            "funding_forms": list(FUNDING_FORM_LABELS.items()), "categories": categories,
            "communities": communities, "providers": providers, "evaluators": evaluators}


def project_items(rows) -> list[dict]:
    """The list's rows (procure.public.listing.SHOWN) as the template prints them, each label translated once."""
    categories = dict(db.session.execute(select(Category.code, Category.name).where(
        Category.code.in_({p.category_code for p in rows if p.category_code}))).all()) if rows else {}
    forms = {p.funding_form: str(FUNDING_FORM_LABELS[p.funding_form]) for p in rows}
    stages = {stage_of(p): str(STAGES[stage_of(p)][0]) for p in rows}
    return [{"code": p.code, "title": p.title, "community": {"id": p.community_id, "name": p.community_name},
             "funding_form": forms[p.funding_form], "stage": stage_of(p), "stage_label": stages[stage_of(p)],
             "category": f"{p.category_code} {categories.get(p.category_code, '')}" if p.category_code else "",
             "catalogue_year": p.catalogue_year, "approved_amount": p.approved_amount,
             "requested_amount": p.requested_amount if disclosure.on_notice(p) else None} for p in rows]


@bp.get("/public/projects")
def projects():
    choices = filter_choices()
    picks = {key: picked(request.args, choices, key) for key in ORGANISATION_FILTERS}
    filters = public_filters(request.args, picks)
    page, total, amount = public_page(filters, request.args, current_app.config["PER_PAGE"])
    return render_template("public/projects.html", projects=project_items(page.rows), filters=filters,
                           total=total, amount=amount or ZERO, nav=page, cap=TOTAL_CAP,
                           recent_only=search.recent_only(filters.get("q")), recent_limit=search.RECENT,
                           choices=choices, picked=picks)


@bp.get("/public/projects/choices/<any(community, provider, evaluator):name>")
def choice_names(name):
    """The names the list's organisation boxes suggest (procure.pickers)."""
    return pickers.suggestions(filter_choices()[ORGANISATION_FILTERS[name]], public=True)


# ---- a project's page and its documents ---------------------------------------------------------------------

def public_project_or_404(code) -> Project:
    """The project with this code if its page is public; 404 otherwise (never a hint that it exists)."""
    if not isinstance(code, str) or not 0 < len(code) <= 32:
        abort(404)
    project = db.session.scalar(select(Project).where(Project.code == code))
    if project is None or not disclosure.is_public(project):
        abort(404)
    return project


def render_project(project, form=None):
    view = project_view(project)
    if view["notice"]["open"] and form is None:
        form = PublicObjectionForm()
    return render_template("public/project.html", p=view, form=form if view["notice"]["open"] else None,
                           content_max=CONTENT_MAX)


@bp.get("/public/projects/<code>")
def project(code):
    return render_project(public_project_or_404(code))


@bp.get("/public/projects/<code>/documents/<kind>.pdf")
@limiter.limit(lambda: current_app.config["PUBLIC_DOCUMENT_LIMIT"])
@writes
def project_document(code, kind):
    from procure.documents.views import issue_and_commit

    project = public_project_or_404(code)
    if kind not in disclosure.public_document_kinds(project):
        abort(404)
    return issue_and_commit(kind, None, project=project)


# ---- catalogues -----------------------------------------------------------------------------------------------

def _catalogue_totals(ids) -> dict:
    """{catalogue id: (items, total budget)} of the current items, in one query."""
    rows = db.session.execute(
        select(CatalogueItem.catalogue_id, func.count(CatalogueItem.id), func.sum(CatalogueItem.budget))
        .where(CatalogueItem.catalogue_id.in_(ids), CatalogueItem.removed_in_version.is_(None))
        .group_by(CatalogueItem.catalogue_id))
    return {cid: (count, total or ZERO) for cid, count, total in rows}


def public_catalogue_or_404(year) -> Catalogue:
    catalogue = db.session.scalar(select(Catalogue).where(Catalogue.year == year,
                                                          Catalogue.state.in_(disclosure.PUBLIC_CATALOGUE_STATES)))
    if catalogue is None:
        abort(404)
    return catalogue


@bp.get("/public/catalogues/<int:year>.pdf")
@limiter.limit(lambda: current_app.config["PUBLIC_DOCUMENT_LIMIT"])
@writes
def catalogue_pdf(year):
    from procure.documents.views import issue_and_commit

    return issue_and_commit("catalogue", None, catalogue=public_catalogue_or_404(year))
