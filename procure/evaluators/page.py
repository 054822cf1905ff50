"""The evaluators part of the project page: its forms and what it shows."""
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from procure.accounts.models import Organisation, Role, User
from procure.evaluators import operations
from procure.evaluators.conflicts import (DRAW_METHOD_LABELS, conflict_type_text, eligible_firms, exclusion_text,
                                          pick)
from procure.evaluators.inputs import AssignForm, DeclarationForm, DrawForm
from procure.extensions import db
from procure.projects.page_forms import page_form
from procure.projects.permissions import ACTIONS

# (anchor on the project page, label in its task links, the form keys that make the link appear)
SECTION = ("evaluator", _l("第三方评估机构"), ("draw_evaluator", "assign_evaluator", "declare", "declare_personal"))


def _names(ids) -> dict:
    ids = set(ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))).all())


def _draw_rows(draws) -> list[dict]:
    names = _names({i for d in draws for i in d.candidates} | {e["org_id"] for d in draws for e in d.excluded})
    return [{
        "draw": d, "method": DRAW_METHOD_LABELS.get(d.method, d.method),
        "candidates": [names.get(i, i) for i in d.candidates],
        "excluded": [(names.get(e["org_id"], e["org_id"]), [exclusion_text(c) for c in e["reasons"]])
                     for e in d.excluded],
        "reproduced": names.get(pick(d.seed, d.candidates)) if d.seed and d.candidates else None,
    } for d in draws]


def page_part(user, project, parts, failed) -> tuple[dict, dict]:
    """(forms keyed as on the page, extra template context) for `user` on `project`."""
    forms, pid = {}, project.id

    def allowed(action):
        states, who = ACTIONS[action]
        return project.state in states and bool(who & parts)

    def failed_here(key):
        return failed is not None and failed.key == key

    may_draw = not operations.assignment_reasons(project)
    may_assign = not operations.assignment_reasons(project, by_hand=True)
    if allowed("draw_evaluator") and (may_draw or failed_here("draw_evaluator")):
        forms["draw_evaluator"] = page_form("draw_evaluator", DrawForm, url_for("evaluators.draw", project_id=pid),
                                            failed, title=_("随机抽取第三方评估机构"))
    if allowed("assign_evaluator") and (may_assign or failed_here("assign_evaluator")):
        candidates, _excluded = eligible_firms(project)
        names = _names(candidates)
        forms["assign_evaluator"] = page_form(
            "assign_evaluator", AssignForm, url_for("evaluators.assign", project_id=pid), failed,
            choices={"evaluator_org_id": [(i, names[i]) for i in candidates]}, title=_("不经抽取指定评估机构") if may_draw else _("另行指定评估机构（已抽中的机构未作声明）"))
    own_firm = user.organisation_id if user.role == Role.evaluator else None
    firm_rows = operations.firm_declarations(project, own_firm)
    if allowed("declare_conflict"):
        mine = next((d for d in firm_rows if d.evaluator_org_id == user.organisation_id), None)
        if mine is not None and (mine.declared_at is None or mine.has_conflict is False or failed_here("declare")):
            title = _("声明利益冲突情况") if mine.declared_at is None else _("补充声明存在利益冲突（回避）")
            forms["declare"] = page_form("declare", DeclarationForm, url_for("evaluators.declare", project_id=pid),
                                         failed, {"has_conflict": mine.declared_at is not None}, title=title)
    own = next((d for d in operations.personal_declarations(project, own_firm) if d.user_id == user.id), None) \
        if own_firm else None
    if allowed("declare_personal") and (own is None or own.has_conflict is False or failed_here("declare_personal")):
        title = _("本人声明利益冲突情况") if own is None else _("补充声明本人存在利益冲突（回避）")
        forms["declare_personal"] = page_form(
            "declare_personal", DeclarationForm, url_for("evaluators.declare_personal", project_id=pid), failed,
            {"has_conflict": own is not None}, title=title)
    personal_rows = operations.personal_declarations(project, own_firm) \
        if user.role in operations.EDITORS or own_firm else []
    people = dict(db.session.execute(select(User.id, User.display_name).where(
        User.id.in_({d.user_id for d in personal_rows}))).all()) if personal_rows else {}
    show_draws = operations.draws_visible(user, project, parts)
    context = {"evaluator_part": {
        "assigned": project.evaluator_org,
        "draws": _draw_rows(operations.draws_of(project)) if show_draws else [],
        "show_draws": show_draws,
        "firm_declarations": firm_rows,
        "personal_declarations": [(d, people.get(d.user_id, d.user_id)) for d in personal_rows],
        "type_text": conflict_type_text,
        # A user of the assigned firm who has not declared yet: the page says to declare first.
        "declare_first": "firm_member" in parts and own is None,
        "recused": own is not None and own.has_conflict,
    }}
    return forms, context
