"""The data each action takes, as WTForms forms: pages render them, the API validates with them."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms.fields import (BooleanField, SelectChoice, DateField, FieldList, FormField, IntegerField, SelectField,
                            StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from procure.database import MAX_ID
from procure.formfields import BoundedFieldList, InputForm, LocalDateTimeField, MoneyField
from procure.funding import FUNDING_FORM_LABELS

METHOD_LABELS = {
    "open_tender": _l("公开招标"), "invited_tender": _l("邀请招标"), "competitive_negotiation": _l("竞争性谈判"),
    "competitive_consultation": _l("竞争性磋商"), "single_source": _l("单一来源"), "inquiry": _l("询价"),
}

required = DataRequired(message=_l("此项必填"))
an_id = NumberRange(1, MAX_ID, message=_l("编号无效"))


def choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]
text_required = InputRequired(message=_l("此项必填"))


class BudgetLineForm(InputForm):
    item = StringField(_l("支出项目"), [required, Length(max=200)])
    amount = MoneyField(_l("金额（元）"), [InputRequired(message=_l("此项必填"))])


class DeliberationForm(InputForm):
    """Optional as a whole while drafting; once any field is given, all counts are required."""

    held_on = DateField(_l("议事会日期"), [Optional()])
    members_total = IntegerField(_l("应到成员数"), [Optional(), NumberRange(1, 100000)])
    members_present = IntegerField(_l("实到成员数"), [Optional(), NumberRange(0, 100000)])
    votes_for = IntegerField(_l("赞成票"), [Optional(), NumberRange(0, 100000)])
    votes_against = IntegerField(_l("反对票"), [Optional(), NumberRange(0, 100000)])
    minutes = TextAreaField(_l("会议纪要"), [Optional(), Length(max=20000)])

    def is_given(self) -> bool:
        return any(f.raw_data and str(f.raw_data[0]).strip() for f in self)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.is_given():
            for field in (self.held_on, self.members_total, self.members_present, self.votes_for,
                          self.votes_against):
                if field.data is None and not field.errors:
                    field.errors = [*field.errors, _l("此项必填")]
                    ok = False
        return ok

    def validate_members_present(self, field):
        if field.data is not None and self.members_total.data is not None and field.data > self.members_total.data:
            raise ValidationError(_l("实到人数不能多于应到人数"))

    def validate_votes_for(self, field):
        total = (field.data or 0) + (self.votes_against.data or 0)
        if self.members_present.data is not None and total > self.members_present.data:
            raise ValidationError(_l("赞成与反对票数之和不能多于实到人数"))


class ProjectForm(InputForm):
    """A proposal. Only the title and funding form are needed to save a draft; publish_notice
    requires the rest (see guards.content_reasons)."""

    title = StringField(_l("项目名称"), [required, Length(max=200)])
    funding_form = SelectField(_l("资金支持形式"), choices=choices(FUNDING_FORM_LABELS),
                               validators=[required])
    category = StringField(_l("服务类别"), [Optional(), Length(max=16)])
    requested_amount = MoneyField(_l("申请金额（元）"), [Optional()])
    needs_analysis = TextAreaField(_l("需求分析"), [Optional(), Length(max=20000)])
    beneficiaries = TextAreaField(_l("直接受益对象"), [Optional(), Length(max=5000)])
    beneficiaries_count = IntegerField(_l("直接受益人数"), [Optional(), NumberRange(1, 10_000_000)])
    indirect_beneficiaries = TextAreaField(_l("间接受益对象"), [Optional(), Length(max=5000)])
    indirect_beneficiaries_count = IntegerField(_l("间接受益人数"), [Optional(), NumberRange(0, 10_000_000)])
    goals = TextAreaField(_l("项目目标"), [Optional(), Length(max=5000)])
    location = StringField(_l("实施地点"), [Optional(), Length(max=200)])
    lead_name = StringField(_l("项目负责人"), [Optional(), Length(max=100)])
    contact_name = StringField(_l("联系人（不公开）"), [Optional(), Length(max=100)])
    contact_phone = StringField(_l("联系电话（不公开）"), [Optional(), Length(max=50)])
    team = TextAreaField(_l("项目团队（成员及分工）"), [Optional(), Length(max=5000)])
    start_date = DateField(_l("开始日期"), [Optional()])
    end_date = DateField(_l("结束日期"), [Optional()])
    budget_lines = BoundedFieldList(FormField(BudgetLineForm), label=_l("预算明细"), max_entries=100)
    deliberation = FormField(DeliberationForm, label=_l("居民议事会"))

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("结束日期不能早于开始日期"))

    def validate_category(self, field):
        from procure.catalogue.models import leaf_codes
        if field.data and field.data not in leaf_codes():
            raise ValidationError(_l("请选择服务类别目录中的末级类别"))


# The proposal's fields stored on the project as they are (the category, budget and deliberation aside).
PROPOSAL_FIELDS = ("title", "funding_form", "requested_amount", "needs_analysis", "beneficiaries",
                   "beneficiaries_count", "indirect_beneficiaries", "indirect_beneficiaries_count", "goals",
                   "location", "lead_name", "contact_name", "contact_phone", "team", "start_date", "end_date")


class CommentForm(InputForm):
    comment = TextAreaField(_l("说明"), [Optional(), Length(max=5000)])


class RequiredCommentForm(InputForm):
    comment = TextAreaField(_l("修改意见"), [required, Length(max=5000)])


class ReasonForm(InputForm):
    reason = TextAreaField(_l("理由"), [required, Length(max=5000)])


class ApproveForm(InputForm):
    approved_amount = MoneyField(_l("批准金额（元）"), [InputRequired(message=_l("此项必填"))])
    negative_list_checked = BooleanField(_l("已核对负面清单，本项目不属于负面清单所列情形"))
    comment = TextAreaField(_l("审核意见"), [Optional(), Length(max=5000)])


class CatalogueForm(InputForm):
    catalogue_year = IntegerField(_l("目录年度"), [InputRequired(message=_l("此项必填")), NumberRange(2000, 2100)])
    amendment_reason = TextAreaField(_l("目录调整理由（目录已发布或已生效时必填）"), [Optional(), Length(max=5000)])


# Methods that award by comprehensive scoring (综合评分法); the others award the lowest valid price.
SCORED_METHODS = ("open_tender", "invited_tender", "competitive_consultation")


def default_price_weight():
    from flask import current_app
    return current_app.config["BID_PRICE_WEIGHT"]


class CriterionForm(InputForm):
    name = StringField(_l("评审因素"), [required, Length(max=200)])
    description = StringField(_l("评分标准"), [Optional(), Length(max=2000)])
    max_points = IntegerField(_l("分值"), [InputRequired(message=_l("此项必填")), NumberRange(1, 100)])


class TenderForm(InputForm):
    method = SelectField(_l("采购方式"), choices=choices(METHOD_LABELS), validators=[required])
    bid_deadline = LocalDateTimeField(_l("投标截止时间"), [required])
    # No Optional(): it would stop the chain before validate_justification below ever ran.
    justification = TextAreaField(_l("单一来源理由"), [Length(max=5000)])
    requirements = TextAreaField(_l("采购需求"), [required, Length(max=20000)])
    price_weight = IntegerField(_l("价格分（满分）"), [Optional(), NumberRange(0, 100)], default=default_price_weight)
    bid_deposit = MoneyField(_l("投标保证金（元）"), [Optional(), NumberRange(min=Decimal("0"))], default=Decimal("0.00"))
    criteria = BoundedFieldList(FormField(CriterionForm), label=_l("评审因素及分值"), max_entries=20)

    def validate_justification(self, field):
        if self.method.data == "single_source" and not (field.data or "").strip():
            raise ValidationError(_l("单一来源采购须说明理由"))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.method.data in SCORED_METHODS and not self.criteria.errors:
            weight = default_price_weight() if self.price_weight.data is None else self.price_weight.data
            points = [entry.form.max_points.data or 0 for entry in self.criteria.entries]
            if not points:
                self.criteria.errors.append(_l("综合评分须至少设置一项评审因素"))
                ok = False
            elif sum(points) != 100 - weight:
                self.criteria.errors.append(_l(
                    "评审因素分值合计 %(sum)s 分，应为 %(expected)s 分（100 减去价格分 %(weight)s 分）",
                    sum=sum(points), expected=100 - weight, weight=weight))
                ok = False
        return ok


class AwardForm(InputForm):
    bid_id = IntegerField(_l("中标（成交）响应"), [InputRequired(message=_l("此项必填")), an_id])
    comment = TextAreaField(_l("说明"), [Optional(), Length(max=5000)])


class MilestoneForm(InputForm):
    name = StringField(_l("节点名称"), [required, Length(max=200)])
    percent = IntegerField(_l("付款比例（%）"), [InputRequired(message=_l("此项必填")), NumberRange(1, 100)])
    due = DateField(_l("完成期限"), [required])


def default_term(name):
    """The setting CONTRACT_DEFAULT_TERMS[name]: what a new contract's text starts from (omitted: kept)."""
    def default():
        from flask import current_app
        return current_app.config["CONTRACT_DEFAULT_TERMS"][name]
    return default


