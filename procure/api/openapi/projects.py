"""Projects (procure.api.projects) in the OpenAPI document: proposals, history, one path per trigger."""
from procure.api.openapi.forms import camel, form_ref, form_schema, with_version
from procure.api.openapi.operation import PROJECT, ok, op
from procure.api.openapi.reasons import reason_codes
from procure.api.openapi.schema import array, enum, integer, nullable, obj, ref, string, text, texts
from procure.lifecycle import GUARDS
from procure.performance_evaluation.scoring import GRADE_LABELS
from procure.projects import inputs
from procure.projects.models import FUNDING_FORMS, PROCUREMENT_METHODS
from procure.projects.states import State, STATE_LABELS, TRANSITIONS, TRIGGER_LABELS


ROLE_NOTES = {
    "community": "本项目的申报社区 / the proposing community",
    "reviewer": "辖区审核人员 / a reviewer whose area covers the community",
    "bureau": "辖区采购管理人员 / a bureau officer whose area covers the community",
    "implementer": "承接方：中标机构、补贴协议的实施机构，或项目奖励方式下的社区 / the implementer: the contracted "
                   "provider, the agreement's organisation, or the community itself for a reward",
    "assigned_evaluator": "被指派验收的第三方评估机构 / a user of the evaluation firm assigned to the acceptance",
}


# Rules the project forms check across fields or that guards check later (422).
NOTES = {
    inputs.ProjectForm: "保存草稿只需 title 与 funding_form；发布公示（publish_notice）时须填齐其余内容（含直接与间接受益对象及人数、"
                        "目标、地点、负责人、联系人及电话、团队，否则 422 missing_fields）、预算明细合计等于申请金额，"
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
    (inputs.TermForm, "rights_obligations"): "省略则为设置项 CONTRACT_DEFAULT_TERMS 的默认文本，每份合同保存自己的文本；"
                                             "不能为空 / omitted: the default text of the setting "
                                             "CONTRACT_DEFAULT_TERMS, kept per contract; never empty",
    (inputs.TermForm, "breach_liability"): "违约责任；省略则为默认文本 / liability for breach; omitted: the default text",
    (inputs.TermForm, "dispute_resolution"): "争议解决方式；省略则为默认文本 / dispute resolution; omitted: the "
                                             "default text",
    (inputs.ContractForm, "advance_percent"): "预付款比例，默认 0，至多 ADVANCE_MAX_PERCENT（默认 50）；与各付款节点比例合计 100 / "
                                              "the advance, 0 by default, at most ADVANCE_MAX_PERCENT (50 by "
                                              "default); with the milestones it makes 100",
    (inputs.ApproveForm, "approved_amount"): "不超过申请金额 / at most the requested amount",
    (inputs.ApproveForm, "negative_list_checked"): "须为 true，否则 422 / must be true (422 otherwise)",
    (inputs.TenderForm, "justification"): "method 为 single_source 时必填 / required when method is single_source",
    (inputs.TenderForm, "price_weight"): "默认 10（设置项 BID_PRICE_WEIGHT）/ 10 by default (setting BID_PRICE_WEIGHT)",
    (inputs.TenderForm, "bid_deposit"): "投标保证金，默认 0，不超过采购预算（批准金额）的 2%（设置项 BID_DEPOSIT_MAX_PERCENT），"
                                        "否则 422 bid_deposit_too_high / bid deposit, 0 by default, at most 2 % of the "
                                        "budget (the approved amount; setting BID_DEPOSIT_MAX_PERCENT), else 422 "
                                        "bid_deposit_too_high",
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
    (inputs.TerminateForm, "breach"): "为 true 时承接方被列入禁止参与名单 3 年（设置项）/ when true the implementer is "
                                      "debarred for 3 years (a setting)",
    (inputs.AgreementForm, "implementer_org_id"): "已登记社会组织的机构 id / id of a provider organisation",
    (inputs.FindingsForm, "deadline"): "空则为今天加 15 天（设置项 RECTIFICATION_DAYS），须晚于今天 / blank: today plus "
                                       "15 days (setting RECTIFICATION_DAYS); must be after today",
    (inputs.EvaluateForm, "rectification_plan"): "评价等级为“中”时必填，否则 422 rectification_plan_missing / "
                                                 "required when the grade works out to 中 (fair)",
}


def schemas() -> dict:
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
        "needs_analysis": nullable(string()),
        "beneficiaries": nullable(string(description="直接受益对象 / the direct beneficiaries")),
        "beneficiaries_count": nullable(integer(description="直接受益人数 / direct beneficiaries (people)")),
        "indirect_beneficiaries": nullable(string()), "indirect_beneficiaries_count": nullable(integer()),
        "goals": nullable(string()), "location": nullable(string()),
        "lead_name": nullable(string(description="项目负责人 / the project lead")),
        "contact_name": nullable(string(description="联系人（不公开）/ the contact (not public)")),
        "contact_phone": nullable(string()), "team": nullable(string(description="项目团队 / the team")), "start_date": nullable(day), "end_date": nullable(day),
        "budget_lines": array(ref("BudgetLine")), "deliberation": nullable(ref("Deliberation")),
        "notice_published_on": nullable(day),
        "notice_ends_on": nullable(string("date", description="社区公示的最后一天（按工作日计算）/ the notice's last "
                                                              "day, counted in working days")),
        "notice_provisional_holidays": array(ref("ProvisionalHoliday")),
        "procurement_method": nullable(enum(PROCUREMENT_METHODS)),
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
    return {
        "State": enum([s.value for s in State], texts(STATE_LABELS)),
        "Trigger": enum(TRANSITIONS, texts(TRIGGER_LABELS)),
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
    }


def requests(schemas: dict) -> None:
    """ProjectInput, ProjectPatch and one request per trigger (its form plus the version)."""
    form_ref(inputs.ProjectForm, schemas)
    schemas["ProjectPatch"] = with_version(
        form_schema(inputs.ProjectForm, schemas, all_optional=True),
        "只发送要修改的字段，其余取自当前申报；budget_lines 与 deliberation 整体替换；null 清空可选字段（deliberation "
        "除外，无法删除）/ Send only what changes; the rest comes from the stored proposal. budget_lines and "
        "deliberation are replaced whole; null clears an optional field (not deliberation, which cannot be removed).")
    for trigger, form_class in inputs.TRIGGER_FORMS.items():
        schemas[camel(trigger) + "Request"] = with_version(
            form_schema(form_class, schemas), f"{text(TRIGGER_LABELS[trigger])} / {trigger}")


def trigger_codes(trigger: str) -> list[str] | None:
    """None when the trigger has no guard, so it can never answer 422."""
    return reason_codes(*GUARDS[trigger]) if trigger in GUARDS else None


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
    result = {
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
    }
    result["/projects"]["get"]["parameters"] = [
        {"name": "state", "in": "query", "required": False, "schema": ref("State"),
         "description": "只列出该状态的项目 / only projects in this state"},
        {"name": "page", "in": "query", "required": False, "schema": integer(minimum=1, maximum=1_000_000, default=1),
         "description": "页码 / page number"},
    ]
    for trigger in TRANSITIONS:
        result[f"{PROJECT}/transitions/{trigger}"] = transition_path(trigger)
    return result
