"""Payments: the one check every payment passes (a line of the schedule that is payable now, at most what
it leaves, never above the contract amount), recording a payment, and the final instalment by grade.

Every way to pay (a direct payment on the page or through the API, an approved payment request) calls
`payable_line` with the project row locked (loaded FOR UPDATE), so two payments for the same line queue
and the second sees what the first paid.
"""
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from procure import clock
from procure.audit.log import record
from procure.errors import GuardFailed, Reason
from procure.extensions import db
from procure.lifecycle import flush, validated
from procure.payments.models import Payment
from procure.payments.schedule import Line, schedule
from procure.procurement.models import Contract, Milestone
from procure.projects.inputs import PaymentForm
from procure.projects.labels import GRADE_LABELS, PAYMENT_KIND_LABELS
from procure.projects.permissions import authorize_action


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


# ---- which line a payment pays -------------------------------------------------------------------------

def _own_milestone(project, milestone_id) -> Milestone | None:
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or db.session.get(Contract, milestone.contract_id).project_id != project.id:
        return None
    return milestone


def _not_in_schedule(plan, kind) -> Reason:
    kinds = "、".join(line.label for line in plan.lines) or str(_l("（尚无）"))
    return Reason("kind_not_in_schedule", _l("本项目的付款计划中没有这类款项（%(kind)s）；可支付的款项为：%(kinds)s"),
                  kind=str(PAYMENT_KIND_LABELS.get(kind, kind)), kinds=kinds)


def find_line(project, plan, kind, milestone_id) -> tuple[Line | None, list[Reason]]:
    """The schedule line a payment of `kind` (for `milestone_id`) pays, or why there is none.

    A payment that names a milestone pays that milestone (the contract's last one: the final instalment);
    `instalment`, the name before the schedule, reads as a milestone payment; `final` on a reward is the
    reward."""
    kind = "milestone" if kind == "instalment" else kind
    if milestone_id is not None:
        if _own_milestone(project, milestone_id) is None:
            return None, [Reason("milestone_not_found", _l("所选节点不属于本项目合同"))]
        if kind not in ("milestone", "final"):
            return None, [Reason("milestone_not_expected", _l("预付款、验收款和项目奖励不对应合同节点"))]
        return plan.line_for_milestone(milestone_id), []
    if kind == "milestone":
        if any(line.milestone_id for line in plan.lines):
            return None, [Reason("milestone_required", _l("进度款须注明所付的合同节点（经社区确认的节点）"))]
        return None, [_not_in_schedule(plan, kind)]
    if kind == "final" and plan.funding_form == "reward":
        kind = "reward"
    line = plan.line_of_kind(kind)
    if line is None and kind == "advance" and plan.funding_form == "purchase":
        return None, [Reason("advance_not_agreed", _l("合同未约定预付款，不能支付预付款"))]
    if line is None:
        return None, [_not_in_schedule(plan, kind)]
    return line, []


def line_reasons(plan, line, amount) -> list[Reason]:
    """Why `amount` may not be paid on `line` now: held, not due, or more than it leaves."""
    reasons = []
    if line.due is None or (line.due == 0 and line.kind == "milestone"):
        reasons.append(line.reason)
    elif amount > line.payable:
        left = line.payable
        if line.kind in ("final", "reward") and line.share is not None:
            reasons.append(Reason("final_over_grade", _l("%(line)s按评价等级“%(grade)s”支付 %(percent)s%%：应付 %(due)s 元，"
                                                          "已付 %(paid)s 元，本次最多 %(left)s 元"),
                                  line=line.label, grade=GRADE_LABELS[plan.grade], percent=line.share, due=line.due,
                                  paid=line.paid, left=left))
        else:
            reasons.append(Reason("over_payable", _l("%(line)s现可支付 %(due)s 元，已付 %(paid)s 元，本次最多 %(left)s 元"),
                                  line=line.label, due=line.due, paid=line.paid, left=left))
    if plan.paid + amount > plan.ceiling:
        reasons.append(Reason("over_contract_amount", _l("累计支付 %(total)s 元将超过合同金额 %(ceiling)s 元"),
                              total=plan.paid + amount, ceiling=plan.ceiling))
    return reasons


def payment_reasons(project, kind, amount, milestone_id) -> list[Reason]:
    """Why a payment may not be recorded: the one check for direct payments and approved requests. The
    caller holds the project row locked (loaded FOR UPDATE), so the totals read here cannot race."""
    return _checked(project, kind, amount, milestone_id)[1]


def _checked(project, kind, amount, milestone_id) -> tuple[Line | None, list[Reason]]:
    plan = schedule(project)
    line, reasons = find_line(project, plan, kind, milestone_id)
    if line is not None:
        reasons = line_reasons(plan, line, amount)
    return line, reasons


def payable_line(project, kind, amount, milestone_id) -> Line:
    """The line the payment pays, or GuardFailed with every reason it may not be paid now."""
    line, reasons = _checked(project, kind, amount, milestone_id)
    if reasons:
        raise GuardFailed(reasons)
    return line


def request_reasons(project, milestone_id, amount) -> list[Reason]:
    """Why the implementer may not ask to be paid `amount` for a milestone (of this contract): its line
    is settled, not met, or the final instalment before the evaluation. A milestone still waiting for the
    community's confirmation may be asked for (the bureau pays once it is confirmed)."""
    plan = schedule(project)
    line = plan.line_for_milestone(milestone_id)
    if (line.kind == "final" and line.due is None) or line.due == 0:
        return [line.reason] if line.reason else []
    left = (line.base if line.due is None else line.due) - line.paid
    if amount > left:
        return [Reason("over_milestone_share", _l("申请金额超过该节点尚可支付的 %(left)s 元"), left=max(left, 0))]
    return []


# ---- recording -----------------------------------------------------------------------------------------

def pay(project, user, line, amount, paid_on, note="", action="record_payment", **audit) -> Payment:
    """Record a payment on `line` after `payable_line` allowed it; audited as `action`."""
    payment = Payment(project_id=project.id, kind=line.kind, amount=amount, paid_on=paid_on,
                      milestone_id=line.milestone_id, note=note or "", recorded_at=clock.now(),
                      recorded_by_id=user.id)
    db.session.add(payment)
    flush()
    record(project, user, action, data={"payment_id": payment.id, "kind": payment.kind, "amount": payment.amount,
                                        "milestone_id": payment.milestone_id, **audit})
    flush()
    return payment


def record_payment(project, user, formdata) -> Payment:
    """The bureau records a payment. Lock the project row first (the caller loads it FOR UPDATE)."""
    authorize_action(user, project, "record_payment")
    data = validated(PaymentForm, formdata)
    line = payable_line(project, data["kind"], data["amount"], data["milestone_id"])
    return pay(project, user, line, data["amount"], data["paid_on"], data["note"])


# ---- the final payment by grade -------------------------------------------------------------------------

@dataclass
class FinalPayment:
    grade: str
    percent: int
    base: Decimal  # the last instalment (the last milestone's share, an agreement's final share, a reward)
    due: Decimal
    paid: Decimal  # paid towards it so far


def final_payment(project) -> FinalPayment | None:
    """What the line the grade decides comes to (None before the evaluation, or where there is none)."""
    if not project.grade:
        return None
    line = schedule(project).final
    if line is None:
        return None
    return FinalPayment(project.grade, line.share, line.base, line.due, line.paid)
