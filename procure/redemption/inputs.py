"""The data the redemption actions take, as WTForms forms (the catalogue page renders them)."""
from flask_babel import lazy_gettext as _l
from wtforms.fields import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from procure.projects.inputs import InputForm, choices, required, text_required

KIND_LABELS = {"item": _l("物品"), "service": _l("服务")}
MAX_PRICE = 1_000_000  # points
MAX_STOCK = 1_000_000


class ItemForm(InputForm):
    """An item's description and price; the stock is given once here and then only restocked."""

    name = StringField(_l("名称"), [required, Length(max=200)])
    description = TextAreaField(_l("说明"), [Optional(), Length(max=2000)])
    kind = SelectField(_l("类型"), [required], choices=choices(KIND_LABELS), default="item")
    points_price = IntegerField(_l("所需积分（整数）"), [text_required, NumberRange(
        1, MAX_PRICE, message=_l("所需积分须为 %(min)s 至 %(max)s 的整数"))])
    active = BooleanField(_l("上架（居民可兑换）"), default=True)


class NewItemForm(ItemForm):
    stock = IntegerField(_l("库存数量"), [text_required, NumberRange(
        0, MAX_STOCK, message=_l("库存须为 %(min)s 至 %(max)s 的整数"))])


class RestockForm(InputForm):
    quantity = IntegerField(_l("补充数量"), [text_required, NumberRange(
        1, MAX_STOCK, message=_l("补充数量须为 %(min)s 至 %(max)s 的整数"))])
