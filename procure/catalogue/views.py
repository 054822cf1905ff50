"""Catalogue pages: the list by year, one year's catalogue (grouped, with totals, amendments and the
bureau's actions), its XLSX download and a printable page. Commits here and only here."""
from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from procure.accounts.models import Role
from procure.catalogue import export, operations
from procure.errors import GuardFailed, Refusal
from procure.extensions import db
from procure.funding import FUNDING_FORM_LABELS
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
    catalogues = db.session.scalars(operations.visible_catalogues(current_user)).all()
    return render_template("catalogue/index.html", catalogues=catalogues)


def _context(catalogue, refused=None) -> dict:
    bureau = current_user.role == Role.bureau
    return {"catalogue": catalogue, **operations.grouped(catalogue), "bureau": bureau, "refused": refused,
            "openable": _openable(catalogue),
            "publish_reasons": operations.publish_reasons(catalogue) if catalogue.state == "draft" else [],
            "in_force_reasons": operations.in_force_reasons(catalogue) if catalogue.state == "published" else [],
            "FUNDING_FORM_LABELS": FUNDING_FORM_LABELS}


def _openable(catalogue) -> set[int]:
    """The ids of the catalogue's projects whose pages the user may open (the others are shown unlinked)."""
    ids = [item.project_id for item in catalogue.current_items]
    visible = visible_projects(current_user).where(Project.id.in_(ids)).with_only_columns(Project.id)
    return set(db.session.scalars(visible))


@bp.get("/catalogues/<int:year>")
@login_required
def detail(year):
    return render_template("catalogue/detail.html", **_context(operations.get_catalogue(current_user, year)))


@bp.get("/catalogues/<int:year>/print")
@login_required
def print_page(year):
    catalogue = operations.get_catalogue(current_user, year)
    return render_template("catalogue/print.html", **_context(catalogue), title=export.title(catalogue))


@bp.get("/catalogues/<int:year>.xlsx")
@login_required
def xlsx(year):
    catalogue = operations.get_catalogue(current_user, year)
    return Response(export.workbook_bytes(catalogue), mimetype=export.XLSX_TYPE,
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
