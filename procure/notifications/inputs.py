"""What marking notifications as read takes: some of the user's notifications by id, or all of them."""
from flask_babel import lazy_gettext as _l
from wtforms.fields import BooleanField, IntegerField
from wtforms.validators import InputRequired

from procure.formfields import BoundedFieldList
from procure.projects.inputs import InputForm, an_id

MAX_IDS = 100


class ReadForm(InputForm):
    ids = BoundedFieldList(IntegerField(_l("提醒编号"), [InputRequired(message=_l("此项必填")), an_id]),
                           label=_l("要标为已读的提醒"), max_entries=MAX_IDS)
    all = BooleanField(_l("全部标为已读"))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and not self.all.data and not self.ids.data:
            self.ids.errors.append(_l("请选择要标为已读的提醒"))
            return False
        return ok
