"""The survey part of the project page: its forms and what it shows."""
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from procure.projects.page_forms import page_form
from procure.survey import operations
from procure.survey.inputs import IssueTokensForm

# (anchor on the project page, label in its task links, the form keys that make the link appear)
SECTION = ("survey", _l("满意度调查"), ("open_survey", "issue_survey_tokens", "close_survey"))


def page_part(user, project, parts, failed) -> tuple[dict, dict]:
    """(forms keyed as on the page, extra template context) for `user` on `project`."""
    pid, forms = project.id, {}
    survey = operations.survey_of(project)
    is_open = survey is not None and operations.is_open(survey, project)
    if survey is None and operations.may(user, project, "open_survey"):
        forms["open_survey"] = page_form("open_survey", None, url_for("survey.open_survey", project_id=pid), failed,
                                         title=_("开启居民满意度调查"))
    if is_open and operations.may(user, project, "issue_survey_tokens"):
        forms["issue_survey_tokens"] = page_form(
            "issue_survey_tokens", IssueTokensForm, url_for("survey.issue_tokens", project_id=pid), failed,
            {"count": 50}, title=_("发放调查码"))
    if is_open and operations.may(user, project, "close_survey"):
        forms["close_survey"] = page_form("close_survey", None, url_for("survey.close_survey", project_id=pid),
                                          failed, title=_("结束调查"))
    results = survey is not None and operations.may(user, project, "view_survey_results")
    context = {
        "survey": survey, "survey_open": is_open, "survey_results": results,
        "survey_community": "community" in parts,
        "survey_min_responses": current_app.config["SURVEY_MIN_RESPONSES"],
    }
    if results:
        issued, used = operations.token_counts(survey)
        context.update(survey_tokens_issued=issued, survey_responses=operations.response_count(project),
                       survey_rate=operations.satisfaction_rate(project),
                       survey_aggregates=operations.aggregates(project),
                       survey_url=operations.public_url(survey))
    if survey is not None and operations.may(user, project, "view_survey_comments"):
        context["survey_comments"] = operations.comments(project)
    return forms, context
