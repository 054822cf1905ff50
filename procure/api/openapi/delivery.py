"""Delivery (procure.api.delivery) in the OpenAPI document: service records, confirmations, payment requests."""
from procure.api.openapi.forms import form_ref
from procure.api.openapi.operation import PROJECT, ok, op
from procure.api.openapi.reasons import reason_codes
from procure.api.openapi.schema import array, enum, integer, nullable, obj, ref, string, texts
from procure.payments import operations as evaluation
from procure.projects import inputs


def schemas() -> dict:
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


def requests(schemas: dict) -> None:
    for form_class in (inputs.ServiceRecordForm, inputs.ConfirmationForm, inputs.PaymentRequestForm,
                       inputs.PaymentApprovalForm, inputs.ReasonForm):
        form_ref(form_class, schemas)


def paths() -> dict:
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
                       reasons=reason_codes(delivery.request_payment, evaluation.request_reasons)
                       + ["final_before_evaluation", "milestone_not_met"],
                       description="承接方对已报告的节点申请，金额不超过该节点应付金额（合同金额×比例，部分达成按设置比例）"
                                   "减去已付；未达成的节点不能申请；最后一个节点须待绩效评价完成，且不超过按评价等级应付的尾款 / "
                                   "by the implementer for a reported milestone, at most its share of the contract "
                                   "amount (partly met: the setting's share of it) less what was paid for it; not for a "
                                   "milestone not met; the last milestone waits for the performance evaluation and its "
                                   "grade's share."),
        },
        PROJECT + "/payment-requests/{request_id}/approve": {"post": op(
            "approvePaymentRequest", "批准付款申请并登记付款 / Approve a payment request", "delivery",
            ok(ref("PaymentRequest")), body="PaymentApprovalInput", params=["ProjectId", "PaymentRequestId"],
            fails=(400, 403, 404), conflicts=decided,
            reasons=reason_codes(evaluation.line_reasons)
            + ["milestone_unconfirmed", "milestone_not_met", "final_before_evaluation"],
            description=bureau + " 与直接付款同一检查：节点经社区确认、不超过该项现可支付的金额；并发批准也不会超付 / the same "
                                 "check as a direct payment: the milestone confirmed, at most what its line leaves "
                                 "payable now; concurrent approvals never overpay.")},
        PROJECT + "/payment-requests/{request_id}/refuse": {"post": op(
            "refusePaymentRequest", "退回付款申请 / Refuse a payment request", "delivery",
            ok(ref("PaymentRequest")), body="ReasonInput", params=["ProjectId", "PaymentRequestId"],
            fails=(400, 403, 404), conflicts=decided, description=bureau)},
    }
