"""The provider register (procure.api.providers) in the OpenAPI document, with track records."""
from procure.api.openapi.forms import form_ref
from procure.api.openapi.operation import ok, op
from procure.api.openapi.reasons import reason_codes
from procure.api.openapi.schema import array, enum, integer, nullable, obj, ref, string, texts
from procure.performance_evaluation.scoring import GRADE_LABELS
from procure.providers import eligibility, inputs as provider_inputs


# Rules the forms check across fields or that guards check later (422).
NOTES = {
    (provider_inputs.ProfileForm, "team"): "整体替换 / replaced whole",
    (provider_inputs.DebarmentForm, "starts_on"): "默认今天 / today by default",
    (provider_inputs.DebarmentForm, "ends_on"): "违约默认 3 年、绩效评价为差默认 1 年（设置项）；其他来源必填 / by default "
                                                "3 years for a breach and 1 year for an evaluation graded 差 (settings); "
                                                "required for other sources",
    (provider_inputs.RelationForm, "related_org_id"): "另一家承接主体的机构 id / id of another provider",
    (provider_inputs.RequirementVerifyForm, "verified_on"): "默认今天；不晚于今天、不早于证明材料提交日 / today by "
                                                            "default; not in the future nor before the evidence arrived",
}


def schemas() -> dict:
    from procure.providers.models import DEBARMENT_SOURCES, INSPECTION_RESULTS, RATINGS, REGISTRATION_TYPES, REQUIREMENTS
    from procure.performance_evaluation.track_record import GRADES

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
        "ProviderRequirement": obj({
            "requirement": enum(REQUIREMENTS, texts(eligibility.REQUIREMENT_LABELS)), "label": string(),
            "status": enum(["missing", "unverified", "verified", "expired"], {
                "missing": "无证明材料 / no evidence", "unverified": "待民政局核验 / awaiting the bureau",
                "verified": "核验有效 / verified and in force", "expired": "核验已过期 / the verification has lapsed"}),
            "evidence": nullable(obj({"id": integer(), "name": string(), "sha256": string(pattern=r"^[0-9a-f]{64}$"),
                                      "uploaded_at": moment, "download_url": string()})),
            "note": string(), "verified_on": nullable(day),
            "expires_on": nullable(string("date", description="核验有效的最后一天（设置 PROVIDER_REQUIREMENT_VALID_DAYS）/ the "
                                                    "last day the verification counts (PROVIDER_REQUIREMENT_VALID_DAYS)"))}),
        "ProviderSummary": obj(summary),
        "ProviderDetail": obj({
            **summary, "profile": nullable(ref("ProviderProfile")),
            "eligibility": array(ref("Reason"), description="今天不能投标或中标的原因，空表示合格 / why the provider "
                                 "could not bid or be awarded today; empty when eligible. 原因代码 / codes: "
                                 + ", ".join(f"`{c}`" for c in reason_codes(eligibility.eligibility_reasons))),
            "requirements": array(ref("ProviderRequirement"), description="每项条件的证明材料与核验 / each "
                                  "requirement's evidence and verification"),
            "violations": array(ref("Violation")), "debarments": array(ref("Debarment")),
            "relations": array(ref("ControlRelation")), "track_record": ref("TrackRecord")}),
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


def requests(schemas: dict) -> None:
    for form_class in (provider_inputs.ProfileForm, provider_inputs.DebarmentForm, provider_inputs.ViolationForm,
                       provider_inputs.RelationForm, provider_inputs.RequirementVerifyForm):
        form_ref(form_class, schemas)


def paths() -> dict:
    provider = "/providers/{org_id}"
    bureau_only = "仅采购管理人员（民政局）/ bureau officers only."
    from procure.providers import operations as provider_operations

    evidence_op = op(
        "uploadProviderEvidence", "上传条件证明材料 / Upload evidence of a requirement", "providers",
        ok(ref("ProviderRequirement"), "已上传 / uploaded", 201), params=["OrgId", "Requirement"],
        fails=(400, 403, 404, 413),
        description="multipart/form-data：`file` 与可选的 `note`；由承接主体本身上传，替换原证明材料，须经民政局重新核验 / "
                    "`file` and an optional `note` as multipart/form-data, by the provider itself; it replaces the "
                    "evidence before it and needs verifying again.")
    evidence_op["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": obj(
        {"file": string(contentMediaType="application/octet-stream"), "note": string(maxLength=500)},
        optional=("note",))}}}
    return {
        provider + "/requirements/{requirement}/evidence": {"post": evidence_op},
        provider + "/requirements/{requirement}/verify": {"post": op(
            "verifyProviderRequirement", "核验条件证明材料 / Verify the evidence of a requirement", "providers",
            ok(ref("ProviderRequirement")), body="RequirementVerifyInput", params=["OrgId", "Requirement"],
            fails=(400, 403, 404), conflicts=("conflict",),
            reasons=reason_codes(provider_operations.verify_requirement),
            description=bureau_only + " 核验自核验日起 PROVIDER_REQUIREMENT_VALID_DAYS 天内有效；已核验的返回 409 / "
                                      "counts for PROVIDER_REQUIREMENT_VALID_DAYS from the day of verification; 409 "
                                      "when already verified.")},
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
