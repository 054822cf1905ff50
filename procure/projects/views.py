"""Project pages: home, list and CSV export, the proposal form, the project page and every action on it.

A page loads what it shows through the permission loaders, hands writes to the operations, commits
here and only here, and turns a refusal into the same page again with the user's input kept.
"""
import csv
import io

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template, request,
                   stream_with_context, url_for)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from procure import clock, lifecycle, pickers
from procure.accounts.models import Organisation, Role
from procure.catalogue.models import Category
from procure.database import MAX_ID
from procure.delivery import operations as delivery
from procure.errors import NotEditable, Refusal
from procure.extensions import db
from procure.payments import operations as payments
from procure.procurement import contracts
from procure.procurement import operations as procurement
from procure.procurement import panel
from procure.projects import operations, search
from procure.projects.inputs import FUNDING_FORM_LABELS, ProjectForm
from procure.projects.labels import page_helpers
from procure.projects import list_pages
from procure.projects.list_pages import options, shown_rows, staff_page
from procure.projects.listing import (CSV_COLUMNS, bounded_int, communities_for, community_picked, csv_amount,
                                     csv_cell, filtered, list_filters)
from procure.projects.models import Project
from procure.projects.page import Failed, detail_context
from procure.projects.permissions import authorize_action, get_visible
from procure.projects.proposal_form import (proposal_data, proposal_formdata, refused_form, render_proposal,
                                            without_blank_rows)
from procure.desk.waiting import recent_activity, stage_counts, waiting_for, waiting_limit
from procure.projects.states import STATE_LABELS, TRANSITIONS, TRIGGER_LABELS
from procure.desk.timeline import entries_before
from procure.workdays.service import missing_years

bp = Blueprint("projects", __name__)
bp.app_context_processor(page_helpers)

# ---- home ------------------------------------------------------------------------------------------

@bp.get("/desk")
@login_required
def home():
    """Each user's desk (我的工作台): what waits for them and what happened lately."""
    if current_user.role == Role.resident:  # a volunteer's desk is their own points page; no projects
        return redirect(url_for("volunteers.me"))
    waiting, truncated = waiting_for(current_user)
    calendar_gaps = []
    if current_user.role == Role.admin:
        year = clock.today().year
        calendar_gaps = missing_years([year, year + 1])
    return render_template("projects/home.html", waiting=waiting, truncated=truncated,
                           stages=stage_counts(current_user), recent=recent_activity(current_user),
                           calendar_gaps=calendar_gaps, waiting_limit=waiting_limit())


# ---- list and CSV export -----------------------------------------------------------------------

@bp.get("/projects")
@login_required
def index():
    user = current_user._get_current_object()  # read a dozen times below: the proxy would look it up each time
    communities = communities_for(user)
    picked = community_picked(user, communities)
    filters = list_filters(user, picked)
    page, total = staff_page(user, filters, communities, current_app.config["PER_PAGE"])
    this_year = clock.today().year
    return render_template("projects/index.html", projects=shown_rows(page.rows), filters=filters, total=total,
                           nav=page, cap=list_pages.TOTAL_CAP, communities=communities,
                           community_picked=picked,
                           state_options=options(STATE_LABELS),
                           funding_form_options=options(FUNDING_FORM_LABELS),
                           recent_only=search.recent_only(filters.get("q")), recent_limit=search.RECENT,
                           matches_shown=search.MATCHES_SHOWN,
                           years=list(range(this_year + 1, this_year - 6, -1)))


@bp.get("/projects/choices/community")
@login_required
def community_choices():
    """The names the list's community box suggests (procure.pickers), for the staff who filter by community."""
    return pickers.suggestions(communities_for(current_user), public=False)


