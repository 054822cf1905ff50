"""GET /organisations: names and ids of organisations, for the ids that actions take; the admin sets a credit code."""
from flask import g, jsonify, request

from procure.accounts.models import OrgKind, Organisation
from procure.api import bp, committed, formdata
from procure.errors import InvalidInput
from procure.extensions import db


def organisation_json(org) -> dict:
    return {"id": org.id, "name": org.name, "kind": org.kind, "division_code": org.division_code,
            "credit_code": org.credit_code, "credit_code_override": org.credit_code_override,
            "community_class": org.community_class}


@bp.get("/organisations")
def list_organisations():
    query = db.select(Organisation).order_by(Organisation.kind, Organisation.name)
    kind = request.args.get("kind")
    if kind:
        if kind not in OrgKind.__members__:
            raise InvalidInput({"kind": [f"unknown kind / 未知机构类型: {kind}"]})
        query = query.where(Organisation.kind == kind)
    return jsonify([organisation_json(org) for org in db.session.scalars(query)])


@bp.put("/organisations/<int:org_id>/credit-code")
def set_credit_code(org_id):
    from procure.organisations import operations

    org = operations.get_organisation(g.api_user, org_id)
    return committed(organisation_json(operations.set_credit_code(org, g.api_user, formdata())))
