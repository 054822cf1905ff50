"""A project's parts (procure.api.parts) in the OpenAPI document: objections, bids, contract, payments."""
from procure.api.openapi.forms import form_ref
from procure.api.openapi.operation import PROJECT, ok, op
from procure.api.openapi.reasons import reason_codes
from procure.api.openapi.schema import array, enum, integer, nullable, obj, ref, string
from procure.payments import operations as evaluation
from procure.payments import schedule as payment_schedule
from procure.payments.models import LEGACY_KINDS, PAYMENT_KINDS
from procure.procurement import contracts, operations as procurement
from procure.procurement import guards
from procure.projects import inputs
from procure.providers import eligibility


# Why a line of the payment schedule is held or not due: the refusal when a payment asks for it (a line paid
# in part by its confirmation or its grade says why too, but refuses with over_payable or final_over_grade).
SCHEDULE_LINES = (payment_schedule.contract_lines, payment_schedule.agreement_lines, payment_schedule.reward_lines)
EXPLANATIONS = {"milestone_partly_met", "final_by_grade", "reward_by_grade"}


def payment_codes(*functions) -> list[str]:
    return [code for code in reason_codes(*functions, *SCHEDULE_LINES) if code not in EXPLANATIONS]

# Rules the forms check across fields or that guards check later (422).
NOTES = {
    (inputs.AmendmentForm, "amount"): "空则不变；累计不超过签订时金额的 110%（设置项）、不超过批准金额、不低于已支付 / "
                                      "blank keeps it; in all at most 110 % of the signed amount (a setting), "
                                      "within the approved amount, not below what was paid",
    (inputs.AmendmentForm, "end"): "空则不变；不早于开始日期，服务期限上限同签订时 / blank keeps it; not before the "
                                   "start, the term capped as at signing",
    (inputs.MilestoneReportForm, "milestone_id"): "本项目合同中的节点 id / a milestone of this project's contract",
    (inputs.PaymentForm, "milestone_id"): "本项目合同中的节点 id；节点款必填，尾款可填最后一个节点 / a milestone of "
                                          "this project's contract: required for a milestone payment, the last one "
                                          "for the final instalment",
    (inputs.PaymentForm, "kind"): "付款计划中的一项（见 payment-schedule）；instalment 为旧名，按节点款处理；项目奖励的 final 即 "
                                  "reward / a line of the payment schedule (see payment-schedule); instalment, the "
                                  "name before the schedule, is a milestone payment; final on a reward is the reward",
}


def schemas() -> dict:
    org = ref("OrganisationRef")
    moment, day = string("date-time"), string("date")
    report = {"id": integer(), "milestone_id": integer(), "content": string(), "submitted_at": moment}
    return {
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
                         "advance_percent": integer(minimum=0, maximum=99, description="预付款比例 / the advance, "
                                                                                        "percent of the amount"),
                         "final_percent": nullable(integer(minimum=0, maximum=100, description=(
                             "补贴协议按评价等级支付的尾款比例；合同为 null（尾款即最后一个节点）/ an agreement's final "
                             "share, paid by grade; null on a contract (its last milestone is the final instalment)"))),
                         "implementer": org, "start": day, "end": day, "multi_year": {"type": "boolean"},
                         "signed_at": moment, "signed_on": nullable(day), "service_content": string(),
                         "quantity_targets": string(), "quality_targets": string(), "deposit": ref("Money"),
                         "no_subcontracting": {"type": "boolean"},
                         "rights_obligations": string(description="双方权利和义务 / the parties' rights and obligations"),
                         "breach_liability": string(description="违约责任 / liability for breach"),
                         "dispute_resolution": string(description="争议解决方式 / dispute resolution"),
                         "version": integer(minimum=1, description="签订时为 1，每次变更加 1 / 1 as signed, +1 per "
                                                                   "amendment"),
                         "published_at": nullable(moment),
                         "warnings": array(string(), description="逾期签订或公开的提醒，按请求语言 / late signature "
                                                                 "or publication, in the request's language"),
                         "amendments": array(ref("ContractAmendment")),
                         "termination": nullable(obj({"terminated_at": moment, "reason": string()})),
                         "milestones": array(ref("Milestone"))},
                        description="kind=agreement（补贴协议）无付款节点 / a subsidy agreement has no milestones"),
        "Payment": obj({"id": integer(), "kind": enum([*PAYMENT_KINDS, *LEGACY_KINDS]), "amount": ref("Money"),
                        "paid_on": day, "milestone_id": nullable(integer()), "note": string()},
                       description="instalment：付款计划实施前登记、未注明节点的款项 / instalment: recorded before the "
                                   "payment schedule, naming no milestone"),
        "PaymentScheduleLine": obj({
            "kind": enum(list(PAYMENT_KINDS)), "milestone_id": nullable(integer()), "label": string(),
            "percent": integer(description="占合同金额的比例 / percent of the amount"),
            "base": ref("Money"), "due": nullable(ref("Money")),
            "share": nullable(integer(description="确认结果或评价等级释放的比例 / the percent of it the confirmation "
                                                  "or the grade releases")),
            "paid": ref("Money"), "payable_now": ref("Money"), "held": ref("Money"), "withheld": ref("Money"),
            "status": enum(["payable", "held", "settled"]),
            "reason": nullable(obj({"code": string(), "message": string()}))}),
        "PaymentSchedule": obj({
            "funding_form": enum(["purchase", "subsidy", "reward"]), "ceiling": ref("Money"),
            "grade": nullable(enum(["excellent", "good", "fair", "poor"])), "paid": ref("Money"),
            "payable_now": ref("Money"), "held": ref("Money"), "withheld": ref("Money"),
            "lines": array(ref("PaymentScheduleLine"))},
            description="各款项现可支付、暂缓支付（及原因）与不予支付的金额 / what each part of the money comes to, what "
                        "is payable now, what is held and why, what is withheld for good"),
    }


def requests(schemas: dict) -> None:
    for form_class in (inputs.ObjectionForm, inputs.AnswerForm, inputs.BidForm, inputs.ChallengeForm,
                       inputs.MilestoneReportForm, inputs.PaymentForm, inputs.AmendmentForm):
        form_ref(form_class, schemas)


def paths() -> dict:
    listing = lambda name: ok(array(ref(name)))  # noqa: E731
    created = lambda name: ok(ref(name), "已创建 / created", 201)  # noqa: E731
    state_only = ("invalid_transition",)
    return {
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
                       reasons=reason_codes(procurement.submit_bid, eligibility.eligibility_reasons),
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
            reasons=reason_codes(contracts.amend, guards.within_budget, evaluation.amount_below_paid,
                                 guards.term_reasons),
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
                       reasons=payment_codes(evaluation.record_payment),
                       description="采购管理人员；每笔付款对应付款计划中现可支付的一项（见 payment-schedule）/ by the "
                                   "bureau; each payment pays a line of the schedule that is payable now (see "
                                   "payment-schedule)."),
        },
        PROJECT + "/payment-schedule": {"get": op(
            "getPaymentSchedule", "付款计划：现可支付、暂缓及原因 / The payment schedule: payable now, held and why",
            "payments", ok(ref("PaymentSchedule")), params=["ProjectId"], fails=(404,))},
    }
