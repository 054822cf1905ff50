"""The OpenAPI 3.1 document for /api/v1, built from the input forms, the lifecycle table and the JSON shapes."""
import ast
import importlib
import inspect
import textwrap
from decimal import Decimal

from flask_babel import force_locale
from wtforms.fields import (BooleanField, DateField, FieldList, FormField, IntegerField, SelectField, StringField,
                            TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from procure.errors import Reason
from procure.formfields import MAX_AMOUNT, LocalDateTimeField, MoneyField
from procure.lifecycle import GUARDS
from procure.payments import operations as evaluation
from procure.performance_evaluation.scoring import GRADE_LABELS
from procure.procurement import contracts
from procure.procurement import operations as procurement
from procure.procurement import guards
from procure.projects import inputs
from procure.projects.models import FUNDING_FORMS, PROCUREMENT_METHODS
from procure.projects.states import STATE_LABELS, TRANSITIONS, TRIGGER_LABELS, State
from procure.providers import eligibility
from procure.providers import inputs as provider_inputs

JSON = "application/json"
PROJECT = "/projects/{project_id}"

DESCRIPTION = """\
政府购买社区微项目服务平台的 JSON 接口。先用 `POST /tokens` 以用户名和密码换取访问令牌，之后每个请求带上
`Authorization: Bearer <token>`。金额以“元”为单位、保留两位小数的字符串表示（如 `"40000.00"`）；日期为
`YYYY-MM-DD`，时间为带时区的 ISO 8601（UTC）。修改项目的请求须带上读到的 `version`，版本不符时返回
`409 stale_version`，请重新读取后再试。被拒绝的请求不改变任何数据；错误消息随 `Accept-Language`（或 `?lang=en`）
使用中文或英文，`error` 与 `reasons[].code` 是稳定的机器代码。

The JSON API of procure, a platform for governments buying community micro-project services. Exchange a
username and password for a bearer token with `POST /tokens`, then send `Authorization: Bearer <token>`.
Money is a string of yuan with two decimals (`"40000.00"`); dates are `YYYY-MM-DD`, moments ISO 8601 with
an offset (UTC). Requests that change a project carry the `version` you read: a mismatch is
`409 stale_version` (re-read and retry). A refused request changes nothing. Messages follow
`Accept-Language` (or `?lang=en`); `error` and `reasons[].code` are stable codes for programs."""

TAGS = [
    ("tokens", "访问令牌 / Bearer tokens"),
    ("catalogue", "服务类别目录 / Service categories"),
    ("organisations", "机构 / Organisations"),
    ("projects", "项目 / Projects"),
    ("transitions", "状态流转：每个触发动作一个路径 / Lifecycle transitions, one path per trigger"),
    ("objections", "社区公示期间的居民异议 / Residents' objections during the community notice"),
    ("bids", "响应（投标），截止前密封 / Bids, sealed until the deadline"),
    ("challenges", "供应商质疑 / Bidders' challenges to the award"),
    ("contracts", "合同或补贴协议、付款节点 / Contract or subsidy agreement, milestones"),
    ("declarations", "第三方评估机构利益冲突声明 / Evaluation firms' conflict-of-interest declarations"),
    ("evaluators", "第三方评估机构名录、随机抽取与指定 / Evaluation firms: register, random draws, hand picks"),
    ("payments", "付款登记 / Payments"),
    ("providers", "承接主体名录、核验、资格与禁入 / Provider register, verification, eligibility and debarment"),
    ("catalogues", "年度政府购买服务目录：分类汇总、发布公示、生效与调整 / The annual purchase catalogue: totals, "
                   "publication with a public notice, coming into force, amendments"),
    ("delivery", "实施：服务记录、社区确认节点、付款申请 / Delivery: service records, the community's milestone "
                 "confirmations, payment requests"),
    ("attachments", "项目附件：上传与下载，投标附件随响应文件密封 / Project attachments; a bid's files are sealed "
                    "with the bid"),
    ("notifications", "提醒：每日检查逾期事项后发给相关用户，志愿活动取消与时长更正即时提醒 / Notifications of "
                      "overdue deadlines, sent daily; of cancelled activities and hours corrections, as they happen"),
    ("tenders", "采购公告、评审小组、评分与排名、中标（成交）公告 / The tender notice, the bid evaluation panel, "
                "scores and ranking, the award notice"),
    ("documents", "正式文书 PDF（申报书、成交通知书、合同、验收证书、绩效评价报告）与公开核验 / Official PDF documents "
                  "(proposal, award notice, contract, acceptance certificate, evaluation report) and their public "
                  "verification"),
    ("acceptance", "验收：验收清单与评定、现场走访、整改轮次、社区及居民代表确认 / Acceptance: the checklist and its "
                   "judgements, site visits, rectification rounds, the community's confirmation"),
    ("survey", "居民满意度调查：公开问卷与答卷（凭调查码），项目相关方查看汇总 / The resident satisfaction survey: "
               "the public questions and responses (with a slip's code); counts and aggregates for the parties"),
    ("performance", "绩效评价：指标模板、各方独立评分（全部提交前互不可见）、差异说明、结果 / Performance evaluation: "
                    "indicator templates, independent score sheets (blind until all have submitted), divergences, "
                    "the result"),
    ("ocds", "开放合同数据标准（OCDS 1.1.5）：发布包、记录包、按年度批量下载，无需令牌 / Open Contracting Data "
             "Standard 1.1.5: release and record packages, yearly bulk files; no token needed"),
    ("volunteers", "志愿服务：公开积分明星榜（无需令牌）、志愿活动、我的积分 / Volunteers: the public star board "
                   "(no token), activities, my hours and points"),
    ("meta", "接口说明 / This document"),
]

ROLE_NOTES = {
    "community": "本项目的申报社区 / the proposing community",
    "reviewer": "辖区审核人员 / a reviewer whose area covers the community",
    "bureau": "辖区采购管理人员 / a bureau officer whose area covers the community",
    "implementer": "承接方：中标机构、补贴协议的实施机构，或项目奖励方式下的社区 / the implementer: the contracted "
                   "provider, the agreement's organisation, or the community itself for a reward",
    "assigned_evaluator": "被指派验收的第三方评估机构 / a user of the evaluation firm assigned to the acceptance",
}

# Rules the forms check across fields or that guards check later (422); keyed by (form, field) or form.
NOTES = {
    inputs.ProjectForm: "保存草稿只需 title 与 funding_form；发布公示（publish_notice）时须填齐其余内容、预算明细合计等于申请金额，"
                        "并有达到法定人数且过半数赞成的议事会记录 / A draft needs only title and funding_form; "
                        "publish_notice needs the rest, budget lines adding up to the requested amount and a "
                        "quorate, majority deliberation.",
    inputs.DeliberationForm: "整体可选；一旦填写任一项，held_on 与四项人数均为必填；members_present ≤ members_total，"
                             "votes_for + votes_against ≤ members_present / Optional as a whole; once any field "
                             "is given, held_on and the four counts are required.",
    (inputs.ProjectForm, "category"): "服务类别目录中的末级类别代码（见 GET /categories）/ a leaf code of the "
                                      "category tree (GET /categories)",
    (inputs.ProjectForm, "end_date"): "不早于 start_date / not before start_date",
    (inputs.ProjectForm, "budget_lines"): "超过 100 行的部分被忽略 / entries beyond 100 are ignored",
    (inputs.TermForm, "end"): "不早于 start；服务期限有上限（默认 1 年，跨年度合同 3 年），超出则 422 / not before "
                              "start; the term is capped (by default one year, three if multi-year; 422 beyond)",
    (inputs.ApproveForm, "approved_amount"): "不超过申请金额 / at most the requested amount",
    (inputs.ApproveForm, "negative_list_checked"): "须为 true，否则 422 / must be true (422 otherwise)",
    (inputs.TenderForm, "justification"): "method 为 single_source 时必填 / required when method is single_source",
    (inputs.TenderForm, "price_weight"): "默认 10（设置项 BID_PRICE_WEIGHT）/ 10 by default (setting BID_PRICE_WEIGHT)",
    (inputs.TenderForm, "criteria"): "公开招标、邀请招标、竞争性磋商（综合评分）至少一项，max_points 合计须为 100 − price_weight；"
                                     "其他方式（最低价成交、单一来源）忽略 / for open_tender, invited_tender and "
                                     "competitive_consultation (comprehensive scoring) at least one, max_points adding "
                                     "up to 100 − price_weight; ignored for the other methods (lowest price, single "
                                     "source)",
    (inputs.TenderForm, "bid_deadline"): "距现在不少于该方式的最短期限（MIN_BID_PERIODS），否则 422 bid_period_too_short "
                                         "/ at least the method's minimum period from now (MIN_BID_PERIODS), else 422 "
                                         "bid_period_too_short",
    (inputs.AwardForm, "bid_id"): "本项目一份有效响应的 id，须为排名第一者 / a submitted bid of this project, the "
                                  "top-ranked one",
    (inputs.ContractForm, "amount"): "不超过成交报价 / at most the awarded bid's price",
    (inputs.ContractForm, "milestones"): "各节点 percent 合计须为 100，完成期限在服务期限内 / percents must add up "
                                         "to 100, each due within the term",
    (inputs.ContractForm, "signed_on"): "不晚于今天、不早于确定承接方之日；晚于确定承接方后 30 日（设置项）签订的合同带有"
                                        "提醒 / not in the future, not before the award; signed later than 30 days "
                                        "after the award (a setting) the contract carries a warning",
    (inputs.ContractForm, "deposit"): "履约保证金，默认 0，不超过合同金额的 10%（设置项）/ performance deposit, 0 by "
                                      "default, at most 10 % of the amount (a setting)",
    (inputs.ContractForm, "no_subcontracting"): "须为 true（承接方不转包、不分包的声明），否则 422 / must be true "
                                                "(the provider's no-subcontracting declaration), 422 otherwise",
    (inputs.AmendmentForm, "amount"): "空则不变；累计不超过签订时金额的 110%（设置项）、不超过批准金额、不低于已支付 / "
                                      "blank keeps it; in all at most 110 % of the signed amount (a setting), "
                                      "within the approved amount, not below what was paid",
    (inputs.AmendmentForm, "end"): "空则不变；不早于开始日期，服务期限上限同签订时 / blank keeps it; not before the "
                                   "start, the term capped as at signing",
    (inputs.TerminateForm, "breach"): "为 true 时承接方被列入禁止参与名单 3 年（设置项）/ when true the implementer is "
                                      "debarred for 3 years (a setting)",
    (inputs.AgreementForm, "implementer_org_id"): "已登记社会组织的机构 id / id of a provider organisation",
    (inputs.FindingsForm, "deadline"): "空则为今天加 15 天（设置项 RECTIFICATION_DAYS），须晚于今天 / blank: today plus "
                                       "15 days (setting RECTIFICATION_DAYS); must be after today",
    (inputs.EvaluateForm, "rectification_plan"): "评价等级为“中”时必填，否则 422 rectification_plan_missing / "
                                                 "required when the grade works out to 中 (fair)",
    (inputs.MilestoneReportForm, "milestone_id"): "本项目合同中的节点 id / a milestone of this project's contract",
    (inputs.PaymentForm, "milestone_id"): "本项目合同中的节点 id / a milestone of this project's contract",
    (provider_inputs.ProfileForm, "team"): "整体替换 / replaced whole",
    (provider_inputs.DebarmentForm, "starts_on"): "默认今天 / today by default",
    (provider_inputs.DebarmentForm, "ends_on"): "违约默认 3 年、绩效评价为差默认 1 年（设置项）；其他来源必填 / by default "
                                                "3 years for a breach and 1 year for an evaluation graded 差 (settings); "
                                                "required for other sources",
    (provider_inputs.RelationForm, "related_org_id"): "另一家承接主体的机构 id / id of another provider",
}


# ---- small schema builders -------------------------------------------------------------------

def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    schema = dict(schema)
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    schema["type"] = [schema["type"], "null"]
    return schema


def string(fmt=None, **extra) -> dict:
    return {"type": "string", **({"format": fmt} if fmt else {}), **extra}


def integer(**extra) -> dict:
    return {"type": "integer", **extra}


def array(items: dict, **extra) -> dict:
    return {"type": "array", "items": items, **extra}


def enum(values, labels=None) -> dict:
    schema = {"type": "string", "enum": list(values)}
    if labels:
        schema["description"] = "; ".join(f"`{v}`: {labels[v]}" for v in values)
    return schema


def obj(properties: dict, optional=(), description=None) -> dict:
    """An object whose keys are all present except `optional` ones."""
    schema = {"type": "object", "properties": properties,
              "required": [k for k in properties if k not in optional]}
    if description:
        schema["description"] = description
    return schema


def text(value) -> str:
    """A lazily translated label in its Chinese source form, whatever the request's language."""
    with force_locale("zh_Hans_CN"):
        return str(value)


def texts(labels: dict) -> dict:
    return {key: text(label) for key, label in labels.items()}


# ---- input forms → request schemas -----------------------------------------------------------

def input_name(form_class) -> str:
    return form_class.__name__.removesuffix("Form") + "Input"


def note(form_class, name: str):
    return next((NOTES[(k, name)] for k in form_class.__mro__ if (k, name) in NOTES), None)


def is_required(field) -> bool:
    if isinstance(field, FieldList):
        return field.min_entries > 0
    return any(isinstance(v, (DataRequired, InputRequired)) for v in field.validators)


def bounds(field) -> dict:
    """Length and NumberRange as JSON Schema keywords; DataRequired text must not be blank."""
    extra = {}
    for v in field.validators:
        if isinstance(v, Length):
            extra.update({"minLength": v.min} if v.min > 0 else {})
            extra.update({"maxLength": v.max} if v.max >= 0 else {})
        if isinstance(v, NumberRange):
            extra.update({"minimum": plain_number(v.min)} if v.min is not None else {})
            extra.update({"maximum": plain_number(v.max)} if v.max is not None else {})
        if isinstance(v, DataRequired) and isinstance(field, StringField):
            extra["pattern"] = r"\S"
    return extra


def plain_number(value):
    return float(value) if isinstance(value, Decimal) else value


def field_schema(field, schemas: dict) -> dict:
    """The JSON Schema of one WTForms field (nested forms are registered in `schemas`)."""
    if isinstance(field, FieldList):
        inner = field.unbound_field
        if inner.field_class is not FormField:
            raise TypeError(f"no JSON Schema for a FieldList of {inner.field_class.__name__}")
        limits = {"minItems": field.min_entries} if field.min_entries else {}
        if field.max_entries:
            limits["maxItems"] = field.max_entries
        return array(form_ref(inner.args[0], schemas), **limits)
    if isinstance(field, FormField):
        return form_ref(field.form_class, schemas)
    if isinstance(field, MoneyField):
        return {**ref("MoneyInput"), **bounds(field)}
    if isinstance(field, LocalDateTimeField):
        return string("date-time", description="无时区时按北京时间 / without an offset, read as Asia/Shanghai")
    if isinstance(field, DateField):
        return string("date")
    if isinstance(field, BooleanField):
        return {"type": "boolean", "default": False}
    if isinstance(field, IntegerField):
        return integer(**bounds(field))
    if isinstance(field, SelectField):
        return enum([c.value for c in field.iter_choices()], {c.value: text(c.label) for c in field.iter_choices()})
    if isinstance(field, (StringField, TextAreaField)):
        return string(**bounds(field))
    raise TypeError(f"no JSON Schema for {type(field).__name__}")


def form_schema(form_class, schemas: dict, *, all_optional=False) -> dict:
    """An object schema with one property per form field; optional fields also take null (= not given)."""
    properties, required = {}, []
    for field in form_class():
        schema = field_schema(field, schemas)
        if is_required(field) and not all_optional:
            required.append(field.name)
        else:
            schema = nullable(schema)
        description = " — ".join(filter(None, [text(field.label.text), note(form_class, field.name)]))
        properties[field.name] = {**schema, "description": description}
    schema = {"type": "object", "properties": properties, "required": required}
    if form_class in NOTES:
        schema["description"] = NOTES[form_class]
    return schema


def form_ref(form_class, schemas: dict) -> dict:
    name = input_name(form_class)
    if name not in schemas:
        schemas[name] = {}  # reserve first: a form may be reached again while it is being built
        schemas[name] = form_schema(form_class, schemas)
    return ref(name)


def with_version(schema: dict, description: str) -> dict:
    version = integer(description="读到的项目 version / the project's version as read (optimistic locking)")
    return {**schema, "description": description, "properties": {**schema["properties"], "version": version},
            "required": [*schema["required"], "version"]}


def camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def reason_codes(*functions) -> list[str]:
    """The reason codes a guard or an operation can refuse with, read from its code: the literal first
    argument of each `Reason(...)`, or the literal given for a parameter named `code` (guard factories),
    following calls into functions of the same module."""
    codes, seen = [], set()

    def visit(func):
        if func in seen:
            return
        seen.add(func)
        free = dict(zip(func.__code__.co_freevars, (c.cell_contents for c in func.__closure__ or ())))
        if isinstance(free.get("code"), str):  # a guard a factory made
            codes.append(free["code"])
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
        # A guard that imports its worker inside the function (to avoid an import cycle) is followed into it.
        local = {alias.asname or alias.name: getattr(importlib.import_module(node.module), alias.name, None)
                 for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
                 for alias in node.names}
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
                continue
            target = local.get(call.func.id) or func.__globals__.get(call.func.id)
            if target is Reason:
                codes.extend(a.value for a in call.args[:1] if isinstance(a, ast.Constant))
            elif inspect.isfunction(target):
                given = {**dict(zip(inspect.signature(target).parameters, call.args)),
                         **{k.arg: k.value for k in call.keywords}}
                if isinstance(given.get("code"), ast.Constant):
                    codes.append(given["code"].value)
                if target.__module__ == func.__module__ or call.func.id in local:
                    visit(target)

    for function in functions:
        visit(function)
    return list(dict.fromkeys(codes))


def trigger_codes(trigger: str) -> list[str] | None:
    """None when the trigger has no guard, so it can never answer 422."""
    return reason_codes(*GUARDS[trigger]) if trigger in GUARDS else None


# ---- components ------------------------------------------------------------------------------

def data_schemas() -> dict:
    money = "金额（元），两位小数 / amount in yuan, two decimals"
    org = ref("OrganisationRef")
    moment, day = string("date-time"), string("date")
    summary = {
        "id": integer(), "code": string(description="项目编号 / project code, e.g. WXM2026-0001"),
        "title": string(), "state": ref("State"), "version": integer(description="乐观锁版本 / optimistic-lock version"),
        "funding_form": enum(FUNDING_FORMS), "category": nullable(string(description="服务类别代码 / category code")),
        "community": org, "requested_amount": nullable(ref("Money")), "approved_amount": nullable(ref("Money")),
        "catalogue_year": nullable(integer()), "created_at": moment, "updated_at": moment,
    }
    detail = {
        "needs_analysis": nullable(string()), "beneficiaries": nullable(string()), "goals": nullable(string()),
        "location": nullable(string()), "start_date": nullable(day), "end_date": nullable(day),
        "budget_lines": array(ref("BudgetLine")), "deliberation": nullable(ref("Deliberation")),
        "notice_published_on": nullable(day), "procurement_method": nullable(enum(PROCUREMENT_METHODS)),
        "single_source_justification": nullable(string()),
        "bid_deadline": nullable(moment), "awarded_at": nullable(moment), "implementer": nullable(org),
        "evaluator_org": nullable(org), "completion_summary": nullable(string()),
        "acceptance_report": nullable(string()),
        "scores": {"type": "object", "additionalProperties": ref("Score"),
                   "description": "评价完成后各一级指标（decision、implementation、output、effect）对总分的贡献 / each "
                                  "first-level group's part of the total once the evaluation is finalised"},
        "score": nullable(ref("Score")), "grade": nullable(enum(GRADE_LABELS, texts(GRADE_LABELS))),
        "available_transitions": array(ref("Trigger"), description="当前用户现在即可执行的动作（条件均已满足）/ triggers "
                                       "this user may fire now, their conditions met"),
    }
    report = {"id": integer(), "milestone_id": integer(), "content": string(), "submitted_at": moment}
    return {
        "Money": string(pattern=r"^\d+\.\d{2}$", description=money, examples=["40000.00"]),
        "MoneyInput": {"type": ["string", "number"], "pattern": r"^\d+(\.\d{1,2})?$", "minimum": 0,
                       "maximum": float(MAX_AMOUNT), "examples": ["40000.00"],
                       "description": "金额（元），最多两位小数，0 至 100,000,000.00；建议用字符串 / yuan with at "
                                      "most two decimals, 0 to 100,000,000.00; strings preferred over numbers"},
        "Score": string(pattern=r"^\d+\.\d{2}$", description="得分（0–100，两位小数）/ score 0–100, two decimals"),
        "State": enum([s.value for s in State], texts(STATE_LABELS)),
        "Trigger": enum(TRANSITIONS, texts(TRIGGER_LABELS)),
        "OrganisationRef": obj({"id": integer(), "name": string()}),
        "Organisation": obj({"id": integer(), "name": string(),
                             "kind": enum(["community", "government", "provider", "evaluator"]),
                             "division_code": string(pattern=r"^(\d{6}|\d{12})$"),
                             "credit_code": nullable(string()), "community_class": nullable(string())}),
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
        "TokenRequest": obj({"username": string(), "password": string("password")}),
        "Token": obj({"token": string(), "expires_in": integer(description="有效秒数 / lifetime in seconds")}),
        "Category": obj({"code": string(), "name": string(), "name_en": string(), "children": array(ref("Category"))},
                        description="末级类别的 children 为空 / a leaf has no children"),
        "BudgetLine": obj({"item": string(), "amount": ref("Money")}),
        "Deliberation": obj({"held_on": day, "members_total": integer(), "members_present": integer(),
                             "votes_for": integer(), "votes_against": integer(), "minutes": string()}),
        "ProjectSummary": obj(summary),
        "ProjectDetail": obj({**summary, **detail}),
        "Page": obj({"items": array(ref("ProjectSummary")), "page": integer(minimum=1), "per_page": integer(),
                     "total": integer()}),
        "TransitionResult": obj({"state": ref("State"), "version": integer()}),
        "AuditEntry": obj({"id": integer(), "at": moment,
                           "action": string(description="触发动作或其他操作（create、edit、submit_bid……）/ a trigger "
                                                        "or another action (create, edit, submit_bid, …)"),
                           "from_state": nullable(ref("State")), "to_state": nullable(ref("State")),
                           "comment": string(), "data": {"type": "object", "description": "操作的输入 / the input"},
                           "user": nullable(string(description="显示名 / display name")),
                           "organisation": nullable(string(description="机构名称 / organisation name"))}),
        "Objection": obj({"id": integer(), "raised_at": moment, "content": string(), "answer": nullable(string()),
                          "answered_at": nullable(moment), "resident_name": string(), "resident_contact": string()},
                         optional=("resident_name", "resident_contact"),
                         description="居民姓名与联系方式只给社区与审核人员 / the resident's name and contact only "
                                     "for the community and reviewers"),
        "Bid": obj({"id": integer(), "provider": org, "price": ref("Money"), "plan": string(),
                    "team": string(description="项目团队及资质 / who delivers, with their qualifications"),
                    "status": enum(["submitted", "withdrawn", "awarded"]), "submitted_at": moment}),
        "Challenge": obj({"id": integer(), "provider": org, "content": string(), "filed_at": moment,
                          "answer": nullable(string()), "answered_at": nullable(moment),
                          "answer_due": string("date", description="答复期限（提出后 7 个工作日）/ the last day for the "
                                                                   "answer (7 working days after filing)"),
                          "overdue": {"type": "boolean", "description": "逾期未答复或逾期答复 / answered late, or "
                                                                        "unanswered past the due day"}}),
        "MilestoneReport": obj(report, optional=("milestone_id",),
                               description="milestone_id 只在新建时返回 / milestone_id only when just created"),
        "Milestone": obj({"id": integer(), "name": string(), "percent": integer(minimum=1, maximum=100), "due": day,
                          "reports": array(ref("MilestoneReport"))}),
        "ContractAmendment": obj({
            "version": integer(minimum=2, description="变更后的合同版本 / the contract version it made"),
            "reason": string(), "amended_at": moment,
            "changes": {"type": "object", "additionalProperties": array(string(), minItems=2, maxItems=2),
                        "description": "字段 → [原值, 新值]（字符串）/ field → [old, new], as strings"}}),
        "Contract": obj({"id": integer(), "kind": enum(["contract", "agreement"]), "amount": ref("Money"),
                         "implementer": org, "start": day, "end": day, "multi_year": {"type": "boolean"},
                         "signed_at": moment, "signed_on": nullable(day), "service_content": string(),
                         "quantity_targets": string(), "quality_targets": string(), "deposit": ref("Money"),
                         "no_subcontracting": {"type": "boolean"},
                         "version": integer(minimum=1, description="签订时为 1，每次变更加 1 / 1 as signed, +1 per "
                                                                   "amendment"),
                         "published_at": nullable(moment),
                         "warnings": array(string(), description="逾期签订或公开的提醒，按请求语言 / late signature "
                                                                 "or publication, in the request's language"),
                         "amendments": array(ref("ContractAmendment")),
                         "termination": nullable(obj({"terminated_at": moment, "reason": string()})),
                         "milestones": array(ref("Milestone"))},
                        description="kind=agreement（补贴协议）无付款节点 / a subsidy agreement has no milestones"),
        "Payment": obj({"id": integer(), "kind": enum(["instalment", "final"]), "amount": ref("Money"),
                        "paid_on": day, "milestone_id": nullable(integer()), "note": string()}),
        **provider_schemas(),
        **attachment_schemas(),
        **delivery_schemas(),
        **catalogue_schemas(),
        **notification_schemas(),
        **tender_schemas(),
        **document_schemas(),
        **acceptance_schemas(),
        **survey_schemas(),
        **evaluator_schemas(),
        **performance_schemas(),
        **volunteer_schemas(),
    }


def provider_schemas() -> dict:
    from procure.procurement.models import DEBARMENT_SOURCES
    from procure.providers.models import INSPECTION_RESULTS, RATINGS, REGISTRATION_TYPES

    moment, day = string("date-time"), string("date")
    summary = {"id": integer(), "name": string(), "credit_code": string(),
               "legal_representative": nullable(string()),
               "verified": {"type": "boolean", "description": "机构信息已经民政局核验 / profile verified by the bureau"},
               "rating": nullable(enum(RATINGS)), "debarred": {"type": "boolean"}}
    return {
        "TeamMember": obj({"name": string(), "qualification": string(), "role": string()}),
        "ProviderProfile": obj({
            "registration_type": enum(REGISTRATION_TYPES, texts(provider_inputs.REGISTRATION_TYPE_LABELS)),
            "founded_on": nullable(day), "rating": nullable(enum(RATINGS)),
            "annual_inspection": enum(INSPECTION_RESULTS, texts(provider_inputs.INSPECTION_LABELS)),
            "service_areas": string(), "contact": string(), "public_welfare_class_one": {"type": "boolean"},
            "verified": {"type": "boolean"}, "verified_at": nullable(moment), "updated_at": moment,
            "team": array(ref("TeamMember"))}),
        "Debarment": obj({"id": integer(), "organisation_id": integer(), "reason": string(),
                          "source": enum(DEBARMENT_SOURCES, texts(provider_inputs.DEBARMENT_SOURCE_LABELS)),
                          "starts_on": day, "ends_on": day, "lifted_at": nullable(moment),
                          "active": {"type": "boolean", "description": "今天有效 / in force today"}}),
        "Violation": obj({"id": integer(), "occurred_on": day, "description": string(), "major": {"type": "boolean"}}),
        "ControlRelation": obj({"id": integer(), "related_org": ref("OrganisationRef"), "description": string(),
                                "declared_by_this": {"type": "boolean", "description": "由本机构声明 / declared by "
                                                     "this provider (else by the related one)"},
                                "declared_at": moment}),
        "ProviderSummary": obj(summary),
        "ProviderDetail": obj({
            **summary, "profile": nullable(ref("ProviderProfile")),
            "eligibility": array(ref("Reason"), description="今天不能投标或中标的原因，空表示合格 / why the provider "
                                 "could not bid or be awarded today; empty when eligible. 原因代码 / codes: "
                                 + ", ".join(f"`{c}`" for c in reason_codes(eligibility.eligibility_reasons))),
            "violations": array(ref("Violation")), "debarments": array(ref("Debarment")),
            "relations": array(ref("ControlRelation")), "track_record": ref("TrackRecord")}),
    }


def request_schemas() -> dict:
    """One schema per input form and per trigger; nested forms land here too."""
    schemas = {}
    form_ref(inputs.ProjectForm, schemas)
    schemas["ProjectPatch"] = with_version(
        form_schema(inputs.ProjectForm, schemas, all_optional=True),
        "只发送要修改的字段，其余取自当前申报；budget_lines 与 deliberation 整体替换；null 清空可选字段（deliberation "
        "除外，无法删除）/ Send only what changes; the rest comes from the stored proposal. budget_lines and "
        "deliberation are replaced whole; null clears an optional field (not deliberation, which cannot be removed).")
    for form_class in (inputs.ObjectionForm, inputs.AnswerForm, inputs.BidForm, inputs.ChallengeForm,
                       inputs.MilestoneReportForm, inputs.PaymentForm, provider_inputs.ProfileForm,
                       provider_inputs.DebarmentForm,
                       provider_inputs.ViolationForm, provider_inputs.RelationForm):
        form_ref(form_class, schemas)
    for form_class in (inputs.ServiceRecordForm, inputs.ConfirmationForm, inputs.PaymentRequestForm,
                       inputs.PaymentApprovalForm, inputs.ReasonForm, inputs.AmendmentForm):
        form_ref(form_class, schemas)
    for form_class in survey_forms():
        form_ref(form_class, schemas)
    for form_class in acceptance_forms():
        form_ref(form_class, schemas)
    for form_class in evaluator_forms():
        form_ref(form_class, schemas)
    for form_class in performance_forms():
        form_ref(form_class, schemas)
    for form_class in (inputs.PanelMemberForm, inputs.PanelConflictForm, inputs.CriterionScoreForm):
        form_ref(form_class, schemas)
    for trigger, form_class in inputs.TRIGGER_FORMS.items():
        schemas[camel(trigger) + "Request"] = with_version(
            form_schema(form_class, schemas), f"{text(TRIGGER_LABELS[trigger])} / {trigger}")
    return schemas


def components() -> dict:
    def error(description, name="Error"):
        return {"description": description, "content": {JSON: {"schema": ref(name)}}}

    def path_id(name, description):
        return {"name": name, "in": "path", "required": True, "schema": integer(), "description": description}

    return {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                       "description": "POST /tokens 取得的令牌 / a token from POST /tokens"}},
        "schemas": {**data_schemas(), **request_schemas()},
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
        },
        "responses": {
            "InvalidInput": error("输入有误（invalid_input）/ invalid input, per field", "InvalidInputError"),
            "Unauthorized": error("缺少或无效的令牌（unauthorized）/ missing or invalid bearer token"),
            "Forbidden": error("角色或所属机构无权执行（forbidden）/ your role or organisation may not do this"),
            "NotFound": error("记录不存在或无权查看（not_found）/ no such record, or not visible to you"),
            "TooLarge": error("请求超过大小上限（too_large）/ the request is larger than the upload cap allows"),
        },
    }


