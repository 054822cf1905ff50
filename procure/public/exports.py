"""Public tables (contracts and payments, evaluation results) and CSV/XLSX exports (stubs: built by the
exports work)."""
from flask import abort

from procure.public import bp


@bp.get("/public/contracts")
def contracts():
    abort(404)


@bp.get("/public/evaluations")
def evaluations():
    abort(404)


@bp.get("/public/exports/<table>.<fmt>")
def export(table, fmt):
    abort(404)