@bp.get("/projects/export.csv")
@login_required
def export_csv():
    """The filtered list as CSV, sent as it is written: the header at once, then the projects a batch at a time
    (their implementers' names looked up per batch), whatever their number."""
    query = filtered(current_user, list_filters(current_user, community_picked(current_user))).order_by(Project.id)

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")  # a BOM, so that spreadsheet programs read the file as UTF-8
        writer.writerow(CSV_COLUMNS)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        categories = {c.code: c.name for c in db.session.scalars(select(Category))}
        with force_locale("zh_Hans_CN"):
            for batch in db.session.scalars(query.execution_options(yield_per=500)).partitions():
                implementers = dict(db.session.execute(select(Organisation.id, Organisation.name).where(
                    Organisation.id.in_({p.implementer_id for p in batch if p.implementer_id}))).all())
                for project in batch:
                    writer.writerow([csv_cell(v) for v in (
                        project.code, project.title, project.community.name,
                        FUNDING_FORM_LABELS[project.funding_form], categories.get(project.category_code, ""),
                        STATE_LABELS[project.state], csv_amount(project.requested_amount),
                        csv_amount(project.approved_amount), project.catalogue_year,
                        implementers.get(project.implementer_id, ""),
                        clock.local(project.created_at).strftime("%Y-%m-%d %H:%M"),
                        clock.local(project.updated_at).strftime("%Y-%m-%d %H:%M"))])
                if buffer.tell() > 64_000:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue()

    name = f"projects-{clock.today().isoformat()}.csv"
    return Response(stream_with_context(lines()), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


# ---- proposal: new and edit --------------------------------------------------------------------------

@bp.route("/projects/new", methods=["GET", "POST"])
@login_required
def new():
    if current_user.role != Role.community:
        abort(404)
    if request.method == "POST":
        formdata = proposal_formdata()
        try:
            project = operations.create_project(current_user, formdata)
            db.session.commit()
        except Refusal as error:
            db.session.rollback()
            return render_proposal(refused_form(ProjectForm, formdata, error), error=error, status=error.status)
        flash(_("项目已保存为草稿：%(code)s", code=project.code), "success")
        return redirect(url_for("projects.detail", project_id=project.id))
    return render_proposal(ProjectForm(data={"funding_form": "purchase"}))


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id):
    if request.method == "POST":
        project = get_visible(current_user, project_id, for_update=True)
        formdata = proposal_formdata()
        try:
            operations.update_project(project, current_user, formdata, request.form.get("version"))
            db.session.commit()
        except Refusal as error:
            db.session.rollback()
            project = get_visible(current_user, project_id)
            return render_proposal(refused_form(ProjectForm, formdata, error), project, error, error.status)
        flash(_("项目申报已保存"), "success")
        return redirect(url_for("projects.detail", project_id=project.id))
    project = get_visible(current_user, project_id)
    authorize_action(current_user, project, "edit", wrong_state=NotEditable)
    return render_proposal(ProjectForm(data=proposal_data(project)), project)


# ---- the project page ------------------------------------------------------------------------------------

@bp.get("/projects/<int:project_id>")
@login_required
def detail(project_id):
    project = get_visible(current_user, project_id)
    return render_template("projects/detail.html", **detail_context(current_user, project))


@bp.get("/projects/<int:project_id>/history")
@login_required
def history(project_id):
    """The project's entries a page at a time, going back from the entry `before` (without it, from the latest:
    an address typed or kept without the parameter still shows the record)."""
    project = get_visible(current_user, project_id)
    before = bounded_int(request.args.get("before"), 1, MAX_ID)
    timeline, earlier = entries_before(current_user, project, before)
    return render_template("projects/history.html", project=project, timeline=timeline, earlier_entries=earlier)


def act(project_id, key, action, success, formdata=None):
    """Load the project locked, run `action(project)`, commit and go back to the page; on a refusal
    show the page again with the form as the user filled it and the reason, with the refusal's status."""
    project = get_visible(current_user, project_id, for_update=True)
    try:
        action(project)
        db.session.commit()
    except Refusal as error:
        db.session.rollback()
        failed = Failed(key, MultiDict(request.form if formdata is None else formdata), error)
        project = get_visible(current_user, project_id)
        return render_template("projects/detail.html", **detail_context(current_user, project, failed)), \
            error.status
    flash(success, "success")
    return redirect(url_for("projects.detail", project_id=project_id))


@bp.post("/projects/<int:project_id>/fire/<trigger>")
@login_required
def fire(project_id, trigger):
    if trigger not in TRANSITIONS:
        abort(404)
    formdata = request.form
    if trigger == "sign_contract":
        formdata = without_blank_rows(request.form, "milestones", ("name", "percent", "due"))
    if trigger == "open_tender":
        formdata = without_blank_rows(request.form, "criteria", ("name", "description", "max_points"))
    return act(project_id, f"fire:{trigger}",
                lambda p: lifecycle.fire(p, trigger, current_user, formdata, request.form.get("version")),
                _("已完成：%(action)s", action=TRIGGER_LABELS[trigger]), formdata)


@bp.post("/projects/<int:project_id>/objections")
@login_required
def add_objection(project_id):
    return act(project_id, "objection", lambda p: operations.add_objection(p, current_user, request.form),
                _("居民异议已登记"))


@bp.post("/projects/<int:project_id>/objections/<int:objection_id>/answer")
@login_required
def answer_objection(project_id, objection_id):
    return act(project_id, f"answer_objection:{objection_id}",
                lambda p: operations.answer_objection(p, current_user, objection_id, request.form),
                _("异议答复已记录"))


