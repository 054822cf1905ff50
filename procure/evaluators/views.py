"""Evaluation-firm pages: the register and one firm's page (profile, staff, past engagements), and the
project page's evaluator forms (draw, pick by hand, declarations). Commits here and only here."""
from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from procure import clock
from procure.accounts.models import Organisation, Role, User
from procure.errors import Forbidden
from procure.evaluators import operations
from procure.evaluators.conflicts import lookback_years, top_level_codes
from procure.evaluators.inputs import EngagementForm, ProfileForm
from procure.extensions import db
from procure.projects.page_forms import PageForm, act_on_page
from procure.projects.proposal_form import refused_form, without_blank_rows
from procure.projects.views import act

bp = Blueprint("evaluators", __name__)

SPARE_STAFF_ROWS = 2


@bp.get("/evaluators")
@login_required
def index():
    if current_user.role not in (*operations.EDITORS, Role.evaluator):
        raise Forbidden()
    return render_template("evaluators/index.html", rows=operations.register(current_user),
                           categories=top_level_codes(), today=clock.today())


def _form(key, form_class, url, failed, data=None, choices=None) -> PageForm:
    mine = failed if failed is not None and failed.key == key else None
    form = refused_form(form_class, mine.formdata, mine.error) if mine else form_class(data=data or {})
    return PageForm(key, form, url, choices=choices or {}, failed=mine)


def _profile_data(profile) -> dict:
    if profile is None:
        return {"active": True, "staff": [{}] * SPARE_STAFF_ROWS}
    staff = [{"name": s.name, "qualification": s.qualification, "title": s.title, "user_id": s.user_id}
             for s in profile.staff]
    return {"accreditation": profile.accreditation, "accredited_until": profile.accredited_until,
            "specialties": ", ".join(profile.specialties), "staff_count": profile.staff_count,
            "active": profile.active, "staff": staff + [{}] * SPARE_STAFF_ROWS}


def _context(org, failed=None) -> dict:
    profile = operations.profile_of(org)
    editor = current_user.role in operations.EDITORS
    forms = {}
    if editor:
        forms["profile"] = _form("profile", ProfileForm, url_for("evaluators.update_profile", org_id=org.id), failed,
                                 _profile_data(profile))
        if not forms["profile"].form.staff.entries:  # the rows table needs one row to draw its columns
            forms["profile"].form.staff.append_entry()
        counterparts = db.session.execute(db.select(Organisation.id, Organisation.name).where(
            Organisation.kind.in_(("provider", "community"))).order_by(Organisation.kind.desc(), Organisation.name)
            .limit(2000)).all()
        forms["engagement"] = _form("engagement", EngagementForm,
                                    url_for("evaluators.record_engagement", org_id=org.id), failed,
                                    choices={"counterpart_id": [(i, n) for i, n in counterparts]})
    firm_users = db.session.scalars(db.select(User).filter_by(organisation_id=org.id, role=Role.evaluator)
                                    .order_by(User.id)).all() if editor else []
    return {"org": org, "profile": profile, "editor": editor, "forms": forms, "failed": failed,
            "engagements": operations.engagements_of(org), "categories": top_level_codes(), "today": clock.today(),
            "lookback": lookback_years(), "firm_users": firm_users}


@bp.get("/evaluators/<int:org_id>")
@login_required
def detail(org_id):
    org = operations.get_firm(current_user, org_id)
    return render_template("evaluators/detail.html", **_context(org))


def _act(org_id, key, action, success, formdata=None):
    return act_on_page(lambda: operations.get_firm(current_user, org_id), key, action, success,
                       lambda org, failed: render_template("evaluators/detail.html", **_context(org, failed)),
                       url_for("evaluators.detail", org_id=org_id), formdata)


@bp.post("/evaluators/<int:org_id>/profile")
@login_required
def update_profile(org_id):
    formdata = without_blank_rows(request.form, "staff", ("name", "qualification", "title", "user_id"))
    return _act(org_id, "profile", lambda org, data: operations.update_profile(org, current_user, data),
                _("评估机构信息已保存"), formdata)


@bp.post("/evaluators/<int:org_id>/engagements")
@login_required
def record_engagement(org_id):
    return _act(org_id, "engagement", lambda org, data: operations.record_engagement(org, current_user, data),
                _("服务记录已登记"))


# ---- the project page's evaluator forms --------------------------------------------------------------

@bp.post("/projects/<int:project_id>/evaluator-draws")
@login_required
def draw(project_id):
    return act(project_id, "draw_evaluator",
               lambda p: operations.draw_evaluator(p, current_user, request.form), _("已随机抽取第三方评估机构"))


@bp.post("/projects/<int:project_id>/evaluator-assignments")
@login_required
def assign(project_id):
    return act(project_id, "assign_evaluator",
               lambda p: operations.assign_evaluator(p, current_user, request.form), _("已指定第三方评估机构"))


@bp.post("/projects/<int:project_id>/declarations/mine")
@login_required
def declare(project_id):
    return act(project_id, "declare", lambda p: operations.declare(p, current_user, request.form),
               _("利益冲突声明已提交"))


@bp.post("/projects/<int:project_id>/declarations/personal")
@login_required
def declare_personal(project_id):
    return act(project_id, "declare_personal", lambda p: operations.declare_personal(p, current_user, request.form),
               _("本人利益冲突声明已提交"))
