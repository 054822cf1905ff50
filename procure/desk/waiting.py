"""What waits for a user: projects where they can act now, pending tasks, how many projects sit in each stage
they act in, and recent activity.

Every query here is bounded whatever the number of projects: the candidates are the longest-waiting few of each
stage (one index range each), each kind of pending task is one query with a LIMIT, the stage counts are one
grouped count, and the recent activity reads a window of the latest audit entries plus the entries of the
projects changed last. The desk shows the most urgent few and links to the full project list by stage."""
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import exists, func, select, true, union_all

from procure import clock
from procure.accounts.models import Role
from procure.audit.models import AuditEntry
from procure.delivery.models import MilestoneConfirmation, PaymentRequest
from procure.desk.visibility import SCORE_SHEET_ACTIONS, entry_visible
from procure.evaluators.models import ConflictDeclaration
from procure.extensions import db
from procure.lifecycle import reasons_against
from procure.payments.schedule import schedule
from procure.procurement.models import (Bid, Challenge, Contract, Milestone, MilestoneReport)
from procure.procurement.tenders import BidScore, PanelMember
from procure.projects.models import Objection, Project
from procure.projects.permissions import PAYING_STATES, relations, visible_projects
from procure.projects.states import TERMINAL_STATES, TRANSITIONS, State, triggers_from

# Ways out of a project are always open to their role; they never make a project "wait for" anyone.
EXITS = {"withdraw", "cancel", "terminate"}
# The parts a role can play, to narrow the projects worth checking for "waiting for me".
ROLE_PARTS = {
    "community": {"community", "implementer"}, "reviewer": {"reviewer"}, "bureau": {"bureau"},
    "provider": {"implementer", "any_provider", "bidder"},
    "evaluator": {"assigned_evaluator", "invited_evaluator"}, "admin": set(),
}
STATE_ORDER = [state.value for state in State]  # the lifecycle's order, for the stage counts
RECENT_LIMIT = 15
# The latest audit entries read for "recent activity" before looking at the user's own latest projects.
RECENT_WINDOW = 200


def waiting_limit() -> int:
    """How many projects the desk lists (the longest-waiting first); the project list shows the rest."""
    return current_app.config["DESK_WAITING_LIMIT"]


@dataclass
class Waiting:
    project: Project
    triggers: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def _trigger_states(role) -> set[str]:
    parts = ROLE_PARTS.get(role, set())
    return {state for trigger, (sources, _, roles) in TRANSITIONS.items()
            if trigger not in EXITS and roles & parts for state in sources}


def visible_clause(user):
    """SQL: the condition on Project (joined in the query) that the projects `user` may see meet. A condition on
    the joined row, never `id IN (every visible id)`, which the database would first have to build in full."""
    clause = visible_projects(user).whereclause
    return true() if clause is None else clause


def acting_clause(user):
    """SQL: the projects where the user's role can play a part in a state change (ROLE_PARTS): a provider only as
    the implementer, an evaluation firm only as the assigned firm; everyone else where they may see."""
    if user.role == Role.provider:
        return Project.implementer_id == user.organisation_id
    if user.role == Role.evaluator:
        return Project.evaluator_org_id == user.organisation_id
    return visible_clause(user)