# ---- operations ------------------------------------------------------------------------------

STANDARD = {400: "InvalidInput", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 413: "TooLarge"}


def ok(schema: dict, description="成功 / OK", status=200) -> tuple:
    return status, {"description": description, "content": {JSON: {"schema": schema}}}


def conflict(codes) -> dict:
    listed = "、".join(codes)
    return {"description": f"与项目当前状态冲突 / conflicts with the project's state: {listed}",
            "content": {JSON: {"schema": {"allOf": [ref("Error"), {"properties": {"error": {"enum": list(codes)}}}]}}}}


def guard_failed(codes) -> dict:
    listed = ", ".join(f"`{c}`" for c in codes)
    return {"description": f"条件未满足（guard_failed）/ conditions not met. 原因代码 / reason codes: {listed}",
            "x-reason-codes": list(codes), "content": {JSON: {"schema": ref("GuardFailedError")}}}


def op(op_id, summary, tag, success, *, body=None, params=(), fails=(), conflicts=(), reasons=None,
       public=False, description=None) -> dict:
    """One operation: `fails` lists the plain error statuses; 401 is added unless public."""
    status, response = success
    operation = {"operationId": op_id, "summary": summary, "tags": [tag]}
    if description:
        operation["description"] = description
    if params:
        operation["parameters"] = [{"$ref": f"#/components/parameters/{p}"} for p in params]
    if body:
        operation["requestBody"] = {"required": True, "content": {JSON: {"schema": ref(body)}}}
    if public:
        operation["security"] = []
    responses = {str(status): response}
    for code in sorted({*fails, *(() if public else (401,))}):
        responses[str(code)] = {"$ref": f"#/components/responses/{STANDARD[code]}"}
    if conflicts:
        responses["409"] = conflict(conflicts)
    if reasons is not None:
        responses["422"] = guard_failed(reasons)
    operation["responses"] = dict(sorted(responses.items()))
    return operation


