"""The service category tree (procure.api.categories) in the OpenAPI document."""
from procure.api.openapi.operation import ok, op
from procure.api.openapi.schema import array, obj, ref, string


def schemas() -> dict:
    return {
        "Category": obj({"code": string(), "name": string(), "name_en": string(), "children": array(ref("Category"))},
                        description="末级类别的 children 为空 / a leaf has no children"),
    }


def paths() -> dict:
    listing = lambda name: ok(array(ref(name)))  # noqa: E731
    return {
        "/categories": {"get": op("listCategories", "服务类别目录 / List service categories", "catalogue",
                                  listing("Category"), public=True)},
    }
