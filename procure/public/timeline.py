"""A project's public timeline: the milestones of its audit trail that the public may know of, each with its
date, a public label and the acting organisation (never the user, the audit comment or its data).

An allow-list: an action not named here (drafts, review steps, bids, the panel, score sheets, declarations,
internal records) never shows. Each group of actions becomes public with the part of the project it is about
(procure.disclosure)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from procure import clock, disclosure
from procure.accounts.models import Organisation
from procure.audit.models import AuditEntry
from procure.extensions import db


LABELS = {
    "publish_notice": _l("发布社区公示"), "add_objection": _l("居民提出异议"), "file_objection": _l("居民提出异议"),
    "answer_objection": _l("社区答复居民异议"),
    "approve": _l("审核通过（批准立项）"), "list_in_catalogue": _l("列入购买服务目录"),
    "open_tender": _l("发布采购公告"), "award": _l("确定承接方"), "publish_award_notice": _l("发布中标（成交）公告"),
    "sign_contract": _l("签订合同"), "sign_agreement": _l("签订补贴协议"), "publish_contract": _l("公开合同"),
    "amend_contract": _l("合同变更"), "terminate": _l("终止合同"),
    "start_delivery": _l("开始实施"), "report_milestone": _l("报告节点完成情况"),
    "confirm_milestone": _l("社区确认节点完成情况"), "report_completion": _l("报告项目完成"),
    "claim_completion": _l("申报项目奖励"),
    "record_payment": _l("支付款项"), "approve_payment_request": _l("支付款项"),
    "draw_evaluator": _l("随机抽取第三方评估机构"), "assign_evaluator": _l("指定第三方评估机构"),
    "start_acceptance": _l("启动第三方验收"), "request_rectification": _l("要求整改"),
    "resubmit_for_acceptance": _l("整改完成，重新验收"), "confirm_acceptance": _l("社区确认验收"),
    "accept": _l("验收通过"), "evaluate": _l("绩效评价完成"), "close": _l("结项"), "cancel": _l("终止项目"),
}
NOTICE_ACTIONS = {"publish_notice", "add_objection", "file_objection", "answer_objection"}
CATALOGUE_ACTIONS = {"approve", "list_in_catalogue", "open_tender", "start_delivery", "report_milestone",
                     "confirm_milestone", "report_completion", "claim_completion", "start_acceptance",
                     "request_rectification", "resubmit_for_acceptance", "confirm_acceptance", "accept", "evaluate",
                     "close", "cancel"}
AWARD_ACTIONS = {"award", "publish_award_notice"}
CONTRACT_ACTIONS = {"sign_contract", "sign_agreement", "publish_contract", "amend_contract", "terminate"}
PAYMENT_ACTIONS = {"record_payment", "approve_payment_request"}
DRAW_ACTIONS = {"draw_evaluator", "assign_evaluator"}


def public_actions(project, tender=None, contract=None) -> set[str]:
    """The audit actions of this project the public may see now."""
    if not disclosure.is_public(project):
        return set()
    actions = set(NOTICE_ACTIONS)
    if not disclosure.procurement_public(project):
        return actions
    actions |= CATALOGUE_ACTIONS
    if disclosure.award_public(tender):
        actions |= AWARD_ACTIONS
    if disclosure.contract_public(contract):
        actions |= CONTRACT_ACTIONS
    if disclosure.payments_public(project, contract):
        actions |= PAYMENT_ACTIONS
    if disclosure.acceptance_public(project):
        actions |= DRAW_ACTIONS
    return actions


def _actor(project, org_id, name, kind) -> str | None:
    """The acting organisation's name when the public may know it: the community and government bodies always;
    a provider only as the project's public implementer, an evaluation firm only as its public evaluator."""
    if org_id is None:
        return None
    if kind in ("community", "government"):
        return name
    if kind == "provider" and org_id == project.implementer_id and disclosure.implementer_public(project):
        return name
    if kind == "evaluator" and org_id == project.evaluator_org_id and disclosure.evaluator_public(project):
        return name
    return None


def public_timeline(project, tender=None, contract=None) -> list[dict]:
    """[{"at", "day", "action", "label", "organisation"}] oldest first, in one query."""
    actions = public_actions(project, tender, contract)
    if not actions:
        return []
    rows = db.session.execute(
        select(AuditEntry.at, AuditEntry.action, AuditEntry.organisation_id, Organisation.name, Organisation.kind)
        .outerjoin(Organisation, Organisation.id == AuditEntry.organisation_id)
        .where(AuditEntry.project_id == project.id, AuditEntry.action.in_(sorted(actions)))
        .order_by(AuditEntry.at, AuditEntry.id)).all()
    return [{"at": at, "day": clock.local(at).date(), "action": action, "label": LABELS[action],
             "organisation": _actor(project, org_id, name, kind)}
            for at, action, org_id, name, kind in rows]
