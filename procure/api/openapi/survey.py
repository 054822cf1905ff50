"""The resident satisfaction survey (procure.api.survey) in the OpenAPI document."""
from procure.api.openapi.forms import form_ref
from procure.api.openapi.operation import PROJECT, ok, op
from procure.api.openapi.reasons import reason_codes
from procure.api.openapi.schema import array, enum, integer, nullable, obj, ref, string


def requests(schemas: dict) -> None:
    from procure.survey import inputs as survey_inputs

    for form_class in (survey_inputs.IssueTokensForm, survey_inputs.ResponseForm):
        form_ref(form_class, schemas)


def schemas() -> dict:
    percent = nullable(ref("Money"))
    return {
        "SurveyQuestion": obj({
            "key": string(description="答卷中的字段名 / the field of the response"), "question": string(),
            "kind": enum(["choice", "text"]), "required": {"type": "boolean"},
            "options": array(obj({"value": string(), "label": string()}))}),
        "PublicSurvey": obj({
            "title": string(description="项目名称 / the project's title"), "community": string(),
            "closes_on": string("date"), "open": {"type": "boolean", "description": "仍可填写 / still taking "
                                                                                    "responses"},
            "questions": array(ref("SurveyQuestion"))}),
        "SurveyReceipt": obj({"received": {"type": "boolean"}, "submitted_at": string("date-time")}),
        "SurveyAggregate": obj({
            "key": string(), "question": string(), "answered": integer(minimum=0),
            "options": array(obj({"value": string(), "label": string(), "count": integer(minimum=0),
                                  "percent": {**percent, "description": "占作答的百分比 / share of those who "
                                                                        "answered, percent"}}))}),
        "ProjectSurvey": obj({
            "url": string(description="公开问卷地址 / the public page"), "opened_at": string("date-time"),
            "closes_on": string("date"), "closed_at": nullable(string("date-time")), "open": {"type": "boolean"},
            "tokens_issued": integer(minimum=0), "tokens_used": integer(minimum=0), "responses": integer(minimum=0),
            "min_responses": integer(description="设置项 SURVEY_MIN_RESPONSES / the setting SURVEY_MIN_RESPONSES"),
            "satisfaction_rate": {**percent, "description": "总体满意度为满意或非常满意的答卷百分比，无答卷时为 null / "
                                                            "percent of responses whose overall answer is satisfied "
                                                            "or very satisfied; null with none"},
            "aggregates": array(ref("SurveyAggregate"))},
            description="只有汇总，不含任何原始答卷或意见 / aggregates only: never a response or a comment"),
        "SurveyTokens": obj({
            "count": integer(minimum=1), "codes": array(string(), description="明文调查码，只返回这一次 / the "
                                                                                "plain codes, returned this once"),
            "url": string(), "links": array(string(), description="带调查码的问卷地址（用于二维码）/ the page "
                                                                   "with each code, for QR codes")}),
    }


def paths() -> dict:
    from procure.survey import operations as survey

    slug = [{"name": "slug", "in": "path", "required": True, "schema": string(),
             "description": "问卷地址中的随机标识 / the random part of the survey's address"}]
    public = op("getPublicSurvey", "公开问卷 / Get a survey's questions", "survey", ok(ref("PublicSurvey")),
                fails=(404,), public=True, description="无需令牌；不含任何答卷或结果 / no token needed; no answers "
                                                        "or results.")
    respond = op("respondToSurvey", "提交答卷 / Answer a survey", "survey", ok(ref("SurveyReceipt"), "已收到 / "
                 "received", 201), body="ResponseInput", fails=(400, 404), public=True,
                 conflicts=("survey_closed", "token_used"), reasons=reason_codes(survey.respond),
                 description="无需令牌；凭调查码（大小写与分隔符不限）每码一次 / no token needed; once per code (case "
                             "and separators do not matter).")
    public["parameters"], respond["parameters"] = slug, slug
    base = PROJECT + "/survey"
    community = "申报社区，验收中、整改中或已验收 / by the community, in `under_acceptance`, `rectification` or `accepted`"
    return {
        "/surveys/{slug}": {"get": public},
        "/surveys/{slug}/responses": {"post": respond},
        base: {
            "get": op("getProjectSurvey", "满意度调查汇总 / Get the survey's counts and aggregates", "survey",
                      ok(nullable(ref("ProjectSurvey")), "汇总；尚未开启时为 null / the aggregates, or null before "
                                                        "it is opened"),
                      params=["ProjectId"], fails=(403, 404), conflicts=("invalid_transition",),
                      description="申报社区、采购管理人员与被指派的评估机构 / the community, the bureau and the "
                                  "assigned evaluation firm."),
            "post": op("openProjectSurvey", "开启满意度调查 / Open the survey", "survey",
                       ok(ref("ProjectSurvey"), "已开启 / opened", 201), params=["ProjectId"], fails=(400, 403, 404),
                       conflicts=("invalid_transition", "conflict"),
                       description=community + "；每项目一次，请求体可省略 / once per project; the body may be "
                                               "left out."),
        },
        base + "/tokens": {"post": op(
            "issueSurveyTokens", "发放调查码 / Issue survey codes", "survey",
            ok(ref("SurveyTokens"), "已发放 / issued", 201), body="IssueTokensInput", params=["ProjectId"],
            fails=(400, 403, 404), conflicts=("invalid_transition", "survey_closed"),
            reasons=reason_codes(survey.issue_tokens),
            description=community + "；调查进行中；明文调查码只返回这一次，系统只保存其散列值 / while the survey is "
                                    "open; the plain codes are returned this once, only their hashes are kept.")},
        base + "/close": {"post": op(
            "closeProjectSurvey", "结束满意度调查 / Close the survey", "survey", ok(ref("ProjectSurvey")),
            params=["ProjectId"], fails=(400, 403, 404), conflicts=("invalid_transition", "survey_closed"),
            reasons=reason_codes(survey.close_survey), description=community + "。")},
    }
