"""The survey's input forms: opening it, issuing tokens, and a resident's response."""
from flask_babel import lazy_gettext as _l
from wtforms.fields import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from procure.projects.inputs import InputForm, choices, required
from procure.survey.questions import COMMENT_MAX, SCALE, YES_NO

MAX_TOKENS_PER_ISSUE = 500


class OpenSurveyForm(InputForm):
    """Nothing to fill in: the closing day follows the SURVEY_DAYS setting."""


class IssueTokensForm(InputForm):
    count = IntegerField(_l("发放数量（份）"), [InputRequired(message=_l("此项必填")),
                                          NumberRange(1, MAX_TOKENS_PER_ISSUE)])


def _optional_choice(label, options):
    return SelectField(label, choices=choices(dict(options)), validators=[Optional()])


class ResponseForm(InputForm):
    """A resident's answers; the token is the code printed on the slip (separators and case do not matter)."""

    token = StringField(_l("调查码"), [required, Length(max=32)])
    overall = SelectField(_l("总体满意度"), choices=choices(dict(SCALE)), validators=[required])
    quality = _optional_choice(_l("服务质量"), SCALE)
    timeliness = _optional_choice(_l("及时性与便利程度"), SCALE)
    wants_continue = _optional_choice(_l("是否希望继续开展"), YES_NO)
    comment = TextAreaField(_l("意见和建议"), [Optional(), Length(max=COMMENT_MAX)])
