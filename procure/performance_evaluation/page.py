"""The performance part of the project page: the template tree, the user's own score sheet (all leaves in one
form: save a draft or submit), the other parties' sheets once all have submitted, combined scores,
divergences and their explanations, the result, and the final payment due by the grade."""
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from procure.errors import InvalidInput
from procure.performance_evaluation import operations
from procure.performance_evaluation.inputs import DivergenceForm, SheetForm
from procure.performance_evaluation.operations import PARTIES, PARTY_LABELS
from procure.performance_evaluation.scoring import GRADE_LABELS, KIND_LABELS
from procure.performance_evaluation.templates import GROUP_LABELS, tree_of
from procure.projects.page_forms import page_form
from procure.projects.permissions import community_voice, may_act

# (anchor on the project page, label in its task links, the form keys that make the link appear)
SECTION = ("evaluation", _l("绩效评价"), ("score_sheet", "divergences"))


def _allowed(action, project, parts) -> bool:
    return may_act(project, action, parts)


def _sheet_rows(state, failed) -> list[dict]:
    """One row per leaf to score: what the user sent (after a refusal) or what the sheet holds."""
    mine = failed if failed is not None and failed.key == "score_sheet" else None
    own = state.sheets.get(state.party)
    saved = {s.indicator_id: s for s in (own.scores if own else [])}
    sent = {}
    if mine:
        form = mine.formdata
        index = 0
        while f"scores-{index}-indicator_id" in form:
            sent[form.get(f"scores-{index}-indicator_id")] = (index, form)
            index += 1
    field_errors = mine.error.fields if mine and isinstance(mine.error, InvalidInput) else {}
    rows = []
    for leaf in state.leaves:
        indicator = leaf.indicator
        if indicator.kind == "satisfaction":
            continue
        position = len(rows)
        if mine and str(indicator.id) in sent:
            at, form = sent[str(indicator.id)]
            values = {k: form.get(f"scores-{at}-{k}", "") for k in ("planned", "actual", "value", "note")}
            errors = [m for k in ("planned", "actual", "value", "note", "indicator_id")
                      for m in _messages(field_errors, at, k)]
        else:
            score = saved.get(indicator.id)
            values = {k: ("" if score is None or getattr(score, k) is None else getattr(score, k))
                      for k in ("planned", "actual", "value", "note")}
            errors = []
        rows.append({"index": position, "leaf": leaf, "given": values, "errors": errors,
                     "score": saved[indicator.id].score if indicator.id in saved else None})
    return rows


def _messages(errors, index, key) -> list[str]:
    """Field errors from our own checks ("scores-0-planned") or the form's nested ones."""
    flat = errors.get(f"scores-{index}-{key}")
    if flat:
        return list(flat)
    nested = errors.get("scores")
    if isinstance(nested, list) and index < len(nested) and isinstance(nested[index], dict):
        return list(nested[index].get(key, []))
    return []


def page_part(user, project, parts, failed) -> tuple[dict, dict]:
    """(forms keyed as on the page, extra template context) for `user` on `project`."""
    state = operations.state_of(project, user)
    if state is None:
        return {}, {}
    forms = {}
    own = state.sheets.get(state.party)
    if state.party and _allowed("save_scores", project, parts) and not (own and own.submitted_at):
        forms["score_sheet"] = page_form("score_sheet", SheetForm,
                                         url_for("performance.save_scores", project_id=project.id), failed,
                                         title=_("本方评分"))
    if _allowed("explain_divergence", project, parts):
        forms["divergences"] = {
            leaf.indicator.id: page_form(f"divergence:{leaf.indicator.id}", DivergenceForm,
                                         url_for("performance.explain_divergence", project_id=project.id), failed,
                                         {"indicator_id": leaf.indicator.id,
                                          "explanation": leaf.note.explanation if leaf.note else ""})
            for leaf in state.divergent}
    context = {"performance": {
        "state": state, "tree": tree_of(state.evaluation.template),
        "rows": _sheet_rows(state, failed) if "score_sheet" in forms else [],
        "final_payment": operations.final_payment(project),
        "leaves": {leaf.indicator.id: leaf for leaf in state.leaves},
        "PARTIES": PARTIES, "PARTY_LABELS": PARTY_LABELS,
        "street_office_scores": community_voice(project) == "reviewer", "KIND_LABELS": KIND_LABELS,
        "GROUP_LABELS": GROUP_LABELS, "GRADE_LABELS": GRADE_LABELS,
    }}
    return forms, context
