"""What has waited too long as of today, and who should hear of it: the daily `flask reminders` run turns each
reminder into one Notification per recipient, once per subject (`key`), however often it runs.

Each kind is one bounded query (the calendar-day lower bound of its period narrows it in SQL, the exact
working-day due date from procure.procurement.deadlines decides), plus one query for the recipients."""
from collections import defaultdict
from datetime import timedelta
from typing import NamedTuple

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select

from procure import clock
from procure.accounts.models import Role, User
from procure.extensions import db
from procure.notifications.models import Notification
from procure.procurement import deadlines
from procure.procurement.models import Challenge, Contract, Milestone, MilestoneReport
from procure.procurement.tenders import Tender
from procure.projects.models import Project
from procure.projects.permissions import ACTIONS
from procure.projects.states import TERMINAL_STATES
from procure.workdays.service import Calendar

# Rendered when shown (in the reader's language), never stored as text: params carry the values.
MESSAGES = {
    "milestone_overdue": _l("项目 %(code)s「%(title)s」的付款节点「%(milestone)s」已于 %(due)s 到期，尚未报告完成情况"),
    "challenge_unanswered": _l("项目 %(code)s「%(title)s」有一条 %(filed)s 提出的质疑尚未答复，答复期限为 %(due)s"),
    "contract_unsigned": _l("项目 %(code)s「%(title)s」已于 %(awarded)s 成交，合同应于 %(due)s 前签订，至今未签订"),
    "award_notice_late": _l("项目 %(code)s「%(title)s」的成交公告应于 %(due)s 前发布，至今未发布"),
    "contract_unpublished": _l("项目 %(code)s「%(title)s」的合同已于 %(signed)s 签订，应于 %(due)s 前公开，至今未公开"),
    "rectification_overdue": _l("项目 %(code)s「%(title)s」第 %(round)s 轮整改期限 %(deadline)s 已过，承接方尚未提交整改情况说明"),
    "objection_filed": _l("居民对公示中的项目 %(code)s「%(title)s」提出了异议，请在公示期内答复"),
    # Volunteer activities (procure.volunteers.notices), written as the organiser or the volunteer acts.
    "activity_cancelled": _l("您报名的活动「%(title)s」（%(starts)s）已取消"),
    "correction_requested": _l("有志愿者申请更正活动「%(title)s」的服务时长，请核实处理"),
    "correction_approved": _l("您对活动「%(title)s」服务时长的更正申请已通过，时长更正为 %(hours)s 小时"),
    "correction_refused": _l("您对活动「%(title)s」服务时长的更正申请未获同意，理由：%(reason)s"),
}
KIND_LABELS = {
    "milestone_overdue": _l("付款节点逾期"), "challenge_unanswered": _l("质疑逾期未答复"),
    "contract_unsigned": _l("合同逾期未签订"), "award_notice_late": _l("成交公告逾期未发布"),
    "contract_unpublished": _l("合同逾期未公开"), "rectification_overdue": _l("整改逾期未答复"),
    "objection_filed": _l("居民异议"),
    "activity_cancelled": _l("活动取消"), "correction_requested": _l("时长更正申请"),
    "correction_approved": _l("更正已通过"), "correction_refused": _l("更正未通过"),
}
# Where a notification without a project leads: the endpoint, the params that fill it (ids), the anchor.
LINKS = {
    "activity_cancelled": ("volunteers.activity", ("activity_id",), None),
    "correction_requested": ("volunteers.attendance", ("activity_id",), "corrections"),
    "correction_approved": ("volunteers.me", (), "corrections"),
    "correction_refused": ("volunteers.me", (), "corrections"),
}
DELIVERY_STATES = ("contracted", "in_delivery")
KEY_BATCH = 500  # keys per IN (...) when looking up what was already sent


class Reminder(NamedTuple):
    recipients: list[int]  # user ids
    kind: str
    project_id: int
    params: dict
    key: str


def message(kind: str, params: dict) -> str:
    """A notification's text in the current language; a message whose params no longer fit still shows."""
    template = MESSAGES.get(kind)
    if template is None:
        return kind
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(KIND_LABELS.get(kind, kind))


