"""Project pages: home, list and CSV export, the proposal form, the project page and every action on it.

A page loads what it shows through the permission loaders, hands writes to the operations, commits
here and only here, and turns a refusal into the same page again with the user's input kept.
"""
import csv
import io
from dataclasses import dataclass, field
from datetime import timedelta

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template, request,
                   stream_with_context, url_for)
from flask_babel import force_locale, get_locale, gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import exists, func, select
from werkzeug.datastructures import MultiDict

from procure import clock
from procure.accounts.models import Organisation, Role
from procure.audit.models import AuditEntry
from procure.audit.visibility import entry_visible
from procure.catalogue.models import Category, category_tree
from procure.codes import area_prefix
from procure.database import MAX_ID
from procure.errors import GuardFailed, InvalidInput, NotEditable, Refusal
from procure.evaluation import operations as evaluation
from procure.evaluation.models import ConflictDeclaration, IndicatorScore, Payment
from procure.extensions import db
from procure.procurement import operations as procurement
from procure.procurement.models import Bid, Challenge, Contract, Milestone, MilestoneReport
from procure.projects import operations
from procure.projects.availability import action_options
from procure.projects.inputs import (FUNDING_FORM_LABELS, TRIGGER_FORMS, AnswerForm, BidForm, ChallengeForm,
                                     DeclarationForm, DeclarationRequestForm, MilestoneReportForm, ObjectionForm,
                                     PaymentForm, ProjectForm)
from procure.projects.models import Objection, Project
from procure.projects.permissions import ACTIONS, authorize_action, get_visible, relations, visible_projects
from procure.projects.states import STATE_LABELS, TERMINAL_STATES, TRANSITIONS, TRIGGER_LABELS, State
from procure.workdays.service import missing_years

bp = Blueprint("projects", __name__)

ROLE_LABELS = {
    "community": _l("社区工作人员"), "reviewer": _l("审核人员"), "bureau": _l("采购管理人员"),
    "provider": _l("承接主体"), "evaluator": _l("第三方评估机构"), "admin": _l("系统管理员"),
}
# Audit actions that are not state changes (those take their label from TRIGGER_LABELS).
ACTION_LABELS = {
    "create": _l("创建项目"), "edit": _l("修改项目申报"), "add_objection": _l("登记居民异议"),
    "answer_objection": _l("答复居民异议"), "submit_bid": _l("提交响应文件"), "revise_bid": _l("修改响应文件"),
    "withdraw_bid": _l("撤回响应文件"), "file_challenge": _l("提出质疑"), "answer_challenge": _l("答复质疑"),
    "report_milestone": _l("报告节点完成情况"), "request_declaration": _l("邀请评估机构声明利益冲突"),
    "declare_conflict": _l("声明利益冲突情况"), "record_payment": _l("登记付款"),
    "calendar_edit": _l("修改节假日日历"), "calendar_sync": _l("同步节假日日历"),
    "calendar_remove": _l("删除日历调整"), "credit_code_override": _l("确认统一社会信用代码"),
}
PAYMENT_KIND_LABELS = {"instalment": _l("进度款"), "final": _l("尾款")}
BID_STATUS_LABELS = {"submitted": _l("有效"), "withdrawn": _l("已撤回"), "awarded": _l("成交")}
# Ways out of a project are always open to their role; they never make a project "wait for" anyone.
EXITS = {"withdraw", "cancel"}
DANGER = {"withdraw", "cancel", "reject"}
# The parts a role can play, to narrow the projects worth checking for "waiting for me".
ROLE_PARTS = {
    "community": {"community", "implementer"}, "reviewer": {"reviewer"}, "bureau": {"bureau"},
    "provider": {"implementer", "any_provider", "bidder"},
    "evaluator": {"assigned_evaluator", "invited_evaluator"}, "admin": set(),
}
# Where the forms for a project's parts sit on its page: (anchor, label, form keys).
TASK_SECTIONS = [
    ("objections", _l("居民异议"), ("objection", "answers")),
    ("procurement", _l("采购"), ("bid", "challenge", "challenge_answers")),
    ("contract", _l("合同与节点"), ("milestone_report",)),
    ("acceptance", _l("验收与评价"), ("request_declaration", "declare")),
    ("payments", _l("付款"), ("payment",)),
]
WAITING_LIMIT = 50
RECENT_LIMIT = 15


