"""The JSON API under /api/v1: bearer tokens, JSON bodies, errors as JSON."""
from flask import Blueprint, g, jsonify, request

from procure.errors import InvalidInput, Refusal
from procure.formfields import json_to_formdata

bp = Blueprint("api", __name__, url_prefix="/api/v1")

PUBLIC_ENDPOINTS = {"api.create_token", "api.categories", "api.openapi", "api.verify_document",
                    "api.get_public_survey", "api.respond_to_survey", "api.ocds_feed", "api.ocds_bulk",
                    "api.ocds_project_releases", "api.ocds_record", "api.volunteer_board"}


class Unauthorized(Refusal):
    status, code, message = 401, "unauthorized", "missing or invalid bearer token / 缺少或无效的访问令牌"


@bp.before_request
def authenticate():
    from procure.accounts.models import ApiToken

    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = ApiToken.find_user(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if user is None:
        raise Unauthorized()
    g.api_user = user


def json_body() -> dict:
    try:
        payload = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the JSON parser goes
        payload = None
    if not isinstance(payload, dict):
        raise InvalidInput({"_body": ["a JSON object is required / 请求体须为 JSON 对象"]})
    return payload


def formdata():
    """The JSON body flattened for the WTForms input forms."""
    return json_to_formdata(json_body())


def committed(payload, status=200):
    """Commit what the operation wrote, then answer with `payload`."""
    from procure.extensions import db

    db.session.commit()
    return jsonify(payload), status


from procure.api import (attachments, catalogues, categories, delivery, organisations, parts,  # noqa: E402,F401
                         projects, providers, spec, tokens)
from procure.api import notifications  # noqa: E402,F401
from procure.api import tenders  # noqa: E402,F401
from procure.api import documents  # noqa: E402,F401
from procure.api import survey  # noqa: E402,F401
from procure.api import acceptance  # noqa: E402,F401
from procure.api import evaluators  # noqa: E402,F401
from procure.api import performance  # noqa: E402,F401
from procure.api import ocds  # noqa: E402,F401
from procure.api import volunteers  # noqa: E402,F401
