"""A contract after signing: publication, amendments (变更), termination, and the warnings it carries
(signed or published late). Check, change, audit; flush but never commit.

An amendment may raise the amount by at most AMENDMENT_MAX_INCREASE_PERCENT of the amount as signed,
counted over all amendments together (the signed amount is the first amendment's recorded old value),
never above the approved amount and never below what has been paid (approving a payment request
records its payment, so the paid total includes approved requests).
"""
from decimal import ROUND_DOWN, Decimal

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from procure import clock
from procure.audit.log import record
from procure.errors import Conflict, GuardFailed, NotFound, Reason
from procure.extensions import db
from procure.lifecycle import flush, validated
from procure.procurement import deadlines
from procure.procurement.guards import deposit_reasons, term_reasons, within_budget
from procure.procurement.models import Contract, ContractAmendment
from procure.projects.inputs import AmendmentForm
from procure.projects.permissions import authorize_action
from procure.providers.operations import debar
from procure.types import CENT

TEXT_TERMS = ("service_content", "quantity_targets", "quality_targets")
TERM_LABELS = {"amount": _l("金额（元）"), "deposit": _l("履约保证金（元）"), "end": _l("结束日期"),
               "service_content": _l("服务内容"),
               "quantity_targets": _l("数量指标"), "quality_targets": _l("质量指标")}


def contract_of(project) -> Contract | None:
    return db.session.scalar(db.select(Contract).filter_by(project_id=project.id))


def _contract_for(project, user, action) -> Contract:
    """Role, record and state first; then the contract, which must still be in force."""
    authorize_action(user, project, action)
    contract = contract_of(project)
    if contract is None:
        raise NotFound()
    if contract.terminated_at is not None:
        raise Conflict(_l("合同已终止"))
    return contract


# ---- publication ----------------------------------------------------------------------------------

def publish(project, user) -> Contract:
    """Publish the signed contract (within CONTRACT_PUBLISH_WORKING_DAYS of signing; later is allowed
    and leaves a warning). Once only."""
    contract = _contract_for(project, user, "publish_contract")
    if contract.published_at is not None:
        raise Conflict(_l("合同已公开"))
    due = deadlines.contract_publish_due(contract)
    contract.published_at = clock.now()
    record(project, user, "publish_contract",
           data={"contract_id": contract.id, "version": contract.version, "due": due,
                 "late": deadlines.is_late(due, clock.today())})
    flush()
    return contract


# ---- amendments -----------------------------------------------------------------------------------

def signed_amount(contract) -> Decimal:
    """The amount as signed (version 1): the old value recorded by the first amendment that changed it."""
    for amendment in contract.amendments:
        if "amount" in amendment.changes:
            return Decimal(amendment.changes["amount"][0])
    return contract.amount


def amendment_changes(contract, data) -> dict:
    """{field: [old, new]} as strings, for what the input really changes."""
    changes = {}
    if data["amount"] is not None and data["amount"] != contract.amount:
        changes["amount"] = [f"{contract.amount:.2f}", f"{data['amount']:.2f}"]
    if data["deposit"] is not None and data["deposit"] != contract.deposit:
        changes["deposit"] = [f"{contract.deposit:.2f}", f"{data['deposit']:.2f}"]
    if data["end"] is not None and data["end"] != contract.end_date:
        changes["end"] = [contract.end_date.isoformat(), data["end"].isoformat()]
    for name in TEXT_TERMS:
        new = (data[name] or "").strip()
        if new and new != (getattr(contract, name) or ""):
            changes[name] = [getattr(contract, name) or "", new]
    return changes


# What later stages add to the checks of an amended amount, each `check(project, amount) -> list[Reason]`;
# procure.stages registers the payments' floor (not below what is paid), so procurement does not read payments.
AMOUNT_CHECKS: list = []