def transition_path(trigger: str) -> dict:
    sources, destination, roles = TRANSITIONS[trigger]
    who = "; ".join(f"`{r}`: {ROLE_NOTES.get(r, r)}" for r in sorted(roles))
    description = (f"状态 / states: {', '.join(f'`{s}`' for s in sources)} → `{destination}`。\n\n"
                   f"执行者 / who: {who}.\n\n成功时返回新状态与版本 / returns the new state and version.")
    english = trigger.replace("_", " ").capitalize()
    return {"post": op(f"transition{camel(trigger)}", f"{text(TRIGGER_LABELS[trigger])} / {english}",
                       "transitions", ok(ref("TransitionResult")), body=camel(trigger) + "Request",
                       params=["ProjectId"], fails=(400, 403, 404), conflicts=("invalid_transition", "stale_version"),
                       reasons=trigger_codes(trigger), description=description)}


def paths() -> dict:
    listing = lambda name: ok(array(ref(name)))  # noqa: E731
    created = lambda name: ok(ref(name), "已创建 / created", 201)  # noqa: E731
    state_only = ("invalid_transition",)
    result = {
        "/tokens": {"post": op(
            "createToken", "获取访问令牌 / Get a bearer token", "tokens", ok(ref("Token"), "令牌 / the token", 201),
            body="TokenRequest", fails=(400, 401), public=True,
            description="用户名或密码错误（或不是字符串）时返回 401 / 401 for a wrong or non-string username or password.")},
        "/categories": {"get": op("listCategories", "服务类别目录 / List service categories", "catalogue",
                                  listing("Category"), public=True)},
        "/organisations": {"get": op(
            "listOrganisations", "机构列表 / List organisations", "organisations", listing("Organisation"),
            fails=(400,), description="用于选择动作所需的机构 id / to find the organisation ids that actions take.")},
        "/openapi.json": {"get": op("getOpenApi", "本接口说明 / This OpenAPI document", "meta",
                                    ok({"type": "object"}, "OpenAPI 3.1 文档 / the OpenAPI 3.1 document"), public=True)},
        "/projects": {
            "get": op("listProjects", "项目列表 / List projects", "projects", ok(ref("Page")), fails=(400,),
                      description="当前用户可见的项目，新建的在前 / projects visible to you, newest first."),
            "post": op("createProject", "新建项目草稿 / Create a draft project", "projects",
                       created("ProjectDetail"), body="ProjectInput", fails=(400, 403),
                       description="仅社区用户 / community users only."),
        },
        PROJECT: {
            "get": op("getProject", "项目详情 / Get a project", "projects", ok(ref("ProjectDetail")), params=["ProjectId"],
                      fails=(404,)),
            "patch": op("updateProject", "修改项目申报 / Edit a proposal", "projects", ok(ref("ProjectDetail")),
                        body="ProjectPatch", params=["ProjectId"], fails=(400, 403, 404),
                        conflicts=("not_editable", "stale_version"),
                        description="草稿或退回修改状态下，由申报社区修改 / by the proposing community, in `draft` "
                                    "or `returned`."),
        },
        PROJECT + "/history": {"get": op("getProjectHistory", "项目操作记录 / Project audit trail", "projects",
                                         listing("AuditEntry"), params=["ProjectId"], fails=(404,))},
        PROJECT + "/objections": {
            "get": op("listObjections", "公示异议列表 / List objections", "objections", listing("Objection"),
                      params=["ProjectId"], fails=(404,)),
            "post": op("addObjection", "登记居民异议 / Record an objection", "objections", created("Objection"),
                       body="ObjectionInput", params=["ProjectId"], fails=(400, 403, 404), conflicts=state_only,
                       description="社区在公示期间登记 / by the community, during the notice."),
        },
        PROJECT + "/objections/{objection_id}/answer": {"post": op(
            "answerObjection", "答复异议 / Answer an objection", "objections", ok(ref("Objection")),
            body="AnswerInput", params=["ProjectId", "ObjectionId"], fails=(400, 403, 404),
            conflicts=("invalid_transition", "conflict"), description="已答复的异议返回 409 conflict / "
                                                                    "409 conflict when already answered.")},
        PROJECT + "/bids": {
            "get": op("listBids", "响应列表 / List bids", "bids", listing("Bid"), params=["ProjectId"], fails=(404,),
                      description="供应商只看到自己的；采购管理人员在截止后看到全部 / a provider sees its own; the "
                                  "bureau sees all once the deadline has passed."),
            "post": op("submitBid", "提交或修改响应 / Submit or revise a bid", "bids", created("Bid"),
                       body="BidInput", params=["ProjectId"], fails=(400, 403, 404), conflicts=state_only,
                       reasons=reason_codes(procurement.submit_bid, eligibility.bid_eligibility),
                       description="截止前可再次提交以修改（也返回 201）/ submit again before the deadline to "
                                   "revise (also 201)."),
        },
        PROJECT + "/bids/withdraw": {"post": op(
            "withdrawBid", "撤回本机构的响应 / Withdraw your bid", "bids", ok(ref("Bid")), params=["ProjectId"],
            fails=(403, 404), conflicts=state_only, reasons=reason_codes(procurement.withdraw_bid),
            description="无请求体；没有可撤回的响应时返回 404 / no body; 404 when you have no submitted bid.")},
        PROJECT + "/challenges": {
            "get": op("listChallenges", "质疑列表 / List challenges", "challenges", listing("Challenge"),
                      params=["ProjectId"], fails=(404,)),
            "post": op("fileChallenge", "提出质疑 / File a challenge", "challenges", created("Challenge"),
                       body="ChallengeInput", params=["ProjectId"], fails=(400, 403, 404), conflicts=state_only,
                       reasons=reason_codes(procurement.file_challenge),
                       description="参与响应的供应商，在质疑期内 / by a bidder, within the challenge period."),
        },
        PROJECT + "/challenges/{challenge_id}/answer": {"post": op(
            "answerChallenge", "答复质疑 / Answer a challenge", "challenges", ok(ref("Challenge")),
            body="AnswerInput", params=["ProjectId", "ChallengeId"], fails=(400, 403, 404),
            conflicts=("invalid_transition", "conflict"), description="已答复的质疑返回 409 conflict / "
                                                                    "409 conflict when already answered.")},
        PROJECT + "/contract": {"get": op(
            "getContract", "合同或补贴协议 / Get the contract or agreement", "contracts",
            ok(nullable(ref("Contract")), "合同；尚未签订时为 null / the contract, or null before signing"),
            params=["ProjectId"], fails=(404,))},
        PROJECT + "/contract/publication": {"post": op(
            "publishContract", "公开合同 / Publish the contract", "contracts", ok(ref("Contract")),
            params=["ProjectId"], fails=(403, 404), conflicts=("invalid_transition", "conflict"),
            description="采购管理人员，签约后（合同终止前）一次；无请求体；已公开或已终止返回 409 conflict；逾期公开仍可，"
                        "合同带有提醒 / by the bureau, once, from signing on while not terminated; no body; 409 "
                        "conflict when already published or terminated; publishing late is allowed and leaves a "
                        "warning.")},
        PROJECT + "/contract/amendments": {"post": op(
            "amendContract", "合同变更 / Amend the contract", "contracts",
            ok(ref("Contract"), "已变更，返回新版本合同 / amended: the contract's new version", 201),
            body="AmendmentInput", params=["ProjectId"], fails=(400, 403, 404),
            conflicts=("invalid_transition", "conflict"),
            reasons=reason_codes(contracts.amend, guards.within_budget, guards.term_reasons),
            description="采购管理人员，签约后至验收通过前；写入变更记录（版本、理由、各字段原值与新值）/ by the bureau, "
                        "from contracted until accepted; records the version, reason and each field's old and new "
                        "value.")},
        PROJECT + "/milestone-reports": {"post": op(
            "reportMilestone", "报告节点完成情况 / Report on a milestone", "contracts", created("MilestoneReport"),
            body="MilestoneReportInput", params=["ProjectId"], fails=(400, 403, 404), conflicts=state_only,
            reasons=reason_codes(procurement.report_milestone))},
        PROJECT + "/payments": {
            "get": op("listPayments", "付款列表 / List payments", "payments", listing("Payment"), params=["ProjectId"],
                      fails=(404,)),
            "post": op("recordPayment", "登记付款 / Record a payment", "payments", created("Payment"),
                       body="PaymentInput", params=["ProjectId"], fails=(400, 403, 404), conflicts=state_only,
                       reasons=reason_codes(evaluation.record_payment)),
        },
        **provider_paths(),
        **attachment_paths(),
        **delivery_paths(),
        **catalogue_paths(),
        **notification_paths(),
        **tender_paths(),
        **document_paths(),
        **acceptance_paths(),
        **survey_paths(),
        **evaluator_paths(),
        **performance_paths(),
        **ocds_paths(),
        **volunteer_paths(),
    }
    result["/organisations"]["get"]["parameters"] = [
        {"name": "kind", "in": "query", "required": False,
         "schema": enum(["community", "government", "provider", "evaluator"]),
         "description": "只列出该类机构 / only organisations of this kind"}]
    result["/projects"]["get"]["parameters"] = [
        {"name": "state", "in": "query", "required": False, "schema": ref("State"),
         "description": "只列出该状态的项目 / only projects in this state"},
        {"name": "page", "in": "query", "required": False, "schema": integer(minimum=1, maximum=1_000_000, default=1),
         "description": "页码 / page number"},
    ]
    for trigger in TRANSITIONS:
        result[f"{PROJECT}/transitions/{trigger}"] = transition_path(trigger)
    return result