def _pending_notes(user, limit) -> dict[int, list[str]]:
    """Sub-actions waiting for `user`, by project id: one bounded query per kind of task."""
    notes: dict[int, list[str]] = {}
    org_id, visible = user.organisation_id, visible_clause(user)

    def add(query, message):
        for project_id, *extra in db.session.execute(query.limit(limit)):
            notes.setdefault(project_id, []).append(message(*extra))

    if user.role == Role.community:
        add((
            select(Objection.project_id, func.count(Objection.id)).join(Project, Project.id == Objection.project_id)
            .where(Project.community_id == org_id, Project.state == "notice", Objection.answer.is_(None))
            .group_by(Objection.project_id)),
            lambda n: _("%(count)s 条居民异议待答复", count=n))
    if user.role in (Role.community, Role.provider):
        unreported = ~exists().where(MilestoneReport.milestone_id == Milestone.id)
        delivering = (Project.state == "in_delivery", Project.implementer_id == org_id)
        add(_milestones_of_first(delivering, (unreported,), limit),
            lambda n: _("%(count)s 个付款节点待报告", count=n))
        add(_milestones_of_first(delivering, (Milestone.due < clock.today(), unreported), limit),
            lambda n: _("%(count)s 个付款节点已逾期未报告", count=n))
    if user.role == Role.community:
        unconfirmed = (exists().where(MilestoneReport.milestone_id == Milestone.id),
                       ~exists().where(MilestoneConfirmation.milestone_id == Milestone.id))
        add(_milestones_of_first((Project.community_id == org_id, Project.state.in_(("in_delivery", "delivered"))),
                                 unconfirmed, limit),
            lambda n: _("%(count)s 个已报告的节点待社区确认", count=n))
    if user.role == Role.bureau:
        add((
            select(Challenge.project_id, func.count(Challenge.id)).join(Project, Project.id == Challenge.project_id)
            .where(visible, Project.state == "awarded", Challenge.answered_at.is_(None))
            .group_by(Challenge.project_id)),
            lambda n: _("%(count)s 条质疑待答复", count=n))
        add((  # through the projects without a firm (SQLite would rather read every accepted project of the area)
            select(Project.id).with_hint(Project, "INDEXED BY ix_projects_evaluator_state", "sqlite")
            .where(visible, Project.evaluator_org_id.is_(None),
                   Project.state.in_(("delivered", "under_acceptance", "rectification", "accepted")))),
            lambda: _("待抽取第三方评估机构"))
        # The final instalment or the reward, payable by grade once the project is evaluated (差 may leave none).
        evaluated = (select(Project).where(visible, Project.state == "evaluated")
                     .order_by(Project.updated_at, Project.id).limit(limit))
        for project in db.session.scalars(evaluated):
            final = schedule(project).final
            if final is not None and final.payable > 0:
                notes.setdefault(project.id, []).append(
                    _("%(line)s待支付 %(amount)s 元", line=final.label, amount=f"{final.payable:,.2f}"))
        add((
            select(PaymentRequest.project_id, func.count(PaymentRequest.id))
            .join(Project, Project.id == PaymentRequest.project_id)
            .where(visible, Project.state.in_(PAYING_STATES), PaymentRequest.state == "requested")
            .group_by(PaymentRequest.project_id)),
            lambda n: _("%(count)s 项付款申请待审批", count=n))
        for project_id, note in _procurement_deadline_notes(visible, limit):
            notes.setdefault(project_id, []).append(note)
    if user.role == Role.evaluator:
        add((
            select(ConflictDeclaration.project_id).join(Project, Project.id == ConflictDeclaration.project_id)
            .where(ConflictDeclaration.evaluator_org_id == org_id, ConflictDeclaration.declared_at.is_(None),
                   Project.evaluator_org_id == org_id)),
            lambda: _("待声明利益冲突情况"))
        from procure.evaluators.models import PersonalDeclaration

        add((  # the assigned firm's evaluators act only after declaring for themselves
            select(Project.id).where(Project.evaluator_org_id == org_id,
                                     Project.state.in_(("delivered", "under_acceptance", "rectification", "accepted")),
                                     ~exists().where(PersonalDeclaration.project_id == Project.id,
                                                     PersonalDeclaration.user_id == user.id))),
            lambda: _("待本人声明利益冲突情况"))
        add((  # on a bid evaluation panel, not recused by declaration, the bids open, a valid bid not yet scored
            select(PanelMember.project_id).join(Project, Project.id == PanelMember.project_id)
            .where(PanelMember.user_id == user.id, PanelMember.recused_at.is_(None), Project.state == "tendering",
                   Project.bid_deadline < clock.now(),
                   exists().where(Bid.project_id == Project.id, Bid.status == "submitted",
                                  # correlated to the outer panel member (not a panel_members of its own)
                                  ~exists().where(BidScore.bid_id == Bid.id, BidScore.member_id == PanelMember.id)
                                  .correlate_except(BidScore)))),
            lambda: _("待评审打分"))
    if user.role == Role.provider:
        add((
            select(Project.id, Project.bid_deadline).where(
                Project.state == "tendering", Project.bid_deadline > clock.now(),
                ~exists().where(Bid.project_id == Project.id, Bid.provider_id == org_id))
            .order_by(Project.bid_deadline)),
            lambda deadline: _("正在采购，可提交响应文件（截止 %(deadline)s）",
                               deadline=clock.local(deadline).strftime("%Y-%m-%d %H:%M")))
    return notes


