"""The input forms of the performance evaluation: a party's score sheet, a divergence's explanation, and an
indicator template (one row per node)."""
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms.fields import BooleanField, FormField, SelectChoice, IntegerField, SelectField, StringField, \
    TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from procure.accounts.models import COMMUNITY_CLASSES
from procure.formfields import BoundedFieldList, MoneyField
from procure.performance_evaluation.models import INDICATOR_KINDS
from procure.projects.inputs import InputForm, an_id, required

MAX_QUANTITY = Decimal("100000000")


class QuantityField(MoneyField):
    """A finite, non-negative number with at most two decimal places (a planned or actual quantity, a scale
    value, a weight): written like an amount, with its own messages."""

    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0] in ("", None):
            self.data = None
            return
        try:
            value = Decimal(str(valuelist[0]).strip().replace(",", ""))
        except InvalidOperation:
            self.data = None
            raise ValueError(_l("请输入数字"))
        if not value.is_finite() or value < 0 or value > MAX_QUANTITY:
            self.data = None
            raise ValueError(_l("须为 0 至 100,000,000 之间的数"))
        if value.as_tuple().exponent < -2:
            self.data = None
            raise ValueError(_l("最多保留两位小数"))
        self.data = value.quantize(Decimal("0.01"))


class LeafInputForm(InputForm):
    """A party's input for one leaf: ratio → planned and actual; scale → value 0..N; yes/no → 1 or 0."""

    indicator_id = IntegerField(_l("指标"), [InputRequired(message=_l("此项必填")), an_id])
    planned = QuantityField(_l("计划数"), [Optional()])
    actual = QuantityField(_l("实际数"), [Optional()])
    value = QuantityField(_l("评分"), [Optional()])
    note = TextAreaField(_l("评分说明"), [Optional(), Length(max=5000)])


class SheetForm(InputForm):
    submit = BooleanField(_l("提交（提交后不能修改）"))
    scores = BoundedFieldList(FormField(LeafInputForm), label=_l("各末级指标评分"), max_entries=200)


class DivergenceForm(InputForm):
    indicator_id = IntegerField(_l("指标"), [InputRequired(message=_l("此项必填")), an_id])
    explanation = TextAreaField(_l("差异说明"), [required, Length(max=5000)])


class IndicatorRowForm(InputForm):
    code = StringField(_l("代码"), [required, Length(max=32),
                                   Regexp(r"^[a-z][a-z0-9_.]*$", message=_l("小写字母、数字、下划线和点"))])
    parent = StringField(_l("上级代码"), [Optional(), Length(max=32)])
    name = StringField(_l("名称"), [required, Length(max=200)])
    weight = QuantityField(_l("权重"), [InputRequired(message=_l("此项必填")), NumberRange(0, 100)])
    kind = SelectField(_l("类型"), choices=[SelectChoice("", "—")] + [SelectChoice(k, k) for k in INDICATOR_KINDS],
                       default="")
    scale_max = IntegerField(_l("最高分"), [Optional(), NumberRange(1, 100)])
    anchors = TextAreaField(_l("评分标准"), [Optional(), Length(max=5000)])
    guidance = TextAreaField(_l("说明"), [Optional(), Length(max=5000)])


class TemplateForm(InputForm):
    name = StringField(_l("模板名称"), [required, Length(max=200)])
    category_code = StringField(_l("适用服务类别（目录代码前缀）"), [Optional(), Length(max=16),
                                                           Regexp(r"^[A-Z0-9]+$", message=_l("目录代码，如 A01"))])
    community_class = SelectField(_l("适用社区类别"), choices=[SelectChoice("", "—")]
                                  + [SelectChoice(c, c) for c in COMMUNITY_CLASSES], default="")
    indicators = BoundedFieldList(FormField(IndicatorRowForm), label=_l("指标"), min_entries=1, max_entries=100)
