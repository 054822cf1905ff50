"""The open-data page for people: what is published, where, under which licence (built by the open-data work)."""
from flask import Blueprint

bp = Blueprint("opendata", __name__)


@bp.get("/open-data")
def page():
    from flask import abort

    abort(404)
