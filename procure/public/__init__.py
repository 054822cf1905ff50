"""The public portal (no login): what anyone may read, the objections residents file and the exports.
One blueprint; each module below adds its pages to it."""
from flask import Blueprint

bp = Blueprint("public", __name__)

from procure.public import pages  # noqa: E402,F401
from procure.public import objections  # noqa: E402,F401
from procure.public import organisations  # noqa: E402,F401
from procure.public import exports  # noqa: E402,F401
from procure.public import board  # noqa: E402,F401
from procure.public import catalogues  # noqa: E402,F401
