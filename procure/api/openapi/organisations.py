"""Organisations (procure.api.organisations) in the OpenAPI document."""
from procure.api.openapi.forms import form_ref
from procure.api.openapi.operation import ok, op
from procure.api.openapi.reasons import reason_codes
from procure.api.openapi.schema import array, enum, integer, nullable, obj, ref, string


def schemas() -> dict:
    return {
        "Organisation": obj({"id": integer(), "name": string(),
                             "kind": enum(["community", "government", "provider", "evaluator"]),
                             "division_code": string(pattern=r"^(\d{6}|\d{12})$"),
                             "credit_code": nullable(string()),
                             "credit_code_override": {"type": "boolean", "description": "代码未通过 GB 32100 校验（校验位"
                                                      "或第1–2位与机构类型不符），由管理员说明理由后确认 / the code fails "
                                                      "a GB 32100 check (check character, or positions 1–2 against the "
                                                      "kind) and an admin accepted it with a reason"},
                             "community_class": nullable(string())}),
    }


def requests(schemas: dict) -> None:
    from procure.organisations.operations import CreditCodeForm

    form_ref(CreditCodeForm, schemas)


def paths() -> dict:
    listing = lambda name: ok(array(ref(name)))  # noqa: E731
    result = {
        "/organisations": {"get": op(
            "listOrganisations", "机构列表 / List organisations", "organisations", listing("Organisation"),
            fails=(400,), description="用于选择动作所需的机构 id / to find the organisation ids that actions take.")},
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
    return result
