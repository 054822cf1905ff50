"""Public portal pages: the home page at the site's root, ... (built by the portal work)."""
from flask import render_template

from procure.public import bp


@bp.get("/")
def home():
    return render_template("public/home.html")
