"""Acceptance (验收): the checklist drawn from the contract, the evaluator's judgements and site visits, the
community's confirmation, rectification rounds (整改) and what acceptance needs. Check, change, audit; flush,
never commit.

A rectification round is open until the implementer responds; the next request for rectification marks the
responded round failed, acceptance marks it passed. After RECTIFICATION_MAX_ROUNDS rounds no further round
may be asked for: the evaluator accepts, or the bureau terminates the contract (the `terminate` trigger)."""
import re
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from procure import clock
from procure.acceptance.inputs import AcceptanceConfirmationForm, ChecklistItemForm, JudgementForm, SiteVisitForm
from procure.acceptance.models import ChecklistItem, CommunityConfirmation, Rectification, SiteVisit
from procure.audit.log import record
from procure.audit.models import AuditEntry
from procure.errors import GuardFailed, NotFound, Reason
from procure.extensions import db
from procure.lifecycle import flush, validated
from procure.procurement.models import Contract
from procure.projects.permissions import authorize_action

SPLIT = re.compile(r"[。；;\n]")
UNMET = ("partly_met", "not_met")


def split_items(text) -> list[str]:
    """One checklist item per sentence or clause (。；; or a new line), blanks skipped."""
    return [part.strip() for part in SPLIT.split(text or "") if part.strip()]


# ---- reading ---------------------------------------------------------------------------------------------

def items_of(project) -> list[ChecklistItem]:
    return db.session.scalars(select(ChecklistItem).filter_by(project_id=project.id)
                              .order_by(ChecklistItem.position, ChecklistItem.id)).all()


def visits_of(project) -> list[SiteVisit]:
    return db.session.scalars(select(SiteVisit).filter_by(project_id=project.id)
                              .order_by(SiteVisit.visited_on, SiteVisit.id)).all()


def rounds_of(project) -> list[Rectification]:
    return db.session.scalars(select(Rectification).filter_by(project_id=project.id)
                              .order_by(Rectification.round)).all()


def confirmation_of(project) -> CommunityConfirmation | None:
    return db.session.scalar(select(CommunityConfirmation).filter_by(project_id=project.id))


def open_round(project) -> Rectification | None:
    """The round awaiting the implementer's response, if any."""
    return db.session.scalar(select(Rectification).filter_by(project_id=project.id, responded_at=None)
                             .order_by(Rectification.round.desc()).limit(1))


def _undecided_round(project) -> Rectification | None:
    """The latest round that was responded to and awaits re-acceptance's verdict."""
    return db.session.scalar(select(Rectification).where(
        Rectification.project_id == project.id, Rectification.responded_at.is_not(None),
        Rectification.outcome.is_(None)).order_by(Rectification.round.desc()).limit(1))


def response_late(row: Rectification) -> bool:
    return row.responded_at is not None and clock.local(row.responded_at).date() > row.deadline


def response_overdue(row: Rectification) -> bool:
    """No response yet and the deadline has passed."""
    return row.responded_at is None and clock.today() > row.deadline


def limit_reached(project) -> bool:
    """As many rounds as the setting allows have been asked for: no further rectification can be requested."""
    return len(rounds_of(project)) >= current_app.config["RECTIFICATION_MAX_ROUNDS"]


def accepted_on(project):
    """The day acceptance was recorded (its audit entry), or None."""
    at = db.session.scalar(select(AuditEntry.at).filter_by(project_id=project.id, action="accept")
                           .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(1))
    return clock.local(at).date() if at else None


def _last_response_at(project):
    return db.session.scalar(select(func.max(Rectification.responded_at)).filter_by(project_id=project.id))


def confirmation_current(project, confirmation=None) -> bool:
    """The community confirmed after the latest rectification response (a confirmation before it belongs to
    an earlier acceptance round)."""
    confirmation = confirmation or confirmation_of(project)
    if confirmation is None:
        return False
    last = _last_response_at(project)
    return last is None or confirmation.confirmed_at >= last


