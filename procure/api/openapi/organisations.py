"""Organisations (procure.api.organisations) in the OpenAPI document, with a community's council."""
from procure.api.openapi.forms import form_ref
from procure.api.openapi.operation import ok, op
from procure.api.openapi.reasons import reason_codes
from procure.api.openapi.schema import array, enum, integer, nullable, obj, ref, string


def schemas() -> dict:
    share = string(description="如 2/3 / a share such as 2/3")
    return {
        "Organisation": obj({"id": integer(), "name": string(),
                             "kind": enum(["community", "government", "provider", "evaluator"]),
                             "division_code": string(pattern=r"^(\d{6}|\d{12})$"),
                             "credit_code": nullable(string()),
                             "credit_code_override": {"type": "boolean", "description": "代码未通过 GB 32100 校验（校验位"
                                                      "或第1–2位与机构类型不符），由管理员说明理由后确认 / the code fails "
                                                      "a GB 32100 check (check character, or positions 1–2 against the "
                                                      "kind) and an admin accepted it with a reason"},
                             "community_class": nullable(string()),
                             "council_size": nullable(integer(
                                 description="社区登记的居民议事会成员人数（其他机构为 null）/ a community's registered "
                                             "council size (null for other organisations)"))}),
        "Council": obj({
            "community_id": integer(), "name": string(), "community_class": string(),
            "council_size": nullable(integer(description="尚未登记为 null / null until registered")),
            "version": integer(description="变更时提交所读到的版本 / send the version you read with a change"),
            "quorum": share, "majority": share,
            "history": array(obj({"at": string("date-time"), "before": nullable(integer()), "after": integer(),
                                  "reason": string(), "by": nullable(string())}))},
            description="议事会规则按社区类别设置（QUORUM_<CLASS>、MAJORITY_<CLASS>）：实到超过成员人数的 quorum，赞成超过实到的 "
                        "majority / the class's rules (settings QUORUM_<CLASS>, MAJORITY_<CLASS>): more than `quorum` "
                        "of the members present, more than `majority` of those present in favour"),
    }


def requests(schemas: dict) -> None:
    from procure.council.inputs import CouncilForm

    form_ref(CouncilForm, schemas)
    body = schemas["CouncilInput"]
    body["properties"]["version"] = integer(description="读到的 version / the version you read")
    body.setdefault("required", []).append("version")
    from procure.organisations.operations import CreditCodeForm

    form_ref(CreditCodeForm, schemas)


def paths() -> dict:
    from procure.council import operations as council

    listing = lambda name: ok(array(ref(name)))  # noqa: E731
    community_id = {"name": "org_id", "in": "path", "required": True, "schema": integer(minimum=1),
                    "description": "社区机构 id / the community's organisation id"}
    result = {
        "/organisations": {"get": op(
            "listOrganisations", "机构列表 / List organisations", "organisations", listing("Organisation"),
            fails=(400,), description="用于选择动作所需的机构 id / to find the organisation ids that actions take.")},
        "/organisations/{org_id}/council": {
            "get": op("getCouncil", "社区居民议事会 / A community's council", "organisations", ok(ref("Council")),
                      fails=(404,),
                      description="本社区工作人员、管理员、辖区审核人员与采购管理人员可见 / for the community's staff, "
                                  "admins, and the reviewers and bureau officers whose area covers it."),
            "put": op("setCouncil", "登记或变更议事会成员人数 / Register or change the council size", "organisations",
                      ok(ref("Council")), body="CouncilInput", fails=(400, 403, 404),
                      conflicts=("stale_version",), reasons=reason_codes(council.set_council_size),
                      description="本社区工作人员或管理员；变更已登记人数须写明 reason；每次变更记入操作记录（前后人数）；"
                                  "项目申报中议事会的应到人数须与之一致 / by the community's staff or an admin; changing a "
                                  "registered size needs a reason; each change is audited (before and after); a "
                                  "proposal's deliberation must name this many members."),
        },
    }
    from procure.organisations.operations import set_credit_code

    result["/organisations/{org_id}/credit-code"] = {"put": op(
        "setCreditCode", "设置统一社会信用代码 / Set an organisation's credit code", "organisations",
        ok(ref("Organisation")), body="CreditCodeInput", params=["OrgId"], fails=(400, 403, 404),
        reasons=reason_codes(set_credit_code),
        description="仅管理员。校验位与第1–2位（登记管理部门和机构类别，设置 CREDIT_CODE_PREFIXES）须与机构类型相符；"
                    "否则须填写 override_reason，确认记入审计记录 / admins only. The check character and positions 1–2 "
                    "(registration authority and category, setting CREDIT_CODE_PREFIXES) must fit the kind; "
                    "otherwise an override_reason accepts it, recorded in the audit trail.")}
    result["/organisations"]["get"]["parameters"] = [
        {"name": "kind", "in": "query", "required": False,
         "schema": enum(["community", "government", "provider", "evaluator"]),
         "description": "只列出该类机构 / only organisations of this kind"}]
    for method in result["/organisations/{org_id}/council"].values():
        method["parameters"] = [community_id]
    return result
