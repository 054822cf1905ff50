"""Performance evaluation (procure.api.performance) in the OpenAPI document: templates, score sheets."""
from procure.api.openapi.forms import form_ref
from procure.api.openapi.operation import PROJECT, ok, op
from procure.api.openapi.reasons import reason_codes
from procure.api.openapi.schema import array, enum, integer, nullable, obj, ref, string, texts
from procure.performance_evaluation.scoring import GRADE_LABELS


def requests(schemas: dict) -> None:
    from procure.performance_evaluation import inputs as performance_inputs

    for form_class in (performance_inputs.SheetForm, performance_inputs.DivergenceForm,
                       performance_inputs.TemplateForm):
        form_ref(form_class, schemas)


def schemas() -> dict:
    from procure.performance_evaluation.models import INDICATOR_KINDS, PARTIES

    score, moment = ref("Score"), string("date-time")
    node = obj({"id": integer(), "code": string(), "name": string(), "level": integer(minimum=1, maximum=3),
                "weight": string(description="同级合计 100 / sums to 100 among siblings"),
                "kind": nullable(enum(INDICATOR_KINDS)), "scale_max": nullable(integer()), "anchors": string(),
                "guidance": string(), "children": array({"$ref": "#/components/schemas/IndicatorNode"})})
    grade = enum(GRADE_LABELS, texts(GRADE_LABELS))
    template = {"id": integer(), "name": string(), "category_code": nullable(string()),
                "community_class": nullable(string()), "is_default": {"type": "boolean"},
                "active": {"type": "boolean"}, "created_at": moment}
    sheet = obj({"party": enum(PARTIES), "submitted_at": nullable(moment),
                 "scores": array(obj({"indicator_id": integer(), "planned": nullable(string()),
                                      "actual": nullable(string()), "value": nullable(string()), "score": score,
                                      "note": string()}))})
    return {
        "IndicatorNode": node,
        "IndicatorTemplateSummary": obj(template),
        "IndicatorTemplate": obj({**template, "indicators": array(ref("IndicatorNode"))}),
        "ScoreSheet": sheet,
        "DivergenceNote": obj({"indicator_id": integer(), "explanation": string(), "explained_at": moment}),
        "PerformanceEvaluation": obj({
            "template": ref("IndicatorTemplate"), "started_at": moment,
            "party": nullable(enum(PARTIES, {"third_party": "第三方评估机构", "bureau": "采购管理部门",
                                             "community": "社区"})),
            "submitted": array(enum(PARTIES), description="已提交的评分方 / parties that have submitted"),
            "revealed": {"type": "boolean", "description": "三方均已提交 / all three have submitted"},
            "sheets": array(ref("ScoreSheet"), description="全部提交前只有本方的 / only your own until all have "
                                                           "submitted"),
            "leaves": array(obj({"indicator_id": integer(), "code": string(), "name": string(),
                                 "kind": enum(INDICATOR_KINDS), "group": string(),
                                 "scores": nullable({"type": "object", "additionalProperties": nullable(score)}),
                                 "combined": nullable(score), "divergent": {"type": "boolean"},
                                 "explanation": nullable(string())})),
            "satisfaction_rate": nullable(score),
            "preview": nullable(obj({"score": score, "grade": grade,
                                     "group_scores": {"type": "object", "additionalProperties": score}})),
            "result": nullable(obj({"score": score, "grade": grade,
                                    "group_scores": {"type": "object", "additionalProperties": score},
                                    "findings": string(), "rectification_plan": string(),
                                    "finalised_at": moment})),
            "final_payment": nullable(obj({"grade": grade, "percent": integer(), "base": string(),
                                           "due": string(), "paid": string()},
                                          description="尾款按评价等级：最后一期（或无节点时全额）× 比例 / the final "
                                                      "instalment by grade")),
        }),
    }


def paths() -> dict:
    from procure.performance_evaluation import operations as performance

    base = PROJECT + "/evaluation"
    template_id = [{"name": "template_id", "in": "path", "required": True, "schema": integer(),
                    "description": "指标模板 id / template id"}]
    get_template = op("getIndicatorTemplate", "指标模板详情 / Get an indicator template", "performance",
                      ok(ref("IndicatorTemplate")), fails=(404,))
    get_template["parameters"] = template_id
    return {
        "/indicator-templates": {
            "get": op("listIndicatorTemplates", "指标模板列表 / List indicator templates", "performance",
                      ok(array(ref("IndicatorTemplateSummary")))),
            "post": op("createIndicatorTemplate", "新建指标模板 / Create an indicator template", "performance",
                       ok(ref("IndicatorTemplate"), "已创建 / created", 201), body="TemplateInput",
                       fails=(400, 403), reasons=reason_codes(performance.create_template),
                       description="采购管理人员与管理员。indicators 为节点列表，parent 为上级节点的 code（一级为 null）；"
                                   "一级须恰为 decision、implementation、output、effect；同级权重合计 100；最多三级；"
                                   "末级须有 kind，scale 须有 scale_max ≥ 1。不符合时 422，每个问题一条 template_invalid；"
                                   "effect（效益）下须有一项 kind 为 satisfaction 的满意度指标，其他一级指标下不得有 "
                                   "/ bureau and admins. indicators is a flat list of nodes naming their parent's "
                                   "code; every problem is one template_invalid reason; a satisfaction leaf must stay "
                                   "under effect (satisfaction_indicator_missing) and nowhere else "
                                   "(satisfaction_indicator_misplaced)."),
        },
        "/indicator-templates/{template_id}": {"get": get_template},
        base: {"get": op(
            "getEvaluation", "项目绩效评价 / Get a project's performance evaluation", "performance",
            ok(ref("PerformanceEvaluation")), params=["ProjectId"], fails=(404,),
            description="验收通过后开始；三方全部提交前，每一方只能看到本方评分（采购管理部门也不例外）/ opens at "
                        "acceptance; until all three parties have submitted each sees only its own sheet.")},
        base + "/sheets": {"post": op(
            "saveScoreSheet", "保存或提交本方评分 / Save or submit your party's score sheet", "performance",
            ok(ref("ScoreSheet")), body="SheetInput", params=["ProjectId"], fails=(400, 403, 404),
            conflicts=("invalid_transition", "conflict"),
            reasons=["community_is_implementer", *reason_codes(performance.save_scores)],
            description="被指派的评估机构、采购管理部门、社区（社区自行实施的项目由所在街道即审核人员填写社区评分表，社区提交为 "
                        "422 community_is_implementer），已验收状态。ratio 填 planned（> 0）与 actual，scale 填 "
                        "value 0..scale_max，yes_no 填 value 1 或 0；submit 为 true 时须覆盖满意度以外的全部末级指标，"
                        "提交后不能修改（409 conflict）/ by the assigned evaluation firm, the bureau or the community "
                        "(where the community implements the project itself, the reviewer of its area, the street "
                        "office, fills the community's sheet) while accepted; submitting needs every leaf but satisfaction, and freezes the sheet.")},
        base + "/divergences": {"post": op(
            "explainDivergence", "说明评分差异 / Explain a divergence", "performance",
            ok(ref("DivergenceNote"), "已保存 / saved", 201), body="DivergenceInput", params=["ProjectId"],
            fails=(400, 403, 404), conflicts=("invalid_transition",),
            reasons=reason_codes(performance.explain_divergence),
            description="被指派的评估机构；各方最高与最低分之差超过 DIVERGENCE_THRESHOLD 的指标须说明后方可评价 / "
                        "by the assigned evaluation firm; a leaf whose scores differ by more than the threshold "
                        "needs this before the evaluation is finalised.")},
    }