# ---- lifecycle effects and guards (called from procure.projects.operations / guards) -----------------------

def on_start_acceptance(project, user, data):
    """The checklist: the contract's service content, quantity and quality targets clause by clause and its
    milestones; for an agreement or reward without such terms, the proposal's goals. Kept if it exists."""
    if db.session.scalar(select(ChecklistItem.id).filter_by(project_id=project.id).limit(1)) is not None:
        return
    contract = db.session.scalar(select(Contract).filter_by(project_id=project.id))
    rows = []
    if contract is not None:
        for source, text in (("service_content", contract.service_content), ("quantity", contract.quantity_targets),
                             ("quality", contract.quality_targets)):
            rows += [(source, part) for part in split_items(text)]
        rows += [("milestone", f"{m.name}（{m.percent}%），完成期限 {m.due.isoformat()}") for m in contract.milestones]
    if not rows:
        rows = [("goal", part) for part in split_items(project.goals)]
    for position, (source, text) in enumerate(rows):
        db.session.add(ChecklistItem(project_id=project.id, position=position, source=source, text=text))


def rectification_reasons(project, data) -> list[Reason]:
    reasons = []
    rounds = len(rounds_of(project))
    most = current_app.config["RECTIFICATION_MAX_ROUNDS"]
    if rounds >= most:
        reasons.append(Reason("rectification_limit", _l("已整改 %(rounds)s 轮仍未通过，达到整改次数上限，不能再要求整改；"
                                                        "采购管理部门可依合同终止合同"), rounds=rounds))
    if data is not None and data.get("deadline") is not None and data["deadline"] <= clock.today():
        reasons.append(Reason("rectification_deadline_past", _l("整改期限须晚于今天")))
    return reasons


def on_request_rectification(project, user, data):
    now = clock.now()
    previous = _undecided_round(project)
    if previous is not None:
        previous.outcome, previous.judged_at = "failed", now
    number = (db.session.scalar(select(func.max(Rectification.round)).filter_by(project_id=project.id)) or 0) + 1
    deadline = data.get("deadline") or clock.today() + timedelta(days=current_app.config["RECTIFICATION_DAYS"])
    data["deadline"] = deadline  # so that the audit entry shows the deadline set
    db.session.add(Rectification(project_id=project.id, round=number, findings=data["findings"], deadline=deadline,
                                 requested_at=now, requested_by_id=user.id))


def on_resubmit(project, user, data):
    """The implementer's response closes the open round; items not (fully) met are to be checked again."""
    row = open_round(project)
    if row is not None:
        row.response, row.responded_at, row.responded_by_id = data["response"], clock.now(), user.id
        data["late"] = response_late(row)
    for item in items_of(project):
        if item.result in UNMET:
            item.result, item.checked_at, item.checked_by_id = None, None, None


def accept_reasons(project, data) -> list[Reason]:
    reasons = []
    items = items_of(project)
    if not items:
        reasons.append(Reason("checklist_empty", _l("验收清单为空，请先补充验收内容")))
    unjudged = [i for i in items if i.result is None]
    if unjudged:
        reasons.append(Reason("items_unjudged", _l("尚有 %(count)s 项验收内容未评定"), count=len(unjudged)))
    unmet = [i for i in items if i.result in UNMET]
    if unmet:
        reasons.append(Reason("items_not_met", _l("有 %(count)s 项验收内容未达到或部分达到要求，应要求整改"),
                              count=len(unmet)))
    if db.session.scalar(select(SiteVisit.id).filter_by(project_id=project.id).limit(1)) is None:
        reasons.append(Reason("no_site_visit", _l("尚无现场走访记录")))
    confirmation = confirmation_of(project)
    if confirmation is not None and confirmation_current(project, confirmation) and not confirmation.agreed:
        reasons.append(Reason("community_not_confirmed", _l("社区及居民代表不同意验收通过")))
    elif not confirmation_current(project, confirmation):
        reasons.append(Reason("community_not_confirmed", _l("社区及居民代表尚未确认本轮验收")))
    if open_round(project) is not None:
        reasons.append(Reason("rectification_open", _l("尚有整改未答复")))
    return reasons


