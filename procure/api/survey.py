"""The resident satisfaction survey: the public questions and responses; for the project's parties the
count, the satisfaction rate and the aggregates (never the raw answers or the comments)."""
from flask import current_app, g, jsonify, request
from werkzeug.datastructures import MultiDict

from procure.api import bp, formdata
from procure.api.jsonutil import plain
from procure.extensions import db, limiter
from procure.projects.permissions import authorize_action, get_visible
from procure.survey import operations
from procure.survey.questions import QUESTIONS


def optional_body() -> MultiDict:
    """Opening and closing take no input: an empty request body is fine."""
    return formdata() if request.get_data() else MultiDict()


def questions_json() -> list[dict]:
    return [{"key": key, "question": str(question), "kind": kind, "required": required,
             "options": [{"value": value, "label": str(label)} for value, label in options]}
            for key, question, kind, options, required in QUESTIONS]


def project_survey_json(project, survey) -> dict | None:
    if survey is None:
        return None
    issued, used = operations.token_counts(survey)
    return {"url": operations.public_url(survey), "opened_at": plain(survey.opened_at),
            "closes_on": plain(survey.closes_on), "closed_at": plain(survey.closed_at),
            "open": operations.is_open(survey, project), "tokens_issued": issued, "tokens_used": used,
            "responses": operations.response_count(project),
            "min_responses": current_app.config["SURVEY_MIN_RESPONSES"],
            "satisfaction_rate": plain(operations.satisfaction_rate(project)),
            "aggregates": [{**q, "question": str(q["question"]),
                            "options": [{**o, "label": str(o["label"]), "percent": plain(o["percent"])}
                                        for o in q["options"]]}
                           for q in operations.aggregates(project)]}


@bp.get("/surveys/<slug>")
def get_public_survey(slug):
    survey, project = operations.by_slug(slug)
    return jsonify({"title": project.title, "community": project.community.name,
                    "closes_on": plain(survey.closes_on), "open": operations.is_open(survey, project),
                    "questions": questions_json()})


@bp.post("/surveys/<slug>/responses")
@limiter.limit(lambda: current_app.config["PUBLIC_SURVEY_LIMIT"])
def respond_to_survey(slug):
    response = operations.respond(slug, formdata())
    db.session.commit()
    return jsonify({"received": True, "submitted_at": plain(response.submitted_at)}), 201


@bp.get("/projects/<int:project_id>/survey")
def get_project_survey(project_id):
    project = get_visible(g.api_user, project_id)
    authorize_action(g.api_user, project, "view_survey_results")
    return jsonify(project_survey_json(project, operations.survey_of(project)))


@bp.post("/projects/<int:project_id>/survey")
def open_project_survey(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    survey = operations.open_survey(project, g.api_user, optional_body())
    db.session.commit()
    return jsonify(project_survey_json(project, survey)), 201


@bp.post("/projects/<int:project_id>/survey/tokens")
def issue_survey_tokens(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    codes = operations.issue_tokens(project, g.api_user, formdata())
    db.session.commit()
    survey = operations.survey_of(project)
    return jsonify({"count": len(codes), "codes": codes, "url": operations.public_url(survey),
                    "links": [operations.public_url(survey, code) for code in codes]}), 201


@bp.post("/projects/<int:project_id>/survey/close")
def close_project_survey(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    survey = operations.close_survey(project, g.api_user, optional_body())
    db.session.commit()
    return jsonify(project_survey_json(project, survey))
