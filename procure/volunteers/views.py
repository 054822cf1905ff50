"""Volunteer pages: public registration, activities and sign-ups, the organiser's attendance page with its QR code,
corrections, and the volunteer's own page. Pages load through the access checks in operations, hand writes to
operations, and commit here and only here."""
from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request, stream_with_context,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from procure import clock, tabular
from procure.accounts.models import Role
from procure.audit.log import record
from procure.database import MAX_ID, writes
from procure.errors import GuardFailed, InvalidInput
from procure.extensions import db, limiter
from procure.projects.listing import bounded_int, page_window
from procure.projects.page_forms import Failed
from procure.projects.proposal_form import refused_form
from procure.public.exports import csv_lines, download, workbook_stream
from procure.volunteers import exports, operations, page, roster
from procure.volunteers.inputs import (CATEGORY_LABELS, ActivityForm, CorrectionForm, DecisionForm,
                                       RegistrationForm)
from procure.volunteers.models import Activity
from procure.volunteers.skills import skill_choices

bp = Blueprint("volunteers", __name__)

ATTENDANCE_ACTIONS = {"check_in": (operations.check_in, _l("已签到")),
                      "check_out": (operations.check_out, _l("已签退，时长和积分已记录")),
                      "no_show": (operations.mark_no_show, _l("已记为缺席"))}


def _attempt(action, success, back, render_failed, key="", formdata=None):
    """Run `action()`, commit, flash and go `back`; on refused input or a guard, roll back and render the page
    again with the reason (403/404 go to the error page, with nothing changed)."""
    formdata = formdata if formdata is not None else MultiDict(request.form)
    try:
        action()
        db.session.commit()
    except (GuardFailed, InvalidInput) as error:
        db.session.rollback()
        return render_failed(Failed(key, formdata, error)), error.status
    flash(success, "success")
    return redirect(back)


def _with_field_errors(form, error):
    """The form as the user sent it, with the operation's own field errors (duplicates) added."""
    if isinstance(error, InvalidInput):
        for name, messages in error.fields.items():
            if name in form._fields and isinstance(messages, list):
                form[name].errors = list(form[name].errors or []) + [m for m in messages
                                                                     if m not in (form[name].errors or [])]
    return form


# ---- registration -----------------------------------------------------------------------------------------

def _render_registration(form, failed=None, on_behalf=False, status=200):
    template = "volunteers/register_staff.html" if on_behalf else "volunteers/register.html"
    return render_template(template, form=form, failed=failed, communities=operations.community_choices(),
                           skills=skill_choices()), status


@bp.route("/volunteers/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PUBLIC_REGISTRATION_LIMIT"], methods=["POST"])
def register():
    """Public: a resident registers as a volunteer and gets an account (role resident)."""
    if current_user.is_authenticated:  # never swap a logged-in session for a new account
        if current_user.role == Role.community:
            return redirect(url_for("volunteers.register_on_behalf"))
        return redirect(url_for("projects.home"))
    if request.method == "GET":
        if request.args.get("done"):
            return render_template("volunteers/registered.html")
        return _render_registration(RegistrationForm())
    received = redirect(url_for("volunteers.register", done=1))
    if request.form.get("website"):  # the honeypot: a robot is told all went well, and nothing is kept
        return received
    try:
        operations.register_volunteer(request.form)
        db.session.commit()
    except operations.AlreadyRegistered:
        # No enumeration: a number or a username already registered gets the very answer a new account gets
        # (the same redirect, no session change, the same time spent); nothing is kept. The page it leads to
        # tells the resident what to do when the new username and password do not work.
        db.session.rollback()
    except InvalidInput as error:
        db.session.rollback()
        form = _with_field_errors(refused_form(RegistrationForm, request.form, error), error)
        form.password.data = ""
        return _render_registration(form, status=error.status if error.status != 400 else 422)
    return received


@bp.get("/volunteers")
@login_required
def index():
    """Community staff: their community's volunteer register (ID numbers and phones masked), searched, filtered,
    sorted and paged; a chosen year adds the hours and points of that year."""
    if current_user.role != Role.community:
        abort(404)
    filters = roster.register_filters(request.args)
    requested = bounded_int(request.args.get("page"), 1, MAX_ID) or 1
    register = roster.volunteer_list(current_user, filters, requested, current_app.config["PER_PAGE"])
    return render_template("volunteers/index.html", register=register, filters=filters,
                           page_numbers=page_window(register["page"], register["pages"]),
                           choices=roster.register_choices(), text=tabular.text)