def _milestones_of_first(projects, milestones, limit):
    """SELECT (project id, how many of its milestones meet `milestones`) for the `limit` longest-waiting projects
    meeting `projects` that have such a milestone: the projects walked in their order, each checked with one
    probe, never every milestone of a firm's hundreds of contracts grouped first."""
    of_project = (select(Milestone.id).join(Contract, Contract.id == Milestone.contract_id)
                  .where(Contract.project_id == Project.id, *milestones))
    firsts = (select(Project.id).where(*projects, of_project.exists())
              .order_by(Project.updated_at, Project.id).limit(limit))
    return (select(Contract.project_id, func.count(Milestone.id)).join(Milestone, Milestone.contract_id == Contract.id)
            .where(Contract.project_id.in_(firsts), *milestones).group_by(Contract.project_id))


def _procurement_deadline_notes(visible, limit) -> list[tuple[int, str]]:
    """The bureau's dates after an award (procure.procurement.deadlines), for the projects `visible` admits: the award
    notice to publish, a contract signed late, a signed contract to publish, challenges answered late."""
    from procure.procurement import deadlines
    from procure.procurement.tenders import Tender
    from procure.workdays.service import Calendar

    sign_days = current_app.config["CONTRACT_SIGN_DAYS"]
    answer_days = current_app.config["CHALLENGE_ANSWER_WORKING_DAYS"]
    awarded = (select(Project).where(visible, Project.state == "awarded", Project.awarded_at.is_not(None))
               .order_by(Project.awarded_at).limit(limit))
    no_notice = db.session.scalars(awarded.where(
        ~exists().where(Tender.project_id == Project.id, Tender.award_notice_at.is_not(None)))).unique().all()
    unsigned = db.session.scalars(awarded.where(
        Project.awarded_at < clock.now() - timedelta(days=sign_days))).unique().all()
    unpublished = db.session.scalars(
        select(Contract).join(Project, Project.id == Contract.project_id)
        .where(visible, Project.state.not_in(TERMINAL_STATES), Contract.published_at.is_(None),
               Contract.terminated_at.is_(None))
        .order_by(Contract.signed_at).limit(limit)).all()
    challenges = db.session.scalars(
        select(Challenge).join(Project, Project.id == Challenge.project_id)
        .where(visible, Project.state == "awarded", Challenge.answered_at.is_(None),
               Challenge.filed_at < clock.now() - timedelta(days=answer_days))
        .order_by(Challenge.filed_at).limit(limit)).all()
    if not (no_notice or unsigned or unpublished or challenges):
        return []
    calendar = Calendar()  # read once for all the dates below
    found = []
    for project in no_notice:
        due = deadlines.award_notice_due(project, calendar)
        found.append((project.id, _("成交公告应于 %(due)s 前发布，已逾期", due=due) if deadlines.is_late(due)
                      else _("成交公告待发布（%(due)s 前）", due=due)))
    for project in unsigned:
        due = deadlines.contract_sign_due(project)
        if deadlines.is_late(due):
            found.append((project.id, _("成交已超过 %(days)s 天，合同尚未签订（应于 %(due)s 前签订，已逾期）",
                                        days=sign_days, due=due)))
    for contract in unpublished:
        due = deadlines.contract_publish_due(contract, calendar)
        found.append((contract.project_id, _("合同已签订，应于 %(due)s 前公开，已逾期", due=due)
                      if deadlines.is_late(due) else _("合同已签订，待公开（%(due)s 前）", due=due)))
    late: dict[int, list] = {}
    for challenge in challenges:
        due = deadlines.challenge_answer_due(challenge, calendar)
        if deadlines.is_late(due):
            late.setdefault(challenge.project_id, []).append(due)
    for project_id, dues in late.items():
        found.append((project_id, _("%(count)s 条质疑已超过答复期限（最早应于 %(due)s 前答复）",
                                    count=len(dues), due=min(dues))))
    return found


def ready_triggers(user, project) -> list[str]:
    """The triggers, ways out aside, that the user's part may fire on the project now (its guards pass)."""
    parts = relations(user, project)
    return [trigger for trigger in triggers_from(project.state)
            if trigger not in EXITS and TRANSITIONS[trigger][2] & parts and not reasons_against(trigger, project)]


