"""GET /openapi.json: the OpenAPI 3 description of this API, built once per app and served with an ETag."""
import hashlib
import threading

from flask import current_app, request
from flask_babel import force_locale

from procure.api import bp

_building = threading.Lock()


def served() -> tuple[bytes, str]:
    """The document as JSON bytes and their ETag. The document depends on the code alone (not on the request, its
    host or its language: labels are given in their Chinese source form), and its bytes on the app's JSON
    settings, so each app builds it on first use and keeps it for its life."""
    cached = current_app.extensions.get("procure.openapi")
    if cached is None:
        with _building:
            cached = current_app.extensions.get("procure.openapi")
            if cached is None:
                from procure.api.openapi import document

                with force_locale("zh_Hans_CN"):  # whatever the first request's language
                    body = current_app.json.response(document()).get_data()
                cached = current_app.extensions["procure.openapi"] = (body, hashlib.sha256(body).hexdigest()[:32])
    return cached


@bp.get("/openapi.json")
def openapi():
    body, etag = served()
    response = current_app.response_class(body, mimetype=current_app.json.mimetype)
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response.make_conditional(request)