def link(kind: str, project_id: int | None, params: dict | None) -> str | None:
    """The page a notification leads to: its project's, else the one its kind names, built from its params;
    None when there is none or the params lack an id the page needs (an older notification still shows)."""
    if project_id is not None:
        return url_for("projects.detail", project_id=project_id)
    if kind not in LINKS:
        return None
    endpoint, names, anchor = LINKS[kind]
    values = {name: (params or {}).get(name) for name in names}
    if not all(type(value) is int and value > 0 for value in values.values()):
        return None
    return url_for(endpoint, _anchor=anchor, **values)


def _project_params(project) -> dict:
    return {"code": project.code, "title": project.title}


def _since(days: int):
    """A moment before which anything started is at least `days` calendar days old today: periods in
    working days are never shorter than the same number of calendar days, so this narrows without missing."""
    return clock.now() - timedelta(days=days)


class _Run:
    """What one run reads once: users by organisation, the bureau officers (to match to each community) and the
    holiday calendar the working-day due dates are counted on."""

    def __init__(self):
        self._calendar = None
        self.bureau = db.session.scalars(select(User).where(User.role == Role.bureau, User.active)).all()
        self._by_org: dict[int, list[int]] = {}

    def load_orgs(self, org_ids):
        wanted = {i for i in org_ids if i is not None and i not in self._by_org}
        for org_id in wanted:
            self._by_org[org_id] = []
        if wanted:
            for user_id, org_id in db.session.execute(select(User.id, User.organisation_id).where(
                    User.organisation_id.in_(wanted), User.active).order_by(User.id)):
                self._by_org[org_id].append(user_id)

    def of_orgs(self, *org_ids) -> list[int]:
        return sorted({u for org_id in org_ids for u in self._by_org.get(org_id, [])})

    def covering(self, community) -> list[int]:
        return sorted(u.id for u in self.bureau if u.organisation.covers(community))

    @property
    def calendar(self) -> Calendar:
        if self._calendar is None:
            self._calendar = Calendar()
        return self._calendar


def milestone_overdue(people: _Run) -> list[Reminder]:
    rows = db.session.execute(
        select(Milestone, Project, Contract.implementer_id)
        .join(Contract, Contract.id == Milestone.contract_id).join(Project, Project.id == Contract.project_id)
        .where(Project.state.in_(DELIVERY_STATES), Contract.terminated_at.is_(None), Milestone.due < clock.today(),
               ~exists().where(MilestoneReport.milestone_id == Milestone.id))
        .order_by(Milestone.due, Milestone.id)).unique().all()
    people.load_orgs({org for _m, project, implementer in rows for org in (implementer, project.community_id)})
    return [Reminder(people.of_orgs(implementer, project.community_id), "milestone_overdue", project.id,
                     {**_project_params(project), "milestone": milestone.name, "due": milestone.due.isoformat()},
                     f"milestone_overdue:{milestone.id}")
            for milestone, project, implementer in rows]


def challenge_unanswered(people: _Run) -> list[Reminder]:
    states, _who = ACTIONS["answer_challenge"]  # where an answer can still be given
    rows = db.session.execute(
        select(Challenge, Project).join(Project, Project.id == Challenge.project_id)
        .where(Project.state.in_(states), Challenge.answer.is_(None),
               Challenge.filed_at < _since(current_app.config["CHALLENGE_ANSWER_WORKING_DAYS"]))
        .order_by(Challenge.id)).unique().all()
    found = []
    for challenge, project in rows:
        due = deadlines.challenge_answer_due(challenge, people.calendar)
        if deadlines.is_late(due):
            found.append(Reminder(people.covering(project.community), "challenge_unanswered", project.id,
                                  {**_project_params(project), "due": due.isoformat(),
                                   "filed": clock.local(challenge.filed_at).date().isoformat()},
                                  f"challenge_unanswered:{challenge.id}"))
    return found


def contract_unsigned(people: _Run) -> list[Reminder]:
    projects = db.session.scalars(
        select(Project).where(Project.state == "awarded", Project.awarded_at.is_not(None),
                              Project.awarded_at < _since(current_app.config["CONTRACT_SIGN_DAYS"]))
        .order_by(Project.id)).unique().all()
    found = []
    for project in projects:
        due = deadlines.contract_sign_due(project)
        if deadlines.is_late(due):
            found.append(Reminder(people.covering(project.community), "contract_unsigned", project.id,
                                  {**_project_params(project), "due": due.isoformat(),
                                   "awarded": clock.local(project.awarded_at).date().isoformat()},
                                  f"contract_unsigned:{project.id}"))
    return found