def provider_paths() -> dict:
    provider = "/providers/{org_id}"
    bureau_only = "仅采购管理人员（民政局）/ bureau officers only."
    return {
        "/providers": {"get": op(
            "listProviders", "承接主体名录 / List providers", "providers", ok(array(ref("ProviderSummary"))),
            description="审核、采购管理人员与管理员看到全部；承接主体只看到本机构 / reviewers, bureau officers and "
                        "admins see all; a provider sees its own.")},
        provider: {"get": op(
            "getProvider", "承接主体详情与当前资格 / Get a provider and its eligibility now", "providers",
            ok(ref("ProviderDetail")), params=["OrgId"], fails=(404,))},
        provider + "/profile": {"put": op(
            "updateProviderProfile", "维护本机构信息 / Update your organisation's profile", "providers",
            ok(ref("ProviderDetail")), body="ProfileInput", params=["OrgId"], fails=(400, 403, 404),
            description="承接主体维护本机构信息；修改后须经民政局重新核验 / by the provider itself; any change needs "
                        "verifying again by the bureau.")},
        provider + "/verify": {"post": op(
            "verifyProviderProfile", "核验机构信息 / Verify a provider's profile", "providers",
            ok(ref("ProviderDetail")), params=["OrgId"], fails=(403, 404), conflicts=("conflict",),
            description=bureau_only + " 尚未填写或已核验时返回 409 / 409 when there is no profile or it is "
                                      "already verified.")},
        provider + "/debarments": {"post": op(
            "setDebarment", "列入禁入名单 / Debar a provider", "providers", ok(ref("Debarment"), "已创建 / created", 201),
            body="DebarmentInput", params=["OrgId"], fails=(400, 403, 404), description=bureau_only)},
        "/debarments/{debarment_id}/lift": {"post": op(
            "liftDebarment", "解除禁入 / Lift a debarment", "providers", ok(ref("Debarment")), params=["DebarmentId"],
            fails=(403, 404), conflicts=("conflict",),
            description=bureau_only + " 已解除的返回 409 / 409 when already lifted.")},
        provider + "/violations": {"post": op(
            "addViolation", "登记违法记录 / Record a violation", "providers", ok(ref("Violation"), "已创建 / created", 201),
            body="ViolationInput", params=["OrgId"], fails=(400, 403, 404),
            description=bureau_only + " 近三年内的重大违法记录使其不能投标与中标 / a major violation in the last "
                                      "three years bars bidding and awards.")},
        provider + "/relations": {"post": op(
            "declareRelation", "声明控制关系 / Declare a control relation", "providers",
            ok(ref("ControlRelation"), "已创建 / created", 201), body="RelationInput", params=["OrgId"],
            fails=(400, 403, 404), conflicts=("conflict",),
            description="承接主体为本机构声明；有关联关系的机构不得参与同一项目的响应 / by the provider itself; related "
                        "suppliers may not both bid on one project.")},
    }


