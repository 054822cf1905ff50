"""The only code that changes delivery records: check, change, audit; flush but never commit.

Progress counts a milestone confirmed as met in full and one partially met at half its percent
(PROGRESS_SHARE); a milestone not met, or not yet confirmed, counts nothing.
"""
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from procure import clock
from procure.audit.log import record
from procure.delivery.models import PROGRESS_SHARE, MilestoneConfirmation, PaymentRequest, ServiceRecord
from procure.errors import Conflict, GuardFailed, NotFound, Reason
from procure.extensions import db
from procure.lifecycle import flush, validated
from procure.payments.operations import pay, payable_line, request_reasons
from procure.procurement.models import Contract, Milestone, MilestoneReport
from procure.projects.inputs import (ConfirmationForm, PaymentApprovalForm, PaymentRequestForm, ReasonForm,
                                     ServiceRecordForm)
from procure.projects.permissions import authorize_action
from procure.types import CENT


def milestones_of(project) -> list[Milestone]:
    contract = db.session.scalar(select(Contract).filter_by(project_id=project.id))
    return list(contract.milestones) if contract else []


def _milestone(project, milestone_id) -> Milestone | None:
    """The milestone if it belongs to this project's contract."""
    milestone = db.session.get(Milestone, milestone_id) if isinstance(milestone_id, int) else None
    if milestone is None or db.session.get(Contract, milestone.contract_id).project_id != project.id:
        return None
    return milestone


def _not_ours():
    return GuardFailed([Reason("milestone_not_found", _l("所选节点不属于本项目合同"))])


def _is_reported(milestone) -> bool:
    return db.session.scalar(select(MilestoneReport.id).filter_by(milestone_id=milestone.id).limit(1)) is not None


# ---- service records ----------------------------------------------------------------------------

def log_service(project, user, formdata) -> ServiceRecord:
    """The implementer logs one service session during delivery."""
    authorize_action(user, project, "log_service")
    data = validated(ServiceRecordForm, formdata)
    if data["milestone_id"] is not None and _milestone(project, data["milestone_id"]) is None:
        raise _not_ours()
    row = ServiceRecord(project_id=project.id, milestone_id=data["milestone_id"], served_on=data["served_on"],
                        place=data["place"], activity=data["activity"], participants=data["participants"],
                        hours=data["hours"], recorded_by_id=user.id, recorded_at=clock.now())
    db.session.add(row)
    flush()
    record(project, user, "log_service", comment=data["activity"], data={"service_record_id": row.id, **data})
    flush()
    return row


def service_records(project) -> list[ServiceRecord]:
    return db.session.scalars(select(ServiceRecord).filter_by(project_id=project.id)
                              .order_by(ServiceRecord.served_on, ServiceRecord.id)).all()


# ---- the community's confirmation ------------------------------------------------------------------

def confirm_milestone(project, user, milestone_id, formdata) -> MilestoneConfirmation:
    """The community confirms a reported milestone as met, partially met or not met: once."""
    authorize_action(user, project, "confirm_milestone")
    milestone = _milestone(project, milestone_id)
    if milestone is None:
        raise NotFound()
    data = validated(ConfirmationForm, formdata)
    if db.session.scalar(select(MilestoneConfirmation.id).filter_by(milestone_id=milestone.id)):
        raise Conflict(_l("该节点已确认"))
    if not _is_reported(milestone):
        raise GuardFailed([Reason("milestone_unreported", _l("承接方尚未报告该节点，暂不能确认"))])
    row = MilestoneConfirmation(milestone_id=milestone.id, result=data["result"], comment=data["comment"],
                                confirmed_at=clock.now(), confirmed_by_id=user.id)
    db.session.add(row)
    flush()
    record(project, user, "confirm_milestone", comment=data["comment"],
           data={"milestone_id": milestone.id, "result": data["result"]})
    flush()
    return row


def confirmations(project) -> dict[int, MilestoneConfirmation]:
    ids = [m.id for m in milestones_of(project)]
    rows = db.session.scalars(select(MilestoneConfirmation).where(MilestoneConfirmation.milestone_id.in_(ids)))
    return {c.milestone_id: c for c in rows}


def confirmed_results(project) -> dict[int, str]:
    """How the community confirmed each milestone (procure.stages gives it to the payment schedule)."""
    return {milestone_id: c.result for milestone_id, c in confirmations(project).items()}


def progress(project) -> Decimal:
    """Percent of the contract delivered as the community confirmed it (see the module's docstring)."""
    confirmed = confirmations(project)
    total = sum((m.percent * PROGRESS_SHARE[confirmed[m.id].result] for m in milestones_of(project)
                 if m.id in confirmed), start=Decimal(0))
    return Decimal(total).quantize(CENT)


# ---- payment requests ----------------------------------------------------------------------------------

def request_payment(project, user, formdata) -> PaymentRequest:
    """The implementer asks to be paid for a reported milestone, at most what is left of its share."""
    authorize_action(user, project, "request_payment")
    data = validated(PaymentRequestForm, formdata)
    milestone = _milestone(project, data["milestone_id"])
    if milestone is None:
        raise _not_ours()
    reasons = [] if _is_reported(milestone) else [
        Reason("milestone_unreported", _l("该节点尚未报告完成情况，暂不能申请付款"))]
    reasons += request_reasons(project, milestone.id, data["amount"])
    if reasons:
        raise GuardFailed(reasons)
    row = PaymentRequest(project_id=project.id, milestone_id=milestone.id, amount=data["amount"],
                         note=data["note"] or "", requested_by_id=user.id, requested_at=clock.now(),
                         state="requested")
    db.session.add(row)
    flush()
    record(project, user, "request_payment", comment=row.note,
           data={"payment_request_id": row.id, "milestone_id": milestone.id, "amount": row.amount})
    flush()
    return row


def _open_request(project, user, request_id) -> PaymentRequest:
    authorize_action(user, project, "decide_payment_request")
    row = db.session.get(PaymentRequest, request_id) if isinstance(request_id, int) else None
    if row is None or row.project_id != project.id:
        raise NotFound()
    return row


def _undecided(row):
    if row.state != "requested":
        raise Conflict(_l("该付款申请已处理"))


def approve_payment_request(project, user, request_id, formdata) -> PaymentRequest:
    """The bureau approves: the payment is recorded through the same check as a direct payment (the
    milestone confirmed, at most what its line leaves; the last milestone after the evaluation, by grade).
    The caller holds the project row locked, so racing approvals queue here."""
    row = _open_request(project, user, request_id)
    data = validated(PaymentApprovalForm, formdata)
    _undecided(row)
    line = payable_line(project, "milestone", row.amount, row.milestone_id)
    payment = pay(project, user, line, row.amount, data["paid_on"] or clock.today(), data["note"],
                  action="approve_payment_request", payment_request_id=row.id)
    row.state, row.decided_by_id, row.decided_at, row.payment_id = "approved", user.id, clock.now(), payment.id
    flush()
    return row


def refuse_payment_request(project, user, request_id, formdata) -> PaymentRequest:
    row = _open_request(project, user, request_id)
    data = validated(ReasonForm, formdata)
    _undecided(row)
    row.state, row.decided_by_id, row.decided_at, row.reason = "refused", user.id, clock.now(), data["reason"]
    record(project, user, "refuse_payment_request", comment=data["reason"],
           data={"payment_request_id": row.id, "milestone_id": row.milestone_id, "amount": row.amount})
    flush()
    return row


def payment_requests(project) -> list[PaymentRequest]:
    return db.session.scalars(select(PaymentRequest).filter_by(project_id=project.id)
                              .order_by(PaymentRequest.id)).all()