class TermForm(InputForm):
    amount = MoneyField(_l("金额（元）"), [InputRequired(message=_l("此项必填")), NumberRange(min=Decimal("0.01"))])
    start = DateField(_l("开始日期"), [required])
    end = DateField(_l("结束日期"), [required])
    # A contract's or agreement's own text, pre-filled from the default (财政部令第102号: rights, liability).
    rights_obligations = TextAreaField(_l("双方权利和义务"), [required, Length(max=20000)],
                                       default=default_term("rights_obligations"))
    breach_liability = TextAreaField(_l("违约责任"), [required, Length(max=20000)],
                                     default=default_term("breach_liability"))
    dispute_resolution = TextAreaField(_l("争议解决方式"), [required, Length(max=20000)],
                                       default=default_term("dispute_resolution"))

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("结束日期不能早于开始日期"))


class ContractForm(TermForm):
    multi_year = BooleanField(_l("跨年度（服务稳定，期限最长三年）"))
    milestones = BoundedFieldList(FormField(MilestoneForm), label=_l("付款节点"), min_entries=1, max_entries=24)
    # 预付款: a share of the amount paid from signing; the milestones share the rest (procure.payments.schedule).
    advance_percent = IntegerField(_l("预付款比例（%）"), [Optional(), NumberRange(0, 99)], default=0)
    # The contract's terms (财政部令第102号): content, quantity and quality (later the performance
    # indicators), the performance deposit and the provider's no-subcontracting declaration.
    signed_on = DateField(_l("合同签订日期"), [required])
    service_content = TextAreaField(_l("服务内容"), [required, Length(max=20000)])
    quantity_targets = TextAreaField(_l("数量指标"), [required, Length(max=5000)])
    quality_targets = TextAreaField(_l("质量指标"), [required, Length(max=5000)])
    deposit = MoneyField(_l("履约保证金（元）"), [Optional()], default=Decimal("0.00"))
    no_subcontracting = BooleanField(_l("承接方已声明不转包、不分包"))