def award_notice_late(people: _Run) -> list[Reminder]:
    projects = db.session.scalars(
        select(Project).where(Project.state == "awarded", Project.awarded_at.is_not(None),
                              Project.awarded_at < _since(current_app.config["AWARD_NOTICE_WORKING_DAYS"]),
                              ~exists().where(Tender.project_id == Project.id, Tender.award_notice_at.is_not(None)))
        .order_by(Project.id)).unique().all()
    found = []
    for project in projects:
        due = deadlines.award_notice_due(project, people.calendar)
        if deadlines.is_late(due):
            found.append(Reminder(people.covering(project.community), "award_notice_late", project.id,
                                  {**_project_params(project), "due": due.isoformat()},
                                  f"award_notice_late:{project.id}"))
    return found


def contract_unpublished(people: _Run) -> list[Reminder]:
    days = current_app.config["CONTRACT_PUBLISH_WORKING_DAYS"]
    rows = db.session.execute(
        select(Contract, Project).join(Project, Project.id == Contract.project_id)
        .where(Contract.published_at.is_(None), Contract.terminated_at.is_(None),
               Project.state.not_in(TERMINAL_STATES),
               or_(Contract.signed_on < clock.today() - timedelta(days=days), Contract.signed_at < _since(days)))
        .order_by(Contract.id)).unique().all()
    found = []
    for contract, project in rows:
        due = deadlines.contract_publish_due(contract, people.calendar)
        if deadlines.is_late(due):
            signed = contract.signed_on or clock.local(contract.signed_at).date()
            found.append(Reminder(people.covering(project.community), "contract_unpublished", project.id,
                                  {**_project_params(project), "due": due.isoformat(), "signed": signed.isoformat()},
                                  f"contract_unpublished:{contract.id}"))
    return found


def rectification_overdue(people: _Run) -> list[Reminder]:
    """A rectification round past its deadline without the implementer's response: the implementer and the
    evaluation firm hear of it."""
    from procure.acceptance.models import Rectification

    rows = db.session.execute(
        select(Rectification, Project).join(Project, Project.id == Rectification.project_id)
        .where(Project.state == "rectification", Rectification.responded_at.is_(None),
               Rectification.deadline < clock.today())
        .order_by(Rectification.id)).unique().all()
    people.load_orgs({org for _r, project in rows for org in (project.implementer_id, project.evaluator_org_id)})
    return [Reminder(people.of_orgs(project.implementer_id, project.evaluator_org_id), "rectification_overdue",
                     project.id, {**_project_params(project), "round": row.round,
                                  "deadline": row.deadline.isoformat()},
                     f"rectification_overdue:{row.id}")
            for row, project in rows]


FINDERS = (milestone_overdue, challenge_unanswered, contract_unsigned, award_notice_late, contract_unpublished,
           rectification_overdue)


def due_reminders() -> list[Reminder]:
    """Everything overdue as of clock.today(), each with who should hear of it."""
    people = _Run()
    return [reminder for finder in FINDERS for reminder in finder(people) if reminder.recipients]


def write_notifications(reminders=None) -> tuple[int, int]:
    """Add a Notification per recipient of each reminder unless that user already has one with its key.
    Flushes, never commits. Returns (notifications written, users they went to)."""
    reminders = due_reminders() if reminders is None else reminders
    keys = sorted({r.key for r in reminders})
    sent: set[tuple[int, str]] = set()
    for start in range(0, len(keys), KEY_BATCH):
        sent.update(db.session.execute(select(Notification.user_id, Notification.key)
                                       .where(Notification.key.in_(keys[start:start + KEY_BATCH]))).tuples())
    now, written = clock.now(), defaultdict(int)
    for reminder in reminders:
        for user_id in reminder.recipients:
            if (user_id, reminder.key) in sent:
                continue
            sent.add((user_id, reminder.key))
            db.session.add(Notification(user_id=user_id, project_id=reminder.project_id, kind=reminder.kind,
                                        params=reminder.params, key=reminder.key, created_at=now))
            written[user_id] += 1
    db.session.flush()
    return sum(written.values()), len(written)