@bp.app_context_processor
def page_helpers():
    return {"ROLE_LABELS": ROLE_LABELS, "ACTION_LABELS": ACTION_LABELS, "PAYMENT_KIND_LABELS": PAYMENT_KIND_LABELS,
            "BID_STATUS_LABELS": BID_STATUS_LABELS, "action_label": action_label, "category_name": category_name,
            "get_locale": get_locale, "is_english": english}


def action_label(action: str) -> str:
    return str(TRIGGER_LABELS.get(action) or ACTION_LABELS.get(action) or action)


def english() -> bool:
    locale = get_locale()
    return bool(locale and locale.language == "en")


def category_name(category) -> str:
    if category is None:
        return ""
    name = category.name_en if english() and category.name_en else category.name
    return f"{category.code} {name}"


# ---- who sees which audit entry ---------------------------------------------------------------

# ---- home ------------------------------------------------------------------------------------------

@dataclass
class Waiting:
    project: Project
    triggers: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def _trigger_states(role) -> set[str]:
    parts = ROLE_PARTS.get(role, set())
    return {state for trigger, (sources, _, roles) in TRANSITIONS.items()
            if trigger not in EXITS and roles & parts for state in sources}


def _visible_ids(user):
    return visible_projects(user).with_only_columns(Project.id)


def _pending_notes(user) -> dict[int, list[str]]:
    """Sub-actions waiting for `user`, by project id: one bounded query per kind of task."""
    notes: dict[int, list[str]] = {}
    org_id, ids = user.organisation_id, _visible_ids(user)

    def add(query, message):
        for project_id, *extra in db.session.execute(query.limit(WAITING_LIMIT)):
            notes.setdefault(project_id, []).append(message(*extra))

    if user.role == Role.community:
        add((
            select(Objection.project_id, func.count(Objection.id)).join(Project, Project.id == Objection.project_id)
            .where(Project.community_id == org_id, Project.state == "notice", Objection.answer.is_(None))
            .group_by(Objection.project_id)),
            lambda n: _("%(count)s 条居民异议待答复", count=n))
    if user.role in (Role.community, Role.provider):
        unreported = (select(Contract.project_id, func.count(Milestone.id))
                      .join(Milestone, Milestone.contract_id == Contract.id)
                      .join(Project, Project.id == Contract.project_id)
                      .where(Project.state == "in_delivery", Project.implementer_id == org_id,
                             ~exists().where(MilestoneReport.milestone_id == Milestone.id))
                      .group_by(Contract.project_id))
        add(unreported, lambda n: _("%(count)s 个付款节点待报告", count=n))
    if user.role == Role.bureau:
        add((
            select(Challenge.project_id, func.count(Challenge.id)).join(Project, Project.id == Challenge.project_id)
            .where(Project.id.in_(ids), Project.state == "awarded", Challenge.answer.is_(None))
            .group_by(Challenge.project_id)),
            lambda n: _("%(count)s 条质疑待答复", count=n))
        add((
            select(Project.id).where(Project.id.in_(ids), Project.state == "delivered",
                                     ~exists().where(ConflictDeclaration.project_id == Project.id))),
            lambda: _("待邀请第三方评估机构声明利益冲突"))
        add((
            select(Project.id).where(Project.id.in_(ids), Project.state.in_(("accepted", "evaluated")),
                                     ~exists().where(Payment.project_id == Project.id, Payment.kind == "final"))),
            lambda: _("尾款待登记"))
    if user.role == Role.evaluator:
        add((
            select(ConflictDeclaration.project_id).join(Project, Project.id == ConflictDeclaration.project_id)
            .where(ConflictDeclaration.evaluator_org_id == org_id, ConflictDeclaration.declared_at.is_(None),
                   Project.state == "delivered")),
            lambda: _("待声明利益冲突情况"))
    if user.role == Role.provider:
        add((
            select(Project.id, Project.bid_deadline).where(
                Project.state == "tendering", Project.bid_deadline > clock.now(),
                ~exists().where(Bid.project_id == Project.id, Bid.provider_id == org_id))
            .order_by(Project.bid_deadline)),
            lambda deadline: _("正在采购，可提交响应文件（截止 %(deadline)s）",
                               deadline=clock.local(deadline).strftime("%Y-%m-%d %H:%M")))
    return notes


