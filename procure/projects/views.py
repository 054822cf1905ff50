"""Project pages."""
from flask import Blueprint
from flask_login import login_required

bp = Blueprint("projects", __name__)


@bp.get("/")
@login_required
def home():
    return "home"
