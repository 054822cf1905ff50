"""Evaluation firms (procure.api.evaluators) in the OpenAPI document: register, draws, declarations."""
from procure.api.openapi.forms import form_ref
from procure.api.openapi.operation import PROJECT, ok, op
from procure.api.openapi.reasons import reason_codes
from procure.api.openapi.schema import array, enum, integer, nullable, obj, ref, string


def requests(schemas: dict) -> None:
    from procure.evaluators import inputs as evaluator_inputs

    for form_class in (evaluator_inputs.DrawForm, evaluator_inputs.AssignForm, evaluator_inputs.DeclarationForm):
        form_ref(form_class, schemas)


def schemas() -> dict:
    from procure.evaluators.conflicts import EXCLUSION_LABELS
    from procure.evaluators.models import CONFLICT_TYPES, DRAW_METHODS

    org, moment, day = ref("OrganisationRef"), string("date-time"), string("date")
    conflict_type = nullable(enum(CONFLICT_TYPES))
    return {
        "EvaluatorSummary": obj({
            "id": integer(), "name": string(), "credit_code": nullable(string()),
            "legal_representative": nullable(string()),
            "registered": {"type": "boolean", "description": "已登记评估机构信息 / has a register entry"},
            "accreditation": string(), "accredited_until": nullable(day),
            "specialties": array(obj({"code": string(), "name": string()}),
                                 description="一级服务类别；空为不限 / first-level categories; empty: any"),
            "staff_count": integer(minimum=0), "active": {"type": "boolean"}}),
        "Evaluator": {"allOf": [ref("EvaluatorSummary"), obj({
            "staff": array(obj({"id": integer(), "name": string(), "qualification": string(), "title": string(),
                                "user_id": nullable(integer())})),
            "engagements": array(obj({"id": integer(), "counterpart": org, "description": string(),
                                      "started_on": day, "ended_on": nullable(day)}),
                                 description="为承接主体或社区提供的服务、签订的合同 / work for or contracts with "
                                             "providers and communities")})]},
        "EvaluatorDraw": obj({
            "id": integer(), "number": integer(minimum=1), "method": enum(DRAW_METHODS),
            "seed": nullable(string(description="随机抽取的种子 / the draw's seed")),
            "candidates": array(integer(), description="候选机构 id，升序 / candidate firm ids, ascending"),
            "excluded": array(obj({"org_id": integer(), "reasons": array(enum(list(EXCLUSION_LABELS))),
                                   "messages": array(string())})),
            "result_org": org, "reason": string(description="指定的书面理由 / the written reason of a hand pick"),
            "drawn_at": moment,
            "reproduced_result": nullable(integer(description="按种子与候选重算的结果 / the result recomputed from "
                                                              "seed and candidates"))}),
        "ConflictDeclaration": obj({"id": integer(), "evaluator_org": org, "requested_at": moment,
                                    "declared_at": nullable(moment), "has_conflict": nullable({"type": "boolean"}),
                                    "conflict_type": conflict_type, "late": {"type": "boolean"},
                                    "statement": nullable(string())}),
        "PersonalDeclaration": obj({"id": integer(), "user_id": integer(), "evaluator_org_id": integer(),
                                    "has_conflict": {"type": "boolean"}, "conflict_type": conflict_type,
                                    "late": {"type": "boolean"}, "statement": string(), "declared_at": moment}),
    }