@bp.post("/projects/<int:project_id>/bids")
@login_required
def submit_bid(project_id):
    return act(project_id, "bid", lambda p: procurement.submit_bid(p, current_user, request.form),
                _("响应文件已提交，截止前可以修改或撤回"))


@bp.post("/projects/<int:project_id>/bids/withdraw")
@login_required
def withdraw_bid(project_id):
    return act(project_id, "withdraw_bid", lambda p: procurement.withdraw_bid(p, current_user),
                _("响应文件已撤回"))


@bp.post("/projects/<int:project_id>/challenges")
@login_required
def file_challenge(project_id):
    return act(project_id, "challenge", lambda p: procurement.file_challenge(p, current_user, request.form),
                _("质疑已提交"))


@bp.post("/projects/<int:project_id>/challenges/<int:challenge_id>/answer")
@login_required
def answer_challenge(project_id, challenge_id):
    return act(project_id, f"answer_challenge:{challenge_id}",
                lambda p: procurement.answer_challenge(p, current_user, challenge_id, request.form),
                _("质疑答复已记录"))


@bp.post("/projects/<int:project_id>/contract/publication")
@login_required
def publish_contract(project_id):
    return act(project_id, "publish_contract", lambda p: contracts.publish(p, current_user), _("合同已公开"))


@bp.post("/projects/<int:project_id>/contract/amendments")
@login_required
def amend_contract(project_id):
    return act(project_id, "amend_contract", lambda p: contracts.amend(p, current_user, request.form),
                _("合同变更已记录"))


@bp.post("/projects/<int:project_id>/panel")
@login_required
def appoint_panel_member(project_id):
    return act(project_id, "appoint_panel", lambda p: panel.appoint_panel_member(p, current_user, request.form),
                _("评审小组成员已指定"))


@bp.post("/projects/<int:project_id>/panel/conflict")
@login_required
def declare_panel_conflict(project_id):
    return act(project_id, "panel_conflict", lambda p: panel.declare_panel_conflict(p, current_user, request.form),
                _("已声明回避，您将不参与本项目评审"))


@bp.post("/projects/<int:project_id>/bids/<int:bid_id>/scores")
@login_required
def score_bid(project_id, bid_id):
    formdata = MultiDict(request.form)
    formdata.setlist("bid_id", [str(bid_id)])
    return act(project_id, f"score:{bid_id}", lambda p: panel.score_bid(p, current_user, formdata),
                _("评分已保存，确定承接方前可以修改"))


@bp.post("/projects/<int:project_id>/award-notice")
@login_required
def publish_award_notice(project_id):
    return act(project_id, "award_notice", lambda p: panel.publish_award_notice(p, current_user),
                _("中标（成交）公告已发布，质疑期自今日起算"))


@bp.post("/projects/<int:project_id>/milestone-reports")
@login_required
def report_milestone(project_id):
    return act(project_id, "milestone_report",
                lambda p: procurement.report_milestone(p, current_user, request.form), _("节点完成情况已报告"))


@bp.post("/projects/<int:project_id>/payments")
@login_required
def record_payment(project_id):
    return act(project_id, "payment", lambda p: payments.record_payment(p, current_user, request.form),
                _("付款已登记"))


# ---- delivery: service records, confirmations, payment requests ------------------------------------------

@bp.post("/projects/<int:project_id>/service-records")
@login_required
def log_service(project_id):
    return act(project_id, "service_record", lambda p: delivery.log_service(p, current_user, request.form),
                _("服务记录已登记"))


@bp.post("/projects/<int:project_id>/milestones/<int:milestone_id>/confirmation")
@login_required
def confirm_milestone(project_id, milestone_id):
    return act(project_id, f"confirm_milestone:{milestone_id}",
                lambda p: delivery.confirm_milestone(p, current_user, milestone_id, request.form),
                _("节点完成情况已确认"))


@bp.post("/projects/<int:project_id>/payment-requests")
@login_required
def request_payment(project_id):
    return act(project_id, "payment_request", lambda p: delivery.request_payment(p, current_user, request.form),
                _("付款申请已提交"))


@bp.post("/projects/<int:project_id>/payment-requests/<int:request_id>/approve")
@login_required
def approve_payment_request(project_id, request_id):
    return act(project_id, f"approve_payment_request:{request_id}",
                lambda p: delivery.approve_payment_request(p, current_user, request_id, request.form),
                _("付款申请已批准，付款已登记"))


@bp.post("/projects/<int:project_id>/payment-requests/<int:request_id>/refuse")
@login_required
def refuse_payment_request(project_id, request_id):
    return act(project_id, f"refuse_payment_request:{request_id}",
                lambda p: delivery.refuse_payment_request(p, current_user, request_id, request.form),
                _("付款申请已退回"))
