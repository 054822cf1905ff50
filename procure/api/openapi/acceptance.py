"""Acceptance (procure.api.acceptance) in the OpenAPI document: checklist, visits, rectification."""
from procure.api.openapi.forms import form_ref
from procure.api.openapi.operation import PROJECT, ok, op
from procure.api.openapi.reasons import reason_codes
from procure.api.openapi.schema import array, enum, integer, nullable, obj, ref, string, texts


def schemas() -> dict:
    from procure.acceptance.inputs import OUTCOME_LABELS, RESULT_LABELS, SOURCE_LABELS
    from procure.acceptance.models import ITEM_RESULTS, ITEM_SOURCES, ROUND_OUTCOMES

    moment, day = string("date-time"), string("date")
    return {
        "ChecklistItem": obj({
            "id": integer(), "position": integer(), "source": enum(ITEM_SOURCES, texts(SOURCE_LABELS)),
            "text": string(), "result": nullable(enum(ITEM_RESULTS, texts(RESULT_LABELS))),
            "finding": string(), "checked_at": nullable(moment)},
            description="result 为 null 表示待评定（整改答复后未达到的项目重新待评定）/ result null: not judged yet "
                        "(items not met are reset when the implementer responds to a rectification)"),
        "SiteVisit": obj({"id": integer(), "visited_on": day, "place": string(), "participants": string(),
                          "observations": string(), "recorded_at": moment}),
        "Rectification": obj({
            "id": integer(), "round": integer(minimum=1), "findings": string(), "deadline": day,
            "requested_at": moment, "response": nullable(string()), "responded_at": nullable(moment),
            "late": {"type": "boolean", "description": "逾期答复 / responded after the deadline"},
            "overdue": {"type": "boolean", "description": "逾期未答复 / no response and the deadline has passed"},
            "outcome": nullable(enum(ROUND_OUTCOMES, texts(OUTCOME_LABELS))), "judged_at": nullable(moment)}),
        "AcceptanceConfirmation": obj({
            "agreed": {"type": "boolean"}, "opinion": string(), "residents_present": integer(minimum=0),
            "confirmed_at": moment,
            "current": {"type": "boolean", "description": "在最近一次整改答复之后作出（本轮有效）/ made after the latest "
                                                          "rectification response (counts for this round)"}}),
        "Acceptance": obj({
            "items": array(ref("ChecklistItem")), "site_visits": array(ref("SiteVisit")),
            "rectifications": array(ref("Rectification")),
            "max_rounds": integer(description="整改轮次上限（设置项 RECTIFICATION_MAX_ROUNDS）/ the most rectification "
                                              "rounds (setting RECTIFICATION_MAX_ROUNDS)"),
            "confirmation": nullable(ref("AcceptanceConfirmation")), "report": nullable(string()),
            "accepted_on": nullable(day)}),
    }


def requests(schemas: dict) -> None:
    from procure.acceptance import inputs as acceptance_inputs

    for form_class in (acceptance_inputs.JudgementForm, acceptance_inputs.ChecklistItemForm,
                       acceptance_inputs.SiteVisitForm, acceptance_inputs.AcceptanceConfirmationForm):
        form_ref(form_class, schemas)


def paths() -> dict:
    from procure.acceptance import operations as acceptance

    states = ("invalid_transition",)
    base = PROJECT + "/acceptance"
    evaluator = "被指派的评估机构，验收中 / by the assigned evaluation firm, in `under_acceptance`"
    return {
        base: {"get": op(
            "getAcceptance", "验收情况 / Get the acceptance record", "acceptance", ok(ref("Acceptance")),
            params=["ProjectId"], fails=(404,),
            description="验收清单（启动验收时由合同的服务内容、数量、质量指标与付款节点生成；补贴协议或项目奖励取项目目标）、"
                        "现场走访、整改轮次、社区确认与验收报告 / the checklist (made when acceptance starts from the "
                        "contract's service content, quantity and quality targets and milestones; the proposal's "
                        "goals for an agreement or a reward), site visits, rectification rounds, the community's "
                        "confirmation and the report.")},
        base + "/items/{item_id}/judgement": {"post": op(
            "judgeChecklistItem", "评定验收内容 / Judge a checklist item", "acceptance", ok(ref("ChecklistItem")),
            body="JudgementInput", params=["ProjectId", "ItemId"], fails=(400, 403, 404), conflicts=states,
            description=evaluator + "。未达到或部分达到须写明 finding；可改判 / finding required unless met; may "
                                    "be judged again.")},
        base + "/items": {"post": op(
            "addChecklistItem", "补充验收内容 / Add a checklist item", "acceptance",
            ok(ref("ChecklistItem"), "已创建 / created", 201), body="ChecklistItemInput", params=["ProjectId"],
            fails=(400, 403, 404), conflicts=states, description=evaluator + "；source 为 custom。")},
        base + "/site-visits": {"post": op(
            "recordSiteVisit", "登记现场走访 / Record a site visit", "acceptance",
            ok(ref("SiteVisit"), "已创建 / created", 201), body="SiteVisitInput", params=["ProjectId"],
            fails=(400, 403, 404), conflicts=states, reasons=reason_codes(acceptance.record_site_visit),
            description="被指派的评估机构，验收中或整改中；走访日期不晚于今天 / by the assigned evaluation firm, in "
                        "`under_acceptance` or `rectification`; the date not in the future.")},
        base + "/confirmation": {"post": op(
            "confirmAcceptance", "社区确认验收 / The community confirms acceptance", "acceptance",
            ok(ref("AcceptanceConfirmation")), body="AcceptanceConfirmationInput", params=["ProjectId"],
            fails=(400, 403, 404), conflicts=states, reasons=["community_is_implementer"],
            description="申报社区（社区自行实施的项目，如项目奖励，由所在街道即审核人员确认，社区确认为 422 "
                        "community_is_implementer），验收中；每项目一份，再次提交替换之前的确认（操作记录保留原值）；整改答复后须重新确认；"
                        "agreed 缺省为 false / by the community (by the reviewer of its area, the street office, where the "
                        "community implements the project itself), in `under_acceptance`; one per project, a later "
                        "one replaces it (the audit trail keeps the old values); after a rectification response "
                        "it must be given again; agreed defaults to false.")},
    }
