"""Evaluation firms: the register, a project's draws and hand picks, and the firms' and evaluators'
conflict-of-interest declarations."""
from flask import g, jsonify

from procure.api import bp, committed, formdata
from procure.api.jsonutil import plain
from procure.accounts.models import Role
from procure.errors import Forbidden
from procure.evaluators import operations
from procure.evaluators.conflicts import exclusion_text, pick, top_level_codes
from procure.projects.permissions import get_visible, relations


def _org(org) -> dict | None:
    return {"id": org.id, "name": org.name} if org is not None else None


def profile_json(org, profile, *, detail=False) -> dict:
    names = top_level_codes()
    data = {
        "id": org.id, "name": org.name, "credit_code": org.credit_code,
        "legal_representative": org.legal_representative,
        "registered": profile is not None,
        "accreditation": profile.accreditation if profile else "",
        "accredited_until": plain(profile.accredited_until) if profile else None,
        "specialties": [{"code": c, "name": names.get(c, c)} for c in (profile.specialties if profile else [])],
        "staff_count": profile.staff_count if profile else 0,
        "active": bool(profile and profile.active),
    }
    if detail:
        data["staff"] = [{"id": s.id, "name": s.name, "qualification": s.qualification, "title": s.title,
                          "user_id": s.user_id} for s in (profile.staff if profile else [])]
        data["engagements"] = [{"id": e.id, "counterpart": _org(e.counterpart), "description": e.description,
                                "started_on": plain(e.started_on), "ended_on": plain(e.ended_on)}
                               for e in operations.engagements_of(org)]
    return data


@bp.get("/evaluators")
def list_evaluators():
    if g.api_user.role not in (*operations.EDITORS, Role.evaluator):
        raise Forbidden()
    return jsonify([profile_json(org, profile) for org, profile in operations.register(g.api_user)])


@bp.get("/evaluators/<int:org_id>")
def get_evaluator(org_id):
    org = operations.get_firm(g.api_user, org_id)
    return jsonify(profile_json(org, operations.profile_of(org), detail=True))


# ---- draws -------------------------------------------------------------------------------------------

def draw_json(draw) -> dict:
    return {
        "id": draw.id, "number": draw.number, "method": draw.method, "seed": draw.seed,
        "candidates": list(draw.candidates),
        "excluded": [{"org_id": e["org_id"], "reasons": list(e["reasons"]),
                      "messages": [exclusion_text(c) for c in e["reasons"]]} for e in draw.excluded],
        "result_org": _org(draw.result_org), "reason": draw.reason, "drawn_at": plain(draw.drawn_at),
        "reproduced_result": pick(draw.seed, draw.candidates) if draw.seed and draw.candidates else None,
    }


@bp.get("/projects/<int:project_id>/evaluator-draws")
def list_draws(project_id):
    project = get_visible(g.api_user, project_id)
    if not operations.draws_visible(g.api_user, project, relations(g.api_user, project)):
        raise Forbidden()
    return jsonify([draw_json(d) for d in operations.draws_of(project)])


@bp.post("/projects/<int:project_id>/evaluator-draws")
def draw_evaluator(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    return committed(draw_json(operations.draw_evaluator(project, g.api_user, formdata())), 201)


@bp.post("/projects/<int:project_id>/evaluator-assignments")
def assign_evaluator(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    return committed(draw_json(operations.assign_evaluator(project, g.api_user, formdata())), 201)


# ---- declarations ------------------------------------------------------------------------------------

def declaration_json(d) -> dict:
    return {"id": d.id, "evaluator_org": _org(d.evaluator_org), "requested_at": plain(d.requested_at),
            "declared_at": plain(d.declared_at), "has_conflict": d.has_conflict, "conflict_type": d.conflict_type,
            "late": d.late, "statement": d.statement}


def personal_json(d) -> dict:
    return {"id": d.id, "user_id": d.user_id, "evaluator_org_id": d.organisation_id, "has_conflict": d.has_conflict,
            "conflict_type": d.conflict_type, "late": d.late, "statement": d.statement,
            "declared_at": plain(d.declared_at)}


def _own_firm_only(user):
    """An evaluation firm sees its own declarations only; others who see the project see all of them."""
    return user.organisation_id if user.role == Role.evaluator else None


@bp.get("/projects/<int:project_id>/conflict-declarations")
def list_declarations(project_id):
    project = get_visible(g.api_user, project_id)
    rows = operations.firm_declarations(project, _own_firm_only(g.api_user))
    return jsonify([declaration_json(d) for d in rows])


@bp.post("/projects/<int:project_id>/conflict-declarations/mine")
def declare(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    return committed(declaration_json(operations.declare(project, g.api_user, formdata())))


@bp.get("/projects/<int:project_id>/personal-declarations")
def list_personal_declarations(project_id):
    project = get_visible(g.api_user, project_id)
    rows = operations.personal_declarations(project, _own_firm_only(g.api_user))
    return jsonify([personal_json(d) for d in rows])


@bp.post("/projects/<int:project_id>/personal-declarations")
def declare_personal(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    return committed(personal_json(operations.declare_personal(project, g.api_user, formdata())), 201)