def waiting_for(user) -> tuple[list[Waiting], bool]:
    """Projects where `user` can act now or has a task pending; bounded to the most recently changed."""
    found: dict[int, Waiting] = {}
    states = _trigger_states(user.role)
    truncated = False
    if states:
        query = (visible_projects(user).where(Project.state.in_(states), Project.state.not_in(TERMINAL_STATES))
                 .order_by(Project.updated_at.desc(), Project.id.desc()).limit(WAITING_LIMIT + 1))
        candidates = db.session.scalars(query).unique().all()
        truncated = len(candidates) > WAITING_LIMIT
        for project in candidates[:WAITING_LIMIT]:
            triggers = [t for t, reasons in action_options(user, project) if not reasons and t not in EXITS]
            if triggers:
                found[project.id] = Waiting(project, triggers)
    notes = _pending_notes(user)
    missing = [pid for pid in notes if pid not in found]
    if missing:
        for project in db.session.scalars(select(Project).where(Project.id.in_(missing[:WAITING_LIMIT]))).unique():
            found[project.id] = Waiting(project)
    for pid, items in notes.items():
        if pid in found:
            found[pid].notes.extend(items)
    items = sorted(found.values(), key=lambda w: (w.project.updated_at, w.project.id), reverse=True)
    return items, truncated


def recent_activity(user, limit=RECENT_LIMIT) -> list[tuple[AuditEntry, Project]]:
    rows = db.session.execute(
        select(AuditEntry, Project).join(Project, Project.id == AuditEntry.project_id)
        .where(AuditEntry.project_id.in_(_visible_ids(user)))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit * 3)).unique().all()
    return [(entry, project) for entry, project in rows if entry_visible(user, entry, project)][:limit]


@bp.get("/")
@login_required
def home():
    waiting, truncated = waiting_for(current_user)
    calendar_gaps = []
    if current_user.role == Role.admin:
        year = clock.today().year
        calendar_gaps = missing_years([year, year + 1])
    return render_template("projects/home.html", waiting=waiting, truncated=truncated,
                           recent=recent_activity(current_user), calendar_gaps=calendar_gaps,
                           waiting_limit=WAITING_LIMIT)


# ---- list and CSV export -----------------------------------------------------------------------

def _communities_for(user) -> list[Organisation]:
    """The communities a reviewer, bureau officer or admin may filter by."""
    if user.role not in (Role.reviewer, Role.bureau, Role.admin):
        return []
    query = select(Organisation).where(Organisation.kind == "community")
    if user.role != Role.admin:
        query = query.where(Organisation.division_code.startswith(area_prefix(user.organisation.division_code)))
    return db.session.scalars(query.order_by(Organisation.division_code, Organisation.id)).all()


def bounded_int(raw, low: int, high: int) -> int | None:
    """`raw` as an int when it is plain ASCII digits within [low, high], else None ("²".isdigit() is True)."""
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        return None
    value = int(raw)
    return value if low <= value <= high else None


def _list_filters(user) -> dict:
    """The list filters from the query string; a value that is not one of the choices is ignored."""
    args = request.args
    filters = {}
    if args.get("state") in State.__members__:
        filters["state"] = args["state"]
    if args.get("funding_form") in FUNDING_FORM_LABELS:
        filters["funding_form"] = args["funding_form"]
    year = bounded_int(args.get("year"), 2000, 2100)
    if year is not None:
        filters["year"] = year
    community = bounded_int(args.get("community"), 1, MAX_ID)
    if community is not None and user.role in (Role.reviewer, Role.bureau, Role.admin):
        filters["community"] = community
    q = args.get("q", "").replace("\x00", "").strip()[:100]  # PostgreSQL refuses NUL in a string
    if q:
        filters["q"] = q
    return filters