def attachment_schemas() -> dict:
    from procure.attachments.models import KINDS
    from procure.attachments.operations import KIND_LABELS
    from procure.attachments.sniffing import ALLOWED_EXTENSIONS

    kinds = enum(KINDS, texts(KIND_LABELS))
    return {
        "AttachmentKind": kinds,
        "Attachment": obj({
            "id": integer(), "kind": ref("AttachmentKind"),
            "bid_id": nullable(integer(description="投标附件所属的响应 / the bid a bid attachment belongs to")),
            "service_record_id": nullable(integer(description="佐证材料所属的服务记录 / the service record that "
                                                              "evidence (kind service_record) belongs to")),
            "name": string(description="上传时的文件名 / the name it was uploaded with"),
            "content_type": string(description="按文件内容识别的类型 / the type detected from the content"),
            "size": integer(minimum=1, description="字节数 / bytes"), "sha256": string(pattern=r"^[0-9a-f]{64}$"),
            "uploaded_at": string("date-time"), "uploaded_by": ref("OrganisationRef"), "organisation": ref("OrganisationRef"),
            "download_url": string(description="下载地址 / where to download it (GET, with the bearer token)")}),
        "AttachmentUpload": obj(
            {"kind": ref("AttachmentKind"),
             "file": string(contentMediaType="application/octet-stream",
                            description="文件；扩展名 / extensions: " + ", ".join(ALLOWED_EXTENSIONS)),
             "service_record_id": integer(description="kind 为 service_record 时必填：本项目的一条服务记录 / required "
                                                      "when kind is service_record: one of the project's service "
                                                      "records")},
            optional=("service_record_id",),
            description="按内容识别类型（PDF、PNG、JPEG、docx、xlsx、UTF-8 文本或 CSV），扩展名须与内容一致；大小有上限 "
                        "/ the type is read from the content (PDF, PNG, JPEG, docx, xlsx, UTF-8 text or CSV) and the "
                        "extension must agree; the size is capped"),
    }


def attachment_paths() -> dict:
    from procure.attachments import sniffing
    from procure.attachments.operations import upload

    types = [sniffing.PDF, sniffing.PNG, sniffing.JPEG, sniffing.DOCX, sniffing.XLSX, sniffing.TEXT, sniffing.CSV]
    upload_op = op(
        "uploadAttachment", "上传附件 / Upload an attachment", "attachments", ok(ref("Attachment"), "已上传 / uploaded", 201),
        params=["ProjectId"], fails=(400, 403, 404, 413), conflicts=("invalid_transition",),
        reasons=reason_codes(upload),
        description="multipart/form-data：`kind` 与 `file`。申报材料：社区在草稿或退回修改时；响应文件附件：投标人在截止前"
                    "（随本机构的响应密封）；节点报告材料：承接方在实施期间；服务记录佐证材料"
                    "（照片、签到表，带 service_record_id）：承接方在实施或整改期间；合同文本：采购管理人员；验收材料：被指派的"
                    "评估机构 / `kind` and `file` as multipart/form-data. proposal: the community while the proposal "
                    "is editable; bid: a bidder before the deadline (sealed with its bid); milestone_report: the "
                    "implementer during delivery; service_record (photos, sign-in sheets; with `service_record_id`): "
                    "the implementer during delivery or rectification; contract: the bureau; acceptance: the "
                    "assigned evaluation firm.")
    upload_op["requestBody"] = {"required": True, "content": {"multipart/form-data": {
        "schema": ref("AttachmentUpload"),
        "encoding": {"file": {"contentType": ", ".join(t.content_type for t in types)}}}}}
    download_op = op(
        "downloadAttachment", "下载附件 / Download an attachment", "attachments", ok({}), params=["AttachmentId"],
        fails=(404,), description="与项目页面相同的查看权限；投标附件在截止前只有投标人可下载 / the same access as the "
                                  "project; a bid's files only for the bidder until the deadline.")
    download_op["responses"]["200"] = {
        "description": "文件本身，作为附件下载 / the file itself, as an attachment",
        "headers": {"Content-Disposition": {"schema": string(), "description": "attachment; filename=…"}},
        "content": {t.content_type: {"schema": string(contentMediaType=t.content_type)} for t in types}}
    return {
        PROJECT + "/attachments": {
            "get": op("listAttachments", "附件列表 / List attachments", "attachments", ok(array(ref("Attachment"))),
                      params=["ProjectId"], fails=(404,),
                      description="投标附件在截止前只对投标人可见 / a bid's files are visible only to the bidder "
                                  "until the deadline."),
            "post": upload_op,
        },
        "/attachments/{attachment_id}": {"get": download_op},
    }


