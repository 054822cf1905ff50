"""Payments: the ceiling (the contract amount), a milestone's share, the final instalment by the performance
evaluation's grade, and recording a payment."""
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l

from procure import clock
from procure.audit.log import record
from procure.errors import GuardFailed, Reason
from procure.extensions import db
from procure.lifecycle import flush, validated
from procure.payments.models import Payment
from procure.payments.shares import final_instalment
from procure.procurement.models import Contract, Milestone
from procure.projects.inputs import PaymentForm
from procure.projects.labels import GRADE_LABELS
from procure.projects.permissions import authorize_action
from procure.types import CENT


def payable_total(project) -> Decimal:
    contract = db.session.scalar(db.select(Contract).filter_by(project_id=project.id))
    return contract.amount if contract else project.approved_amount


def paid_total(project) -> Decimal:
    total = db.session.scalar(db.select(db.func.coalesce(db.func.sum(Payment.amount), 0))
                              .where(Payment.project_id == project.id))
    # Summed in fen by the database; SUM keeps the Money type, so the value arrives in yuan already.
    return Decimal(total).quantize(Decimal("0.01"))


def amount_below_paid(project, amount) -> list[Reason]:
    """An amended contract amount may not fall below what is paid (registered on procurement.contracts)."""
    paid = paid_total(project)
    if amount < paid:
        return [Reason("amount_below_paid", _l("变更后金额不能低于已支付的 %(paid)s 元（含已批准的付款申请）"),
                       paid=f"{paid:.2f}")]
    return []


def payment_reasons(project, kind, amount, milestone_id) -> list[Reason]:
    """Why a payment may not be recorded: the one ceiling check, for direct payments and approved requests.
    The caller holds the project row locked (loaded FOR UPDATE), so the totals read here cannot race."""
    reasons = final_reasons(project, kind, amount, milestone_id)
    ceiling, paid = payable_total(project), paid_total(project)
    if paid + amount > ceiling:
        reasons.append(Reason("over_contract_amount", _l("累计支付 %(total)s 元将超过合同金额 %(ceiling)s 元"),
                              total=paid + amount, ceiling=ceiling))
    if milestone_id is not None:
        milestone = db.session.get(Milestone, milestone_id)
        if milestone is None or db.session.get(Contract, milestone.contract_id).project_id != project.id:
            reasons.append(Reason("milestone_not_found", _l("所选节点不属于本项目合同")))
    return reasons


def final_reasons(project, kind, amount, milestone_id) -> list[Reason]:
    """The final instalment (kind final, or a payment for the contract's last milestone) waits for the
    performance evaluation and is at most its share by grade (FINAL_PAYMENT_PERCENT of the last instalment)."""
    if kind != "final" and (milestone_id is None or milestone_id != last_milestone_id(project)):
        return []
    due = final_payment(project) if project.state == "evaluated" else None
    if due is None:
        return [Reason("final_before_evaluation", _l("绩效评价完成后方可支付尾款（最后一期款项）"))]
    if due.paid + amount > due.due:
        return [Reason("final_over_grade", _l("尾款按评价等级%(grade)s支付 %(percent)s%%：应付 %(due)s 元，已付 %(paid)s 元，"
                                              "本次最多 %(left)s 元"),
                       grade=GRADE_LABELS[due.grade], percent=due.percent, due=due.due, paid=due.paid,
                       left=max(due.due - due.paid, Decimal("0.00")))]
    return []


def pay(project, user, kind, amount, paid_on, milestone_id=None, note="", action="record_payment",
        **audit) -> Payment:
    """Record a payment after `payment_reasons` allowed it; audited as `action`."""
    payment = Payment(project_id=project.id, kind=kind, amount=amount, paid_on=paid_on, milestone_id=milestone_id,
                      note=note or "", recorded_at=clock.now(), recorded_by_id=user.id)
    db.session.add(payment)
    flush()
    record(project, user, action, data={"payment_id": payment.id, "kind": payment.kind, "amount": payment.amount,
                                        **audit})
    flush()
    return payment


def record_payment(project, user, formdata) -> Payment:
    """Lock the project row first (the caller loads it FOR UPDATE) so totals cannot race."""
    authorize_action(user, project, "record_payment")
    data = validated(PaymentForm, formdata)
    reasons = payment_reasons(project, data["kind"], data["amount"], data["milestone_id"])
    if reasons:
        raise GuardFailed(reasons)
    return pay(project, user, data["kind"], data["amount"], data["paid_on"], data["milestone_id"], data["note"])


def milestone_share(milestone) -> Decimal:
    """A milestone's part of the contract amount."""
    contract = db.session.get(Contract, milestone.contract_id)
    return (contract.amount * milestone.percent / 100).quantize(CENT)


# ---- the final payment by grade -------------------------------------------------------------------------

@dataclass
class FinalPayment:
    grade: str
    percent: int
    base: Decimal  # the last instalment (the last milestone's share, or the whole amount without milestones)
    due: Decimal
    paid: Decimal  # paid towards it so far


def _last_milestone(project):
    contract = db.session.scalar(db.select(Contract).filter_by(project_id=project.id))
    return contract.milestones[-1] if contract and contract.milestones else None


def last_milestone_id(project) -> int | None:
    last = _last_milestone(project)
    return last.id if last else None


def final_base(project) -> Decimal:
    last = _last_milestone(project)
    return milestone_share(last) if last else payable_total(project)


def paid_towards_final(project) -> Decimal:
    """Payments of kind final and for the last milestone; without milestones every payment counts."""
    query = db.select(db.func.coalesce(db.func.sum(Payment.amount), 0)).where(Payment.project_id == project.id)
    last = last_milestone_id(project)
    if last is not None:
        query = query.where(db.or_(Payment.kind == "final", Payment.milestone_id == last))
    return Decimal(db.session.scalar(query)).quantize(CENT)


def final_payment(project) -> FinalPayment | None:
    """What the final instalment comes to by the grade (None before the evaluation is finalised)."""
    if not project.grade:
        return None
    base = final_base(project)
    percent = current_app.config["FINAL_PAYMENT_PERCENT"][project.grade]
    return FinalPayment(project.grade, percent, base, final_instalment(base, project.grade),
                        paid_towards_final(project))