def _filtered(user, filters):
    query = visible_projects(user)
    if "state" in filters:
        query = query.where(Project.state == filters["state"])
    if "funding_form" in filters:
        query = query.where(Project.funding_form == filters["funding_form"])
    if "year" in filters:  # the year the proposal was made, which its code carries
        query = query.where(Project.code.startswith(f"WXM{filters['year']}-"))
    if "community" in filters:
        query = query.where(Project.community_id == filters["community"])
    if "q" in filters:
        query = query.where(Project.title.icontains(filters["q"], autoescape=True))
    return query


@bp.get("/projects")
@login_required
def index():
    filters = _list_filters(current_user)
    query = _filtered(current_user, filters)
    per_page = current_app.config["PER_PAGE"]
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-total // per_page))
    page = min(bounded_int(request.args.get("page"), 1, MAX_ID) or 1, pages)
    rows = db.session.scalars(query.order_by(Project.updated_at.desc(), Project.id.desc())
                              .limit(per_page).offset((page - 1) * per_page)).unique().all()
    this_year = clock.today().year
    return render_template("projects/index.html", projects=rows, filters=filters, total=total, page=page,
                           pages=pages, communities=_communities_for(current_user),
                           years=list(range(this_year + 1, this_year - 6, -1)),
                           page_numbers=_page_window(page, pages))


def _page_window(page, pages, width=2) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20: None marks a gap."""
    shown = sorted({1, pages, *range(max(1, page - width), min(pages, page + width) + 1)})
    window, last = [], 0
    for number in shown:
        if number - last > 1:
            window.append(None)
        window.append(number)
        last = number
    return window


CSV_COLUMNS = ["项目编号", "项目名称", "社区", "资金支持形式", "服务类别", "状态", "申请金额（元）", "批准金额（元）",
               "目录年度", "承接方", "创建时间", "最近更新"]


def _csv_cell(value) -> str:
    """A cell as text; one that a spreadsheet would read as a formula is quoted with an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _amount(value) -> str:
    return "" if value is None else f"{value:.2f}"


