"""Admin pages for the holiday calendar."""
from flask import Blueprint

bp = Blueprint("workdays", __name__, url_prefix="/admin/calendar")
