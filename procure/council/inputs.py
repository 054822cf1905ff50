"""The data a change of a community's council size takes."""
from flask_babel import lazy_gettext as _l
from wtforms.fields import IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from procure.formfields import InputForm


class CouncilForm(InputForm):
    council_size = IntegerField(_l("议事会成员人数"), [InputRequired(message=_l("此项必填")), NumberRange(1, 1000)])
    reason = TextAreaField(_l("变更理由（已登记人数变更时必填，如换届选举、增补成员）"), [Optional(), Length(max=2000)])
