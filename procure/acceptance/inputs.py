"""What the acceptance actions take: a judgement of a checklist item, a new item, a site visit, the
community's confirmation. (The rectification request's findings and deadline are FindingsForm in
procure.projects.inputs, since it is a trigger's input.)"""
from flask_babel import lazy_gettext as _l
from wtforms.fields import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from procure.projects.inputs import InputForm, choices, required

RESULT_LABELS = {"met": _l("达到要求"), "partly_met": _l("部分达到"), "not_met": _l("未达到")}
SOURCE_LABELS = {
    "service_content": _l("服务内容"), "quantity": _l("数量指标"), "quality": _l("质量指标"),
    "milestone": _l("付款节点"), "goal": _l("项目目标"), "custom": _l("评估机构补充"),
}
OUTCOME_LABELS = {"passed": _l("整改通过"), "failed": _l("整改未通过")}


class JudgementForm(InputForm):
    result = SelectField(_l("验收结论"), choices=choices(RESULT_LABELS), validators=[required])
    finding = TextAreaField(_l("发现的问题"), [Length(max=5000)])

    def validate_finding(self, field):
        if self.result.data in ("partly_met", "not_met") and not (field.data or "").strip():
            raise ValidationError(_l("未达到或部分达到要求时须写明发现的问题"))


class ChecklistItemForm(InputForm):
    text = TextAreaField(_l("验收内容"), [required, Length(max=2000)])


class SiteVisitForm(InputForm):
    visited_on = DateField(_l("走访日期"), [required])
    place = StringField(_l("走访地点"), [required, Length(max=200)])
    participants = TextAreaField(_l("参加人员"), [Optional(), Length(max=5000)])
    observations = TextAreaField(_l("现场情况"), [required, Length(max=20000)])


class AcceptanceConfirmationForm(InputForm):
    agreed = BooleanField(_l("社区及居民代表同意验收通过"))
    opinion = TextAreaField(_l("社区意见"), [required, Length(max=5000)])
    residents_present = IntegerField(_l("到场居民代表人数"), [InputRequired(message=_l("此项必填")),
                                                           NumberRange(0, 100000)])
