"""Small JSON Schema builders for the OpenAPI document, and labels in their Chinese source form."""
from flask_babel import force_locale

JSON = "application/json"


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    schema = dict(schema)
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    schema["type"] = [schema["type"], "null"]
    return schema


def string(fmt=None, **extra) -> dict:
    return {"type": "string", **({"format": fmt} if fmt else {}), **extra}


def integer(**extra) -> dict:
    return {"type": "integer", **extra}


def array(items: dict, **extra) -> dict:
    return {"type": "array", "items": items, **extra}


def enum(values, labels=None) -> dict:
    schema = {"type": "string", "enum": list(values)}
    if labels:
        schema["description"] = "; ".join(f"`{v}`: {labels[v]}" for v in values)
    return schema


def obj(properties: dict, optional=(), description=None) -> dict:
    """An object whose keys are all present except `optional` ones."""
    schema = {"type": "object", "properties": properties,
              "required": [k for k in properties if k not in optional]}
    if description:
        schema["description"] = description
    return schema


def text(value) -> str:
    """A lazily translated label in its Chinese source form, whatever the request's language."""
    with force_locale("zh_Hans_CN"):
        return str(value)


def texts(labels: dict) -> dict:
    return {key: text(label) for key, label in labels.items()}
