"""Input forms as request schemas: one JSON Schema property per WTForms field, with notes on their rules."""
from decimal import Decimal

from wtforms.fields import (BooleanField, DateField, FieldList, FormField, IntegerField, SelectField, StringField,
                            TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from procure.api.openapi.schema import array, enum, integer, nullable, ref, string, text
from procure.formfields import LocalDateTimeField, MoneyField

# Rules the forms check across fields or that guards check later (422); keyed by (form, field) or form. Each
# resource's part lists the notes on its forms as NOTES; the document gathers them here.
NOTES = {}


def input_name(form_class) -> str:
    return form_class.__name__.removesuffix("Form") + "Input"


def note(form_class, name: str):
    return next((NOTES[(k, name)] for k in form_class.__mro__ if (k, name) in NOTES), None)


def is_required(field) -> bool:
    if isinstance(field, FieldList):
        return field.min_entries > 0
    # A field with a default (the contract's default terms) may be left out: the default fills it.
    return field.default is None and any(isinstance(v, (DataRequired, InputRequired)) for v in field.validators)


def bounds(field) -> dict:
    """Length and NumberRange as JSON Schema keywords; DataRequired text must not be blank."""
    extra = {}
    for v in field.validators:
        if isinstance(v, Length):
            extra.update({"minLength": v.min} if v.min > 0 else {})
            extra.update({"maxLength": v.max} if v.max >= 0 else {})
        if isinstance(v, NumberRange):
            extra.update({"minimum": plain_number(v.min)} if v.min is not None else {})
            extra.update({"maximum": plain_number(v.max)} if v.max is not None else {})
        if isinstance(v, DataRequired) and isinstance(field, StringField):
            extra["pattern"] = r"\S"
    return extra


def plain_number(value):
    return float(value) if isinstance(value, Decimal) else value


def field_schema(field, schemas: dict) -> dict:
    """The JSON Schema of one WTForms field (nested forms are registered in `schemas`)."""
    if isinstance(field, FieldList):
        inner = field.unbound_field
        if inner.field_class is not FormField:
            raise TypeError(f"no JSON Schema for a FieldList of {inner.field_class.__name__}")
        limits = {"minItems": field.min_entries} if field.min_entries else {}
        if field.max_entries:
            limits["maxItems"] = field.max_entries
        return array(form_ref(inner.args[0], schemas), **limits)
    if isinstance(field, FormField):
        return form_ref(field.form_class, schemas)
    if isinstance(field, MoneyField):
        return {**ref("MoneyInput"), **bounds(field)}
    if isinstance(field, LocalDateTimeField):
        return string("date-time", description="无时区时按北京时间 / without an offset, read as Asia/Shanghai")
    if isinstance(field, DateField):
        return string("date")
    if isinstance(field, BooleanField):
        return {"type": "boolean", "default": False}
    if isinstance(field, IntegerField):
        return integer(**bounds(field))
    if isinstance(field, SelectField):
        return enum([c.value for c in field.iter_choices()], {c.value: text(c.label) for c in field.iter_choices()})
    if isinstance(field, (StringField, TextAreaField)):
        return string(**bounds(field))
    raise TypeError(f"no JSON Schema for {type(field).__name__}")


def form_schema(form_class, schemas: dict, *, all_optional=False) -> dict:
    """An object schema with one property per form field; optional fields also take null (= not given)."""
    properties, required = {}, []
    for field in form_class():
        schema = field_schema(field, schemas)
        if is_required(field) and not all_optional:
            required.append(field.name)
        else:
            schema = nullable(schema)
        description = " — ".join(filter(None, [text(field.label.text), note(form_class, field.name)]))
        properties[field.name] = {**schema, "description": description}
    schema = {"type": "object", "properties": properties, "required": required}
    if form_class in NOTES:
        schema["description"] = NOTES[form_class]
    return schema


def form_ref(form_class, schemas: dict) -> dict:
    name = input_name(form_class)
    if name not in schemas:
        schemas[name] = {}  # reserve first: a form may be reached again while it is being built
        schemas[name] = form_schema(form_class, schemas)
    return ref(name)


def with_version(schema: dict, description: str) -> dict:
    version = integer(description="读到的项目 version / the project's version as read (optimistic locking)")
    return {**schema, "description": description, "properties": {**schema["properties"], "version": version},
            "required": [*schema["required"], "version"]}


def camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))
