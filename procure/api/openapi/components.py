"""What every part of the document shares: money, errors, path parameters, error responses, the scheme."""
from procure.api.openapi.schema import JSON, array, integer, obj, ref, string
from procure.formfields import MAX_AMOUNT


def schemas() -> dict:
    money = "金额（元），两位小数 / amount in yuan, two decimals"
    return {
        "Money": string(pattern=r"^\d+\.\d{2}$", description=money, examples=["40000.00"]),
        "MoneyInput": {"type": ["string", "number"], "pattern": r"^\d+(\.\d{1,2})?$", "minimum": 0,
                       "maximum": float(MAX_AMOUNT), "examples": ["40000.00"],
                       "description": "金额（元），最多两位小数，0 至 100,000,000.00；建议用字符串 / yuan with at "
                                      "most two decimals, 0 to 100,000,000.00; strings preferred over numbers"},
        "Score": string(pattern=r"^\d+\.\d{2}$", description="得分（0–100，两位小数）/ score 0–100, two decimals"),
        "OrganisationRef": obj({"id": integer(), "name": string()}),
        "ProvisionalHoliday": obj({"day": string("date"), "name": string(description="例如 春节 / e.g. 春节")},
                                  description="期限按规则暂定跳过的法定节假日（该年尚无正式放假安排，不含调休）；正式安排"
                                              "录入后期限可能变化 / a statutory holiday the period skipped by rule "
                                              "alone (no official arrangement for its year yet, no make-up days); "
                                              "the period may change once the arrangement is entered"),
        "Error": obj({"error": string(description="稳定的错误代码 / stable error code"), "message": string()}),
        "FieldErrors": {"anyOf": [array({"anyOf": [string(), ref("FieldErrors")]}),
                                  {"type": "object", "additionalProperties": ref("FieldErrors")}],
                        "description": "字段的错误消息；嵌套表单与列表按相同结构嵌套 / messages for a field; nested "
                                       "forms and lists nest the same way"},
        "InvalidInputError": obj({"error": {"const": "invalid_input"}, "message": string(),
                                  "fields": {"type": "object", "additionalProperties": ref("FieldErrors"),
                                             "description": "按字段名（`_body`：请求体本身）/ by field name "
                                                            "(`_body`: the body itself)"}}),
        "Reason": obj({"code": string(description="稳定的原因代码 / stable reason code"), "message": string()}),
        "GuardFailedError": obj({"error": {"const": "guard_failed"}, "message": string(),
                                 "reasons": array(ref("Reason"), minItems=1)}),
    }


def components(schemas: dict) -> dict:
    """The components section around `schemas`, the schemas every part gave."""

    def error(description, name="Error"):
        return {"description": description, "content": {JSON: {"schema": ref(name)}}}

    def _requirements():
        from procure.providers.models import REQUIREMENTS
        return REQUIREMENTS

    def path_id(name, description):
        return {"name": name, "in": "path", "required": True, "schema": integer(), "description": description}

    return {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                       "description": "POST /tokens 取得的令牌 / a token from POST /tokens"}},
        "schemas": schemas,
        "parameters": {
            "ProjectId": path_id("project_id", "项目 id / project id"),
            "ObjectionId": path_id("objection_id", "异议 id / objection id"),
            "ChallengeId": path_id("challenge_id", "质疑 id / challenge id"),
            "OrgId": path_id("org_id", "承接主体的机构 id / the provider organisation's id"),
            "DebarmentId": path_id("debarment_id", "禁入记录 id / debarment id"),
            "AttachmentId": path_id("attachment_id", "附件 id / attachment id"),
            "MilestoneId": path_id("milestone_id", "付款节点 id / milestone id"),
            "PaymentRequestId": path_id("request_id", "付款申请 id / payment request id"),
            "MemberId": path_id("member_id", "评审小组成员 id / panel member id"),
            "ItemId": path_id("item_id", "验收清单项 id / checklist item id"),
            "BidId": path_id("bid_id", "响应 id / bid id"),
            "Year": path_id("year", "目录年度 / the catalogue's year"),
            "Requirement": {"name": "requirement", "in": "path", "required": True,
                            "schema": {"type": "string", "enum": list(_requirements())},
                            "description": "承接主体条件 / a provider requirement"},
        },
        "responses": {
            "InvalidInput": error("输入有误（invalid_input）/ invalid input, per field", "InvalidInputError"),
            "Unauthorized": error("缺少或无效的令牌（unauthorized）/ missing or invalid bearer token"),
            "Forbidden": error("角色或所属机构无权执行（forbidden）/ your role or organisation may not do this"),
            "NotFound": error("记录不存在或无权查看（not_found）/ no such record, or not visible to you"),
            "TooLarge": error("请求超过大小上限（too_large）/ the request is larger than the upload cap allows"),
        },
    }