def catalogue_schemas() -> dict:
    from procure.catalogue.models import CATALOGUE_STATES
    from procure.projects.models import FUNDING_FORMS

    moment, day = string("date-time"), string("date")
    summary = {
        "year": integer(), "state": enum(CATALOGUE_STATES), "version": integer(minimum=1),
        "published_at": nullable(moment), "notice_ends_on": nullable(day), "in_force_at": nullable(moment),
        "item_count": integer(minimum=0), "total": ref("Money")}
    return {
        "CatalogueSummary": obj(summary),
        "CatalogueItem": obj({
            "project_id": integer(), "project_code": string(), "title": string(), "community": string(),
            "funding_form": enum(FUNDING_FORMS), "category_code": string(),
            "procurement_item_code": nullable(string(description="政府采购品目 / government-procurement item code")),
            "budget": ref("Money"), "added_in_version": integer(minimum=1)}),
        "CatalogueGroup": obj({"category_code": string(), "category_name": string(), "subtotal": ref("Money"),
                               "items": array(ref("CatalogueItem"))},
                              description="一个一级类别 / one top-level category"),
        "CatalogueAmendment": obj({"version": integer(minimum=2), "reason": string(), "at": moment,
                                   "project_id": nullable(integer())}),
        "Catalogue": obj({
            **summary, "groups": array(ref("CatalogueGroup")), "amendments": array(ref("CatalogueAmendment")),
            "can_publish": {"type": "boolean"},
            "in_force_reasons": array(ref("Reason"), description="现在不能生效的原因 / why it cannot come into "
                                                                 "force now")}),
    }


def catalogue_paths() -> dict:
    from procure.catalogue import operations as catalogue_ops
    from procure.catalogue.export import XLSX_TYPE

    base = "/catalogues/{year}"
    bureau_only = "仅采购管理人员（民政局）/ bureau officers only."
    paths = {
        "/catalogues": {"get": op(
            "listCatalogues", "年度目录列表 / List catalogues", "catalogues", ok(array(ref("CatalogueSummary"))),
            description="政府工作人员看到全部；社区与承接主体只看到已发布或已生效的目录 / government staff see all; "
                        "communities and providers see published or in-force catalogues only.")},
        base: {"get": op(
            "getCatalogue", "年度目录：按类别分组、小计与合计 / Get a catalogue with subtotals and total",
            "catalogues", ok(ref("Catalogue")), params=["Year"], fails=(404,))},
        base + ".xlsx": {"get": op(
            "downloadCatalogueXlsx", "导出年度目录 XLSX / Download the catalogue as XLSX", "catalogues", ok({}),
            params=["Year"], fails=(404,))},
        base + "/publish": {"post": op(
            "publishCatalogue", "发布年度目录 / Publish a catalogue (its notice period starts)",
            "catalogues", ok(ref("Catalogue")), params=["Year"], fails=(403, 404),
            reasons=reason_codes(catalogue_ops.publish_reasons), description=bureau_only)},
        base + "/bring-into-force": {"post": op(
            "bringCatalogueIntoForce", "目录生效 / Bring a catalogue into force", "catalogues", ok(ref("Catalogue")),
            params=["Year"], fails=(403, 404), reasons=reason_codes(catalogue_ops.in_force_reasons),
            description=bureau_only + " 公示期满后 / once the notice period is over.")},
    }
    paths[base + ".xlsx"]["get"]["responses"]["200"] = {
        "description": "一张工作表：中文表头、每个一级类别小计与合计 / one sheet: Chinese headers, a subtotal per "
                       "top-level category and a grand total",
        "headers": {"Content-Disposition": {"schema": string(), "description": "attachment; filename=…"}},
        "content": {XLSX_TYPE: {"schema": string(contentMediaType=XLSX_TYPE)}}}
    return paths


def delivery_schemas() -> dict:
    from procure.delivery.models import CONFIRMATION_RESULTS, REQUEST_STATES

    moment, day = string("date-time"), string("date")
    return {
        "ServiceRecord": obj({
            "id": integer(), "milestone_id": nullable(integer()), "served_on": day, "place": string(),
            "activity": string(), "participants": integer(minimum=0),
            "hours": string(pattern=r"^\d+\.\d{2}$", description="小时，两位小数 / hours, two decimals"),
            "recorded_at": moment,
            "attachments": array(ref("Attachment"), description="佐证材料（照片、签到表等）/ evidence: photos, "
                                                                "sign-in sheets …")}),
        "MilestoneConfirmation": obj({
            "id": integer(), "milestone_id": integer(),
            "result": enum(CONFIRMATION_RESULTS, texts(inputs.CONFIRMATION_LABELS)), "comment": string(),
            "confirmed_at": moment,
            "progress": string(pattern=r"^\d+\.\d{2}$", description="确认后的项目进度（%）：达成的节点计全部比例，部分"
                               "达成计一半 / the project's progress (%) after this confirmation: a milestone met "
                               "counts its whole percent, one partially met half of it")}),
        "PaymentRequest": obj({
            "id": integer(), "milestone_id": integer(), "amount": ref("Money"), "note": string(),
            "state": enum(REQUEST_STATES), "requested_at": moment, "decided_at": nullable(moment),
            "reason": nullable(string(description="退回理由 / why it was refused")),
            "payment_id": nullable(integer(description="批准后登记的付款 / the payment recorded on approval"))}),
    }


def delivery_paths() -> dict:
    from procure.delivery import operations as delivery

    states = ("invalid_transition",)
    decided = ("invalid_transition", "conflict")
    bureau = "采购管理人员；已处理的申请返回 409 conflict / by the bureau; 409 conflict when already decided."
    return {
        PROJECT + "/service-records": {
            "get": op("listServiceRecords", "服务记录列表 / List service records", "delivery",
                      ok(array(ref("ServiceRecord"))), params=["ProjectId"], fails=(404,)),
            "post": op("logService", "登记服务记录 / Log a service record", "delivery",
                       ok(ref("ServiceRecord"), "已创建 / created", 201), body="ServiceRecordInput",
                       params=["ProjectId"], fails=(400, 403, 404), conflicts=states,
                       reasons=reason_codes(delivery.log_service),
                       description="承接方在实施期间登记；照片、签到表等作为该记录的佐证材料上传（附件 kind=service_record，"
                                   "带 service_record_id）/ by the implementer during delivery; photos and sign-in "
                                   "sheets go up as attachments of kind service_record with the record's id."),
        },
        PROJECT + "/milestones/{milestone_id}/confirmation": {"post": op(
            "confirmMilestone", "社区确认节点完成情况 / Confirm a milestone", "delivery",
            ok(ref("MilestoneConfirmation"), "已确认 / confirmed", 201), body="ConfirmationInput",
            params=["ProjectId", "MilestoneId"], fails=(400, 403, 404), conflicts=decided,
            reasons=reason_codes(delivery.confirm_milestone),
            description="申报社区在承接方报告该节点后确认，每个节点一次（再次确认返回 409 conflict）/ by the community, "
                        "after the implementer reported the milestone; once per milestone (409 conflict again).")},
        PROJECT + "/payment-requests": {
            "get": op("listPaymentRequests", "付款申请列表 / List payment requests", "delivery",
                      ok(array(ref("PaymentRequest"))), params=["ProjectId"], fails=(404,)),
            "post": op("requestPayment", "申请节点付款 / Request a milestone payment", "delivery",
                       ok(ref("PaymentRequest"), "已创建 / created", 201), body="PaymentRequestInput",
                       params=["ProjectId"], fails=(400, 403, 404), conflicts=states,
                       reasons=reason_codes(delivery.request_payment, delivery.milestone_reasons,
                                            evaluation.final_reasons),
                       description="承接方对已报告的节点申请，金额不超过该节点应付金额（合同金额×比例）减去已付；最后一个节点"
                                   "须待绩效评价完成，且不超过按评价等级应付的尾款 / by the implementer for a reported "
                                   "milestone, at most its share of the contract amount less what was paid for it; "
                                   "the last milestone waits for the performance evaluation and its grade's share."),
        },
        PROJECT + "/payment-requests/{request_id}/approve": {"post": op(
            "approvePaymentRequest", "批准付款申请并登记付款 / Approve a payment request", "delivery",
            ok(ref("PaymentRequest")), body="PaymentApprovalInput", params=["ProjectId", "PaymentRequestId"],
            fails=(400, 403, 404), conflicts=decided,
            reasons=reason_codes(evaluation.payment_reasons, delivery.milestone_reasons),
            description=bureau + " 累计支付不超过合同金额，并发批准也不会 / the total paid never exceeds the contract "
                                 "amount, even under concurrent approvals.")},
        PROJECT + "/payment-requests/{request_id}/refuse": {"post": op(
            "refusePaymentRequest", "退回付款申请 / Refuse a payment request", "delivery",
            ok(ref("PaymentRequest")), body="ReasonInput", params=["ProjectId", "PaymentRequestId"],
            fails=(400, 403, 404), conflicts=decided, description=bureau)},
    }


def tender_schemas() -> dict:
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
                           "total": nullable(points)},
                          description="最低价成交方式无分数 / no scores for the lowest-price methods"),
        "Tender": obj({
            "method": enum(inputs.METHOD_LABELS, texts(inputs.METHOD_LABELS)), "budget": nullable(ref("Money")),
            "requirements": string(), "price_weight": integer(minimum=0, maximum=100),
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
            "award_notice_late": {"type": "boolean"}, "challenge_window_ends": nullable(day)}),
        "BidScoresInput": scores_input,
    }


def tender_paths() -> dict:
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