@bp.get("/projects/export.csv")
@login_required
def export_csv():
    query = _filtered(current_user, _list_filters(current_user)).order_by(Project.id)
    categories = {c.code: c.name for c in db.session.scalars(select(Category))}
    implementers = dict(db.session.execute(select(Organisation.id, Organisation.name).where(
        Organisation.id.in_(query.with_only_columns(Project.implementer_id).order_by(None)))).all())

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")  # a BOM, so that spreadsheet programs read the file as UTF-8
        writer.writerow(CSV_COLUMNS)
        with force_locale("zh_Hans_CN"):
            for project in db.session.scalars(query.execution_options(yield_per=500)):
                writer.writerow([_csv_cell(v) for v in (
                    project.code, project.title, project.community.name, FUNDING_FORM_LABELS[project.funding_form],
                    categories.get(project.category_code, ""), STATE_LABELS[project.state],
                    _amount(project.requested_amount), _amount(project.approved_amount), project.catalogue_year,
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

def without_blank_rows(formdata, prefix: str, keys: tuple[str, ...]) -> MultiDict:
    """Form data with the entirely empty rows of a `prefix-N-key` table dropped and the rest renumbered,
    so that a spare row left blank in the table does not count as input."""
    rows: dict[int, dict[str, list[str]]] = {}
    kept = MultiDict()
    for key, values in formdata.lists():
        parts = key.split("-", 2)
        if len(parts) == 3 and parts[0] == prefix and parts[1].isascii() and parts[1].isdigit():
            rows.setdefault(int(parts[1]), {})[parts[2]] = values
        else:
            kept.setlist(key, values)
    number = 0
    for index in sorted(rows):
        row = rows[index]
        if not any(v.strip() for k in keys for v in row.get(k, [])):
            continue
        for key, values in row.items():
            kept.setlist(f"{prefix}-{number}-{key}", values)
        number += 1
    return kept


def _proposal_formdata():
    return without_blank_rows(request.form, "budget_lines", ("item", "amount"))


def category_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """Leaf categories grouped under their parents' names, for a select with optgroups."""
    label = (lambda node: node["name_en"] or node["name"]) if english() else (lambda node: node["name"])
    groups: list[tuple[str, list]] = []

    def walk(node, path):
        if not node["children"]:
            if not groups or groups[-1][0] != " › ".join(path):
                groups.append((" › ".join(path), []))
            groups[-1][1].append((node["code"], f"{node['code']} {label(node)}"))
            return
        for child in node["children"]:
            walk(child, [*path, label(node)])

    for root in category_tree():
        walk(root, [])
    return groups


def _class_cap(community):
    return current_app.config["CLASS_CAPS"].get(community.community_class)


def _render_proposal(form, project=None, error=None, status=200):
    community = project.community if project else current_user.organisation
    if not form.budget_lines.entries:
        form.budget_lines.append_entry()
    return render_template("projects/form.html", form=form, project=project, error=error,
                           categories=category_groups(), cap=_class_cap(community)), status


def _refused_form(form_class, formdata, error):
    """The form again with the user's input and, for invalid input, the messages next to the fields."""
    form = form_class(formdata=formdata)
    if isinstance(error, InvalidInput):
        form.validate()
    return form


@bp.route("/projects/new", methods=["GET", "POST"])
@login_required
def new():
    if current_user.role != Role.community:
        abort(404)
    if request.method == "POST":
        formdata = _proposal_formdata()
        try:
            project = operations.create_project(current_user, formdata)
            db.session.commit()
        except Refusal as error:
            db.session.rollback()
            return _render_proposal(_refused_form(ProjectForm, formdata, error), error=error, status=error.status)
        flash(_("项目已保存为草稿：%(code)s", code=project.code), "success")
        return redirect(url_for("projects.detail", project_id=project.id))
    return _render_proposal(ProjectForm(data={"funding_form": "purchase"}))


def proposal_data(project) -> dict:
    meeting = project.deliberation
    return {
        "title": project.title, "funding_form": project.funding_form, "category": project.category_code,
        "requested_amount": project.requested_amount, "needs_analysis": project.needs_analysis,
        "beneficiaries": project.beneficiaries, "goals": project.goals, "location": project.location,
        "start_date": project.start_date, "end_date": project.end_date,
        "budget_lines": [{"item": line.item, "amount": line.amount} for line in project.budget_lines],
        "deliberation": {} if meeting is None else {
            "held_on": meeting.held_on, "members_total": meeting.members_total,
            "members_present": meeting.members_present, "votes_for": meeting.votes_for,
            "votes_against": meeting.votes_against, "minutes": meeting.minutes},
    }


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id):
    if request.method == "POST":
        project = get_visible(current_user, project_id, for_update=True)
        formdata = _proposal_formdata()
        try:
            operations.update_project(project, current_user, formdata, request.form.get("version"))
            db.session.commit()
        except Refusal as error:
            db.session.rollback()
            project = get_visible(current_user, project_id)
            return _render_proposal(_refused_form(ProjectForm, formdata, error), project, error, error.status)
        flash(_("项目申报已保存"), "success")
        return redirect(url_for("projects.detail", project_id=project.id))
    project = get_visible(current_user, project_id)
    authorize_action(current_user, project, "edit", wrong_state=NotEditable)
    return _render_proposal(ProjectForm(data=proposal_data(project)), project)


# ---- the project page ------------------------------------------------------------------------------------

@dataclass
class Failed:
    """A refused submission: which form on the page, what the user sent, and why it was refused."""

    key: str
    formdata: MultiDict
    error: Refusal

    @property
    def reasons(self) -> list[str]:
        return [r.message for r in self.error.reasons] if isinstance(self.error, GuardFailed) else []

    @property
    def other_errors(self) -> list[str]:
        """Input errors that belong to no field shown (for instance a missing version)."""
        if not isinstance(self.error, InvalidInput):
            return []
        return [f"{key}: {message}" for key, messages in self.error.fields.items() if key in ("version", "_body")
                for message in (messages if isinstance(messages, list) else [messages])]


@dataclass
class PageForm:
    key: str
    form: object
    url: str
    choices: dict = field(default_factory=dict)
    failed: Failed | None = None
    title: str = ""
    extra: dict = field(default_factory=dict)


def _page_form(key, form_class, url, failed, data=None, **extra) -> PageForm:
    """A form on the project page: blank or with defaults, or as the user sent it when it was refused."""
    mine = failed if failed is not None and failed.key == key else None
    if form_class is None:
        form = None
    elif mine:
        form = _refused_form(form_class, mine.formdata, mine.error)
    else:
        form = form_class(data=data or {})
    return PageForm(key, form, url, failed=mine, **extra)


def _bid_choice(bid) -> str:
    return _("%(name)s · 报价 %(price)s 元", name=bid.provider.name, price=f"{bid.price:,.2f}")


def _org_choices(kind) -> list[tuple[int, str]]:
    rows = db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.kind == kind)
                              .order_by(Organisation.name).limit(1000))
    return [(org_id, name) for org_id, name in rows]


