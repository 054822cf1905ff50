"""Guards of the proposal and its review: what publishing, submitting and approving need, each refusal with
its reason. Each other stage keeps its own guards and registers them with the lifecycle (procure.stages).

A guard gets the project and the validated input, or `data=None` when the page only asks
whether an action is possible now; checks on the input are then skipped.
"""
from flask import current_app
from flask_babel import lazy_gettext as _l

from procure import clock
from procure.errors import Reason
from procure.workdays.service import Calendar

REQUIRED_FIELDS = {
    "title": _l("项目名称"), "funding_form": _l("资金支持形式"), "category_code": _l("服务类别"),
    "requested_amount": _l("申请金额"), "needs_analysis": _l("需求分析"), "beneficiaries": _l("直接受益对象"),
    "beneficiaries_count": _l("直接受益人数"), "indirect_beneficiaries": _l("间接受益对象"),
    "indirect_beneficiaries_count": _l("间接受益人数"), "goals": _l("项目目标"), "location": _l("实施地点"),
    "start_date": _l("开始日期"), "end_date": _l("结束日期"), "lead_name": _l("项目负责人"),
    "contact_name": _l("联系人"), "contact_phone": _l("联系电话"), "team": _l("项目团队"),
}


def content_reasons(project, data=None) -> list[Reason]:
    """A proposal ready for the public notice: complete, budget adds up, within cap, agreed by residents."""
    reasons = []
    missing = [str(label) for name, label in REQUIRED_FIELDS.items()
               if getattr(project, name) is None or str(getattr(project, name)).strip() == ""]
    if not project.budget_lines:
        missing.append(str(_l("预算明细")))
    if missing:
        reasons.append(Reason("missing_fields", _l("以下内容尚未填写：%(fields)s"), fields="、".join(missing)))
    if project.budget_lines and project.requested_amount is not None:
        total = sum(line.amount for line in project.budget_lines)
        if total != project.requested_amount:
            reasons.append(Reason("budget_mismatch", _l("预算明细合计 %(total)s 元，与申请金额 %(asked)s 元不一致"),
                                  total=total, asked=project.requested_amount))
    cap = current_app.config["CLASS_CAPS"].get(project.community.community_class)
    if cap is not None and project.requested_amount is not None and project.requested_amount > cap:
        reasons.append(Reason("over_cap", _l("申请金额超过本类社区单个项目上限 %(cap)s 元"), cap=cap))
    meeting = project.deliberation
    if meeting is None:
        reasons.append(Reason("no_deliberation", _l("尚未录入居民议事会记录")))
    else:
        if meeting.members_present * 3 <= meeting.members_total * 2:
            reasons.append(Reason("no_quorum", _l("议事会实到 %(present)s 人，未超过应到 %(total)s 人的三分之二"),
                                  present=meeting.members_present, total=meeting.members_total))
        if meeting.votes_for * 2 <= meeting.members_present:
            reasons.append(Reason("no_majority", _l("赞成 %(votes)s 票，未过实到人数半数"), votes=meeting.votes_for))
    return reasons


def notice_over(project, data=None):
    reasons = []
    days = current_app.config["NOTICE_WORKING_DAYS"]
    published = project.notice_published_on
    if published is None or not Calendar().period_over(published, days):
        ends = Calendar().add(published or clock.today(), days)
        reasons.append(Reason("notice_period_running", _l("公示期（%(days)s 个工作日）至 %(ends)s 结束，之后方可提交"),
                              days=days, ends=ends.isoformat()))
    if any(o.answer is None for o in project.objections):
        reasons.append(Reason("objections_unanswered", _l("公示期间收到的异议尚未全部答复")))
    return reasons


def approve_checks(project, data):
    if data is None:
        return []
    reasons = []
    if data["approved_amount"] is not None and project.requested_amount is not None \
            and data["approved_amount"] > project.requested_amount:
        reasons.append(Reason("approved_exceeds_requested", _l("批准金额不能超过申请金额 %(asked)s 元"),
                              asked=project.requested_amount))
    if not data["negative_list_checked"]:
        reasons.append(Reason("negative_list_unchecked", _l("请确认已核对负面清单")))
    return reasons
