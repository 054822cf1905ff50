"""GET /organisations: names and ids of organisations, for the ids that actions take; a community's council
(居民议事会): its registered size, read and changed at /organisations/<id>/council; the admin sets a credit code."""
from flask import g, jsonify, request

from procure.accounts.models import OrgKind, Organisation
from procure.api import bp, committed, formdata, json_body
from procure.api.jsonutil import plain
from procure.council import operations as council
from procure.errors import InvalidInput
from procure.extensions import db
from procure.projects.guards import council_rules


def organisation_json(org) -> dict:
    return {"id": org.id, "name": org.name, "kind": org.kind, "division_code": org.division_code,
            "credit_code": org.credit_code, "credit_code_override": org.credit_code_override,
            "community_class": org.community_class,
            "council_size": org.members_total if org.kind == OrgKind.community else None}


def council_json(community) -> dict:
    quorum, majority = council_rules(community)
    return {"community_id": community.id, "name": community.name, "community_class": community.community_class,
            "council_size": community.members_total, "version": community.council_version,
            "quorum": str(quorum), "majority": str(majority),
            "history": [{"at": plain(e.at), "before": e.data.get("before"), "after": e.data.get("after"),
                         "reason": e.comment, "by": e.user.display_name if e.user else None}
                        for e in council.history(community)]}


@bp.get("/organisations")
def list_organisations():
    query = db.select(Organisation).order_by(Organisation.kind, Organisation.name)
    kind = request.args.get("kind")
    if kind:
        if kind not in OrgKind.__members__:
            raise InvalidInput({"kind": [f"unknown kind / 未知机构类型: {kind}"]})
        query = query.where(Organisation.kind == kind)
    return jsonify([organisation_json(org) for org in db.session.scalars(query)])


@bp.get("/organisations/<int:org_id>/council")
def get_council(org_id):
    return jsonify(council_json(council.get_community(g.api_user, org_id)))


@bp.put("/organisations/<int:org_id>/council")
def set_council(org_id):
    community = council.get_community(g.api_user, org_id, for_update=True)
    council.set_council_size(g.api_user, community, formdata(), json_body().get("version"))
    return committed(council_json(community))


@bp.put("/organisations/<int:org_id>/credit-code")
def set_credit_code(org_id):
    from procure.organisations import operations

    org = operations.get_organisation(g.api_user, org_id)
    return committed(organisation_json(operations.set_credit_code(org, g.api_user, formdata())))
