"""Organisations (procure.api.organisations) in the OpenAPI document."""
from procure.api.openapi.operation import ok, op
from procure.api.openapi.schema import array, enum, integer, nullable, obj, ref, string


def schemas() -> dict:
    return {
        "Organisation": obj({"id": integer(), "name": string(),
                             "kind": enum(["community", "government", "provider", "evaluator"]),
                             "division_code": string(pattern=r"^(\d{6}|\d{12})$"),
                             "credit_code": nullable(string()), "community_class": nullable(string())}),
    }


def paths() -> dict:
    listing = lambda name: ok(array(ref(name)))  # noqa: E731
    result = {
        "/organisations": {"get": op(
            "listOrganisations", "机构列表 / List organisations", "organisations", listing("Organisation"),
            fails=(400,), description="用于选择动作所需的机构 id / to find the organisation ids that actions take.")},
    }
    result["/organisations"]["get"]["parameters"] = [
        {"name": "kind", "in": "query", "required": False,
         "schema": enum(["community", "government", "provider", "evaluator"]),
         "description": "只列出该类机构 / only organisations of this kind"}]
    return result