def _trigger_form(user, project, trigger, failed, contract, bids, declarations) -> PageForm:
    url = url_for("projects.fire", project_id=project.id, trigger=trigger)
    data, choices = {}, {}
    today = clock.today()
    if trigger == "approve":
        data = {"approved_amount": project.requested_amount}
    elif trigger == "list_in_catalogue":
        data = {"catalogue_year": today.year}
    elif trigger == "open_tender":
        data = {"method": "competitive_consultation"}
    elif trigger == "award":
        choices["bid_id"] = [(b.id, _bid_choice(b)) for b in bids if b.status == "submitted"]
    elif trigger == "sign_contract":
        awarded = next((b for b in bids if b.status == "awarded"), None)
        data = {"amount": awarded.price if awarded else None, "start": today + timedelta(days=1)}
    elif trigger == "sign_agreement":
        choices["implementer_org_id"] = _org_choices("provider")
        data = {"amount": project.approved_amount, "start": today + timedelta(days=1)}
    elif trigger == "start_acceptance":
        choices["evaluator_org_id"] = [(d.evaluator_org_id, d.evaluator_org.name) for d in declarations if d.cleared]
    page_form = _page_form(f"fire:{trigger}", TRIGGER_FORMS[trigger], url, failed, data, choices=choices,
                           title=str(TRIGGER_LABELS[trigger]))
    if trigger == "sign_contract" and not page_form.form.milestones.entries:
        page_form.form.milestones.append_entry()
    return page_form


def _sub_forms(user, project, parts, failed, contract, bids, declarations, challenges) -> dict:
    """The forms for a project's parts (objections, bids …) that this user's part and the state allow."""
    forms = {}
    pid = project.id

    def allowed(action):
        states, who = ACTIONS[action]
        return project.state in states and bool(who & parts)

    if allowed("add_objection"):
        forms["objection"] = _page_form("objection", ObjectionForm, url_for("projects.add_objection", project_id=pid),
                                        failed, title=_("登记居民异议"))
        forms["answers"] = {o.id: _page_form(f"answer_objection:{o.id}", AnswerForm,
                                             url_for("projects.answer_objection", project_id=pid, objection_id=o.id),
                                             failed)
                            for o in project.objections if o.answer is None}
    if allowed("submit_bid") and project.bid_deadline and clock.now() < project.bid_deadline:
        own = next((b for b in bids if b.provider_id == user.organisation_id), None)
        data = {"price": own.price, "plan": own.plan} if own else {}
        forms["bid"] = _page_form("bid", BidForm, url_for("projects.submit_bid", project_id=pid), failed, data,
                                  title=_("修改响应文件") if own and own.status == "submitted" else _("提交响应文件"))
        if own and own.status == "submitted":
            forms["withdraw_bid"] = _page_form("withdraw_bid", None, url_for("projects.withdraw_bid", project_id=pid),
                                               failed)
    if allowed("file_challenge") and procurement.challenge_window_open(project):
        forms["challenge"] = _page_form("challenge", ChallengeForm, url_for("projects.file_challenge", project_id=pid),
                                        failed, title=_("提出质疑"))
    if allowed("answer_challenge"):
        forms["challenge_answers"] = {
            c.id: _page_form(f"answer_challenge:{c.id}", AnswerForm,
                             url_for("projects.answer_challenge", project_id=pid, challenge_id=c.id), failed)
            for c in challenges if c.answer is None}
    if allowed("report_milestone") and contract and contract.milestones:
        first_open = next((m for m in contract.milestones if not m.reports), contract.milestones[0])
        choices = {"milestone_id": [(m.id, f"{m.name}（{m.percent}%）" + (_("，已报告") if m.reports else ""))
                                    for m in contract.milestones]}
        forms["milestone_report"] = _page_form(
            "milestone_report", MilestoneReportForm, url_for("projects.report_milestone", project_id=pid), failed,
            {"milestone_id": first_open.id}, choices=choices, title=_("报告节点完成情况"))
    if allowed("request_declaration"):
        asked = {d.evaluator_org_id for d in declarations}
        firms = [(org_id, name) for org_id, name in _org_choices("evaluator") if org_id not in asked]
        if firms or (failed and failed.key == "request_declaration"):
            forms["request_declaration"] = _page_form(
                "request_declaration", DeclarationRequestForm,
                url_for("projects.request_declaration", project_id=pid), failed,
                choices={"evaluator_org_id": firms}, title=_("邀请评估机构声明利益冲突"))
    if allowed("declare_conflict"):
        mine = next((d for d in declarations if d.evaluator_org_id == user.organisation_id), None)
        if mine is not None and mine.declared_at is None:
            forms["declare"] = _page_form("declare", DeclarationForm, url_for("projects.declare", project_id=pid),
                                          failed, title=_("声明利益冲突情况"))
    if allowed("record_payment"):
        remaining = evaluation.payable_total(project) - evaluation.paid_total(project)
        choices = {"milestone_id": [(m.id, f"{m.name}（{m.percent}%）") for m in (contract.milestones if contract
                                                                                else [])]}
        forms["payment"] = _page_form(
            "payment", PaymentForm, url_for("projects.record_payment", project_id=pid), failed,
            {"amount": remaining if remaining and remaining > 0 else None, "paid_on": clock.today(),
             "kind": "final" if project.state in ("accepted", "evaluated") else "instalment"},
            choices=choices, title=_("登记付款"))
    return forms