@bp.get("/volunteers/export.<fmt>")
@writes  # its audit row
def export(fmt):
    """The register's filtered rows (every page) as CSV or XLSX, for the staff of the community only (anyone
    else, logged in or not, gets 404); recorded in the audit trail."""
    if not current_user.is_authenticated or current_user.role != Role.community or fmt not in exports.FORMATS:
        abort(404)
    filters = roster.register_filters(request.args)
    table = exports.register_table(current_user, filters)
    count = roster.register_summary(current_user, filters)["count"]
    record(None, current_user, "export_volunteers", data=exports.audit_data(filters, fmt, count))
    db.session.commit()
    name = exports.filename(current_user.organisation_id, fmt)
    if fmt == "csv":
        return download(stream_with_context(csv_lines(table)), exports.CSV_TYPE, name)
    return download(stream_with_context(workbook_stream(table, current_user.organisation.name,
                                                        roster.describe_register_filters)), exports.XLSX_TYPE, name)


@bp.route("/volunteers/new", methods=["GET", "POST"])
@login_required
def register_on_behalf():
    """Community staff register a resident of their community (who then logs in with the name and password)."""
    if current_user.role != Role.community:
        abort(404)
    if request.method == "GET":
        return _render_registration(RegistrationForm(), on_behalf=True)
    try:
        operations.register_volunteer(request.form, staff=current_user)
        db.session.commit()
    except InvalidInput as error:
        db.session.rollback()
        form = _with_field_errors(refused_form(RegistrationForm, request.form, error), error)
        form.password.data = ""
        return _render_registration(form, on_behalf=True, status=422)
    flash(_("志愿者已登记"), "success")
    return redirect(url_for("volunteers.index"))


# ---- activities ------------------------------------------------------------------------------------------

@bp.get("/activities")
@login_required
def activities():
    options = page.community_filter_options(current_user)
    wanted = request.args.get("community", "")
    community_id = int(wanted) if wanted.isdigit() and int(wanted) in {i for i, _n in options} else None
    include_past = request.args.get("all") == "1" and current_user.role != Role.resident
    return render_template("volunteers/activities.html", rows=page.activity_list(current_user, community_id,
                                                                                 include_past),
                           options=options, community_id=community_id, include_past=include_past,
                           can_publish=current_user.role in operations.ORGANISER_ROLES)


def _render_activity_form(form, failed=None, status=200):
    return render_template("volunteers/activity_form.html", form=form, failed=failed,
                           categories=list(CATEGORY_LABELS.items()),
                           projects=operations.project_choices(current_user)), status


@bp.route("/activities/new", methods=["GET", "POST"])
@login_required
def new_activity():
    if current_user.role not in operations.ORGANISER_ROLES:
        abort(404)
    if request.method == "GET":
        return _render_activity_form(ActivityForm(data={"places": 10}))
    created = {}

    def publish():
        created["activity"] = operations.publish_activity(current_user, request.form)

    try:
        publish()
        db.session.commit()
    except (GuardFailed, InvalidInput) as error:
        db.session.rollback()
        failed = Failed("activity", MultiDict(request.form), error)
        form = _with_field_errors(refused_form(ActivityForm, request.form, error), error)
        return _render_activity_form(form, failed, error.status)
    flash(_("活动已发布"), "success")
    return redirect(url_for("volunteers.activity", activity_id=created["activity"].id))


def _render_activity(activity_id, failed=None):
    activity = operations.get_activity(current_user, activity_id)
    return render_template("volunteers/activity.html", a=page.activity_detail(current_user, activity), failed=failed)


@bp.get("/activities/<int:activity_id>")
@login_required
def activity(activity_id):
    return _render_activity(activity_id)


def _on_activity(activity_id, operation, success):
    """An action taken from the activity's page: back to it, or the page again with the refusal."""
    return _attempt(lambda: operation(current_user, activity_id), success,
                    url_for("volunteers.activity", activity_id=activity_id),
                    lambda failed: _render_activity(activity_id, failed))


@bp.post("/activities/<int:activity_id>/cancel")
@login_required
def cancel_activity(activity_id):
    return _on_activity(activity_id, operations.cancel_activity, _("活动已取消"))


@bp.post("/activities/<int:activity_id>/signup")
@login_required
def sign_up(activity_id):
    return _on_activity(activity_id, operations.sign_up, _("报名成功"))


@bp.post("/activities/<int:activity_id>/signup/cancel")
@login_required
def cancel_signup(activity_id):
    return _on_activity(activity_id, operations.cancel_signup, _("已取消报名"))


