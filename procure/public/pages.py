"""Public portal pages (no login): the home page at the site's root, the project list with its filters and
totals, a project's public page and its public PDFs, and the published catalogues. Templates get plain data
built here or in procure.public.project_view, never ORM rows whose private fields they could print."""
from decimal import Decimal

from flask import abort, current_app, render_template, request
from sqlalchemy import and_, func, select

from procure import clock, disclosure
from procure.accounts.divisions import district_names
from procure.accounts.models import COMMUNITY_CLASSES, Organisation
from procure.catalogue.models import Catalogue, CatalogueItem, Category
from procure.database import MAX_ID, writes
from procure.extensions import db, limiter
from procure.performance_evaluation.models import PerformanceEvaluation
from procure.performance_evaluation.scoring import GRADE_LABELS
from procure.procurement.models import Bid, Contract
from procure.procurement.tenders import Tender
from procure.projects.inputs import FUNDING_FORM_LABELS, METHOD_LABELS
from procure.projects.labels import COMMUNITY_CLASS_LABELS
from procure.projects.listing import bounded_int, page_window
from procure.projects.models import Project
from procure.public import bp
from procure.public.figures import headline
from procure.public.listing import IMPLEMENTER_PUBLIC_STATES, STAGES, public_filters, public_projects, stage_of
from procure.public.objections import CONTENT_MAX, PublicObjectionForm
from procure.public.project_view import notice_period, project_view
from procure.workdays.service import Calendar

RECENT = 6  # rows in each "recent" list of the home page
ZERO = Decimal("0.00")


def _catalogue_state_labels():
    from procure.catalogue.views import STATE_LABELS

    return STATE_LABELS


# ---- home ------------------------------------------------------------------------------------------------

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
    rows = db.session.execute(
        select(Project.code, Project.title, Tender.award_notice_at, Organisation.id, Organisation.name, Bid.price)
        .join(Tender, Tender.project_id == Project.id)
        .join(Bid, and_(Bid.project_id == Project.id, Bid.status == "awarded"))
        .join(Organisation, Organisation.id == Bid.provider_id)
        .where(Tender.award_notice_at.is_not(None), disclosure.public_clause())
        .order_by(Tender.award_notice_at.desc(), Project.id.desc()).limit(RECENT)).all()
    return [{"code": code, "title": title, "at": at, "winner": {"id": org_id, "name": name}, "amount": price}
            for code, title, at, org_id, name, price in rows]


def recent_contracts() -> list[dict]:
    rows = db.session.execute(
        select(Project.code, Project.title, Contract.published_at, Contract.kind, Organisation.id, Organisation.name,
               Contract.amount)
        .join(Contract, Contract.project_id == Project.id)
        .join(Organisation, Organisation.id == Contract.implementer_id)
        .where(Contract.published_at.is_not(None), disclosure.public_clause())
        .order_by(Contract.published_at.desc(), Project.id.desc()).limit(RECENT)).all()
    return [{"code": code, "title": title, "at": at, "kind": kind, "implementer": {"id": org_id, "name": name},
             "amount": amount} for code, title, at, kind, org_id, name, amount in rows]


def recent_evaluations() -> list[dict]:
    rows = db.session.execute(
        select(Project.code, Project.title, Organisation.id, Organisation.name, PerformanceEvaluation.grade,
               PerformanceEvaluation.score, PerformanceEvaluation.finalised_at)
        .join(PerformanceEvaluation, PerformanceEvaluation.project_id == Project.id)
        .join(Organisation, Organisation.id == Project.community_id)
        .where(PerformanceEvaluation.finalised_at.is_not(None), disclosure.public_clause())
        .order_by(PerformanceEvaluation.finalised_at.desc(), Project.id.desc()).limit(RECENT)).all()
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
    """The options of the list's selects: what the public projects actually have (one query each)."""
    public = disclosure.public_clause()
    years = db.session.scalars(select(Project.catalogue_year).where(public, Project.catalogue_year.is_not(None))
                               .distinct().order_by(Project.catalogue_year.desc())).all()
    district = func.substr(Organisation.division_code, 1, 6)
    codes = db.session.scalars(select(district).join(Project, Project.community_id == Organisation.id)
                               .where(public).distinct().order_by(district)).all()
    names = district_names(codes)
    communities = db.session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(
            select(Project.community_id).where(public))).order_by(Organisation.division_code, Organisation.id)).all()
    providers = db.session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.kind == "provider", Organisation.id.in_(
            select(Project.implementer_id).where(public, Project.state.in_(IMPLEMENTER_PUBLIC_STATES))))
        .order_by(Organisation.name)).all()
    evaluators = db.session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(
            select(Project.evaluator_org_id).where(public, Project.state.in_(disclosure.ACCEPTED_STATES))))
        .order_by(Organisation.name)).all()
    # The top two levels of the tree (A, A01): a filter on a code takes in everything under it.
    categories = [(code, f"{'　' if len(code) > 1 else ''}{code} {name}") for code, name in db.session.execute(
        select(Category.code, Category.name).where(func.length(Category.code) <= 3).order_by(Category.code))]
    return {"stages": [(k, label) for k, (label, _s) in STAGES.items()], "years": years,
            "districts": [(code, names[code]) for code in codes],
            "community_classes": [(c, COMMUNITY_CLASS_LABELS[c]) for c in COMMUNITY_CLASSES],
            "funding_forms": list(FUNDING_FORM_LABELS.items()), "categories": categories,
            "communities": communities, "providers": providers, "evaluators": evaluators}


@bp.get("/public/projects")
def projects():
    filters = public_filters(request.args)
    query = public_projects(filters)
    matching = query.order_by(None).subquery()
    total, amount = db.session.execute(select(func.count(), func.sum(matching.c.approved_amount))).one()
    per_page = current_app.config["PER_PAGE"]
    pages = max(1, -(-total // per_page))
    page = min(bounded_int(request.args.get("page"), 1, MAX_ID) or 1, pages)
    rows = db.session.scalars(query.order_by(Project.id.desc()).limit(per_page)
                              .offset((page - 1) * per_page)).unique().all()
    categories = dict(db.session.execute(select(Category.code, Category.name).where(
        Category.code.in_({p.category_code for p in rows if p.category_code}))).all())
    items = [{"code": p.code, "title": p.title, "community": {"id": p.community.id, "name": p.community.name},
              "funding_form": FUNDING_FORM_LABELS[p.funding_form], "stage": stage_of(p),
              "stage_label": STAGES[stage_of(p)][0],
              "category": f"{p.category_code} {categories.get(p.category_code, '')}" if p.category_code else "",
              "catalogue_year": p.catalogue_year, "approved_amount": p.approved_amount,
              "requested_amount": p.requested_amount if disclosure.on_notice(p) else None} for p in rows]
    return render_template("public/projects.html", projects=items, filters=filters, total=total,
                           amount=amount or ZERO, page=page, pages=pages, page_numbers=page_window(page, pages),
                           choices=filter_choices())


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