def notification_schemas() -> dict:
    from procure.notifications.inputs import MAX_IDS
    from procure.notifications.reminders import KIND_LABELS

    return {
        "Notification": obj({
            "id": integer(), "kind": enum(KIND_LABELS, texts(KIND_LABELS)), "project_id": nullable(integer()),
            "key": string(description="提醒的对象，同一用户同一对象只提醒一次 / the subject; one notification per "
                                      "user and subject"),
            "params": {"type": "object", "description": "消息中的取值（项目编号、名称、期限……）/ the values in the "
                                                        "message (project code, title, due date …)"},
            "message": string(description="按请求语言显示的消息 / the message in the request's language"),
            "url": nullable(string(description="提醒所指的网页路径（项目、活动或本人的志愿服务页），没有时为 null / "
                                              "the site path the notification leads to (a project, an activity, "
                                              "your volunteer page), or null")),
            "created_at": string("date-time"), "read_at": nullable(string("date-time"))}),
        "NotificationPage": obj({"items": array(ref("Notification")), "page": integer(minimum=1),
                                 "per_page": integer(), "total": integer(minimum=0),
                                 "unread": integer(minimum=0, description="未读总数 / unread in all")}),
        "NotificationReadInput": {
            "type": "object", "description": "给出 ids，或 all 为 true / either ids or all: true",
            "properties": {
                "ids": nullable(array(integer(minimum=1), maxItems=MAX_IDS,
                                      description="本人的提醒 id / ids of your own notifications")),
                "all": nullable({"type": "boolean", "default": False,
                                 "description": "全部标为已读 / mark all read"})},
            "required": []},
        "NotificationReadResult": obj({"marked": integer(minimum=0, description="本次标为已读的数量 / how many "
                                                                              "were unread and are now read"),
                                       "unread": integer(minimum=0)}),
    }


def notification_paths() -> dict:
    listing = op("listNotifications", "我的提醒 / List your notifications", "notifications",
                 ok(ref("NotificationPage")), fails=(400,),
                 description="未读在前，新的在前；`flask reminders` 每日生成 / unread first, then newest first; "
                             "written by the daily `flask reminders` run.")
    listing["parameters"] = [
        {"name": "page", "in": "query", "required": False, "schema": integer(minimum=1, maximum=1_000_000, default=1),
         "description": "页码 / page number"},
        {"name": "unread", "in": "query", "required": False, "schema": {"type": "boolean", "default": False},
         "description": "只列出未读 / unread only"}]
    return {
        "/notifications": {"get": listing},
        "/notifications/read": {"post": op(
            "readNotifications", "标为已读 / Mark notifications read", "notifications", ok(ref("NotificationReadResult")),
            body="NotificationReadInput", fails=(400, 404),
            description="ids 中任何一个不是本人的提醒时返回 404，且不作任何修改 / 404, changing nothing, when any id is "
                        "not one of your notifications.")},
    }


def document_schemas() -> dict:
    from procure.documents.models import DOCUMENT_KINDS
    from procure.documents.sources import TITLES

    return {
        "DocumentVerification": obj({
            "kind": enum(DOCUMENT_KINDS, texts(TITLES)), "title": string(description="文书名称 / the title"),
            "number": string(description="文书编号，如 WXM2026-0003-HT-01 / the document number"),
            "verification_code": string(description="核验码 / the verification code"),
            "project": nullable(obj({"code": string(), "title": string()})),
            "catalogue_year": nullable(integer(description="年度目录的年度 / a catalogue's year")),
            "issuer": nullable(string(description="出具机构 / the issuing organisation")),
            "issued_at": string("date-time"), "page_count": integer(minimum=1),
            "sha256": string(description="所出具 PDF 的 SHA-256 / the SHA-256 of the PDF as issued")}),
    }


def document_paths() -> dict:
    from procure.documents.sources import PROJECT_KINDS

    download = op(
        "downloadProjectDocument", "下载项目正式文书 PDF / Download a project's official PDF document", "documents",
        ok({}), params=["ProjectId"], fails=(404,),
        description="proposal：公示后；award_notice：中标（成交）公告发布后；contract：签订后；acceptance_certificate：验收通过"
                    "后；evaluation_report：绩效评价定稿后。每次下载登记出具记录（编号、核验码、指纹），数据未变时沿用原记录"
                    " / proposal once published for notice, award_notice once the award notice is out, contract "
                    "once signed, acceptance_certificate once accepted, evaluation_report once the performance "
                    "evaluation is finalised. Each download records the issuance (number, verification code, "
                    "fingerprint); unchanged data reuses the earlier record.")
    download["parameters"].append({"name": "kind", "in": "path", "required": True, "schema": enum(PROJECT_KINDS),
                                   "description": "文书类型 / the document kind"})
    download["responses"]["200"] = {
        "description": "PDF 文件 / the PDF",
        "headers": {"Content-Disposition": {"schema": string(), "description": "attachment; filename*=UTF-8''…"}},
        "content": {"application/pdf": {"schema": string(contentMediaType="application/pdf")}}}
    verify = op("verifyDocument", "核验已出具的文书 / Verify an issued document", "documents",
                ok(ref("DocumentVerification")), fails=(404,), public=True,
                description="无需令牌；以文件的 SHA-256 与 sha256 比对 / no token needed; compare a file's SHA-256 "
                            "with sha256.")
    verify["parameters"] = [{"name": "code", "in": "path", "required": True, "schema": string(),
                             "description": "核验码 / the verification code"}]
    return {PROJECT + "/documents/{kind}.pdf": {"get": download}, "/documents/{code}": {"get": verify}}


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "procure API · 政府购买社区服务平台接口", "version": "1", "description": DESCRIPTION,
                 "license": {"name": "MIT", "identifier": "MIT"}},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "tags": [{"name": name, "description": description} for name, description in TAGS],
        "paths": paths(),
        "components": components(),
    }


# ---- acceptance (procure.api.acceptance) ---------------------------------------------------------

def acceptance_forms() -> tuple:
    from procure.acceptance import inputs as acceptance_inputs

    return (acceptance_inputs.JudgementForm, acceptance_inputs.ChecklistItemForm, acceptance_inputs.SiteVisitForm,
            acceptance_inputs.AcceptanceConfirmationForm)


def acceptance_schemas() -> dict:
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


def acceptance_paths() -> dict:
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
            fails=(400, 403, 404), conflicts=states,
            description="申报社区，验收中；每项目一份，再次提交替换之前的确认（操作记录保留原值）；整改答复后须重新确认；"
                        "agreed 缺省为 false / by the community, in `under_acceptance`; one per project, a later "
                        "one replaces it (the audit trail keeps the old values); after a rectification response "
                        "it must be given again; agreed defaults to false.")},
    }


# ---- the resident satisfaction survey (procure.api.survey) and providers' track records ----------------

def survey_forms() -> tuple:
    from procure.survey import inputs as survey_inputs

    return (survey_inputs.IssueTokensForm, survey_inputs.ResponseForm)


def survey_schemas() -> dict:
    from procure.performance_evaluation.track_record import GRADES

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
        "TrackRecord": obj({
            "projects": array(obj({"id": integer(), "code": string(), "title": string(),
                                   "state": enum(["evaluated", "closed"]),
                                   "grade": enum(list(GRADES), texts(GRADE_LABELS)), "score": nullable(ref("Money"))})),
            "grades": obj({grade: integer(minimum=0) for grade in GRADES}),
            "evaluated": integer(minimum=0), "average_score": nullable(ref("Money")),
            "milestones_counted": integer(minimum=0, description="已到期或已报告的节点 / milestones due or reported"),
            "milestones_on_time": integer(minimum=0, description="首次报告不晚于到期日 / first report on or before "
                                                                 "the due day"),
            "on_time_rate": nullable(ref("Money"))},
            description="已评价或已结项的项目的等级与得分，节点按时完成率（百分比）/ grades and scores of its evaluated "
                        "or closed projects; the on-time rate of its milestones, percent"),
    }


def survey_paths() -> dict:
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


# ---- evaluation firms: register, draws, declarations (procure.evaluators) -----------------------------

def evaluator_forms() -> tuple:
    from procure.evaluators import inputs as evaluator_inputs

    return (evaluator_inputs.DrawForm, evaluator_inputs.AssignForm, evaluator_inputs.DeclarationForm)


def evaluator_schemas() -> dict:
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


def evaluator_paths() -> dict:
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


# ---- performance evaluation (procure.api.performance) -------------------------------------------------

def performance_forms() -> tuple:
    from procure.performance_evaluation import inputs as performance_inputs

    return (performance_inputs.SheetForm, performance_inputs.DivergenceForm, performance_inputs.TemplateForm)


def performance_schemas() -> dict:
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


def performance_paths() -> dict:
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
                       fails=(400, 403), reasons=["template_invalid"],
                       description="采购管理人员与管理员。indicators 为节点列表，parent 为上级节点的 code（一级为 null）；"
                                   "一级须恰为 decision、implementation、output、effect；同级权重合计 100；最多三级；"
                                   "末级须有 kind，scale 须有 scale_max ≥ 1。不符合时 422，每个问题一条 template_invalid "
                                   "/ bureau and admins. indicators is a flat list of nodes naming their parent's "
                                   "code; every problem is one template_invalid reason."),
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
            conflicts=("invalid_transition", "conflict"), reasons=reason_codes(performance.save_scores),
            description="被指派的评估机构、采购管理部门、社区，已验收状态。ratio 填 planned（> 0）与 actual，scale 填 "
                        "value 0..scale_max，yes_no 填 value 1 或 0；submit 为 true 时须覆盖满意度以外的全部末级指标，"
                        "提交后不能修改（409 conflict）/ by the assigned evaluation firm, the bureau or the community "
                        "while accepted; submitting needs every leaf but satisfaction, and freezes the sheet.")},
        base + "/divergences": {"post": op(
            "explainDivergence", "说明评分差异 / Explain a divergence", "performance",
            ok(ref("DivergenceNote"), "已保存 / saved", 201), body="DivergenceInput", params=["ProjectId"],
            fails=(400, 403, 404), conflicts=("invalid_transition",),
            reasons=reason_codes(performance.explain_divergence),
            description="被指派的评估机构；各方最高与最低分之差超过 DIVERGENCE_THRESHOLD 的指标须说明后方可评价 / "
                        "by the assigned evaluation firm; a leaf whose scores differ by more than the threshold "
                        "needs this before the evaluation is finalised.")},
    }


