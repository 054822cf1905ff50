"""Guards of the proposal and its review: what publishing, submitting and approving need, each refusal with
its reason. Each other stage keeps its own guards and registers them with the lifecycle (procure.stages).

A guard gets the project and the validated input, or `data=None` when the page only asks
whether an action is possible now; checks on the input are then skipped.
"""
from fractions import Fraction

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
    if project.deliberation is None:
        reasons.append(Reason("no_deliberation", _l("尚未录入居民议事会记录")))
    else:
        reasons.extend(deliberation_reasons(project, project.deliberation))
    return reasons


def council_rules(community) -> tuple[Fraction, Fraction]:
    """(quorum, majority) of the community's class: more than `quorum` of the members present, more than
    `majority` of those present in favour."""
    config = current_app.config
    return config["CLASS_QUORUM"][community.community_class], config["CLASS_MAJORITY"][community.community_class]


def quorate(meeting, quorum: Fraction, members: int | None = None) -> bool:
    """More than `quorum` of the members present: the registered council's when given, else the meeting's count."""
    members = meeting.members_total if members is None else members
    return meeting.members_present * quorum.denominator > members * quorum.numerator


def agreed(meeting, majority: Fraction) -> bool:
    return meeting.votes_for * majority.denominator > meeting.members_present * majority.numerator


def deliberation_reasons(project, meeting) -> list[Reason]:
    """The council that met is the one the community registered, it met before the notice (and not in the
    future), its minutes are recorded, and it was quorate and agreed by the rules of the community's class."""
    reasons = []
    council = project.community.members_total
    if council is None:
        reasons.append(Reason("council_size_unregistered", _l("本社区尚未登记居民议事会成员人数")))
    elif meeting.members_total != council:
        reasons.append(Reason("council_size_mismatch",
                              _l("议事会应到人数 %(total)s 人与本社区登记的议事会成员 %(council)s 人不一致"),
                              total=meeting.members_total, council=council))
    if meeting.held_on > clock.today():
        reasons.append(Reason("deliberation_in_future", _l("议事会日期 %(day)s 晚于今天"),
                              day=meeting.held_on.isoformat()))
    published = project.notice_published_on
    if published is not None and meeting.held_on > published:
        reasons.append(Reason("deliberation_after_notice", _l("议事会日期 %(day)s 晚于社区公示发布日期 %(published)s"),
                              day=meeting.held_on.isoformat(), published=published.isoformat()))
    if not (meeting.minutes or "").strip():
        reasons.append(Reason("minutes_missing", _l("尚未填写议事会会议纪要")))
    quorum, majority = council_rules(project.community)
    members = meeting.members_total if council is None else council
    if not quorate(meeting, quorum, members):
        reasons.append(Reason("no_quorum", _l("议事会实到 %(present)s 人，未超过应到 %(total)s 人的 %(share)s"),
                              present=meeting.members_present, total=members, share=str(quorum)))
    if not agreed(meeting, majority):
        reasons.append(Reason("no_majority", _l("赞成 %(votes)s 票，未超过实到 %(present)s 人的 %(share)s"),
                              votes=meeting.votes_for, present=meeting.members_present, share=str(majority)))
    return reasons


NOTICE_RUNNING = _l("公示期（%(days)s 个工作日）至 %(ends)s 结束，之后方可提交")
NOTICE_RUNNING_PROVISIONAL = _l("公示期（%(days)s 个工作日）至 %(ends)s 结束，之后方可提交；该期限含按规则暂定的节假日，"
                                "正式放假安排公布后可能调整")


def notice_over(project, data=None):
    reasons = []
    days = current_app.config["NOTICE_WORKING_DAYS"]
    period = Calendar().period(project.notice_published_on or clock.today(), days)
    if project.notice_published_on is None or clock.today() <= period.ends_on:
        message = NOTICE_RUNNING_PROVISIONAL if period.provisional else NOTICE_RUNNING
        reasons.append(Reason("notice_period_running", message, days=days, ends=period.ends_on.isoformat()))
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
