"""Form fields shared by pages and the API, the base of every input form, and JSON → form-data flattening."""
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import Field, Form, ValidationError
from wtforms.fields import DecimalField, FieldList, FormField
from wtforms.widgets import DateTimeLocalInput

from procure.clock import SHANGHAI

MAX_AMOUNT = Decimal("100000000.00")  # 1 亿元: far above any micro-project


def storable(text: str) -> bool:
    """Whether a database can store `text`: PostgreSQL takes no NUL, and neither engine takes half of a
    UTF-16 surrogate pair (JSON "\\ud800" decodes to one)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class MoneyField(DecimalField):
    """An amount in yuan: a finite, non-negative number with at most two decimal places."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, places=2, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0] in ("", None):
            self.data = None
            return
        raw = str(valuelist[0]).strip().replace(",", "")
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.data = None
            raise ValueError(_l("请输入金额，例如 12345.60"))
        if not value.is_finite() or value < 0 or value > MAX_AMOUNT:
            self.data = None
            raise ValueError(_l("金额须在 0 至 100,000,000.00 元之间"))
        if value.as_tuple().exponent < -2:
            self.data = None
            raise ValueError(_l("金额最多保留两位小数"))
        self.data = value.quantize(Decimal("0.01"))


class BoundedFieldList(FieldList):
    """A FieldList that refuses more than max_entries rows instead of silently dropping the rest."""

    def process(self, formdata, data=None, extra_filters=None):
        from wtforms.utils import unset_value

        given = set(self._extract_indices(self.name, formdata)) if formdata else set()
        self.too_many = self.max_entries is not None and len(given) > self.max_entries
        super().process(formdata, unset_value if data is None else data, extra_filters)

    def validate(self, form, extra_validators=()):
        valid = super().validate(form, extra_validators)
        if self.too_many:
            self.errors.append(_l("最多 %(count)s 行", count=self.max_entries))
            return False
        return valid


class LocalDateTimeField(Field):
    """A moment given as ISO 8601; without an offset it is read as Asia/Shanghai. Data is UTC-aware."""

    widget = DateTimeLocalInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M") if self.data else ""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0]:
            self.data = None
            return
        try:
            moment = datetime.fromisoformat(str(valuelist[0]).strip().replace("Z", "+00:00"))
        except ValueError:
            self.data = None
            raise ValueError(_l("请输入日期时间，例如 2026-12-01T17:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=SHANGHAI)
        try:
            moment.astimezone(timezone.utc)  # stored in UTC: 0001-01-01T00:00+08:00 has no UTC
        except OverflowError:
            self.data = None
            raise ValueError(_l("请输入日期时间，例如 2026-12-01T17:00"))
        self.data = moment


def json_to_formdata(payload) -> MultiDict:
    """Flatten JSON to WTForms names: {"a": [{"b": 1}]} → a-0-b=1. Booleans become true/false."""
    pairs = []

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}-{key}" if prefix else str(key), inner)
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(f"{prefix}-{index}", inner)
        elif isinstance(value, bool):
            if value:
                pairs.append((prefix, "true"))
        elif value is not None:
            pairs.append((prefix, str(value)))

    if not isinstance(payload, dict):
        raise ValidationError("body must be a JSON object")
    walk("", payload)
    return MultiDict(pairs)


def field_errors(form) -> dict:
    """form.errors with FieldList/FormField errors kept nested, messages as plain strings."""
    def clean(value):
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return str(value)
    return clean(form.errors)


def _refuse_unstorable(value):
    # Refused as input rather than failing at the database (see formfields.storable).
    if isinstance(value, str) and not storable(value):
        raise ValueError(_l("包含无法保存的字符（如空字符 NUL）"))
    return value


class InputForm(Form):
    """Base: no CSRF here (pages add Flask-WTF's token around it; the API uses bearer tokens)."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if not issubclass(unbound_field.field_class, (FormField, FieldList)):  # these take no filters
                options = {**options, "filters": [*unbound_field.kwargs.get("filters", ()), _refuse_unstorable]}
            return unbound_field.bind(form=form, **options)
