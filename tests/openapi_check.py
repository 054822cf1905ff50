"""Checking API responses against the OpenAPI document: the status is documented for the operation and
the body fits its schema, with undocumented keys refused (used by the API tests of every package)."""
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

BASE = "urn:procure:openapi"


def absolute(node, closed=False):
    """A copy with refs made absolute; with `closed`, objects allow no undocumented keys, so a key the
    API sends (or the journey posts) that the document omits fails the test."""
    if isinstance(node, list):
        return [absolute(value, closed) for value in node]
    if not isinstance(node, dict):
        return node
    node = {key: absolute(value, closed) for key, value in node.items()}
    if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
        node["$ref"] = BASE + node["$ref"]
    if closed and "properties" in node:
        node.setdefault("additionalProperties", False)
    return node


def validator(document: dict, schema: dict) -> Draft202012Validator:
    checked = {**absolute(document), "components": {**absolute(document["components"]),
                                                    "schemas": absolute(document["components"]["schemas"], True)}}
    registry = Registry().with_resource(BASE, Resource.from_contents(checked, default_specification=DRAFT202012))
    return Draft202012Validator(absolute(schema), registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def resolve(document: dict, node: dict) -> dict:
    while "$ref" in node:
        target = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def check(document, path, method, response, status=None):
    """The response's status is documented for the operation and its body fits the documented schema."""
    if status is not None:
        assert response.status_code == status, response.get_data(as_text=True)
    responses = document["paths"][path][method]["responses"]
    assert str(response.status_code) in responses, f"{method.upper()} {path} → {response.status_code} undocumented"
    documented = resolve(document, responses[str(response.status_code)])
    assert response.mimetype == "application/json"
    schema = documented["content"]["application/json"]["schema"]
    errors = sorted(validator(document, schema).iter_errors(response.get_json()), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    return response.get_json()
