"""Performance evaluation: indicator templates, a project's evaluation (blind score sheets until every party
has submitted), saving or submitting a sheet, explaining a divergence."""
from flask import g, jsonify

from procure.api import bp, committed, formdata
from procure.api.jsonutil import plain
from procure.database import writes
from procure.errors import NotFound
from procure.extensions import db
from procure.performance_evaluation import operations
from procure.performance_evaluation.templates import templates, tree_of
from procure.projects.permissions import get_visible


def node_json(node) -> dict:
    i = node["indicator"]
    return {"id": i.id, "code": i.code, "name": i.name, "level": i.level, "weight": plain(i.weight),
            "kind": i.kind, "scale_max": i.scale_max, "anchors": i.anchors, "guidance": i.guidance,
            "children": [node_json(c) for c in node["children"]]}


def template_json(template, tree=True) -> dict:
    data = {"id": template.id, "name": template.name, "category_code": template.category_code,
            "community_class": template.community_class, "is_default": template.is_default,
            "active": template.active, "created_at": plain(template.created_at)}
    if tree:
        data["indicators"] = [node_json(n) for n in tree_of(template)]
    return data


def sheet_json(sheet) -> dict:
    return {"party": sheet.party, "submitted_at": plain(sheet.submitted_at),
            "scores": [{"indicator_id": s.indicator_id, "planned": plain(s.planned), "actual": plain(s.actual),
                        "value": plain(s.value), "score": plain(s.score), "note": s.note}
                       for s in sorted(sheet.scores, key=lambda s: s.indicator_id)]}


def evaluation_json(user, project) -> dict:
    state = operations.state_of(project, user)
    if state is None:
        raise NotFound()
    ev, result, due = state.evaluation, state.result, operations.final_payment(project)
    return {
        "template": template_json(ev.template), "started_at": plain(ev.started_at), "party": state.party,
        "submitted": sorted(state.submitted), "revealed": state.revealed,
        "sheets": [sheet_json(state.sheets[p]) for p in operations.PARTIES if p in state.sheets],
        "leaves": [{"indicator_id": leaf.indicator.id, "code": leaf.indicator.code, "name": leaf.indicator.name,
                    "kind": leaf.indicator.kind, "group": leaf.group.code,
                    "scores": {p: plain(v) for p, v in leaf.scores.items()} if state.revealed else None,
                    "combined": plain(leaf.combined), "divergent": leaf.divergent,
                    "explanation": leaf.note.explanation if leaf.note else None} for leaf in state.leaves],
        "satisfaction_rate": plain(state.satisfaction),
        "preview": None if result is None else {"score": plain(result.total), "grade": result.grade,
                                                "group_scores": {k: plain(v) for k, v in result.groups.items()}},
        "result": None if ev.finalised_at is None else {
            "score": plain(ev.score), "grade": ev.grade, "group_scores": ev.group_scores, "findings": ev.findings,
            "rectification_plan": ev.rectification_plan, "finalised_at": plain(ev.finalised_at)},
        "final_payment": None if due is None else {"grade": due.grade, "percent": due.percent,
                                                   "base": plain(due.base), "due": plain(due.due),
                                                   "paid": plain(due.paid)},
    }


@bp.get("/indicator-templates")
@writes  # the default template, the first time it is needed
def indicator_templates():
    rows = templates()
    db.session.commit()  # the default template, the first time it is needed
    return jsonify([template_json(t, tree=False) for t in rows])


@bp.get("/indicator-templates/<int:template_id>")
def indicator_template(template_id):
    return jsonify(template_json(operations.get_template(template_id)))


@bp.post("/indicator-templates")
def create_indicator_template():
    # "indicators" other than a list is the form's to refuse (formfields.json_type_errors), after the role check.
    template = operations.create_template(g.api_user, formdata())
    return committed(template_json(template), 201)


@bp.get("/projects/<int:project_id>/evaluation")
def get_evaluation(project_id):
    project = get_visible(g.api_user, project_id)
    return jsonify(evaluation_json(g.api_user, project))


@bp.post("/projects/<int:project_id>/evaluation/sheets")
def save_score_sheet(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    sheet = operations.save_scores(project, g.api_user, formdata())
    return committed(sheet_json(sheet))


@bp.post("/projects/<int:project_id>/evaluation/divergences")
def explain_divergence(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    note = operations.explain_divergence(project, g.api_user, formdata())
    return committed({"indicator_id": note.indicator_id, "explanation": note.explanation,
                  "explained_at": plain(note.explained_at)}, 201)