class AmendmentForm(InputForm):
    """A contract change (变更): the reason, and only the terms that change (blank: unchanged)."""

    reason = TextAreaField(_l("变更理由"), [required, Length(max=5000)])
    amount = MoneyField(_l("变更后金额（元）"), [Optional(), NumberRange(min=Decimal("0.01"))])
    deposit = MoneyField(_l("变更后履约保证金（元）"), [Optional(), NumberRange(min=Decimal("0"))])
    end = DateField(_l("变更后结束日期"), [Optional()])
    service_content = TextAreaField(_l("变更后服务内容"), [Optional(), Length(max=20000)])
    quantity_targets = TextAreaField(_l("变更后数量指标"), [Optional(), Length(max=5000)])
    quality_targets = TextAreaField(_l("变更后质量指标"), [Optional(), Length(max=5000)])


class TerminateForm(InputForm):
    reason = TextAreaField(_l("终止理由"), [required, Length(max=5000)])
    breach = BooleanField(_l("承接方违约，列入禁止参与政府购买服务名单"))


class AgreementForm(TermForm):
    implementer_org_id = IntegerField(_l("实施机构"), [InputRequired(message=_l("此项必填")), an_id])


class SummaryForm(InputForm):
    summary = TextAreaField(_l("完成情况总结"), [required, Length(max=20000)])