def _candidates(user, states, limit) -> list[Project]:
    """The `limit` + 1 longest-waiting projects (least recently changed) in `states` where the user's role may act:
    the first few of each state, one index range each, in one statement."""
    scope = acting_clause(user)
    firsts = [select(Project.id).where(scope, Project.state == state)
              .order_by(Project.updated_at, Project.id).limit(limit + 1).subquery()
              for state in sorted(states)]
    ids = union_all(*(select(first.c.id) for first in firsts)) if len(firsts) > 1 else select(firsts[0].c.id)
    found = db.session.scalars(select(Project).where(Project.id.in_(ids))).unique().all()
    return sorted(found, key=lambda p: (p.updated_at, p.id))[:limit + 1]


def waiting_for(user) -> tuple[list[Waiting], bool]:
    """Projects where `user` can act now or has a task pending, the longest-waiting first; bounded to
    `waiting_limit()` projects checked (True when more wait in the stages the user acts in)."""
    limit = waiting_limit()
    found: dict[int, Waiting] = {}
    states = _trigger_states(user.role) - set(TERMINAL_STATES)
    truncated = False
    if states:
        candidates = _candidates(user, states, limit)
        truncated = len(candidates) > limit
        for project in candidates[:limit]:
            triggers = ready_triggers(user, project)
            if triggers:
                found[project.id] = Waiting(project, triggers)
    notes = _pending_notes(user, limit)
    missing = [pid for pid in notes if pid not in found][:limit]
    if missing:
        for project in db.session.scalars(select(Project).where(Project.id.in_(missing))).unique():
            found[project.id] = Waiting(project)
    for pid, items in notes.items():
        if pid in found:
            found[pid].notes.extend(items)
    items = sorted(found.values(), key=lambda w: (w.project.updated_at, w.project.id))
    return items, truncated


def stage_counts(user) -> list[tuple[str, int]]:
    """(state, number of projects in it where the user's role acts) for each state where it acts, in the
    lifecycle's order: one grouped count on an index. The desk links each to the project list by that state."""
    states = _trigger_states(user.role) - set(TERMINAL_STATES)
    if not states:
        return []
    counts = dict(db.session.execute(
        select(Project.state, func.count()).where(acting_clause(user), Project.state.in_(states))
        .group_by(Project.state)).all())
    return [(state, counts[state]) for state in STATE_ORDER if counts.get(state)]


def recent_activity(user, limit=RECENT_LIMIT) -> list[tuple[AuditEntry, Project]]:
    """The latest audit entries the user may read, of the projects they may see: those among the RECENT_WINDOW
    latest entries of all; and, where these are too few and older entries exist (a user who sees few projects),
    the latest entries of the `limit` projects they act on (acting_clause) that changed last. A few bounded queries whatever the
    size of the trail."""
    visible = visible_clause(user)
    newest = (AuditEntry.at.desc(), AuditEntry.id.desc())
    latest = select(AuditEntry.id).where(AuditEntry.project_id.is_not(None)).order_by(*newest)
    window = latest.limit(RECENT_WINDOW).subquery()
    entries = select(AuditEntry, Project).join(Project, Project.id == AuditEntry.project_id).order_by(*newest)

    def read(query):
        return {entry.id: (entry, project) for entry, project in db.session.execute(query.limit(limit * 3)).unique()}

    # The window is a derived table the database walks first, looking each entry's project up.
    rows = read(entries.join(window, window.c.id == AuditEntry.id).where(visible))
    if len(rows) < limit * 3 and db.session.scalar(latest.offset(RECENT_WINDOW).limit(1)) is not None:
        changed = db.session.scalars(select(Project.id).where(acting_clause(user))
                                     .order_by(Project.updated_at.desc(), Project.id.desc()).limit(limit)).all()
        rows.update(read(entries.where(AuditEntry.project_id.in_(changed))))  # through each project's index
    ordered = sorted(rows.values(), key=lambda row: (row[0].at, row[0].id), reverse=True)
    from procure.performance_evaluation.operations import revealed_among  # it imports the desks' neighbours

    revealed = revealed_among({project.id for entry, project in ordered if entry.action in SCORE_SHEET_ACTIONS})
    return [(entry, project) for entry, project in ordered if entry_visible(user, entry, project, revealed)][:limit]
