"""Projects: list, create, read, edit, fire a transition, history."""
from flask import current_app, g, jsonify, request

from procure import lifecycle
from procure.api import bp, formdata, json_body
from procure.api.jsonutil import page_number
from procure.api.serializers import audit_json, project_json
from procure.audit.models import AuditEntry
from procure.desk.visibility import entry_visible
from procure.errors import InvalidInput, NotFound
from procure.extensions import db
from procure.formfields import json_to_formdata
from procure.projects import operations
from procure.projects.inputs import PROPOSAL_FIELDS
from procure.projects.list_pages import staff_total
from procure.projects.models import Project
from procure.projects.permissions import get_visible, visible_projects
from procure.projects.states import TRANSITIONS, State


@bp.get("/projects")
def list_projects():
    query = visible_projects(g.api_user)
    state = request.args.get("state")
    if state:
        if state not in State.__members__:
            raise InvalidInput({"state": [f"unknown state / 未知状态: {state}"]})
        query = query.where(Project.state == state)
    page, per_page = page_number(), current_app.config["PER_PAGE"]
    # The total from the project counts where they can say (procure.projects.list_pages), else counted.
    total = staff_total(g.api_user, {"state": state} if state else {}, [])
    if total is None:
        total = db.session.scalar(db.select(db.func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(Project.id.desc()).limit(per_page).offset((page - 1) * per_page))
    return jsonify({"items": [project_json(p, g.api_user, detail=False) for p in rows],
                    "page": page, "per_page": per_page, "total": total})


@bp.post("/projects")
def create_project():
    project = operations.create_project(g.api_user, formdata())
    db.session.commit()
    return jsonify(project_json(project, g.api_user)), 201


@bp.get("/projects/<int:project_id>")
def get_project(project_id):
    return jsonify(project_json(get_visible(g.api_user, project_id), g.api_user))


@bp.patch("/projects/<int:project_id>")
def update_project(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    payload = json_body()
    # PATCH sends only what changes: the rest comes from the stored proposal.
    data = json_to_formdata({**_proposal_payload(project), **payload})
    operations.update_project(project, g.api_user, data, payload.get("version"))
    db.session.commit()
    return jsonify(project_json(project, g.api_user))


def _proposal_payload(project) -> dict:
    current = project_json(project, g.api_user)
    payload = {k: current[k] for k in (*PROPOSAL_FIELDS, "budget_lines", "deliberation")}
    payload["category"] = current["category"]
    return payload


@bp.post("/projects/<int:project_id>/transitions/<trigger>")
def fire(project_id, trigger):
    project = get_visible(g.api_user, project_id, for_update=True)
    if trigger not in TRANSITIONS:
        raise NotFound()
    payload = json_body()
    lifecycle.fire(project, trigger, g.api_user, formdata(), payload.get("version"))
    db.session.commit()
    return jsonify({"state": project.state, "version": project.version})


@bp.get("/projects/<int:project_id>/history")
def history(project_id):
    project = get_visible(g.api_user, project_id)
    entries = db.session.scalars(db.select(AuditEntry).filter_by(project_id=project.id)
                                 .order_by(AuditEntry.at, AuditEntry.id))
    return jsonify([audit_json(e) for e in entries if entry_visible(g.api_user, e, project)])
