"""Guards of the procurement stage: opening the tender, the award (and the winner's eligibility), signing the
contract or the subsidy agreement, terminating; and the budget and term checks that amending a contract repeats."""
from datetime import timedelta
from decimal import ROUND_DOWN

from flask import current_app
from flask_babel import lazy_gettext as _l

from procure import clock
from procure.accounts.models import Organisation
from procure.errors import Reason
from procure.extensions import db
from procure.lifecycle import funding_form_is
from procure.procurement.deadlines import challenge_window
from procure.procurement.models import Bid, Challenge, Contract
from procure.procurement.panel import evaluation_of, tender_of
from procure.types import CENT
from procure.workdays.service import Calendar


def award_checks(project, data):
    reasons = []
    if project.bid_deadline and clock.now() <= project.bid_deadline:
        reasons.append(Reason("bid_deadline_not_passed", _l("投标截止时间未到")))
    valid = db.session.scalars(db.select(Bid).filter_by(project_id=project.id, status="submitted")).all()
    needed = current_app.config["MIN_BIDS"][project.procurement_method]
    if len(valid) < needed:
        reasons.append(Reason("too_few_bids", _l("有效响应 %(count)s 家，少于该采购方式要求的 %(needed)s 家"),
                              count=len(valid), needed=needed))
    if project.procurement_method == "single_source" and not project.single_source_justification:
        reasons.append(Reason("no_justification", _l("单一来源采购未公示理由")))
    evaluation = evaluation_reasons(project, reasons)
    if data is None:
        return reasons
    bid = next((b for b in valid if b.id == data["bid_id"]), None)
    if bid is None:
        reasons.append(Reason("bid_not_found", _l("所选响应不存在或已撤回")))
    else:
        reasons += within_budget(project, bid.price)
        top = evaluation.top
        if top is not None and top.id != bid.id:
            reasons.append(Reason("not_top_ranked", _l("须确定排名第一的 %(name)s 为中标（成交）供应商"),
                                  name=top.provider.name))
    return reasons


def evaluation_reasons(project, reasons):
    """Comprehensive scoring: a large enough panel whose active members have all scored every valid bid.
    Adds to `reasons`; answers the evaluation (procure.procurement.panel) for the ranking."""
    evaluation = evaluation_of(project)
    if evaluation.scored_method:
        needed = current_app.config["BID_PANEL_MIN"]
        if len(evaluation.active) < needed:
            reasons.append(Reason("panel_too_small", _l("评审小组可参与评审的成员 %(count)s 人，少于 %(needed)s 人"),
                                  count=len(evaluation.active), needed=needed))
        elif project.bid_deadline and clock.now() > project.bid_deadline and not evaluation.complete:
            reasons.append(Reason("scoring_incomplete", _l("评审小组成员尚未对全部有效响应评分")))
    return evaluation


def within_budget(project, amount) -> list[Reason]:
    """Budget-bound: nothing is bought for more than the approved amount."""
    if project.approved_amount is not None and amount > project.approved_amount:
        return [Reason("over_budget", _l("金额 %(amount)s 元超过批准金额 %(approved)s 元"),
                       amount=amount, approved=project.approved_amount)]
    return []


def tender_checks(project, data):
    reasons = funding_form_is("purchase", "not_purchase", _l("只有项目购买方式才进行采购"))(project)
    if data is not None and data["bid_deadline"] <= clock.now():
        reasons.append(Reason("deadline_in_past", _l("投标截止时间须晚于现在")))
    elif data is not None and data["bid_deadline"] < earliest_bid_deadline(data["method"]):
        number, unit = current_app.config["MIN_BID_PERIODS"][data["method"]]
        reasons.append(Reason("bid_period_too_short", PERIOD_TOO_SHORT[unit], number=number,
                              earliest=clock.local(earliest_bid_deadline(data["method"])).strftime("%Y-%m-%d %H:%M")))
    if data is not None:
        reasons += bid_deposit_reasons(project, data["bid_deposit"])
    return reasons


def bid_deposit_reasons(project, deposit) -> list[Reason]:
    """The bid deposit (投标保证金) is at most BID_DEPOSIT_MAX_PERCENT of the budget (the approved amount)."""
    percent = current_app.config["BID_DEPOSIT_MAX_PERCENT"]
    if deposit and project.approved_amount is not None and deposit * 100 > project.approved_amount * percent:
        ceiling = (project.approved_amount * percent / 100).quantize(CENT, ROUND_DOWN)
        return [Reason("bid_deposit_too_high", _l("投标保证金不得超过采购预算 %(budget)s 元的 %(percent)s%%（最高 %(ceiling)s 元）"),
                       budget=f"{project.approved_amount:.2f}", percent=percent, ceiling=f"{ceiling:.2f}")]
    return []


PERIOD_TOO_SHORT = {
    "days": _l("该采购方式自公告至投标截止至少 %(number)s 日，截止时间最早为 %(earliest)s"),
    "working_days": _l("该采购方式自公告至投标截止至少 %(number)s 个工作日，截止时间最早为 %(earliest)s"),
}


def earliest_bid_deadline(method):
    """The earliest bid deadline a tender opened now may set (MIN_BID_PERIODS)."""
    number, unit = current_app.config["MIN_BID_PERIODS"][method]
    now = clock.now()
    if unit == "working_days":
        return now + timedelta(days=(Calendar().add(clock.today(), number) - clock.today()).days)
    return now + timedelta(days=number)


