"""The talent pool's input forms: a volunteer's profile, a professional certificate, a skill a project needs
(the skill vocabulary is procure.volunteers.skills)."""
from flask_babel import lazy_gettext as _l
from wtforms.fields import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from procure.projects.inputs import InputForm, required
from procure.volunteers.skills import free_words, skill_choices, stored

MAX_FREE_WORDS = 10
MAX_WORD_LENGTH = 20


class ProfileForm(InputForm):
    profession = StringField(_l("职业"), [Optional(), Length(max=100)])
    skills = SelectMultipleField(_l("专业技能"), [Optional()], choices=skill_choices)
    other_skills = StringField(_l("其他技能"), [Optional(), Length(max=300)],
                               description=_l("多个技能用逗号或顿号分隔，例如：手语、中医推拿"))
    availability = TextAreaField(_l("可服务时间"), [Optional(), Length(max=1000)],
                                 description=_l("例如：周末上午；工作日晚上"))

    def validate_other_skills(self, field):
        words = free_words(field.data)
        if len(words) > MAX_FREE_WORDS:
            raise ValidationError(_l("其他技能最多填写 %(n)s 项", n=MAX_FREE_WORDS))
        if any(len(word) > MAX_WORD_LENGTH for word in words):
            raise ValidationError(_l("每项技能不超过 %(n)s 个字", n=MAX_WORD_LENGTH))

    def stored_skills(self) -> str:
        return stored(self.skills.data, self.other_skills.data)


class CertificateForm(InputForm):
    name = StringField(_l("证书名称"), [required, Length(max=200)], description=_l("例如：社会工作者职业资格证书"))
    issuer = StringField(_l("发证机关"), [Optional(), Length(max=200)])
    number = StringField(_l("证书编号"), [Optional(), Length(max=100)])
    valid_until = DateField(_l("有效期至"), [Optional()])


class ProjectSkillForm(InputForm):
    skill = SelectField(_l("所需技能"), [required], choices=skill_choices)
