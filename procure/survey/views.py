"""Survey pages: the public form residents answer (no login), and for the community the survey's
actions on the project page, the printable slips with their codes and the notice-board poster."""
from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from procure.errors import Forbidden, GuardFailed, InvalidInput, NotFound, Refusal
from procure.extensions import db, limiter
from procure.projects.page import Failed, detail_context
from procure.projects.permissions import get_visible, relations
from procure.projects.proposal_form import refused_form
from procure.projects.views import act
from procure.survey import operations
from procure.survey.inputs import IssueTokensForm, ResponseForm
from procure.survey.questions import QUESTIONS

bp = Blueprint("survey", __name__)


def qr(text: str) -> str:
    from procure.documents.render import qr_data_uri

    return qr_data_uri(text)


# ---- the public page -------------------------------------------------------------------------------

@bp.route("/survey/<slug>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PUBLIC_SURVEY_LIMIT"], methods=["POST"])
def respond(slug):
    """Public, no login: the questions and the code field; never any answers or results."""
    survey, project = operations.by_slug(slug)
    refusal, status = None, 200
    if request.method == "POST":
        try:
            operations.respond(slug, request.form)
            db.session.commit()
            return redirect(url_for("survey.thanks", slug=slug))
        except Refusal as error:
            db.session.rollback()
            survey, project = operations.by_slug(slug)
            refusal, status = error, error.status
            form = refused_form(ResponseForm, MultiDict(request.form), error)
    else:
        form = ResponseForm(data={"token": request.args.get("t", "")[:32]})
    reasons = [r.message for r in refusal.reasons] if isinstance(refusal, GuardFailed) else []
    response = make_response(render_template(
        "survey/respond.html", survey=survey, project=project, form=form, questions=QUESTIONS,
        is_open=operations.is_open(survey, project),
        refusal=None if refusal is None or isinstance(refusal, InvalidInput) else refusal, reasons=reasons,
        invalid=isinstance(refusal, InvalidInput)), status)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the page's address may carry a resident's code
    return response


@bp.get("/survey/<slug>/thanks")
def thanks(slug):
    survey, project = operations.by_slug(slug)
    return render_template("survey/thanks.html", survey=survey, project=project)


# ---- the community's actions on the project page -----------------------------------------------------

@bp.post("/projects/<int:project_id>/survey")
@login_required
def open_survey(project_id):
    return act(project_id, "open_survey", lambda p: operations.open_survey(p, current_user, request.form),
               _("满意度调查已开启"))


@bp.post("/projects/<int:project_id>/survey/close")
@login_required
def close_survey(project_id):
    return act(project_id, "close_survey", lambda p: operations.close_survey(p, current_user, request.form),
               _("满意度调查已结束"))


@bp.post("/projects/<int:project_id>/survey/tokens")
@login_required
def issue_tokens(project_id):
    """Issue codes and show the slips at once: the codes exist in plain text only in this response."""
    project = get_visible(current_user, project_id, for_update=True)
    try:
        codes = operations.issue_tokens(project, current_user, request.form)
        db.session.commit()
    except Refusal as error:
        db.session.rollback()
        project = get_visible(current_user, project_id)
        failed = Failed("issue_survey_tokens", MultiDict(request.form), error)
        return render_template("projects/detail.html", **detail_context(current_user, project, failed)), \
            error.status
    return _slips(project, codes)


def _community_survey(project_id):
    project = get_visible(current_user, project_id)
    if "community" not in relations(current_user, project):
        raise Forbidden()
    survey = operations.survey_of(project)
    if survey is None:
        raise NotFound()
    return project, survey


def _slips(project, codes):
    survey = operations.survey_of(project)
    slips = [{"code": code, "qr": qr(operations.public_url(survey, code))} for code in codes]
    form = IssueTokensForm(data={"count": 50}) if operations.is_open(survey, project) else None
    response = make_response(render_template("survey/slips.html", project=project, survey=survey, slips=slips,
                                             form=form, survey_url=operations.public_url(survey)))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/projects/<int:project_id>/survey/slips")
@login_required
def slips(project_id):
    """Without codes (they are shown once, when issued): how to print slips, and the form to issue them."""
    project, _survey = _community_survey(project_id)
    return _slips(project, [])


@bp.get("/projects/<int:project_id>/survey/poster")
@login_required
def poster(project_id):
    project, survey = _community_survey(project_id)
    url = operations.public_url(survey)
    return render_template("survey/poster.html", project=project, survey=survey, url=url, qr=qr(url))
