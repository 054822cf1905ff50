"""Catalogue pages: the list by year, one year's catalogue (grouped, with totals, amendments and the
bureau's actions), its XLSX download and a printable page. Commits here and only here."""
from flask import (Blueprint, Response, flash, redirect, render_template, request, stream_template,
                   stream_with_context, url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from procure.accounts.models import Role
from procure.catalogue import export, operations
from procure.catalogue.listing import catalogue_page, latest_amendments, whole_catalogue
from procure.catalogue.models import Catalogue
from procure.database import MAX_ID
from procure.errors import GuardFailed, Refusal
from procure.extensions import db
from procure.funding import FUNDING_FORM_LABELS
from procure.projects.listing import bounded_int
from procure.projects.models import Project
from procure.projects.permissions import visible_projects

bp = Blueprint("catalogue", __name__)

STATE_LABELS = {"draft": _l("草稿"), "published": _l("公示中"), "in_force": _l("已生效")}


@bp.app_context_processor
def catalogue_labels():
    return {"CATALOGUE_STATE_LABELS": STATE_LABELS}


@bp.get("/catalogues")
@login_required
def index():
    catalogues = db.session.scalars(operations.visible_catalogues(current_user)
                                    .options(selectinload(Catalogue.groups))).all()
    return render_template("catalogue/index.html", catalogues=catalogues)


def _context(catalogue, refused=None, view=None) -> dict:
    bureau = current_user.role == Role.bureau
    view = view or catalogue_page(catalogue, bounded_int(request.args.get("page"), 1, MAX_ID))
    return {"catalogue": catalogue, **view, "bureau": bureau, "refused": refused, "openable": _openable(view),
            "amendments": latest_amendments(catalogue), "amendment_count": catalogue.version - 1,
            "publish_reasons": operations.publish_reasons(catalogue) if catalogue.state == "draft" else [],
            "in_force_reasons": operations.in_force_reasons(catalogue) if catalogue.state == "published" else [],
            "FUNDING_FORM_LABELS": FUNDING_FORM_LABELS}


def _openable(view) -> set[int]:
    """The ids of the shown items' projects whose pages the user may open (the others are shown unlinked)."""
    ids = [item.project_id for section in view["sections"] for _number, item in section["items"]]
    visible = visible_projects(current_user).where(Project.id.in_(ids)).with_only_columns(Project.id)
    return set(db.session.scalars(visible)) if ids else set()


@bp.get("/catalogues/<int:year>")
@login_required
def detail(year):
    return render_template("catalogue/detail.html", **_context(operations.get_catalogue(current_user, year)))


@bp.get("/catalogues/<int:year>/print")
@login_required
def print_page(year):
    catalogue = operations.get_catalogue(current_user, year)
    context = {"catalogue": catalogue, **whole_catalogue(catalogue), "openable": set(), "title": export.title(catalogue),
               "FUNDING_FORM_LABELS": FUNDING_FORM_LABELS}
    return Response(stream_with_context(stream_template("catalogue/print.html", **context)))


@bp.get("/catalogues/<int:year>.xlsx")
@login_required
def xlsx(year):
    catalogue = operations.get_catalogue(current_user, year)
    return Response(stream_with_context(export.workbook_stream(catalogue.id)), mimetype=export.XLSX_TYPE,
                    headers={"Content-Disposition": f"attachment; filename={export.filename(catalogue)}"})


def _act(year, action, success):
    catalogue = operations.get_catalogue(current_user, year)
    try:
        action(catalogue, current_user)
        db.session.commit()
    except Refusal as error:
        db.session.rollback()
        catalogue = operations.get_catalogue(current_user, year)
        reasons = [r.message for r in error.reasons] if isinstance(error, GuardFailed) else [str(error.message)]
        return render_template("catalogue/detail.html", **_context(catalogue, reasons)), error.status
    flash(success, "success")
    return redirect(url_for("catalogue.detail", year=year))


@bp.post("/catalogues/<int:year>/publish")
@login_required
def publish(year):
    return _act(year, operations.publish, _("目录已发布，进入公示期"))


@bp.post("/catalogues/<int:year>/bring-into-force")
@login_required
def bring_into_force(year):
    return _act(year, operations.bring_into_force, _("目录已生效"))