class StartAcceptanceForm(InputForm):
    """The firm is drawn beforehand (procure.evaluators); starting the acceptance takes only a note."""

    comment = TextAreaField(_l("说明"), [Optional(), Length(max=5000)])


def default_rectification_deadline():
    from datetime import timedelta

    from flask import current_app

    from procure import clock
    return clock.today() + timedelta(days=current_app.config["RECTIFICATION_DAYS"])


class FindingsForm(InputForm):
    """A rectification request (整改): what was found and by when it is to be put right (blank: the default)."""

    findings = TextAreaField(_l("验收发现的问题"), [required, Length(max=20000)])
    deadline = DateField(_l("整改期限"), [Optional()], default=default_rectification_deadline)


class ResponseForm(InputForm):
    response = TextAreaField(_l("整改情况说明"), [required, Length(max=20000)])


class ReportForm(InputForm):
    report = TextAreaField(_l("验收报告"), [required, Length(max=20000)])


class EvaluateForm(InputForm):
    """Finalising the performance evaluation (the scores come from the parties' sheets)."""

    findings = TextAreaField(_l("评价发现与结论"), [required, Length(max=20000)])
    rectification_plan = TextAreaField(_l("整改计划（评价等级为“中”时必填）"), [Optional(), Length(max=20000)])


TRIGGER_FORMS = {
    "publish_notice": CommentForm, "submit": CommentForm, "start_review": CommentForm,
    "return_for_revision": RequiredCommentForm, "resubmit": CommentForm, "approve": ApproveForm,
    "reject": ReasonForm, "list_in_catalogue": CatalogueForm, "open_tender": TenderForm,
    "award": AwardForm, "sign_contract": ContractForm, "sign_agreement": AgreementForm,
    "start_delivery": CommentForm, "report_completion": SummaryForm, "claim_completion": SummaryForm,
    "start_acceptance": StartAcceptanceForm, "request_rectification": FindingsForm,
    "resubmit_for_acceptance": ResponseForm, "accept": ReportForm, "evaluate": EvaluateForm,
    "close": CommentForm, "withdraw": ReasonForm, "cancel": ReasonForm, "terminate": TerminateForm,
}


# Sub-resources.
class ObjectionForm(InputForm):
    content = TextAreaField(_l("异议内容"), [required, Length(max=5000)])
    resident_name = StringField(_l("居民姓名（不公开）"), [Optional(), Length(max=100)])
    resident_contact = StringField(_l("联系方式（不公开）"), [Optional(), Length(max=100)])


class AnswerForm(InputForm):
    answer = TextAreaField(_l("答复"), [required, Length(max=5000)])


class BidForm(InputForm):
    price = MoneyField(_l("报价（元）"), [InputRequired(message=_l("此项必填")), NumberRange(min=Decimal("0.01"))])
    plan = TextAreaField(_l("服务方案"), [required, Length(max=20000)])
    team = TextAreaField(_l("项目团队及资质"), [Optional(), Length(max=20000)])


