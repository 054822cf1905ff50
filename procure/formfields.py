"""Form fields shared by pages and the API, the base of every input form, and JSON → form-data flattening."""
import functools
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from flask_babel import get_locale, lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import Field, Form, ValidationError
from wtforms import i18n
from wtforms.fields import (BooleanField, DateField, DateTimeField, DecimalField, FieldList, FloatField, FormField,
                            IntegerField, SelectField, SelectMultipleField)
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


class JsonFormData(MultiDict):
    """Form data flattened from a JSON object that keeps the object, so the form it feeds can check its types."""

    def __init__(self, pairs, payload: dict):
        super().__init__(pairs)
        self.json = payload


def json_to_formdata(payload) -> JsonFormData:
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
    return JsonFormData(pairs, payload)


# What a JSON value of the wrong type is told; flattening would otherwise drop it or read it as something else.
NOT_AN_ARRAY = _l("须为数组")
NOT_AN_OBJECT = _l("须为对象")
NOT_A_BOOLEAN = _l("须为 true 或 false")
NOT_A_NUMBER = _l("须为数字")
NOT_A_VALUE = _l("须为字符串或数字，不能是数组、对象或 true/false")
NUMBER_FIELDS = (DecimalField, FloatField, IntegerField)


def _value_type_error(field_class, value):
    """The message for a JSON value that a field of `field_class` cannot take, or None."""
    if issubclass(field_class, BooleanField):
        return None if isinstance(value, bool) else NOT_A_BOOLEAN
    if issubclass(field_class, SelectMultipleField):
        if not isinstance(value, list):
            return NOT_AN_ARRAY
        return next(filter(None, (_value_type_error(Field, item) for item in value)), None)
    if isinstance(value, (bool, list, dict)):
        return NOT_A_NUMBER if issubclass(field_class, NUMBER_FIELDS) else NOT_A_VALUE
    return None


def _form_class_of(unbound_field):
    return unbound_field.args[0] if unbound_field.args else unbound_field.kwargs["form_class"]


def _entry_type_errors(unbound_field, inner_form, value):
    if issubclass(unbound_field.field_class, FormField):
        if not isinstance(value, dict):
            return [NOT_AN_OBJECT]
        return json_type_errors(inner_form, value)
    message = _value_type_error(unbound_field.field_class, value) if value is not None else None
    return [message] if message else []


def _field_type_errors(field, value):
    """Errors shaped like the field's own (a list of messages, a dict for a FormField, a list of entries' errors
    for a FieldList), or None when the value has the right type."""
    if isinstance(field, FieldList):
        if not isinstance(value, list):
            return [NOT_AN_ARRAY]
        inner = field.unbound_field
        inner_form = _form_class_of(inner)() if issubclass(inner.field_class, FormField) else None
        entries = [_entry_type_errors(inner, inner_form, item) for item in value]
        return entries if any(entries) else None
    if isinstance(field, FormField):
        if not isinstance(value, dict):
            return [NOT_AN_OBJECT]
        return json_type_errors(field.form, value) or None
    message = _value_type_error(type(field), value)
    return [message] if message else None


def json_type_errors(form, payload: dict) -> dict:
    """Each field of `form` given a JSON value of the wrong type (null is "not given"), with why. Keys the form
    does not know are left alone, as before."""
    errors = {}
    for field in form:
        value = payload.get(field.short_name)
        if value is not None:
            problem = _field_type_errors(field, value)
            if problem:
                errors[field.short_name] = problem
    return errors


def _overlay(errors, type_errors):
    """`errors` with `type_errors` laid over them: a mistyped value's message replaces what the form made of it."""
    if isinstance(errors, dict) and isinstance(type_errors, dict):
        return {**errors, **{k: _overlay(errors.get(k), v) for k, v in type_errors.items()}}
    entries = isinstance(type_errors, list) and all(isinstance(e, (dict, list)) for e in type_errors)
    if isinstance(errors, list) and entries:  # a FieldList's rows, not a field's messages
        merged = [_overlay(a, b) if b else a for a, b in zip(errors, type_errors)]
        return merged + errors[len(type_errors):] + type_errors[len(errors):]
    return type_errors


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


# What a value that does not parse is told, in our words rather than WTForms' English ("Not a valid date value.").
# Checked in order: a DateField is a DateTimeField too.
UNREADABLE = [
    (DateField, "invalid_value_message", _l("请输入日期，例如 2026-12-01")),
    (DateTimeField, "invalid_value_message", _l("请输入日期时间，例如 2026-12-01T17:00")),
    (IntegerField, "invalid_value_message", _l("请输入整数")),
    ((DecimalField, FloatField), "invalid_value_message", _l("请输入数字")),
    (SelectField, "invalid_choice_message", _l("请从列出的选项中选择")),
]


def _unreadable_message(field_class) -> dict:
    for classes, keyword, message in UNREADABLE:
        if issubclass(field_class, classes):
            return {keyword: message}
    return {}


@functools.cache
def _wtforms_chinese():
    return i18n.get_translations(["zh"])


class InputForm(Form):
    """Base: no CSRF here (pages add Flask-WTF's token around it; the API uses bearer tokens). Fed by an API's
    JSON (see json_to_formdata), it refuses a value of the wrong JSON type as an error of that field."""

    def __init__(self, formdata=None, obj=None, prefix="", data=None, meta=None, **kwargs):
        super().__init__(formdata, obj, prefix, data, meta, **kwargs)
        payload = getattr(formdata, "json", None)
        # A nested form (FormField, FieldList row) has a prefix: the outermost form checks the whole body.
        self.type_errors = json_type_errors(self, payload) if isinstance(payload, dict) and not prefix else {}

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        return valid and not self.type_errors

    @property
    def errors(self):
        return _overlay(super().errors, self.type_errors) if self.type_errors else super().errors

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if not issubclass(unbound_field.field_class, (FormField, FieldList)):  # these take no filters
                options = {**options, "filters": [*unbound_field.kwargs.get("filters", ()), _refuse_unstorable]}
            defaults = {k: v for k, v in _unreadable_message(unbound_field.field_class).items()
                        if unbound_field.kwargs.get(k) is None}
            return unbound_field.bind(form=form, **defaults, **options)

        def get_translations(self, form):
            """WTForms' own messages that nothing above overrides (a validator without a message, such as
            NumberRange's) in the request's language: WTForms' Chinese catalogue, or its English source."""
            locale = get_locale()
            return None if locale is not None and locale.language == "en" else _wtforms_chinese()
