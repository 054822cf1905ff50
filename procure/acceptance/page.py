"""The acceptance part of the project page: its forms and what it shows."""
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from procure import clock
from procure.acceptance import operations as acceptance
from procure.acceptance.inputs import (OUTCOME_LABELS, RESULT_LABELS, SOURCE_LABELS, AcceptanceConfirmationForm,
                                       ChecklistItemForm, JudgementForm, SiteVisitForm)
from procure.projects.page_forms import page_form
from procure.projects.permissions import community_voice, may_act

# (anchor on the project page, label in its task links, the form keys that make the link appear)
SECTION = ("acceptance", _l("验收"),
           ("acceptance_judgements", "acceptance_item", "site_visit", "acceptance_confirmation"))


def page_part(user, project, parts, failed) -> tuple[dict, dict]:
    """(forms keyed as on the page, extra template context) for `user` on `project`."""
    pid = project.id
    items = acceptance.items_of(project)
    confirmation = acceptance.confirmation_of(project)

    def allowed(action):
        return may_act(project, action, parts)

    forms = {}
    if allowed("judge_item"):
        forms["acceptance_judgements"] = {
            item.id: page_form(f"judge_item:{item.id}", JudgementForm,
                               url_for("acceptance.judge_item", project_id=pid, item_id=item.id), failed,
                               {"result": item.result, "finding": item.finding})
            for item in items}
    if allowed("add_checklist_item"):
        forms["acceptance_item"] = page_form("acceptance_item", ChecklistItemForm,
                                             url_for("acceptance.add_item", project_id=pid), failed,
                                             title=_("补充验收内容"))
    if allowed("record_site_visit"):
        forms["site_visit"] = page_form("site_visit", SiteVisitForm,
                                        url_for("acceptance.record_site_visit", project_id=pid), failed,
                                        {"visited_on": clock.today()}, title=_("登记现场走访"))
    if allowed("confirm_acceptance"):
        current = confirmation if confirmation and acceptance.confirmation_current(project, confirmation) else None
        data = {"agreed": current.agreed, "opinion": current.opinion,
                "residents_present": current.residents_present} if current else {}
        forms["acceptance_confirmation"] = page_form(
            "acceptance_confirmation", AcceptanceConfirmationForm,
            url_for("acceptance.confirm", project_id=pid), failed, data,
            title=_("修改验收确认") if current else _("确认验收"))
    rounds = acceptance.rounds_of(project)
    shown = bool(items or rounds or project.acceptance_report or project.state in ("under_acceptance",
                                                                                  "rectification"))
    limit = acceptance.limit_reached(project)
    context = {"acceptance": {
        "shown": shown, "checklist": items, "visits": acceptance.visits_of(project),
        "rounds": [{"row": r, "late": acceptance.response_late(r), "overdue": acceptance.response_overdue(r)}
                   for r in rounds],
        "confirmation": confirmation, "street_office_confirms": community_voice(project) == "reviewer",
        "confirmation_current": acceptance.confirmation_current(project, confirmation),
        "accepted_on": acceptance.accepted_on(project) if project.acceptance_report else None,
        "limit_reached": limit and project.state == "under_acceptance",
        "max_rounds": current_app.config["RECTIFICATION_MAX_ROUNDS"],
        "unjudged": sum(1 for i in items if i.result is None),
        "result_labels": RESULT_LABELS, "source_labels": SOURCE_LABELS, "outcome_labels": OUTCOME_LABELS,
    }}
    return forms, context
