"""The data the volunteer actions take, as WTForms forms (pages render them inside a CSRF-protected form)."""
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms.fields import (BooleanField, DecimalField, IntegerField, PasswordField, SelectField,
                            SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import Length, NumberRange, Optional, Regexp, ValidationError

from procure.accounts.passwords import POLICY, policy_problems
from procure.codes import is_valid_id_number
from procure.database import MAX_ID
from procure.formfields import LocalDateTimeField
from procure.projects.inputs import InputForm, an_id, choices, required, text_required
from procure.volunteers.skills import skill_keys, stored

CATEGORY_LABELS = {"elderly": _l("助老服务"), "children": _l("儿童关爱"), "disability": _l("助残服务"),
                   "environment": _l("环境保护"), "safety": _l("平安巡防"), "culture": _l("文化体育"),
                   "governance": _l("社区治理")}
SIGNUP_STATUS_LABELS = {"signed_up": _l("已报名"), "cancelled": _l("已取消"), "checked_in": _l("已签到"),
                        "completed": _l("已完成"), "no_show": _l("缺席")}
ACTIVITY_STATE_LABELS = {"published": _l("已发布"), "cancelled": _l("已取消"), "finished": _l("已结束")}
ENTRY_KIND_LABELS = {"service": _l("志愿服务"), "correction": _l("时长更正"), "redemption": _l("积分兑换"),
                     "expiry": _l("积分过期")}
CORRECTION_STATE_LABELS = {"requested": _l("待处理"), "approved": _l("已同意"), "refused": _l("已拒绝")}
HOURS_STEP = Decimal("0.01")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _upper(value):
    return value.strip().upper() if isinstance(value, str) else value


def _id_number(_form, field):
    if field.data and not is_valid_id_number(field.data):
        raise ValidationError(_l("身份证号码无效（18位，末位校验码不符或出生日期有误）"))


def _known_skills(_form, field):
    allowed = set(skill_keys())
    if any(value not in allowed for value in field.data or []):
        raise ValidationError(_l("请选择列出的技能"))


class SkillsField(SelectMultipleField):
    """Checked skills of TALENT_SKILLS; an unknown value is a field error, never a 500."""

    def pre_validate(self, form):
        pass  # _known_skills says it in Chinese


class RegistrationForm(InputForm):
    community_id = IntegerField(_l("所在社区"), [text_required, an_id])
    real_name = StringField(_l("真实姓名"), [required, Length(max=100)], filters=[_strip])
    id_number = StringField(_l("居民身份证号码"), [required, Length(min=18, max=18, message=_l("身份证号码为18位")),
                                                  _id_number], filters=[_upper])
    phone = StringField(_l("手机号码"), [required, Regexp(r"^\+?[0-9][0-9 -]{5,30}$", message=_l("请输入电话号码"))],
                        filters=[_strip])
    skills = SkillsField(_l("技能特长"), [_known_skills])
    skills_other = StringField(_l("其他技能"), [Optional(), Length(max=200)], filters=[_strip])
    consent_public = BooleanField(_l("同意在积分明星榜上显示我的姓氏（姓名其余部分以*代替）"))
    username = StringField(_l("用户名"), [required, Length(min=3, max=64),
                                       Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("用户名只能包含字母、数字和 _ . -"))],
                           filters=[_strip])
    password = PasswordField(_l("密码"), [required, Length(max=128, message=_l("密码不能超过 128 个字符"))])

    def validate_password(self, field):
        """The same policy as every other password (at least 10 characters, not the username, not common)."""
        problems = policy_problems(field.data or "", self.username.data or "")
        if problems:
            raise ValidationError("；".join(str(POLICY[code][1]) for code in problems))

    def skills_text(self) -> str:
        return stored(self.skills.data, self.skills_other.data)


class ActivityForm(InputForm):
    title = StringField(_l("活动名称"), [required, Length(max=200)], filters=[_strip])
    category = SelectField(_l("服务类别"), [required], choices=choices(CATEGORY_LABELS))
    description = TextAreaField(_l("活动内容"), [Optional(), Length(max=5000)])
    place = StringField(_l("活动地点"), [required, Length(max=200)], filters=[_strip])
    starts_at = LocalDateTimeField(_l("开始时间"), [text_required])
    ends_at = LocalDateTimeField(_l("结束时间"), [text_required])
    places = IntegerField(_l("招募人数"),
                          [text_required, NumberRange(1, 10000, message=_l("人数须在 1 至 10000 之间"))])
    project_id = IntegerField(_l("所属微项目"), [Optional(), NumberRange(1, MAX_ID, message=_l("编号无效"))])


class HoursField(DecimalField):
    """Hours: a finite number from 0 to 24 with at most two decimal places."""

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or valuelist[0] in ("", None):
            return
        try:
            value = Decimal(str(valuelist[0]).strip())
        except InvalidOperation:
            raise ValueError(_l("请输入小时数，例如 1.5"))
        if not value.is_finite() or value < 0 or value > 24:
            raise ValueError(_l("时长须在 0 至 24 小时之间"))
        if value.as_tuple().exponent < -2:
            raise ValueError(_l("时长最多保留两位小数"))
        self.data = value.quantize(HOURS_STEP)


class CorrectionForm(InputForm):
    requested_hours = HoursField(_l("应记时长（小时）"), [text_required])
    reason = TextAreaField(_l("更正理由"), [required, Length(max=2000)])


class DecisionForm(InputForm):
    reason = TextAreaField(_l("理由"), [Optional(), Length(max=2000)])
