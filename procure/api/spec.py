"""GET /openapi.json: the OpenAPI 3 description of this API."""
from flask import jsonify

from procure.api import bp
from procure.api.openapi_doc import document


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