def term_reasons(data, multi_year) -> list[Reason]:
    cfg = current_app.config
    years = cfg["CONTRACT_MAX_YEARS_MULTI"] if multi_year else cfg["CONTRACT_MAX_YEARS"]
    if data["end"] > clock.add_years(data["start"], years) - timedelta(days=1):
        return [Reason("term_too_long", _l("服务期限超过 %(years)s 年"), years=years)]
    return []


CHALLENGE_RUNNING = _l("质疑期（公告后 %(days)s 个工作日）至 %(ends)s 结束")
CHALLENGE_RUNNING_PROVISIONAL = _l("质疑期（公告后 %(days)s 个工作日）至 %(ends)s 结束；该期限含按规则暂定的节假日，"
                                   "正式放假安排公布后可能调整")


def contract_checks(project, data):
    reasons = []
    days = current_app.config["CHALLENGE_WORKING_DAYS"]
    window = challenge_window(tender_of(project))
    if window is None:
        reasons.append(Reason("award_notice_not_published", _l("中标（成交）公告尚未发布")))
    elif clock.today() <= window.ends_on:
        message = CHALLENGE_RUNNING_PROVISIONAL if window.provisional else CHALLENGE_RUNNING
        reasons.append(Reason("challenge_period_running", message, days=days, ends=window.ends_on.isoformat()))
    if db.session.scalar(db.select(Challenge.id).filter_by(project_id=project.id, answer=None)):
        reasons.append(Reason("open_challenges", _l("尚有质疑未答复")))
    if data is None:
        return reasons
    bid = db.session.scalar(db.select(Bid).filter_by(project_id=project.id, status="awarded"))
    if bid and data["amount"] > bid.price:
        reasons.append(Reason("amount_exceeds_bid", _l("合同金额不能超过成交报价 %(price)s 元"), price=bid.price))
    reasons += term_reasons(data, data["multi_year"])
    reasons += schedule_reasons(data)
    reasons += contract_terms_reasons(project, data)
    return reasons


def deposit_reasons(deposit, amount) -> list[Reason]:
    """The performance deposit (履约保证金) is at most DEPOSIT_MAX_PERCENT of the contract amount."""
    percent = current_app.config["DEPOSIT_MAX_PERCENT"]
    if (deposit or 0) * 100 > amount * percent:
        return [Reason("deposit_too_high", _l("履约保证金不得超过合同金额的 %(percent)s%%"), percent=percent)]
    return []


def schedule_reasons(data) -> list[Reason]:
    """The payment schedule a contract states: an advance of at most ADVANCE_MAX_PERCENT, and the
    milestones sharing the rest (together 100 %)."""
    reasons = []
    advance = data.get("advance_percent") or 0
    limit = current_app.config["ADVANCE_MAX_PERCENT"]
    if advance > limit:
        reasons.append(Reason("advance_too_high", _l("预付款不得超过合同金额的 %(percent)s%%"), percent=limit))
    percent = sum(m["percent"] or 0 for m in data["milestones"])
    if advance and advance + percent != 100:
        reasons.append(Reason("milestones_not_100", _l("预付款 %(advance)s%% 与付款节点比例合计 %(sum)s%%，应为 100%%"),
                              advance=advance, sum=advance + percent))
    elif percent + advance != 100:
        reasons.append(Reason("milestones_not_100", _l("付款节点比例合计 %(sum)s%%，应为 100%%"), sum=percent))
    return reasons


def contract_terms_reasons(project, data) -> list[Reason]:
    """The signed contract's terms: deposit cap, no subcontracting, the date it bears, milestones in its term."""
    reasons = deposit_reasons(data["deposit"], data["amount"])
    if not data["no_subcontracting"]:
        reasons.append(Reason("subcontracting_not_declared", _l("承接方须声明不转包、不分包")))
    if data["signed_on"] > clock.today():
        reasons.append(Reason("signed_on_in_future", _l("签订日期不能晚于今天")))
    awarded_on = clock.local(project.awarded_at).date() if project.awarded_at else None
    if awarded_on and data["signed_on"] < awarded_on:
        reasons.append(Reason("signed_before_award", _l("签订日期不能早于确定承接方的日期 %(day)s"),
                              day=awarded_on.isoformat()))
    outside = [m["name"] for m in data["milestones"] if m["due"] and not data["start"] <= m["due"] <= data["end"]]
    if outside:
        reasons.append(Reason("milestone_outside_term", _l("以下付款节点的完成期限不在服务期限内：%(names)s"),
                              names="、".join(outside)))
    return reasons


def contract_to_end(project, data=None):
    """Terminating needs a contract or agreement in force (the reward form has none)."""
    if db.session.scalar(db.select(Contract.id).filter_by(project_id=project.id, terminated_at=None)) is None:
        return [Reason("no_contract", _l("本项目没有可终止的合同或协议"))]
    return []


def agreement_checks(project, data):
    reasons = funding_form_is("subsidy", "not_subsidy", _l("只有项目补贴方式才签订补贴协议"))(project)
    if data is None:
        return reasons
    org = db.session.get(Organisation, data["implementer_org_id"])
    if org is None or org.kind != "provider":
        reasons.append(Reason("implementer_invalid", _l("实施机构须是已登记的社会组织")))
    reasons += within_budget(project, data["amount"])
    reasons += term_reasons(data, False)
    return reasons


def award_eligibility(project, data):
    """Guard for the award: the chosen bid's provider is still eligible."""
    # Imported here, so that the API's document follows it to the reason codes (procure.api.openapi.reasons).
    from procure.providers.eligibility import eligibility_reasons

    if data is None:
        return []
    bid = db.session.get(Bid, data["bid_id"])
    if bid is None or bid.project_id != project.id or bid.status != "submitted":
        return []  # award_checks names the missing bid
    return eligibility_reasons(bid.provider, clock.today())