def detail_context(user, project, failed=None) -> dict:
    parts = relations(user, project)
    contract = db.session.scalar(select(Contract).filter_by(project_id=project.id))
    bids = procurement.bids_visible_to(user, project)
    challenges = db.session.scalars(select(Challenge).filter_by(project_id=project.id).order_by(Challenge.id)).all()
    declarations_query = select(ConflictDeclaration).filter_by(project_id=project.id)
    if user.role == Role.evaluator:
        declarations_query = declarations_query.filter_by(evaluator_org_id=user.organisation_id)
    declarations = db.session.scalars(declarations_query.order_by(ConflictDeclaration.id)).all()
    scores = {s.indicator: s for s in db.session.scalars(select(IndicatorScore).filter_by(project_id=project.id))}
    payments = db.session.scalars(select(Payment).filter_by(project_id=project.id).order_by(Payment.paid_on,
                                                                                           Payment.id)).all()
    entries = db.session.scalars(select(AuditEntry).filter_by(project_id=project.id)
                                 .order_by(AuditEntry.at, AuditEntry.id)).all()
    actions = []
    for trigger, reasons in action_options(user, project):
        page_form = _trigger_form(user, project, trigger, failed, contract, bids, declarations) if not reasons \
            else None
        actions.append({"trigger": trigger, "reasons": [r.message for r in reasons], "page_form": page_form,
                        "danger": trigger in DANGER})
    forms = _sub_forms(user, project, parts, failed, contract, bids, declarations, challenges)
    placed = [a["page_form"] for a in actions if a["page_form"]]
    for value in forms.values():
        placed += list(value.values()) if isinstance(value, dict) else [value]
    milestone_names = {m.id: m.name for m in (contract.milestones if contract else [])}
    task_links = [(anchor, label) for anchor, label, keys in TASK_SECTIONS if any(forms.get(k) for k in keys)]
    return {
        "project": project, "parts": parts, "contract": contract, "bids": bids, "challenges": challenges,
        "declarations": declarations, "scores": scores, "payments": payments, "milestone_names": milestone_names,
        "timeline": [e for e in entries if entry_visible(user, e, project)],
        "actions": actions, "forms": forms, "failed": failed, "task_links": task_links,
        # A refusal whose form is no longer offered (the state moved on, the deadline passed) shows on top.
        "unplaced_failure": failed if failed and not any(pf.failed for pf in placed) else None,
        "private_objections": bool({"community", "reviewer"} & parts),
        "paid": evaluation.paid_total(project), "payable": evaluation.payable_total(project),
        "budget_total": sum((line.amount for line in project.budget_lines), start=0),
        "cap": _class_cap(project.community),
        "sealed": project.state == "tendering" and project.bid_deadline and clock.now() <= project.bid_deadline,
        "weights": current_app.config["INDICATOR_WEIGHTS"],
        "may_edit": project.state in ACTIONS["edit"][0] and "community" in parts,
    }


