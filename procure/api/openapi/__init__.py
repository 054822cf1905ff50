"""The OpenAPI 3.1 document for /api/v1, assembled from one part per API resource (see `PARTS`)."""
from procure.api.openapi import (acceptance, attachments, catalogues, categories, components, delivery, documents,
                                 evaluators, forms, notifications, ocds, organisations, parts, performance, projects,
                                 providers, spec, survey, tenders, tokens, volunteers)

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

# One part per API module, named as it is: each may give `schemas()` (the shapes the API answers with),
# `requests(schemas)` (the request bodies, added to `schemas`), `NOTES` on its input forms, and gives `paths()`.
PARTS = (tokens, categories, organisations, spec, projects, parts, providers, attachments, delivery, catalogues,
         notifications, tenders, documents, acceptance, survey, evaluators, performance, ocds, volunteers)

forms.NOTES.update({key: note for part in PARTS for key, note in getattr(part, "NOTES", {}).items()})


def document() -> dict:
    """The whole document; it depends on the code only, so procure.api.spec builds it once and keeps it."""
    schemas = components.schemas()
    for part in PARTS:
        schemas.update(part.schemas() if hasattr(part, "schemas") else {})
    requests = {}
    for part in PARTS:
        if hasattr(part, "requests"):
            part.requests(requests)
    paths = {}
    for part in PARTS:
        paths.update(part.paths())
    return {
        "openapi": "3.1.0",
        "info": {"title": "procure API · 政府购买社区服务平台接口", "version": "1", "description": DESCRIPTION,
                 "license": {"name": "MIT", "identifier": "MIT"}},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "tags": [{"name": name, "description": description} for name, description in TAGS],
        "paths": paths,
        "components": components.components({**schemas, **requests}),
    }
