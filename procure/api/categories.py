"""GET /categories: the service-category tree (public)."""
from flask import jsonify

from procure.api import bp
from procure.catalogue.models import category_tree


@bp.get("/categories")
def categories():
    return jsonify(category_tree())