@bp.get("/projects/<int:project_id>")
@login_required
def detail(project_id):
    project = get_visible(current_user, project_id)
    return render_template("projects/detail.html", **detail_context(current_user, project))


def _act(project_id, key, action, success):
    """Load the project locked, run `action(project)`, commit and go back to the page; on a refusal
    show the page again with the form as the user filled it and the reason, with the refusal's status."""
    project = get_visible(current_user, project_id, for_update=True)
    try:
        action(project)
        db.session.commit()
    except Refusal as error:
        db.session.rollback()
        failed = Failed(key, MultiDict(request.form), error)
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
    return _act(project_id, f"fire:{trigger}",
                lambda p: operations.fire(p, trigger, current_user, formdata, request.form.get("version")),
                _("已完成：%(action)s", action=TRIGGER_LABELS[trigger]))


@bp.post("/projects/<int:project_id>/objections")
@login_required
def add_objection(project_id):
    return _act(project_id, "objection", lambda p: operations.add_objection(p, current_user, request.form),
                _("居民异议已登记"))


@bp.post("/projects/<int:project_id>/objections/<int:objection_id>/answer")
@login_required
def answer_objection(project_id, objection_id):
    return _act(project_id, f"answer_objection:{objection_id}",
                lambda p: operations.answer_objection(p, current_user, objection_id, request.form),
                _("异议答复已记录"))


@bp.post("/projects/<int:project_id>/bids")
@login_required
def submit_bid(project_id):
    return _act(project_id, "bid", lambda p: procurement.submit_bid(p, current_user, request.form),
                _("响应文件已提交，截止前可以修改或撤回"))


@bp.post("/projects/<int:project_id>/bids/withdraw")
@login_required
def withdraw_bid(project_id):
    return _act(project_id, "withdraw_bid", lambda p: procurement.withdraw_bid(p, current_user),
                _("响应文件已撤回"))


@bp.post("/projects/<int:project_id>/challenges")
@login_required
def file_challenge(project_id):
    return _act(project_id, "challenge", lambda p: procurement.file_challenge(p, current_user, request.form),
                _("质疑已提交"))


@bp.post("/projects/<int:project_id>/challenges/<int:challenge_id>/answer")
@login_required
def answer_challenge(project_id, challenge_id):
    return _act(project_id, f"answer_challenge:{challenge_id}",
                lambda p: procurement.answer_challenge(p, current_user, challenge_id, request.form),
                _("质疑答复已记录"))


@bp.post("/projects/<int:project_id>/milestone-reports")
@login_required
def report_milestone(project_id):
    return _act(project_id, "milestone_report",
                lambda p: procurement.report_milestone(p, current_user, request.form), _("节点完成情况已报告"))


@bp.post("/projects/<int:project_id>/declarations")
@login_required
def request_declaration(project_id):
    return _act(project_id, "request_declaration",
                lambda p: evaluation.request_declaration(p, current_user, request.form),
                _("已邀请评估机构声明利益冲突"))


@bp.post("/projects/<int:project_id>/declarations/mine")
@login_required
def declare(project_id):
    return _act(project_id, "declare", lambda p: evaluation.declare(p, current_user, request.form),
                _("利益冲突声明已提交"))


@bp.post("/projects/<int:project_id>/payments")
@login_required
def record_payment(project_id):
    return _act(project_id, "payment", lambda p: evaluation.record_payment(p, current_user, request.form),
                _("付款已登记"))
