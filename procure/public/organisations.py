"""Public pages of communities, providers (with their track record) and evaluation firms (stubs: built by
the portal work)."""
from flask import abort

from procure.public import bp


@bp.get("/public/communities")
def communities():
    abort(404)


@bp.get("/public/communities/<int:org_id>")
def community(org_id):
    abort(404)


@bp.get("/public/providers")
def providers():
    abort(404)


@bp.get("/public/providers/<int:org_id>")
def provider(org_id):
    abort(404)


@bp.get("/public/evaluators")
def evaluators():
    abort(404)


@bp.get("/public/evaluators/<int:org_id>")
def evaluator(org_id):
    abort(404)
