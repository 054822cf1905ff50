"""Conflict declarations and payments."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from procure import clock
from procure.accounts.models import Organisation
from procure.audit.log import record
from procure.errors import GuardFailed, Reason
from procure.evaluation.models import ConflictDeclaration, Payment
from procure.extensions import db
from procure.procurement.models import Contract, Milestone
from procure.projects.inputs import DeclarationForm, DeclarationRequestForm, PaymentForm
from procure.projects.operations import flush, validated
from procure.projects.permissions import authorize_action


def request_declaration(project, user, formdata) -> ConflictDeclaration:
    """The bureau asks an evaluation firm to declare any conflict with this project."""
    authorize_action(user, project, "request_declaration")
    data = validated(DeclarationRequestForm, formdata)
    org = db.session.get(Organisation, data["evaluator_org_id"])
    if org is None or org.kind != "evaluator":
        raise GuardFailed([Reason("evaluator_invalid", _l("所选机构不是第三方评估机构"))])
    existing = db.session.scalar(db.select(ConflictDeclaration).filter_by(
        project_id=project.id, evaluator_org_id=org.id))
    if existing:
        return existing
    declaration = ConflictDeclaration(project_id=project.id, evaluator_org_id=org.id,
                                      requested_at=clock.now(), requested_by_id=user.id)
    db.session.add(declaration)
    flush()
    record(project, user, "request_declaration", data={"evaluator_org_id": org.id})
    flush()
    return declaration


def declare(project, user, formdata) -> ConflictDeclaration:
    """An evaluator of an invited firm declares a conflict, or none."""
    authorize_action(user, project, "declare_conflict")
    data = validated(DeclarationForm, formdata)
    declaration = db.session.scalar(db.select(ConflictDeclaration).filter_by(
        project_id=project.id, evaluator_org_id=user.organisation_id))
    declaration.has_conflict = data["has_conflict"]
    declaration.statement = data["statement"]
    declaration.declared_at, declaration.declared_by_id = clock.now(), user.id
    record(project, user, "declare_conflict", comment=data["statement"],
           data={"has_conflict": data["has_conflict"]})
    flush()
    return declaration


def payable_total(project) -> Decimal:
    contract = db.session.scalar(db.select(Contract).filter_by(project_id=project.id))
    return contract.amount if contract else project.approved_amount


def paid_total(project) -> Decimal:
    total = db.session.scalar(db.select(db.func.coalesce(db.func.sum(Payment.amount), 0))
                              .where(Payment.project_id == project.id))
    # Summed in fen by the database; SUM keeps the Money type, so the value arrives in yuan already.
    return Decimal(total).quantize(Decimal("0.01"))


def payment_reasons(project, kind, amount, milestone_id) -> list[Reason]:
    """Why a payment may not be recorded: the one ceiling check, for direct payments and approved requests.
    The caller holds the project row locked (loaded FOR UPDATE), so the totals read here cannot race."""
    reasons = []
    if kind == "final" and project.state not in ("accepted", "evaluated"):
        reasons.append(Reason("final_before_acceptance", _l("验收通过后方可支付尾款")))
    ceiling, paid = payable_total(project), paid_total(project)
    if paid + amount > ceiling:
        reasons.append(Reason("over_contract_amount", _l("累计支付 %(total)s 元将超过合同金额 %(ceiling)s 元"),
                              total=paid + amount, ceiling=ceiling))
    if milestone_id is not None:
        milestone = db.session.get(Milestone, milestone_id)
        if milestone is None or db.session.get(Contract, milestone.contract_id).project_id != project.id:
            reasons.append(Reason("milestone_not_found", _l("所选节点不属于本项目合同")))
    return reasons


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
