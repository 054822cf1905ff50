"""The talent pool's input forms: a volunteer's profile, a professional certificate, a skill a project needs.

Skills are the keys of the TALENT_SKILLS setting (with the Chinese labels below) plus free words the
resident types; they are stored comma-separated in TalentProfile.skills."""
import re

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms.fields import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from procure.projects.inputs import InputForm, required

SKILL_LABELS = {"social_worker": _l("社会工作者"), "doctor": _l("医生"), "nurse": _l("护士"), "lawyer": _l("律师"),
                "electrician": _l("电工"), "plumber": _l("水暖工"), "teacher": _l("教师"),
                "psychologist": _l("心理咨询师"), "accountant": _l("会计"), "it": _l("信息技术"),
                "photography": _l("摄影"), "arts": _l("文艺")}
MAX_FREE_WORDS = 10
MAX_WORD_LENGTH = 20
SEPARATORS = re.compile(r"[,，、;；\s]+")


def skill_keys() -> tuple[str, ...]:
    return tuple(current_app.config["TALENT_SKILLS"])


def skill_label(key: str) -> str:
    """The label of a TALENT_SKILLS key; a free word is its own label."""
    return str(SKILL_LABELS[key]) if key in SKILL_LABELS else key


def skill_choices() -> list[tuple[str, str]]:
    return [(key, skill_label(key)) for key in skill_keys()]


def free_words(text: str) -> list[str]:
    """Free words as typed, split at commas, 、, semicolons or spaces; a word that names a listed skill (by key
    or by its label) becomes that skill's key."""
    by_label = {skill_label(key): key for key in skill_keys()}
    words = []
    for word in SEPARATORS.split(text or ""):
        word = by_label.get(word, word)
        if word and word not in words:
            words.append(word)
    return words


def skills_of(stored: str) -> list[str]:
    return [word for word in (stored or "").split(",") if word]


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
        """The listed skills chosen, then the free words (no duplicates): what TalentProfile.skills keeps."""
        words = list(self.skills.data or [])
        words += [word for word in free_words(self.other_skills.data) if word not in words]
        return ",".join(words)


class CertificateForm(InputForm):
    name = StringField(_l("证书名称"), [required, Length(max=200)], description=_l("例如：社会工作者职业资格证书"))
    issuer = StringField(_l("发证机关"), [Optional(), Length(max=200)])
    number = StringField(_l("证书编号"), [Optional(), Length(max=100)])
    valid_until = DateField(_l("有效期至"), [Optional()])


class ProjectSkillForm(InputForm):
    skill = SelectField(_l("所需技能"), [required], choices=skill_choices)