def on_accept(project, user, data):
    project.acceptance_report = data["report"]
    row = _undecided_round(project)
    if row is not None:
        row.outcome, row.judged_at = "passed", clock.now()


# ---- the evaluator's and the community's actions --------------------------------------------------------------

def _item(project, item_id) -> ChecklistItem:
    item = db.session.get(ChecklistItem, item_id) if isinstance(item_id, int) else None
    if item is None or item.project_id != project.id:
        raise NotFound()
    return item


def judge_item(project, user, item_id, formdata) -> ChecklistItem:
    """The assigned evaluator judges one item: met, partly met or not met (with the finding)."""
    authorize_action(user, project, "judge_item")
    item = _item(project, item_id)
    data = validated(JudgementForm, formdata)
    before = {"result": item.result, "finding": item.finding}
    item.result, item.finding = data["result"], (data["finding"] or "").strip()
    item.checked_at, item.checked_by_id = clock.now(), user.id
    record(project, user, "judge_item", comment=item.finding,
           data={"item_id": item.id, "text": item.text, "result": item.result, "finding": item.finding,
                 "previous": before})
    flush()
    return item


def add_item(project, user, formdata) -> ChecklistItem:
    """The evaluator adds what the contract did not spell out (source `custom`)."""
    authorize_action(user, project, "add_checklist_item")
    data = validated(ChecklistItemForm, formdata)
    last = db.session.scalar(select(func.max(ChecklistItem.position)).filter_by(project_id=project.id))
    item = ChecklistItem(project_id=project.id, position=(-1 if last is None else last) + 1, source="custom",
                         text=data["text"].strip())
    db.session.add(item)
    flush()
    record(project, user, "add_checklist_item", comment=item.text, data={"item_id": item.id, "text": item.text})
    flush()
    return item


def record_site_visit(project, user, formdata) -> SiteVisit:
    authorize_action(user, project, "record_site_visit")
    data = validated(SiteVisitForm, formdata)
    if data["visited_on"] > clock.today():
        raise GuardFailed([Reason("visit_in_future", _l("走访日期不能晚于今天"))])
    visit = SiteVisit(project_id=project.id, visited_on=data["visited_on"], place=data["place"],
                      participants=data["participants"] or "", observations=data["observations"],
                      recorded_at=clock.now(), recorded_by_id=user.id)
    db.session.add(visit)
    flush()
    record(project, user, "record_site_visit", comment=visit.observations, data={"site_visit_id": visit.id, **data})
    flush()
    return visit


def confirm_acceptance(project, user, formdata) -> CommunityConfirmation:
    """The community's confirmation, with the residents' representatives present: one per project, a later
    confirmation replacing the earlier (whose values the audit entry keeps)."""
    authorize_action(user, project, "confirm_acceptance")
    data = validated(AcceptanceConfirmationForm, formdata)
    row = confirmation_of(project)
    previous = None
    if row is None:
        row = CommunityConfirmation(project_id=project.id)
        db.session.add(row)
    else:
        previous = {"agreed": row.agreed, "opinion": row.opinion, "residents_present": row.residents_present,
                    "confirmed_at": row.confirmed_at}
    row.agreed, row.opinion, row.residents_present = bool(data["agreed"]), data["opinion"], data["residents_present"]
    row.confirmed_at, row.confirmed_by_id = clock.now(), user.id
    record(project, user, "confirm_acceptance", comment=row.opinion,
           data={"agreed": row.agreed, "opinion": row.opinion, "residents_present": row.residents_present,
                 "previous": previous})
    flush()
    return row