# Bid evaluation (procure.procurement.panel).
class PanelMemberForm(InputForm):
    user_id = IntegerField(_l("评审专家"), [InputRequired(message=_l("此项必填")), an_id])


class PanelConflictForm(InputForm):
    reason = TextAreaField(_l("回避理由"), [required, Length(max=5000)])


class CriterionScoreForm(InputForm):
    criterion_id = IntegerField(_l("评审因素"), [InputRequired(message=_l("此项必填")), an_id])
    points = MoneyField(_l("得分"), [InputRequired(message=_l("此项必填")), NumberRange(0, 100)])


class BidScoreForm(InputForm):
    bid_id = IntegerField(_l("响应文件"), [InputRequired(message=_l("此项必填")), an_id])
    scores = BoundedFieldList(FormField(CriterionScoreForm), label=_l("各评审因素得分"), min_entries=1,
                              max_entries=20)


class ChallengeForm(InputForm):
    content = TextAreaField(_l("质疑事项"), [required, Length(max=5000)])


class MilestoneReportForm(InputForm):
    milestone_id = IntegerField(_l("节点"), [InputRequired(message=_l("此项必填")), an_id])
    content = TextAreaField(_l("节点完成情况"), [required, Length(max=20000)])


# What a payment pays (procure.payments.schedule); "instalment", the name before the schedule, is read as a
# milestone payment.
PAYMENT_KIND_CHOICES = {"advance": _l("预付款"), "milestone": _l("节点款"), "acceptance": _l("验收款"),
                        "final": _l("尾款"), "reward": _l("项目奖励")}


class PaymentForm(InputForm):
    kind = SelectField(_l("付款类型"), choices=choices({**PAYMENT_KIND_CHOICES, "instalment": _l("进度款")}),
                       validators=[required])
    amount = MoneyField(_l("金额（元）"), [InputRequired(message=_l("此项必填")), NumberRange(min=Decimal("0.01"))])
    paid_on = DateField(_l("付款日期"), [required])
    milestone_id = IntegerField(_l("对应节点"), [Optional(), an_id])
    note = TextAreaField(_l("备注"), [Optional(), Length(max=2000)])


# Delivery (procure.delivery).
CONFIRMATION_LABELS = {"met": _l("达成"), "partial": _l("部分达成"), "not_met": _l("未达成")}


class ServiceRecordForm(InputForm):
    served_on = DateField(_l("服务日期"), [required])
    place = StringField(_l("服务地点"), [required, Length(max=200)])
    activity = TextAreaField(_l("服务内容"), [required, Length(max=5000)])
    participants = IntegerField(_l("参与人数"), [InputRequired(message=_l("此项必填")), NumberRange(0, 100000)])
    hours = MoneyField(_l("服务时长（小时）"), [InputRequired(message=_l("此项必填")),
                                          NumberRange(Decimal("0.01"), Decimal("1000"))])
    milestone_id = IntegerField(_l("对应节点"), [Optional(), an_id])


class ConfirmationForm(InputForm):
    result = SelectField(_l("确认结果"), choices=choices(CONFIRMATION_LABELS), validators=[required])
    comment = TextAreaField(_l("确认意见"), [required, Length(max=5000)])


class PaymentRequestForm(InputForm):
    milestone_id = IntegerField(_l("对应节点"), [InputRequired(message=_l("此项必填")), an_id])
    amount = MoneyField(_l("申请金额（元）"), [InputRequired(message=_l("此项必填")), NumberRange(min=Decimal("0.01"))])
    note = TextAreaField(_l("说明"), [Optional(), Length(max=2000)])


class PaymentApprovalForm(InputForm):
    paid_on = DateField(_l("付款日期"), [Optional()])
    note = TextAreaField(_l("备注"), [Optional(), Length(max=2000)])