def amendment_reasons(project, contract, data, changes) -> list[Reason]:
    if not changes:
        return [Reason("amendment_no_change", _l("变更未改动任何合同条款"))]
    reasons = []
    if "amount" in changes:
        amount, signed = data["amount"], signed_amount(contract)
        percent = current_app.config["AMENDMENT_MAX_INCREASE_PERCENT"]
        if amount * 100 > signed * (100 + percent):
            ceiling = (signed * (100 + percent) / 100).quantize(CENT, ROUND_DOWN)
            reasons.append(Reason("amendment_increase_too_high",
                                  _l("变更后金额累计不得超过签订时金额 %(signed)s 元的 %(percent)s%%（最高 %(ceiling)s 元）"),
                                  signed=f"{signed:.2f}", percent=percent, ceiling=f"{ceiling:.2f}"))
        reasons += within_budget(project, amount)
        for check in AMOUNT_CHECKS:
            reasons += check(project, amount)
    if "amount" in changes or "deposit" in changes:  # a lower amount may need a lower deposit with it
        reasons += deposit_reasons(Decimal(changes.get("deposit", [None, contract.deposit])[1]),
                                   Decimal(changes.get("amount", [None, contract.amount])[1]))
    if "end" in changes:
        end = data["end"]
        if end < contract.start_date:
            reasons.append(Reason("end_before_start", _l("结束日期不能早于开始日期 %(start)s"),
                                  start=contract.start_date.isoformat()))
        else:
            reasons += term_reasons({"start": contract.start_date, "end": end}, contract.multi_year)
        outside = [m.name for m in contract.milestones if m.due > end]
        if outside:
            reasons.append(Reason("milestone_outside_term", _l("以下付款节点的完成期限不在服务期限内：%(names)s"),
                                  names="、".join(outside)))
    return reasons


def amend(project, user, formdata) -> ContractAmendment:
    """Change the contract's amount, end or terms, with a reason: a new version and its history row."""
    contract = _contract_for(project, user, "amend_contract")
    data = validated(AmendmentForm, formdata)
    changes = amendment_changes(contract, data)
    reasons = amendment_reasons(project, contract, data, changes)
    if reasons:
        raise GuardFailed(reasons)
    if "amount" in changes:
        contract.amount = data["amount"]
    if "deposit" in changes:
        contract.deposit = data["deposit"]
    if "end" in changes:
        contract.end_date = data["end"]
    for name in TEXT_TERMS:
        if name in changes:
            setattr(contract, name, changes[name][1])
    contract.version += 1
    amendment = ContractAmendment(contract_id=contract.id, version=contract.version, reason=data["reason"],
                                  changes=changes, amended_at=clock.now(), amended_by_id=user.id)
    contract.amendments.append(amendment)
    flush()
    record(project, user, "amend_contract", comment=data["reason"],
           data={"contract_id": contract.id, "version": contract.version, "changes": changes})
    flush()
    return amendment


# ---- termination (the `terminate` trigger's effect) ----------------------------------------------------

def terminate(project, user, data):
    """End the contract; for a breach, bar the implementer for DEBARMENT_BREACH_YEARS (audited there).
    The trigger itself is checked and audited by procure.lifecycle.fire."""
    contract = contract_of(project)
    contract.terminated_at, contract.termination_reason = clock.now(), data["reason"]
    if data["breach"]:
        debar(contract.implementer, user, f"{project.code}：{data['reason']}", "breach", clock.today(),
              project_id=project.id, contract_id=contract.id)


# ---- warnings -------------------------------------------------------------------------------------

def warnings(contract, project=None) -> list[str]:
    """What the contract did late, in the reader's language: signed after the 30 days from the award
    (purchase contracts: a subsidy agreement follows no award), published after the working days allowed
    (or not yet published, and already late; agreements are public contracts too)."""
    from procure.projects.models import Project

    project = project or db.session.get(Project, contract.project_id)
    found = []
    sign_due = deadlines.contract_sign_due(project) if contract.kind == "contract" else None
    signed_on = contract.signed_on or clock.local(contract.signed_at).date()
    if deadlines.is_late(sign_due, signed_on):
        found.append(_("合同于 %(signed)s 签订，晚于确定承接方后 %(days)s 日内签订的期限（%(due)s）",
                       signed=signed_on.isoformat(), days=current_app.config["CONTRACT_SIGN_DAYS"],
                       due=sign_due.isoformat()))
    publish_due = deadlines.contract_publish_due(contract)
    days = current_app.config["CONTRACT_PUBLISH_WORKING_DAYS"]
    if contract.published_at is not None:
        published_on = clock.local(contract.published_at).date()
        if deadlines.is_late(publish_due, published_on):
            found.append(_("合同于 %(published)s 公开，晚于签订后 %(days)s 个工作日内公开的期限（%(due)s）",
                           published=published_on.isoformat(), days=days, due=publish_due.isoformat()))
    elif contract.terminated_at is None and deadlines.is_late(publish_due):
        found.append(_("合同尚未公开，已超过签订后 %(days)s 个工作日内公开的期限（%(due)s）",
                       days=days, due=publish_due.isoformat()))
    return found
