"""Performance evaluation: opened at acceptance with the project's template; each party (the third party,
the bureau, the community) scores on its own sheet, blind until all have submitted; divergences explained;
the evaluate trigger finalises the score and grade, which decide the final payment and, for 差, debarment."""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from procure import clock
from procure.accounts.models import Organisation
from procure.audit.log import record
from procure.errors import Conflict, Forbidden, GuardFailed, InvalidInput, NotFound, Reason
from procure.extensions import db
from procure.lifecycle import flush, validated
from procure.payments.operations import final_payment
from procure.performance_evaluation import scoring
from procure.performance_evaluation.inputs import DivergenceForm, SheetForm, TemplateForm
from procure.performance_evaluation.models import DivergenceNote, LeafScore, PerformanceEvaluation, ScoreSheet
from procure.performance_evaluation.templates import build, leaves_of, nodes_of, template_for, tree_problems
from procure.projects.permissions import authorize_action, community_voice, relations
from procure.providers.operations import debar
from procure.survey.operations import response_count, satisfaction_rate as survey_rate

# Which relation to the project makes a user which scoring party; the community's sheet is filled by whoever
# speaks for the community (procure.projects.permissions.community_voice: the street office on its own work).
PARTY_OF_RELATION = {"assigned_evaluator": "third_party", "bureau": "bureau", "community": "community"}
PARTY_LABELS = {"third_party": _l("第三方评估机构"), "bureau": _l("采购管理部门"), "community": _l("社区")}
SHEET_ACTIONS = {"save_scores", "submit_scores"}
PARTIES = tuple(PARTY_LABELS)


class Listed(list):
    """Labels joined with 、 when the message is shown (lazy labels are translated only then)."""

    def __str__(self):
        return "、".join(str(item) for item in self)


# ---- the survey (procure.survey) ------------------------------------------------------------------------

def satisfaction_rate(project) -> Decimal | None:
    return survey_rate(project)


def survey_responses(project) -> int:
    return response_count(project)


# ---- reading ------------------------------------------------------------------------------------------

def evaluation_of(project) -> PerformanceEvaluation | None:
    return db.session.scalar(db.select(PerformanceEvaluation).filter_by(project_id=project.id))


def party_of(user, project, parts=None) -> str | None:
    parts = relations(user, project) if parts is None else parts
    voice = community_voice(project)
    spoken = {relation: party for relation, party in PARTY_OF_RELATION.items() if relation != "community"}
    spoken[voice] = "community"
    return next((spoken[r] for r in spoken if r in parts), None)


def sheets_of(evaluation) -> dict[str, ScoreSheet]:
    return {s.party: s for s in db.session.scalars(db.select(ScoreSheet).filter_by(evaluation_id=evaluation.id))}


def all_submitted(sheets: dict) -> bool:
    return all(p in sheets and sheets[p].submitted_at is not None for p in PARTIES)


def revealed_among(project_ids) -> set[int]:
    """Those of `project_ids` whose every party has submitted its score sheet (one query for many projects)."""
    if not project_ids:
        return set()
    return set(db.session.scalars(
        db.select(PerformanceEvaluation.project_id)
        .join(ScoreSheet, ScoreSheet.evaluation_id == PerformanceEvaluation.id)
        .where(PerformanceEvaluation.project_id.in_(project_ids), ScoreSheet.party.in_(PARTIES),
               ScoreSheet.submitted_at.is_not(None))
        .group_by(PerformanceEvaluation.project_id)
        .having(db.func.count(db.distinct(ScoreSheet.party)) == len(PARTIES))))


def scores_revealed(project) -> bool:
    evaluation = evaluation_of(project)
    return evaluation is not None and all_submitted(sheets_of(evaluation))


@dataclass
class Leaf:
    indicator: object
    group: object
    scores: dict = field(default_factory=dict)  # party → score (only once all submitted)
    combined: Decimal | None = None
    divergent: bool = False
    note: DivergenceNote | None = None


