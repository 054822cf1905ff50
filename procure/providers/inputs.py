"""The data the provider actions take, as WTForms forms (pages render them, the API validates with them)."""
from flask_babel import lazy_gettext as _l
from wtforms.fields import BooleanField, DateField, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from procure.database import MAX_ID
from procure.formfields import BoundedFieldList
from procure.projects.inputs import InputForm, choices, required
from procure.providers.models import DEBARMENT_SOURCES, INSPECTION_RESULTS, RATINGS, REGISTRATION_TYPES

REGISTRATION_TYPE_LABELS = {"social_group": _l("社会团体"), "social_service_agency": _l("社会服务机构"),
                            "foundation": _l("基金会"), "company": _l("企业"), "other": _l("其他")}
RATING_LABELS = {"": _l("未评估"), **{r: r for r in RATINGS}}
INSPECTION_LABELS = {"qualified": _l("合格"), "basically_qualified": _l("基本合格"), "unqualified": _l("不合格"),
                     "not_inspected": _l("未参检")}
DEBARMENT_SOURCE_LABELS = {"breach": _l("违约"), "evaluation_poor": _l("绩效评价为差"), "court": _l("法院判决"),
                           "other": _l("其他")}
assert set(REGISTRATION_TYPE_LABELS) == set(REGISTRATION_TYPES) and set(INSPECTION_LABELS) == set(INSPECTION_RESULTS)
assert set(DEBARMENT_SOURCE_LABELS) == set(DEBARMENT_SOURCES)
# The credit code's positions 1–2 each registration type implies (GB 32100); "other" is any the kind allows.
REGISTRATION_PREFIXES = {"social_group": {"51"}, "social_service_agency": {"52"}, "foundation": {"53"},
                         "company": {"91"}}


class TeamMemberForm(InputForm):
    name = StringField(_l("姓名"), [required, Length(max=100)])
    qualification = StringField(_l("资格证书"), [Optional(), Length(max=200)])
    role = StringField(_l("岗位"), [Optional(), Length(max=100)])


class ProfileForm(InputForm):
    registration_type = SelectField(_l("登记类型"), [required], choices=choices(REGISTRATION_TYPE_LABELS))
    founded_on = DateField(_l("成立日期"), [Optional()])
    rating = SelectField(_l("社会组织评估等级"), [Optional()], choices=choices(RATING_LABELS), default="")
    annual_inspection = SelectField(_l("年检结果"), [required], choices=choices(INSPECTION_LABELS))
    service_areas = TextAreaField(_l("服务领域"), [Optional(), Length(max=2000)])
    contact = TextAreaField(_l("联系方式"), [Optional(), Length(max=2000)])
    public_welfare_class_one = BooleanField(_l("公益一类事业单位"))
    team = BoundedFieldList(FormField(TeamMemberForm), label=_l("团队成员"), max_entries=100)


class DebarmentForm(InputForm):
    reason = TextAreaField(_l("原因"), [required, Length(max=5000)])
    source = SelectField(_l("来源"), [required], choices=choices(DEBARMENT_SOURCE_LABELS))
    starts_on = DateField(_l("开始日期"), [Optional()])
    ends_on = DateField(_l("结束日期"), [Optional()])


class ViolationForm(InputForm):
    occurred_on = DateField(_l("发生日期"), [required])
    description = TextAreaField(_l("情况"), [required, Length(max=5000)])
    major = BooleanField(_l("重大违法"))


class RelationForm(InputForm):
    related_org_id = IntegerField(_l("关联机构"), [required, NumberRange(1, MAX_ID, message=_l("编号无效"))])
    description = TextAreaField(_l("关系说明"), [Optional(), Length(max=2000)])


class RequirementVerifyForm(InputForm):
    verified_on = DateField(_l("核验日期"), [Optional()])
