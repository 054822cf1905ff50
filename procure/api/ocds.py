"""Open Contracting Data Standard 1.1.5 endpoints (public, no token) (stubs: built by the open-data work)."""
from flask import abort

from procure.api import bp


@bp.get("/ocds/releases")
def ocds_feed():
    abort(404)


@bp.get("/ocds/bulk/<int:year>.json")
def ocds_bulk(year):
    abort(404)


@bp.get("/ocds/processes/<ocid>/releases")
def ocds_project_releases(ocid):
    abort(404)


@bp.get("/ocds/processes/<ocid>/record")
def ocds_record(ocid):
    abort(404)
