"""The acceptance actions posted from the project page; each re-renders the page on a refusal."""
from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from procure.acceptance import operations
from procure.projects.views import act

bp = Blueprint("acceptance", __name__)


@bp.post("/projects/<int:project_id>/acceptance/items/<int:item_id>/judgement")
@login_required
def judge_item(project_id, item_id):
    return act(project_id, f"judge_item:{item_id}",
               lambda p: operations.judge_item(p, current_user, item_id, request.form), _("验收结论已保存"))


@bp.post("/projects/<int:project_id>/acceptance/items")
@login_required
def add_item(project_id):
    return act(project_id, "acceptance_item", lambda p: operations.add_item(p, current_user, request.form),
               _("验收内容已补充"))


@bp.post("/projects/<int:project_id>/acceptance/site-visits")
@login_required
def record_site_visit(project_id):
    return act(project_id, "site_visit", lambda p: operations.record_site_visit(p, current_user, request.form),
               _("现场走访已登记"))


@bp.post("/projects/<int:project_id>/acceptance/confirmation")
@login_required
def confirm(project_id):
    return act(project_id, "acceptance_confirmation",
               lambda p: operations.confirm_acceptance(p, current_user, request.form), _("验收确认已提交"))
