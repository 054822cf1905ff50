"""The micro-project lifecycle: states, triggers, who may fire them, as one table."""
import enum

from flask_babel import lazy_gettext as _l


class State(str, enum.Enum):
    draft = "draft"
    notice = "notice"
    submitted = "submitted"
    under_review = "under_review"
    returned = "returned"
    approved = "approved"
    rejected = "rejected"
    cataloged = "cataloged"
    tendering = "tendering"
    awarded = "awarded"
    contracted = "contracted"
    in_delivery = "in_delivery"
    delivered = "delivered"
    under_acceptance = "under_acceptance"
    rectification = "rectification"
    accepted = "accepted"
    evaluated = "evaluated"
    closed = "closed"
    withdrawn = "withdrawn"
    cancelled = "cancelled"


STATE_LABELS = {
    "draft": _l("草稿"), "notice": _l("社区公示"), "submitted": _l("已提交"),
    "under_review": _l("审核中"), "returned": _l("退回修改"), "approved": _l("已批准"),
    "rejected": _l("未通过"), "cataloged": _l("已入目录"), "tendering": _l("采购中"),
    "awarded": _l("已确定承接方"), "contracted": _l("已签约"), "in_delivery": _l("实施中"),
    "delivered": _l("待验收"), "under_acceptance": _l("验收中"), "rectification": _l("整改中"),
    "accepted": _l("已验收"), "evaluated": _l("已评价"), "closed": _l("已结项"),
    "withdrawn": _l("已撤回"), "cancelled": _l("已终止"),
}

# The colour of a state's badge: the phase of the lifecycle it belongs to (templates/_state.html).
STATE_PHASES = {
    "draft": "prep", "notice": "prep", "returned": "warn", "submitted": "review", "under_review": "review",
    "approved": "ok", "cataloged": "proc", "tendering": "proc", "awarded": "proc", "contracted": "deliv",
    "in_delivery": "deliv", "delivered": "accept", "under_acceptance": "accept", "rectification": "warn",
    "accepted": "accept", "evaluated": "accept", "closed": "done", "rejected": "end", "withdrawn": "end",
    "cancelled": "end",
}

BEFORE_CONTRACT = ["draft", "notice", "submitted", "under_review", "returned", "approved",
                   "cataloged", "tendering", "awarded"]

# trigger: (sources, destination, roles). `implementer` is the contracted provider or the
# organisation a subsidy agreement names; `assigned_evaluator` a user of the assigned firm.
TRANSITIONS = {
    "publish_notice": (["draft"], "notice", {"community"}),
    "submit": (["notice"], "submitted", {"community"}),
    "start_review": (["submitted"], "under_review", {"reviewer"}),
    "return_for_revision": (["under_review"], "returned", {"reviewer"}),
    "resubmit": (["returned"], "submitted", {"community"}),
    "approve": (["under_review"], "approved", {"reviewer"}),
    "reject": (["under_review"], "rejected", {"reviewer"}),
    "list_in_catalogue": (["approved"], "cataloged", {"bureau"}),
    "open_tender": (["cataloged"], "tendering", {"bureau"}),
    "award": (["tendering"], "awarded", {"bureau"}),
    "sign_contract": (["awarded"], "contracted", {"bureau"}),
    "sign_agreement": (["cataloged"], "contracted", {"bureau"}),
    "start_delivery": (["contracted"], "in_delivery", {"implementer"}),
    "report_completion": (["in_delivery"], "delivered", {"implementer"}),
    "claim_completion": (["cataloged"], "delivered", {"community"}),
    "start_acceptance": (["delivered"], "under_acceptance", {"bureau"}),
    "request_rectification": (["under_acceptance"], "rectification", {"assigned_evaluator"}),
    "resubmit_for_acceptance": (["rectification"], "under_acceptance", {"implementer"}),
    "accept": (["under_acceptance"], "accepted", {"assigned_evaluator"}),
    "evaluate": (["accepted"], "evaluated", {"assigned_evaluator"}),
    "close": (["evaluated"], "closed", {"bureau"}),
    "withdraw": (["draft", "notice", "submitted", "returned"], "withdrawn", {"community"}),
    "cancel": (BEFORE_CONTRACT, "cancelled", {"bureau"}),
    "terminate": (["contracted", "in_delivery", "delivered", "under_acceptance", "rectification"], "cancelled",
                  {"bureau"}),
}

TRIGGER_LABELS = {
    "publish_notice": _l("发布社区公示"), "submit": _l("提交审核"), "start_review": _l("开始审核"),
    "return_for_revision": _l("退回修改"), "resubmit": _l("重新提交"), "approve": _l("批准"),
    "reject": _l("不予通过"), "list_in_catalogue": _l("列入购买服务目录"), "open_tender": _l("发布采购公告"),
    "award": _l("确定承接方"), "sign_contract": _l("签订合同"), "sign_agreement": _l("签订补贴协议"),
    "start_delivery": _l("开始实施"), "report_completion": _l("报告完成"), "claim_completion": _l("申报项目奖励"),
    "start_acceptance": _l("启动第三方验收"), "request_rectification": _l("要求整改"),
    "resubmit_for_acceptance": _l("整改完成，重新验收"), "accept": _l("验收通过"), "evaluate": _l("绩效评价"),
    "close": _l("结项"), "withdraw": _l("撤回"), "cancel": _l("终止项目"), "terminate": _l("终止合同"),
}

EDITABLE_STATES = {"draft", "returned"}
TERMINAL_STATES = {"closed", "rejected", "withdrawn", "cancelled"}


def triggers_from(state: str) -> list[str]:
    return [t for t, (sources, _, _) in TRANSITIONS.items() if state in sources]