# ---- attendance ------------------------------------------------------------------------------------------

def _render_attendance(activity_id, failed=None):
    activity = operations.get_activity(current_user, activity_id)
    operations.require_organiser(current_user, activity)
    a = page.activity_detail(current_user, activity)
    return render_template("volunteers/attendance.html", a=a, att=page.attendance(current_user, activity),
                           failed=failed, decision_form=DecisionForm())


@bp.get("/activities/<int:activity_id>/attendance")
@login_required
def attendance(activity_id):
    return _render_attendance(activity_id)


@bp.post("/activities/<int:activity_id>/attendance/<int:signup_id>/<action>")
@login_required
def record_attendance(activity_id, signup_id, action):
    if action not in ATTENDANCE_ACTIONS:
        abort(404)
    operation, success = ATTENDANCE_ACTIONS[action]
    return _attempt(lambda: operation(current_user, activity_id, signup_id), success,
                    url_for("volunteers.attendance", activity_id=activity_id, _anchor=f"signup-{signup_id}"),
                    lambda failed: _render_attendance(activity_id, failed))


@bp.post("/activities/<int:activity_id>/corrections/<int:correction_id>/<decision>")
@login_required
def decide_correction(activity_id, correction_id, decision):
    if decision not in ("approve", "refuse"):
        abort(404)
    approve = decision == "approve"
    return _attempt(lambda: operations.decide_correction(current_user, activity_id, correction_id, approve,
                                                         request.form),
                    _("已同意更正") if approve else _("已拒绝更正"),
                    url_for("volunteers.attendance", activity_id=activity_id, _anchor="corrections"),
                    lambda failed: _render_attendance(activity_id, failed), key=f"correction-{correction_id}")


@bp.route("/activities/checkin/<token>", methods=["GET", "POST"])
@login_required
def checkin(token):
    """Where the organiser's QR code leads: a signed-up resident confirms their check-in with one tap."""
    volunteer = operations.require_volunteer(current_user)
    found = db.session.scalar(db.select(Activity).where(Activity.checkin_token == token)) if len(token) <= 64 else None
    if found is None:
        abort(404)
    activity_id = found.id

    def render(failed=None):
        a = page.activity_detail(current_user, db.session.get(Activity, activity_id))
        return render_template("volunteers/checkin.html", a=a, token=token, failed=failed,
                               open=operations.checkin_open(db.session.get(Activity, activity_id)),
                               volunteer_id=volunteer.id)

    if request.method == "GET":
        return render()
    return _attempt(lambda: operations.check_in_by_code(current_user, token), _("签到成功"),
                    url_for("volunteers.activity", activity_id=activity_id), render)


# ---- the volunteer's own page ------------------------------------------------------------------------------

def _render_me(failed=None):
    volunteer = operations.require_volunteer(current_user)
    forms = {}
    if failed is not None and failed.key.startswith("signup-"):
        forms[failed.key] = refused_form(CorrectionForm, failed.formdata, failed.error)
    years = page.history_years(volunteer)
    year = bounded_int(request.args.get("year"), years[-1], years[0]) or years[0]
    return render_template("volunteers/me.html", me=page.my_page(volunteer, year), failed=failed, forms=forms,
                           blank=CorrectionForm(), now=clock.now())


@bp.get("/me/volunteer")
@login_required
def me():
    if current_user.role != Role.resident:
        abort(404)
    return _render_me()


@bp.post("/me/volunteer/signups/<int:signup_id>/correction")
@login_required
def request_correction(signup_id):
    return _attempt(lambda: operations.request_correction(current_user, signup_id, request.form),
                    _("更正申请已提交，等待组织方核实"), url_for("volunteers.me", _anchor="corrections"),
                    _render_me, key=f"signup-{signup_id}")


# ---- the audit trail ---------------------------------------------------------------------------------------

@bp.get("/volunteers/audit")
@login_required
def audit():
    """Community staff: 操作记录, the volunteer system's audit entries about their community, newest first,
    filtered by action and date and paged (anyone else gets 404)."""
    from procure import volunteer_audit

    if current_user.role != Role.community:
        abort(404)
    filters = volunteer_audit.audit_filters(request.args)
    requested = bounded_int(request.args.get("page"), 1, MAX_ID) or 1
    trail = volunteer_audit.audit_page(current_user, filters, requested, current_app.config["PER_PAGE"])
    return render_template("volunteers/audit.html", trail=trail, filters=filters,
                           page_numbers=page_window(trail["page"], trail["pages"]),
                           actions=volunteer_audit.action_choices())