def paths() -> dict:
    from procure.evaluators import operations as evaluators

    firm = "/evaluators/{org_id}"
    state_only = ("invalid_transition",)
    listing = lambda name: ok(array(ref(name)))  # noqa: E731
    created = lambda name: ok(ref(name), "已创建 / created", 201)  # noqa: E731
    draw_note = ("采购管理人员；待验收时，或验收开始后原评估机构回避时 / by the bureau, when delivered, or after the "
                 "assigned firm was recused.")
    get_firm = op("getEvaluator", "评估机构详情 / Get an evaluation firm", "evaluators", ok(ref("Evaluator")),
                  fails=(404,), description="采购管理人员与管理员；评估机构只能查看本机构 / bureau and admins; a firm "
                                            "sees its own.")
    get_firm["parameters"] = [{"name": "org_id", "in": "path", "required": True, "schema": integer(),
                               "description": "评估机构的机构 id / the firm's organisation id"}]
    return {
        "/evaluators": {"get": op(
            "listEvaluators", "评估机构名录 / List evaluation firms", "evaluators",
            ok(array(ref("EvaluatorSummary"))), fails=(403,),
            description="采购管理人员与管理员看到全部；评估机构只看到本机构 / bureau and admins see all; a firm sees "
                        "its own.")},
        firm: {"get": get_firm},
        PROJECT + "/evaluator-draws": {
            "get": op("listEvaluatorDraws", "评估机构抽取记录 / List evaluator draws", "evaluators",
                      listing("EvaluatorDraw"), params=["ProjectId"], fails=(403, 404),
                      description="采购管理人员与管理员随时可看；验收通过后，能看到项目的人都可看 / the bureau and "
                                  "admins always; anyone who sees the project once it is accepted."),
            "post": op("drawEvaluator", "随机抽取评估机构 / Draw an evaluation firm at random", "evaluators",
                       created("EvaluatorDraw"), body="DrawInput", params=["ProjectId"], fails=(400, 403, 404),
                       conflicts=state_only, reasons=reason_codes(evaluators.draw_evaluator), description=draw_note),
        },
        PROJECT + "/evaluator-assignments": {"post": op(
            "assignEvaluator", "不经抽取指定评估机构 / Pick an evaluation firm by hand", "evaluators",
            created("EvaluatorDraw"), body="AssignInput", params=["ProjectId"], fails=(400, 403, 404),
            conflicts=state_only, reasons=reason_codes(evaluators.assign_evaluator),
            description=draw_note + " 须有书面理由；被排除的机构不能指定 / needs a written reason; an excluded firm "
                                    "cannot be picked.")},
        PROJECT + "/conflict-declarations": {"get": op(
            "listConflictDeclarations", "利益冲突声明列表 / List conflict declarations", "declarations",
            listing("ConflictDeclaration"), params=["ProjectId"], fails=(404,),
            description="评估机构只看到本机构的 / an evaluation firm sees its own.")},
        PROJECT + "/conflict-declarations/mine": {"post": op(
            "declareConflict", "本机构作出利益冲突声明 / Declare for your firm", "declarations",
            ok(ref("ConflictDeclaration")), body="DeclarationInput", params=["ProjectId"], fails=(400, 403, 404),
            conflicts=state_only, reasons=reason_codes(evaluators.declare),
            description="被抽取（或指定）的机构；声明存在冲突即回避，验收开始后声明的为逾期声明 / by the drawn firm; a "
                        "conflict recuses it, and one declared after delivery is late.")},
        PROJECT + "/personal-declarations": {
            "get": op("listPersonalDeclarations", "评估人员本人声明列表 / List evaluators' own declarations",
                      "declarations", listing("PersonalDeclaration"), params=["ProjectId"], fails=(404,),
                      description="评估机构只看到本机构的 / an evaluation firm sees its own."),
            "post": op("declarePersonal", "评估人员本人声明利益冲突 / Declare for yourself", "declarations",
                       created("PersonalDeclaration"), body="DeclarationInput", params=["ProjectId"],
                       fails=(400, 403, 404), conflicts=state_only, reasons=reason_codes(evaluators.declare_personal),
                       description="被指派机构的评估人员，每人每项目一次（之后只能补充声明存在冲突）；声明无冲突后方可"
                                   "验收、评价 / by a user of the assigned firm, once (later only a conflict); needed "
                                   "before they may accept or evaluate."),
        },
    }
