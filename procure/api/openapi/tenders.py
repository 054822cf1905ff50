"""Tenders (procure.api.tenders) in the OpenAPI document: notice, panel, scores, ranking, award notice."""
from procure.api.openapi.forms import form_ref, form_schema
from procure.api.openapi.operation import PROJECT, ok, op
from procure.api.openapi.reasons import reason_codes
from procure.api.openapi.schema import array, enum, integer, nullable, obj, ref, string, texts
from procure.projects import inputs


def schemas() -> dict:
    moment, day = string("date-time"), string("date")
    points = string(pattern=r"^\d+\.\d{2}$", description="分，两位小数 / points, two decimals")
    score = obj({"member_id": integer(), "bid_id": integer(), "criterion_id": integer(), "points": points})
    scores_input = form_schema(inputs.BidScoreForm, {})
    scores_input["properties"] = {k: v for k, v in scores_input["properties"].items() if k != "bid_id"}
    scores_input["required"] = [k for k in scores_input["required"] if k != "bid_id"]
    scores_input["properties"]["scores"]["items"] = ref("CriterionScoreInput")
    return {
        "Criterion": obj({"id": integer(), "name": string(), "description": string(),
                          "max_points": integer(minimum=1)}),
        "PanelMember": obj({
            "id": integer(), "user": ref("OrganisationRef"), "organisation": ref("OrganisationRef"),
            "appointed_at": moment, "active": {"type": "boolean"},
            "recusal_reason": nullable(string(description="回避原因：本人声明，或与响应供应商同一机构或存在关联关系 / why "
                                                          "recused: declared, or linked to a bidder")),
            "declared_recusal": {"type": "boolean", "description": "本人声明回避 / recused by declaration"},
            "scored_bids": array(integer(), description="已评分的响应 id（仅采购管理人员可见）/ bids scored (bureau "
                                                        "only)")}, optional=("scored_bids",)),
        "BidScore": score,
        "RankingRow": obj({"rank": integer(minimum=1), "bid_id": integer(), "provider": ref("OrganisationRef"),
                           "price": ref("Money"), "technical": nullable(points), "price_score": nullable(points),
                           "total": nullable(points),
                           "priority": {"type": "boolean", "description": "上一年度绩效评价为优或良，同等条件下优先（设置项 "
                                                                          "PRIORITY_GRADES）/ graded 优 or 良 the year "
                                                                          "before: first among equal bids"}},
                          description="最低价成交方式无分数 / no scores for the lowest-price methods"),
        "Tender": obj({
            "method": enum(inputs.METHOD_LABELS, texts(inputs.METHOD_LABELS)), "budget": nullable(ref("Money")),
            "requirements": string(), "price_weight": integer(minimum=0, maximum=100),
            "bid_deposit": ref("Money"),
            "scored": {"type": "boolean", "description": "综合评分 / comprehensive scoring"},
            "published_at": nullable(moment), "bid_deadline": nullable(moment),
            "min_bid_period": obj({"number": integer(), "unit": enum(["days", "working_days"])}),
            "criteria": array(ref("Criterion")),
            "panel": nullable(array(ref("PanelMember"), description="确定承接方前只给采购管理人员和评审小组 / before the "
                                                                   "award only for the bureau and the panel")),
            "scoring_complete": {"type": "boolean"},
            "my_scores": nullable(array(ref("BidScore"), description="评审小组成员本人的评分 / a member's own scores")),
            "scores": nullable(array(ref("BidScore"), description="全部评分：评分完成后给采购管理人员和评审小组，确定承接方"
                                                                 "后给所有可查看项目的人 / every score: once complete for "
                                                                 "the bureau and the panel, after the award for all")),
            "ranking": nullable(array(ref("RankingRow"))),
            "award_notice_at": nullable(moment), "award_notice_due": nullable(day),
            "award_notice_late": {"type": "boolean"}, "challenge_window_ends": nullable(day),
            "challenge_window_provisional_holidays": array(ref("ProvisionalHoliday"))}),
        "BidScoresInput": scores_input,
    }


def requests(schemas: dict) -> None:
    for form_class in (inputs.PanelMemberForm, inputs.PanelConflictForm, inputs.CriterionScoreForm):
        form_ref(form_class, schemas)


def paths() -> dict:
    from procure.procurement import panel

    state_only = ("invalid_transition",)
    return {
        PROJECT + "/tender": {"get": op(
            "getTender", "采购公告与评审 / Get the tender and its evaluation", "tenders", ok(ref("Tender")),
            params=["ProjectId"], fails=(404,),
            description="评分在全部有效成员评完前只给本人 / scores stay with each member until every active member "
                        "has scored every bid. 未发布采购公告的项目返回 404 / 404 before the tender notice.")},
        PROJECT + "/panel": {"post": op(
            "appointPanelMember", "指定评审小组成员 / Appoint a panel member", "tenders", ok(ref("PanelMember"),
                                                                                          "已指定 / appointed", 201),
            body="PanelMemberInput", params=["ProjectId"], fails=(400, 403, 404), conflicts=state_only,
            reasons=reason_codes(panel.appoint_panel_member),
            description="采购管理人员在采购中指定第三方评估机构的用户 / by the bureau, while tendering, an evaluator "
                        "user.")},
        PROJECT + "/panel/{member_id}/recusal": {"post": op(
            "declarePanelConflict", "评审成员声明回避 / Declare a conflict and recuse", "tenders",
            ok(ref("PanelMember")), body="PanelConflictInput", params=["ProjectId", "MemberId"],
            fails=(400, 403, 404), conflicts=("invalid_transition", "conflict"),
            description="成员本人；已声明的返回 409 conflict / by the member; 409 conflict when already declared.")},
        PROJECT + "/bids/{bid_id}/scores": {"post": op(
            "scoreBid", "评审成员对响应评分 / Score a bid", "tenders", ok(array(ref("BidScore"))),
            body="BidScoresInput", params=["ProjectId", "BidId"], fails=(400, 403, 404), conflicts=state_only,
            reasons=reason_codes(panel.score_bid),
            description="投标截止后，未回避的成员对每项评审因素评分；确定承接方前可重新评分（整体替换）/ after the "
                        "deadline, an active member scores every criterion; scoring again replaces the member's "
                        "scores for the bid until the award.")},
        PROJECT + "/award-notice": {"post": op(
            "publishAwardNotice", "发布中标（成交）公告 / Publish the award notice", "tenders", ok(ref("Tender")),
            params=["ProjectId"], fails=(403, 404), conflicts=("invalid_transition", "conflict"),
            description="采购管理人员，确定承接方后 2 个工作日内；只发布一次（再次发布返回 409 conflict）；质疑期自公告起算 / "
                        "by the bureau within 2 working days of the award; once (409 conflict again); the challenge "
                        "window runs from it.")},
    }