@dataclass
class State:
    """A project's evaluation as `user` may see it."""

    evaluation: PerformanceEvaluation
    party: str | None
    sheets: dict  # party → ScoreSheet, those the user may see
    submitted: set  # parties that have submitted (who has, not what)
    revealed: bool
    leaves: list
    satisfaction: Decimal | None
    result: scoring.Result | None  # the result as the scores stand (final once evaluated)

    @property
    def divergent(self) -> list:
        return [leaf for leaf in self.leaves if leaf.divergent]

    @property
    def unexplained(self) -> list:
        return [leaf for leaf in self.divergent if leaf.note is None]


def state_of(project, user=None) -> State | None:
    """The evaluation, the sheets `user` may see (own sheet only until every party has submitted; all of
    them afterwards, to everyone who sees the project), combined scores, divergences and the result."""
    evaluation = evaluation_of(project)
    if evaluation is None:
        return None
    template = evaluation.template
    sheets = sheets_of(evaluation)
    revealed = all_submitted(sheets)
    party = party_of(user, project) if user is not None else None
    visible = sheets if revealed else {p: s for p, s in sheets.items() if p == party}
    by_id = {i.id: i for i in template.indicators}
    notes = {n.indicator_id: n for n in db.session.scalars(
        db.select(DivergenceNote).filter_by(evaluation_id=evaluation.id))}
    rate = satisfaction_rate(project)
    leaves = []
    for indicator in leaves_of(template):
        group = indicator
        while group.parent_id:
            group = by_id[group.parent_id]
        leaf = Leaf(indicator, group, note=notes.get(indicator.id))
        if indicator.kind == "satisfaction":
            leaf.combined = scoring.cents(rate) if rate is not None else None
        elif revealed:
            leaf.scores = {p: next((s.score for s in sheets[p].scores if s.indicator_id == indicator.id), None)
                           for p in PARTIES}
            leaf.combined = scoring.combined(leaf.scores.values())
            leaf.divergent = scoring.diverges(leaf.scores.values())
        leaves.append(leaf)
    result = None
    if revealed and all(leaf.combined is not None for leaf in leaves):
        result = scoring.total_of(nodes_of(template), {leaf.indicator.code: leaf.combined for leaf in leaves})
    return State(evaluation, party, visible, {p for p, s in sheets.items() if s.submitted_at}, revealed, leaves,
                 rate, result)


# ---- lifecycle hooks --------------------------------------------------------------------------------

def open_evaluation(project, user):
    """After acceptance: the evaluation opens with the most specific template for the project."""
    if evaluation_of(project) is None:
        db.session.add(PerformanceEvaluation(project_id=project.id, template_id=template_for(project).id,
                                             started_at=clock.now()))
        flush()


def evaluate_reasons(project, data):
    reasons = []
    evaluation = evaluation_of(project)
    if evaluation is None:
        return [Reason("evaluation_not_opened", _l("绩效评价尚未开始（验收通过后开始）"))]
    sheets = sheets_of(evaluation)
    missing = [PARTY_LABELS[p] for p in PARTIES if p not in sheets or sheets[p].submitted_at is None]
    if missing:
        reasons.append(Reason("scores_missing", _l("以下评分方尚未提交评分：%(parties)s"), parties=Listed(missing)))
    state = state_of(project)
    if state.unexplained:
        reasons.append(Reason("divergence_unexplained", _l("以下指标各方评分差异较大，须先说明原因：%(names)s"),
                              names="、".join(leaf.indicator.name for leaf in state.unexplained)))
    if any(leaf.indicator.kind == "satisfaction" for leaf in state.leaves):
        count, needed = survey_responses(project), current_app.config["SURVEY_MIN_RESPONSES"]
        if count < needed or state.satisfaction is None:
            reasons.append(Reason("survey_too_few", _l("满意度问卷仅收回 %(count)s 份，至少需要 %(needed)s 份"),
                                  count=count, needed=needed))
    if data is not None and state.result is not None and state.result.grade == "fair" \
            and not (data.get("rectification_plan") or "").strip():
        reasons.append(Reason("rectification_plan_missing",
                              _l("评价等级为“中”（%(score)s 分），须填写整改计划"), score=state.result.total))
    return reasons


