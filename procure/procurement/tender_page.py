"""The tender part of the project page: the notice, the panel, scoring forms, the ranking, the award notice."""
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from procure import clock
from procure.procurement import deadlines, panel
from procure.projects.inputs import BidScoreForm, PanelConflictForm, PanelMemberForm
from procure.projects.permissions import ACTIONS

TIE_RULE = _l("得分相同的，按报价由低到高排序；报价也相同的，上一年度绩效评价为优、良的承接主体优先，再按技术得分由高到低排序；"
              "仍相同的，按响应文件提交时间先后排序。")
PRICE_RULE = _l("按报价由低到高排序，报价相同的，上一年度绩效评价为优、良的承接主体优先，再按响应文件提交时间先后排序；"
                "排名第一的为成交供应商。")
UNITS = {"days": _l("日"), "working_days": _l("个工作日")}


def tender_forms(user, project, parts, failed, evaluation) -> dict:
    """The forms for appointing the panel, declaring a conflict, scoring each bid, publishing the award notice."""
    from procure.projects.page_forms import page_form

    forms, pid = {}, project.id

    def allowed(action):
        states, who = ACTIONS[action]
        return project.state in states and bool(who & parts)

    if allowed("appoint_panel_member"):
        appointed = {m.member.user_id for m in evaluation.members}
        people = [(uid, label) for uid, label in panel.evaluator_choices() if uid not in appointed]
        if people or (failed and failed.key == "appoint_panel"):
            forms["appoint_panel"] = page_form("appoint_panel", PanelMemberForm,
                                                url_for("projects.appoint_panel_member", project_id=pid), failed,
                                                choices={"user_id": people}, title=_("指定评审小组成员"))
    own = evaluation.status_of(user)
    if allowed("declare_panel_conflict") and own is not None and own.member.recused_at is None:
        forms["panel_conflict"] = page_form("panel_conflict", PanelConflictForm,
                                             url_for("projects.declare_panel_conflict", project_id=pid), failed,
                                             title=_("声明回避"))
    if allowed("score_bid") and own is not None and own.active and evaluation.scored_method \
            and panel.after_deadline(project):
        forms["scores"] = {}
        for bid in evaluation.bids:
            given = evaluation.points.get((own.member.id, bid.id), {})
            data = {"bid_id": bid.id, "scores": [{"criterion_id": c.id, "points": given.get(c.id)}
                                                 for c in evaluation.tender.criteria]}
            forms["scores"][bid.id] = page_form(f"score:{bid.id}", BidScoreForm,
                                                 url_for("projects.score_bid", project_id=pid, bid_id=bid.id),
                                                 failed, data)
    if project.state in ACTIONS["publish_award_notice"][0] and "bureau" in parts \
            and (evaluation.tender is None or evaluation.tender.award_notice_at is None):
        forms["award_notice"] = page_form("award_notice", None,
                                           url_for("projects.publish_award_notice", project_id=pid), failed)
    return forms


def tender_context(user, project, parts, evaluation, challenges) -> dict:
    tender = evaluation.tender
    method = project.procurement_method
    period = current_app.config["MIN_BID_PERIODS"].get(method) if method else None
    due = deadlines.award_notice_due(project)
    notice_at = tender.award_notice_at if tender else None
    own = evaluation.status_of(user)
    sees_all = bool(method) and panel.sees_all_scores(user, project, evaluation, parts)
    criteria = tender.criteria if tender else []
    return {"tender": {
        "shown": bool(method), "row": tender, "evaluation": evaluation, "criteria": criteria,
        "price_weight": tender.price_weight if tender else current_app.config["BID_PRICE_WEIGHT"],
        "min_period": (period[0], UNITS[period[1]]) if period else None,
        "sees_panel": bool(method) and panel.sees_panel(user, project, parts),
        "sees_progress": panel.sees_progress(user, project, parts), "sees_all": sees_all,
        "own": own, "ranking": evaluation.ranked if sees_all else None,
        "rule": TIE_RULE if evaluation.scored_method else PRICE_RULE,
        "member_sums": {m.member.id: evaluation.sums(m.member.id) for m in evaluation.members} if sees_all else {},
        "own_sums": evaluation.sums(own.member.id) if own else {},
        "notice_due": due, "notice_late": deadlines.is_late(due, notice_at and clock.local(notice_at).date()),
        "challenge_ends": deadlines.challenge_window_ends(tender),
        "challenge_window": deadlines.challenge_window(tender),
        "challenge_due": {c.id: (deadlines.challenge_answer_due(c),
                                 deadlines.is_late(deadlines.challenge_answer_due(c),
                                                   c.answered_at and clock.local(c.answered_at).date()))
                          for c in challenges},
        "bid_names": {b.id: b.provider.name for b in evaluation.bids},
    }}


def tender_defaults() -> dict:
    """The open_tender form as first shown: comprehensive scoring with three usual criteria to adjust."""
    weight = current_app.config["BID_PRICE_WEIGHT"]
    rest = 100 - weight
    first, second = rest * 4 // 9, rest * 3 // 9
    return {"method": "competitive_consultation", "price_weight": weight, "criteria": [
        {"name": _("服务方案"), "description": _("需求理解、服务内容与进度安排"), "max_points": first},
        {"name": _("团队与资质"), "description": _("项目团队专业构成及持证情况"), "max_points": second},
        {"name": _("类似项目经验"), "description": _("近三年承接类似项目的数量与成效"), "max_points": rest - first - second}]}


def award_choices(project, bids) -> tuple[list, dict]:
    """The award's bid choices, top-ranked first and preselected when the ranking is known."""
    evaluation = panel.evaluation_of(project)
    open_bids = [b for b in bids if b.status == "submitted"]
    order = {r.bid.id: r.rank for r in evaluation.ranked or []}
    open_bids.sort(key=lambda b: (order.get(b.id, len(order) + 1), b.id))

    def label(bid):
        text = _("%(name)s · 报价 %(price)s 元", name=bid.provider.name, price=f"{bid.price:,.2f}")
        return _("第 %(rank)s 名 · %(bid)s", rank=order[bid.id], bid=text) if bid.id in order else text

    top = evaluation.top
    return [(b.id, label(b)) for b in open_bids], ({"bid_id": top.id} if top is not None else {})
