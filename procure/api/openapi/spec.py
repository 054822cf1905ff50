"""This document's own path (procure.api.spec)."""
from procure.api.openapi.operation import ok, op


def paths() -> dict:
    return {
        "/openapi.json": {"get": op("getOpenApi", "本接口说明 / This OpenAPI document", "meta",
                                    ok({"type": "object"}, "OpenAPI 3.1 文档 / the OpenAPI 3.1 document"), public=True)},
    }
