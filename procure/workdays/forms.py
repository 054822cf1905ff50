"""The admin's form for one day of the holiday calendar."""
from flask_babel import lazy_gettext as _l
from wtforms.fields import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from procure.formfields import InputForm

DAY_KINDS = {"holiday": _l("休息日（法定节假日）"), "workday": _l("工作日（调休上班）")}


class CalendarDayForm(InputForm):
    """An InputForm, so that text with a NUL character is refused as input (PostgreSQL cannot store it)."""

    day = DateField(_l("日期"), [DataRequired(message=_l("请输入日期"))])
    kind = SelectField(_l("类型"), choices=[SelectChoice(k, v) for k, v in DAY_KINDS.items()],
                       validators=[DataRequired(message=_l("此项必填"))])
    name = StringField(_l("名称"), [Optional(), Length(max=100)], description=_l("例如：春节、国庆节调休上班"))