def on_evaluate(project, user, data):
    """Finalise: score, grade, group scores, findings and plan; the project carries score and grade; a 差
    debars the provider for the next calendar year(s)."""
    state = state_of(project)
    evaluation, result = state.evaluation, state.result
    evaluation.score, evaluation.grade = result.total, result.grade
    evaluation.group_scores = {code: str(value) for code, value in result.groups.items()}
    evaluation.findings = data["findings"]
    evaluation.rectification_plan = data.get("rectification_plan") or ""
    evaluation.finalised_at, evaluation.finalised_by_id = clock.now(), user.id
    project.score, project.grade = result.total, result.grade
    data["score"], data["grade"] = result.total, result.grade  # into the evaluate audit entry
    if result.grade == "poor":
        _debar_implementer(project, user, result)


def _debar_implementer(project, user, result):
    org = db.session.get(Organisation, project.implementer_id) if project.implementer_id else None
    if org is None or org.kind != "provider":
        return
    starts = date(clock.today().year + 1, 1, 1)
    # Stored as the record's text (in Chinese, the language of the record), not a message of the interface.
    reason = (f"项目 {project.code}“{project.title}”绩效评价等级为“{scoring.GRADE_NAMES[result.grade]}”"
              f"（{result.total} 分），自动列入下一年度禁入名单")
    debar(org, user, reason, "evaluation_poor", starts, project_id=project.id, grade=result.grade,
          score=result.total)


def close_reasons(project, data):
    """The money the grade decides (the final instalment, or the reward) is paid as the grade sets it. Nothing
    more can be paid on it (procure.payments.schedule), so a project graded 差 closes once its share is paid."""
    due = final_payment(project)
    if due is not None and due.paid < due.due:
        return [Reason("final_payment_missing", _l("尾款尚未足额支付：按评价等级应付 %(due)s 元，已付 %(paid)s 元"),
                       due=due.due, paid=due.paid)]
    return []


# ---- scoring ------------------------------------------------------------------------------------------

def _leaf_score(indicator, row, index) -> tuple[Decimal | None, dict]:
    """The score a row works out to (None: nothing given), or field errors."""
    prefix = f"scores-{index}-"
    planned, actual, value = row["planned"], row["actual"], row["value"]
    if indicator.kind == "ratio":
        if planned is None and actual is None:
            return None, {}
        errors = {}
        if planned is None or planned <= 0:
            errors[prefix + "planned"] = [_("计划数须大于 0")]
        if actual is None:
            errors[prefix + "actual"] = [_("请填写实际数")]
        return (None, errors) if errors else (scoring.ratio_score(planned, actual), {})
    if value is None:
        return None, {}
    if indicator.kind == "scale":
        if value > indicator.scale_max:
            return None, {prefix + "value": [_("评分须在 0 至 %(max)s 之间", max=indicator.scale_max)]}
        return scoring.scale_score(value, indicator.scale_max), {}
    if value not in (0, 1):
        return None, {prefix + "value": [_("请填写 1（是）或 0（否）")]}
    return scoring.yes_no_score(value), {}


