"""GET /organisations: names and ids of organisations, for the ids that actions take."""
from flask import jsonify, request

from procure.accounts.models import OrgKind, Organisation
from procure.api import bp
from procure.errors import InvalidInput
from procure.extensions import db


def organisation_json(org) -> dict:
    return {"id": org.id, "name": org.name, "kind": org.kind, "division_code": org.division_code,
            "credit_code": org.credit_code, "community_class": org.community_class}


@bp.get("/organisations")
def list_organisations():
    query = db.select(Organisation).order_by(Organisation.kind, Organisation.name)
    kind = request.args.get("kind")
    if kind:
        if kind not in OrgKind.__members__:
            raise InvalidInput({"kind": [f"unknown kind / 未知机构类型: {kind}"]})
        query = query.where(Organisation.kind == kind)
    return jsonify([organisation_json(org) for org in db.session.scalars(query)])