# ---- open data (procure.api.ocds) ------------------------------------------------------------------

OCDS_SCHEMA = "https://standard.open-contracting.org/schema/1__1__5/"


def ocds_package(kind: str, items: str) -> dict:
    """An OCDS package, described here by its outline; the OCDS schema named in the description is the contract."""
    return {"type": "object", "required": ["uri", "version", "publishedDate", "publisher", items],
            "properties": {"uri": string("uri"), "version": {"const": "1.1"}, "publishedDate": string("date-time"),
                           "publisher": {"type": "object", "required": ["name"]}, "license": string("uri"),
                           "publicationPolicy": string("uri"), items: array({"type": "object"}),
                           "links": {"type": "object", "properties": {"next": string("uri")}}},
            "description": f"OCDS 1.1.5 {kind}：{OCDS_SCHEMA}{kind}-schema.json"}


def ocds_paths() -> dict:
    ocid = [{"name": "ocid", "in": "path", "required": True, "schema": string(),
             "description": "采购过程编号（OCDS_PREFIX-项目编号）/ the ocid: the prefix, a hyphen and the project code"}]
    feed = op("listOcdsReleases", "OCDS 发布流 / The feed of OCDS releases", "ocds",
              ok(ocds_package("release-package", "releases")), fails=(400,), public=True,
              description="按发布日期与写入顺序排列；还有后续时 links.next 给出下一页；没有发布时 releases 为空 / "
                          "in (date, id) order; links.next while more follow; releases is empty when there are none.")
    feed["parameters"] = [
        {"name": "since", "in": "query", "required": False, "schema": string("date-time"),
         "description": "只列出此时刻（RFC 3339，含）及以后的发布 / only releases dated at or after this instant"},
        {"name": "cursor", "in": "query", "required": False, "schema": string(),
         "description": "取自 links.next 的不透明游标；无效时 400 / the opaque cursor from links.next; 400 if invalid"},
        {"name": "limit", "in": "query", "required": False, "schema": integer(minimum=1),
         "description": "每页条数，1 至 OCDS_FEED_PAGE_SIZE（默认）/ releases per page, 1 to OCDS_FEED_PAGE_SIZE"},
    ]
    bulk = op("getOcdsBulk", "OCDS 年度批量下载 / One year's OCDS releases in bulk", "ocds",
              ok(ocds_package("release-package", "releases")), fails=(404,), public=True,
              description="发布日期（北京时间）在该年度的全部发布，流式输出；该年度没有发布时 404 / every release "
                          "dated in that year (Asia/Shanghai), streamed; 404 when there is none.")
    bulk["parameters"] = [{"name": "year", "in": "path", "required": True, "schema": integer(),
                           "description": "年度 / the year"}]
    releases = op("getOcdsProcessReleases", "采购过程的全部发布 / A contracting process's releases", "ocds",
                  ok(ocds_package("release-package", "releases")), fails=(404,), public=True,
                  description="未知 ocid 返回 404 / 404 for an unknown ocid.")
    record = op("getOcdsRecord", "采购过程的记录 / A contracting process's record", "ocds",
                ok(ocds_package("record-package", "records")), fails=(404,), public=True,
                description="一条记录：全部发布与 compiledRelease（即最新发布的完整快照）/ one record: every release "
                            "and the compiled release (the latest release, a full snapshot).")
    releases["parameters"], record["parameters"] = ocid, ocid
    return {"/ocds/releases": {"get": feed}, "/ocds/bulk/{year}.json": {"get": bulk},
            "/ocds/processes/{ocid}/releases": {"get": releases}, "/ocds/processes/{ocid}/record": {"get": record}}


# ---- volunteers: the public star board, activities, the volunteer's own account (procure.api.volunteers) --------

def volunteer_schemas() -> dict:
    from procure.volunteers.inputs import (ACTIVITY_STATE_LABELS, CATEGORY_LABELS, ENTRY_KIND_LABELS,
                                           SIGNUP_STATUS_LABELS)
    from procure.volunteers.models import ACTIVITY_STATES, ENTRY_KINDS, SIGNUP_STATES

    moment, org = string("date-time"), ref("OrganisationRef")
    points = string(pattern=r"^-?\d+\.\d{2}$", description="两位小数的字符串 / a string with two decimals")
    categories = "; ".join(f"`{key}`: {text(label)}" for key, label in CATEGORY_LABELS.items())

    def listing(name):
        return {"items": array(ref(name)), "page": integer(minimum=1), "per_page": integer(),
                "total": integer(minimum=0)}

    return {
        "BoardRow": obj({"rank": integer(minimum=1, description="并列同名次 / ties share a rank"),
                         "name": string(description="遮蔽后的姓名，如 王* / the masked name, e.g. 王*"),
                         "hours": ref("Money"), "stars": integer(minimum=0, maximum=5), "community": org},
                        description="只有同意公开的志愿者；不含姓名全称、身份证号、电话或任何 id / consenting volunteers "
                                    "only; never a whole name, an ID number, a phone or a volunteer's id"),
        "VolunteerBoard": obj({
            "period": enum(["month", "year", "all"], {"month": "本月 / this month", "year": "本年 / this year",
                                                      "all": "全部 / all time"}),
            "community": nullable(integer()), "district": nullable(string(pattern=r"^\d{6}$")),
            **listing("BoardRow")}),
        "Activity": obj({
            "id": integer(), "title": string(), "category": string(description=categories),
            "description": string(), "place": string(), "starts_at": moment, "ends_at": moment,
            "state": enum(ACTIVITY_STATES, texts(ACTIVITY_STATE_LABELS)), "places": integer(minimum=1),
            "taken": integer(minimum=0, description="占用名额的报名 / sign-ups holding a place"),
            "left": integer(minimum=0), "community": org, "organiser": org,
            "in_project": {"type": "boolean", "description": "属于某个微项目 / inside a micro-project"},
            "my_status": nullable(enum(SIGNUP_STATES, texts(SIGNUP_STATUS_LABELS))),
            "organiser_here": {"type": "boolean", "description": "当前用户所在机构组织此活动 / organised by your "
                                                                 "organisation"}}),
        "ActivityPage": obj(listing("Activity")),
        "PointEntry": obj({"id": integer(), "at": moment, "kind": enum(ENTRY_KINDS, texts(ENTRY_KIND_LABELS)),
                           "hours": points, "points": points, "activity": nullable(string()), "note": string()}),
        "MyVolunteer": obj({
            "masked_name": string(description="积分榜上显示的姓名 / the name as the board shows it"),
            "consent_public": {"type": "boolean"}, "community": org,
            "hours_total": ref("Money"), "balance": ref("Money"), "stars": integer(minimum=0, maximum=5),
            "entries": obj(listing("PointEntry"), description="积分流水，新的在前 / the ledger, newest first"),
            "redemptions": array(obj({"id": integer(), "item": string(), "points": ref("Money"),
                                      "redeemed_at": moment}),
                                 description="最近 100 次兑换 / the latest 100 redemptions")}),
    }


def volunteer_paths() -> dict:
    def query(name, schema, description):
        return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}

    page = query("page", integer(minimum=1, maximum=1_000_000, default=1), "页码 / page number")
    board = op("getVolunteerBoard", "志愿服务积分明星榜 / The volunteers' star board", "volunteers",
               ok(ref("VolunteerBoard")), fails=(400,), public=True,
               description="无需令牌；与公开页面 /public/volunteers/board 相同：按期间内服务时长排名，只列同意公开的"
                           "志愿者，姓名遮蔽；星级按累计时长。无效的参数返回 400 / no token needed; the same board as "
                           "the public page: ranked by hours served in the period, consenting volunteers only, "
                           "names masked; stars by all hours. Invalid parameters are a 400.")
    board["parameters"] = [
        query("period", enum(["month", "year", "all"]), "本月（默认）、本年或全部 / this month (default), this year "
                                                        "or all time"),
        query("community", integer(minimum=1), "只列该社区 / one community only"),
        query("district", string(pattern=r"^\d{6}$"), "只列该区县（6 位行政区划代码）/ one county (its 6-digit code)"),
        page]
    activities = op(
        "listActivities", "志愿活动列表 / List volunteer activities", "volunteers", ok(ref("ActivityPage")),
        fails=(400,),
        description="当前用户可见的活动：居民为本社区的，社区为本社区或本机构组织的，承接方为本机构组织的，审核与管理"
                    "人员为辖区内的；默认只列已发布且未结束的，开始早的在前 / the activities you may see: a "
                    "resident's own community's, a community's own or organised, a provider's organised, those "
                    "in a reviewer's or bureau officer's area; by default published ones not yet over, soonest "
                    "first.")
    activities["parameters"] = [
        query("community", integer(minimum=1), "只列在该社区举办的 / held in this community only"),
        query("all", enum(["1", "0", "true", "false"]), "工作人员用 1 同时列出已结束和已取消的（新的在前）；居民忽略 "
                                                        "/ staff: 1 adds past and cancelled ones, latest first; "
                                                        "ignored for residents"),
        page]
    me = op("getMyVolunteer", "我的志愿服务积分 / My volunteer hours and points", "volunteers",
            ok(ref("MyVolunteer")), fails=(400, 404),
            description="已登记的志愿者本人：累计时长、积分余额（等于流水合计）、星级、分页的积分流水与兑换记录；"
                        "不是志愿者时 404 / a registered volunteer's own hours, balance (the ledger's sum), stars, "
                        "a page of the ledger and the redemptions; 404 for anyone else.")
    me["parameters"] = [{**page, "description": "积分流水的页码 / page of the ledger"}]
    return {"/volunteers/board": {"get": board}, "/activities": {"get": activities}, "/me/volunteer": {"get": me}}
