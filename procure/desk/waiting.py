"""What waits for a user: projects where they can act now, pending tasks, and recent activity."""
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from procure import clock
from procure.accounts.models import Role
from procure.audit.models import AuditEntry
from procure.delivery.models import MilestoneConfirmation, PaymentRequest
from procure.desk.visibility import entry_visible
from procure.evaluators.models import ConflictDeclaration
from procure.extensions import db
from procure.lifecycle import action_options
from procure.payments.schedule import schedule
from procure.procurement.models import (Bid, Challenge, Contract, Milestone, MilestoneReport)
from procure.procurement.tenders import BidScore, PanelMember
from procure.projects.models import Objection, Project
from procure.projects.permissions import PAYING_STATES, visible_projects
from procure.projects.states import TERMINAL_STATES, TRANSITIONS

# Ways out of a project are always open to their role; they never make a project "wait for" anyone.
EXITS = {"withdraw", "cancel", "terminate"}
# The parts a role can play, to narrow the projects worth checking for "waiting for me".
ROLE_PARTS = {
    "community": {"community", "implementer"}, "reviewer": {"reviewer"}, "bureau": {"bureau"},
    "provider": {"implementer", "any_provider", "bidder"},
    "evaluator": {"assigned_evaluator", "invited_evaluator"}, "admin": set(),
}
WAITING_LIMIT = 50
RECENT_LIMIT = 15




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
        overdue = (select(Contract.project_id, func.count(Milestone.id))
                   .join(Milestone, Milestone.contract_id == Contract.id)
                   .join(Project, Project.id == Contract.project_id)
                   .where(Project.state == "in_delivery", Project.implementer_id == org_id,
                          Milestone.due < clock.today(), ~exists().where(MilestoneReport.milestone_id == Milestone.id))
                   .group_by(Contract.project_id))
        add(overdue, lambda n: _("%(count)s 个付款节点已逾期未报告", count=n))
    if user.role == Role.community:
        unconfirmed = (select(Contract.project_id, func.count(Milestone.id))
                       .join(Milestone, Milestone.contract_id == Contract.id)
                       .join(Project, Project.id == Contract.project_id)
                       .where(Project.community_id == org_id, Project.state.in_(("in_delivery", "delivered")),
                              exists().where(MilestoneReport.milestone_id == Milestone.id),
                              ~exists().where(MilestoneConfirmation.milestone_id == Milestone.id))
                       .group_by(Contract.project_id))
        add(unconfirmed, lambda n: _("%(count)s 个已报告的节点待社区确认", count=n))
    if user.role == Role.bureau:
        add((
            select(Challenge.project_id, func.count(Challenge.id)).join(Project, Project.id == Challenge.project_id)
            .where(Project.id.in_(ids), Project.state == "awarded", Challenge.answer.is_(None))
            .group_by(Challenge.project_id)),
            lambda n: _("%(count)s 条质疑待答复", count=n))
        add((
            select(Project.id).where(Project.id.in_(ids), Project.evaluator_org_id.is_(None),
                                     Project.state.in_(("delivered", "under_acceptance", "rectification",
                                                        "accepted")))),
            lambda: _("待抽取第三方评估机构"))
        # The final instalment or the reward, payable by grade once the project is evaluated (差 may leave none).
        evaluated = select(Project).where(Project.id.in_(ids), Project.state == "evaluated").limit(WAITING_LIMIT)
        for project in db.session.scalars(evaluated):
            final = schedule(project).final
            if final is not None and final.payable > 0:
                notes.setdefault(project.id, []).append(
                    _("%(line)s待支付 %(amount)s 元", line=final.label, amount=f"{final.payable:,.2f}"))
        add((
            select(PaymentRequest.project_id, func.count(PaymentRequest.id))
            .join(Project, Project.id == PaymentRequest.project_id)
            .where(Project.id.in_(ids), Project.state.in_(PAYING_STATES), PaymentRequest.state == "requested")
            .group_by(PaymentRequest.project_id)),
            lambda n: _("%(count)s 项付款申请待审批", count=n))
        for project_id, note in _procurement_deadline_notes(ids):
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


def _procurement_deadline_notes(ids) -> list[tuple[int, str]]:
    """The bureau's dates after an award (procure.procurement.deadlines), for the projects `ids` selects: the award
    notice to publish, a contract signed late, a signed contract to publish, challenges answered late."""
    from procure.procurement import deadlines
    from procure.procurement.tenders import Tender
    from procure.workdays.service import Calendar

    sign_days = current_app.config["CONTRACT_SIGN_DAYS"]
    answer_days = current_app.config["CHALLENGE_ANSWER_WORKING_DAYS"]
    awarded = (select(Project).where(Project.id.in_(ids), Project.state == "awarded", Project.awarded_at.is_not(None))
               .order_by(Project.awarded_at).limit(WAITING_LIMIT))
    no_notice = db.session.scalars(awarded.where(
        ~exists().where(Tender.project_id == Project.id, Tender.award_notice_at.is_not(None)))).unique().all()
    unsigned = db.session.scalars(awarded.where(
        Project.awarded_at < clock.now() - timedelta(days=sign_days))).unique().all()
    unpublished = db.session.scalars(
        select(Contract).join(Project, Project.id == Contract.project_id)
        .where(Project.id.in_(ids), Project.state.not_in(TERMINAL_STATES), Contract.published_at.is_(None),
               Contract.terminated_at.is_(None))
        .order_by(Contract.signed_at).limit(WAITING_LIMIT)).all()
    challenges = db.session.scalars(
        select(Challenge).join(Project, Project.id == Challenge.project_id)
        .where(Project.id.in_(ids), Project.state == "awarded", Challenge.answer.is_(None),
               Challenge.filed_at < clock.now() - timedelta(days=answer_days))
        .order_by(Challenge.filed_at).limit(WAITING_LIMIT)).all()
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
