"""Public portal pages (no login): the home page at the site's root, ... (built by the portal work)."""
from flask import Blueprint, render_template

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    return render_template("public/home.html")