def save_scores(project, user, formdata) -> ScoreSheet:
    """Save (a draft) or submit the user's party's sheet; a submitted sheet cannot change."""
    authorize_action(user, project, "save_scores")
    data = validated(SheetForm, formdata)
    submit = data["submit"]
    if submit:
        authorize_action(user, project, "submit_scores")
    party = party_of(user, project)
    evaluation = evaluation_of(project)
    if evaluation is None:
        raise GuardFailed([Reason("evaluation_not_opened", _l("绩效评价尚未开始（验收通过后开始）"))])
    sheet = sheets_of(evaluation).get(party)
    if sheet is not None and sheet.submitted_at is not None:
        raise Conflict(_l("本方评分已提交，不能修改"))
    leaves = {i.id: i for i in leaves_of(evaluation.template) if i.kind != "satisfaction"}
    worked, errors = {}, {}
    for index, row in enumerate(data["scores"]):
        indicator = leaves.get(row["indicator_id"])
        if indicator is None:
            errors[f"scores-{index}-indicator_id"] = [_("不是本模板中需评分的末级指标")]
            continue
        score, problems = _leaf_score(indicator, row, index)
        errors.update(problems)
        worked[indicator.id] = (score, row)
    if errors:
        raise InvalidInput(errors)
    kept = {s.indicator_id: s for s in sheet.scores} if sheet else {}
    scored = ({i for i in kept if i not in worked} | {i for i, (score, _row) in worked.items() if score is not None})
    missing = [i.name for i in leaves.values() if i.id not in scored]
    if submit and missing:
        raise GuardFailed([Reason("scores_incomplete", _l("以下指标尚未评分：%(names)s"), names="、".join(missing))])
    if sheet is None:
        sheet = ScoreSheet(evaluation_id=evaluation.id, party=party)
        db.session.add(sheet)
    sheet.user_id = user.id
    for indicator_id, (score, row) in worked.items():
        if score is None:
            if indicator_id in kept:
                sheet.scores.remove(kept.pop(indicator_id))
            continue
        leaf = kept.get(indicator_id)
        if leaf is None:
            leaf = kept[indicator_id] = LeafScore(indicator_id=indicator_id)
            sheet.scores.append(leaf)
        leaf.planned, leaf.actual, leaf.value = row["planned"], row["actual"], row["value"]
        leaf.score, leaf.note = score, row["note"] or ""
    if submit:
        sheet.submitted_at = clock.now()
    flush()
    # The scores stay with the party until every party has submitted (procure.desk.visibility).
    record(project, user, "submit_scores" if submit else "save_scores", data={
        "party": party, "scores": [{"indicator_id": s.indicator_id, "planned": s.planned, "actual": s.actual,
                                    "value": s.value, "score": s.score} for s in sheet.scores]})
    flush()
    return sheet


def explain_divergence(project, user, formdata) -> DivergenceNote:
    """The third party explains why the parties' scores on a flagged indicator differ."""
    authorize_action(user, project, "explain_divergence")
    data = validated(DivergenceForm, formdata)
    state = state_of(project, user)
    if state is None:
        raise GuardFailed([Reason("evaluation_not_opened", _l("绩效评价尚未开始（验收通过后开始）"))])
    leaf = next((leaf for leaf in state.leaves if leaf.indicator.id == data["indicator_id"]), None)
    if leaf is None or not leaf.divergent:
        raise GuardFailed([Reason("not_divergent", _l("该指标各方评分未出现较大差异，无需说明"))])
    note = leaf.note or DivergenceNote(evaluation_id=state.evaluation.id, indicator_id=leaf.indicator.id)
    note.explanation, note.explained_at, note.explained_by_id = data["explanation"], clock.now(), user.id
    db.session.add(note)
    flush()
    record(project, user, "explain_divergence", comment=data["explanation"],
           data={"indicator_id": leaf.indicator.id, "scores": leaf.scores})
    flush()
    return note


# ---- templates ----------------------------------------------------------------------------------------

def create_template(user, formdata):
    """The bureau or an admin adds a template (usually a copy of another, edited); refused with the tree's
    problems, for instance the exact level whose weights do not add up to 100."""
    from procure.accounts.models import Role

    if user.role not in (Role.bureau, Role.admin):
        raise Forbidden()
    data = validated(TemplateForm, formdata)
    rows = [{**row, "parent": row["parent"] or None, "kind": row["kind"] or None} for row in data["indicators"]]
    reasons = [Reason("template_invalid", problem) for problem in tree_problems(rows)]
    # Imported here, so that the API's document follows it to the reason codes (procure.api.openapi.reasons).
    from procure.performance_evaluation.templates import satisfaction_reasons

    reasons += satisfaction_reasons(rows)
    if reasons:
        raise GuardFailed(reasons)
    template = build(rows, name=data["name"], category_code=data["category_code"],
                     community_class=data["community_class"])
    record(None, user, "create_indicator_template", comment=data["name"],
           data={"template_id": template.id, "category_code": template.category_code,
                 "community_class": template.community_class, "indicators": rows})
    flush()
    return template


def get_template(template_id):
    from procure.performance_evaluation.models import IndicatorTemplate

    template = db.session.get(IndicatorTemplate, template_id) if isinstance(template_id, int) else None
    if template is None:
        raise NotFound()
    return template
