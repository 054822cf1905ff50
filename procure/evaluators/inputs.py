"""The data the evaluator actions take, as WTForms forms (pages render them, the API validates with them)."""
import re

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms.fields import BooleanField, DateField, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from procure.database import MAX_ID
from procure.evaluators.conflicts import CONFLICT_TYPE_LABELS, conflict_type_text
from procure.formfields import BoundedFieldList
from procure.projects.inputs import InputForm, an_id, required

MIN_REASON = 10  # characters a hand pick's written reason needs at least


def specialty_codes(text) -> list[str]:
    """"A, B" → ["A", "B"]: the codes as typed, upper-cased, without repeats."""
    return list(dict.fromkeys(c for c in re.split(r"[\s,，、;；]+", (text or "").strip().upper()) if c))


class StaffForm(InputForm):
    name = StringField(_l("姓名"), [required, Length(max=100)])
    qualification = StringField(_l("资格证书"), [Optional(), Length(max=200)])
    title = StringField(_l("职称或岗位"), [Optional(), Length(max=100)])
    user_id = IntegerField(_l("登录账号编号"), [Optional(), NumberRange(1, MAX_ID, message=_l("编号无效"))])


class ProfileForm(InputForm):
    accreditation = StringField(_l("评估资质"), [Optional(), Length(max=200)])
    accredited_until = DateField(_l("资质有效期至"), [Optional()])
    specialties = StringField(_l("专业领域（一级服务类别代码，逗号分隔；空为不限）"), [Optional(), Length(max=200)])
    staff_count = IntegerField(_l("从业人员数"), [Optional(), NumberRange(0, 100000)])
    active = BooleanField(_l("在册可抽取"))
    staff = BoundedFieldList(FormField(StaffForm), label=_l("评估人员"), max_entries=100)

    def validate_specialties(self, field):
        from procure.evaluators.conflicts import top_level_codes

        unknown = [c for c in specialty_codes(field.data) if c not in top_level_codes()]
        if unknown:
            raise ValidationError(_l("不是一级服务类别代码：%(codes)s", codes="、".join(unknown)))


class EngagementForm(InputForm):
    counterpart_id = IntegerField(_l("服务对象机构"), [required, an_id])
    description = TextAreaField(_l("服务或合同内容"), [Optional(), Length(max=5000)])
    started_on = DateField(_l("开始日期"), [required])
    ended_on = DateField(_l("结束日期（空为仍在进行）"), [Optional()])

    def validate_ended_on(self, field):
        if field.data and self.started_on.data and field.data < self.started_on.data:
            raise ValidationError(_l("结束日期不能早于开始日期"))


class DrawForm(InputForm):
    comment = TextAreaField(_l("说明"), [Optional(), Length(max=2000)])


class AssignForm(InputForm):
    evaluator_org_id = IntegerField(_l("第三方评估机构"), [required, an_id])
    reason = TextAreaField(_l("不经抽取而指定的书面理由"), [required, Length(min=MIN_REASON, max=5000,
                                                                   message=_l("理由须为 %(min)d 至 %(max)d 个字"))])


class DeclarationForm(InputForm):
    """A firm's or an evaluator's declaration: a typed conflict, or none."""

    has_conflict = BooleanField(_l("存在利益冲突"))
    conflict_type = SelectField(_l("冲突类型"), [Optional()], default="")
    statement = TextAreaField(_l("声明内容"), [required, Length(max=5000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict_type.choices = [("", _l("（无）"))] + [(code, LazyString(conflict_type_text, code))
                                                           for code in CONFLICT_TYPE_LABELS]

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.has_conflict.data and not self.conflict_type.data:
            # Checked here: the field's own chain stops at Optional() when it is blank.
            self.conflict_type.errors = [*self.conflict_type.errors, _l("存在利益冲突时须选择冲突类型")]
            return False
        return valid
