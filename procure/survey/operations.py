"""The resident satisfaction survey: opening it, issuing one-use tokens (only their hashes are kept),
taking responses on the public page, and the aggregates that leave the server (never the raw answers)."""
import hashlib
import secrets
from collections import Counter
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError

from procure import clock
from procure.audit.log import record
from procure.errors import Conflict, GuardFailed, NotFound, Reason, Refusal
from procure.extensions import db
from procure.lifecycle import flush, validated
from procure.projects.models import Project
from procure.projects.permissions import ACTIONS, authorize_action, relations
from procure.survey.inputs import IssueTokensForm, OpenSurveyForm, ResponseForm
from procure.survey.models import Survey, SurveyResponse, SurveyToken
from procure.survey.questions import CHOICE_QUESTIONS, QUESTIONS, SATISFIED
from procure.urls import absolute_url

# Codes residents type from a slip: no 0/O, 1/I/L look-alikes; 8 characters (about 40 bits), as XXXX-XXXX.
TOKEN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TOKEN_LENGTH = 8
# The project states in which residents may answer (the survey feeds the evaluation that follows).
RESPONDING_STATES = {"under_acceptance", "rectification", "accepted"}
PERCENT = Decimal("0.01")


class SurveyClosed(Refusal):
    status, code, message = 409, "survey_closed", _l("本次满意度调查已结束，不再接受填写")


class TokenUsed(Refusal):
    status, code, message = 409, "token_used", _l("该调查码已经使用过：每个调查码只能提交一次")


# ---- reading ------------------------------------------------------------------------------------

def survey_of(project) -> Survey | None:
    return db.session.scalar(select(Survey).filter_by(project_id=project.id))


def by_slug(slug) -> tuple[Survey, Project]:
    """The survey at /survey/<slug> and its project, or NotFound."""
    survey = db.session.scalar(select(Survey).filter_by(slug=slug)) if isinstance(slug, str) and len(slug) <= 32 \
        else None
    if survey is None:
        raise NotFound()
    return survey, db.session.get(Project, survey.project_id)


def is_open(survey, project) -> bool:
    return (survey.closed_at is None and clock.today() <= survey.closes_on
            and project.state in RESPONDING_STATES)


def may(user, project, action) -> bool:
    """Whether `user`'s part in `project` and its state allow `action` (the ACTIONS rule, without raising)."""
    states, allowed = ACTIONS[action]
    return project.state in states and bool(allowed & relations(user, project))


def public_url(survey, code=None) -> str:
    """The absolute address of the public page (with the code, for a slip's QR code)."""
    return absolute_url("survey.respond", slug=survey.slug, **({"t": code} if code else {}))


def response_count(project) -> int:
    return db.session.scalar(select(func.count(SurveyResponse.id)).join(Survey, Survey.id == SurveyResponse.survey_id)
                             .where(Survey.project_id == project.id)) or 0


def token_counts(survey) -> tuple[int, int]:
    """(issued, used) tokens of the survey."""
    issued, used = db.session.execute(select(func.count(SurveyToken.id), func.count(SurveyToken.used_at))
                                      .where(SurveyToken.survey_id == survey.id)).one()
    return issued or 0, used or 0


def satisfaction_rate(project) -> Decimal | None:
    """Percent (0–100, 2 places) of the responses whose overall answer is 满意 or 非常满意; None without any."""
    total, satisfied = db.session.execute(
        select(func.count(SurveyResponse.id), func.sum(case((SurveyResponse.satisfied, 1), else_=0)))
        .join(Survey, Survey.id == SurveyResponse.survey_id).where(Survey.project_id == project.id)).one()
    if not total:
        return None
    return (Decimal(satisfied or 0) * 100 / Decimal(total)).quantize(PERCENT, rounding=ROUND_HALF_UP)


def _answers(project) -> list[dict]:
    return list(db.session.scalars(select(SurveyResponse.answers).join(Survey, Survey.id == SurveyResponse.survey_id)
                                   .where(Survey.project_id == project.id).order_by(SurveyResponse.id)))


def aggregates(project) -> list[dict]:
    """Per choice question: how many chose each option (counts and shares only, never who or what else)."""
    counters = {key: Counter() for key, *_ in CHOICE_QUESTIONS}
    for answers in _answers(project):
        for key, counter in counters.items():
            if (answers or {}).get(key):
                counter[answers[key]] += 1
    result = []
    for key, question, _kind, options, _required in CHOICE_QUESTIONS:
        answered = sum(counters[key].values())
        result.append({"key": key, "question": question, "answered": answered, "options": [
            {"value": value, "label": label, "count": counters[key][value],
             "percent": (Decimal(counters[key][value]) * 100 / answered).quantize(PERCENT, rounding=ROUND_HALF_UP)
             if answered else None}
            for value, label in options]})
    return result


def comments(project) -> list[str]:
    """The residents' free-text comments: for the community, the bureau and the assigned evaluator only."""
    return [answers["comment"] for answers in _answers(project) if (answers or {}).get("comment")]


# ---- changing -----------------------------------------------------------------------------------

def open_survey(project, user, formdata) -> Survey:
    """Open the project's survey (once): a random public address, closing after SURVEY_DAYS days."""
    authorize_action(user, project, "open_survey")
    validated(OpenSurveyForm, formdata)
    if survey_of(project) is not None:
        raise Conflict(_l("本项目已开启满意度调查，不能重复开启"))
    slug = secrets.token_urlsafe(9)
    while db.session.scalar(select(Survey.id).filter_by(slug=slug)) is not None:
        slug = secrets.token_urlsafe(9)
    closes_on = clock.today() + timedelta(days=current_app.config["SURVEY_DAYS"])
    survey = Survey(project_id=project.id, slug=slug, opened_at=clock.now(), opened_by_id=user.id, closes_on=closes_on)
    db.session.add(survey)
    flush()
    record(project, user, "open_survey", data={"survey_id": survey.id, "closes_on": closes_on})
    flush()
    return survey


def _open_survey_for_change(project, user, action) -> Survey:
    authorize_action(user, project, action)
    survey = survey_of(project)
    if survey is None:
        raise GuardFailed([Reason("survey_not_opened", _l("尚未开启满意度调查"))])
    if not is_open(survey, project):
        raise SurveyClosed()
    return survey


def normalise_code(code: str) -> str:
    """What a resident typed, as issued: upper case, separators and spaces dropped."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def token_hash(survey, code: str) -> str:
    """Only this is stored: a code is good for its own survey only."""
    return hashlib.sha256(f"{survey.slug}:{normalise_code(code)}".encode()).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def issue_tokens(project, user, formdata) -> list[str]:
    """Issue `count` one-use codes; the plain codes are returned here once and never stored."""
    survey = _open_survey_for_change(project, user, "issue_survey_tokens")
    count = validated(IssueTokensForm, formdata)["count"]
    codes: dict[str, str] = {}
    while len(codes) < count:
        fresh = {token_hash(survey, c): c for c in (_new_code() for _ in range(count - len(codes)))}
        taken = set(db.session.scalars(select(SurveyToken.token_hash).where(SurveyToken.token_hash.in_(fresh))))
        codes.update({h: c for h, c in fresh.items() if h not in taken})
    now = clock.now()
    db.session.add_all(SurveyToken(survey_id=survey.id, token_hash=h, issued_at=now) for h in codes)
    record(project, user, "issue_survey_tokens", data={"survey_id": survey.id, "count": count})
    flush()
    return list(codes.values())


def close_survey(project, user, formdata=None) -> Survey:
    survey = _open_survey_for_change(project, user, "close_survey")
    survey.closed_at = clock.now()
    record(project, user, "close_survey", data={"survey_id": survey.id, "responses": response_count(project)})
    flush()
    return survey


def _token_for(survey, code) -> SurveyToken | None:
    return db.session.scalar(select(SurveyToken).filter_by(survey_id=survey.id, token_hash=token_hash(survey, code)))


def respond(slug, formdata) -> SurveyResponse:
    """A resident's answers with the code from their slip: once per code, while the survey is open.
    Not audited per resident (no personal data); the count of responses is shown instead."""
    survey, project = by_slug(slug)
    if not is_open(survey, project):
        raise SurveyClosed()
    data = validated(ResponseForm, formdata)
    token = _token_for(survey, data["token"])
    if token is None:
        raise GuardFailed([Reason("unknown_token", _l("调查码不正确，请核对调查卡上的调查码"))])
    if token.used_at is not None:
        raise TokenUsed()
    now = clock.now()
    # Two submissions with the same code at once: only one conditional update finds it unused.
    claimed = db.session.execute(update(SurveyToken).where(SurveyToken.id == token.id, SurveyToken.used_at.is_(None))
                                 .values(used_at=now).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise TokenUsed()
    answers = {key: data[key] or None for key, *_ in QUESTIONS}
    answers["comment"] = (data["comment"] or "").strip() or None
    response = SurveyResponse(survey_id=survey.id, token_id=token.id, answers=answers,
                              satisfied=data["overall"] in SATISFIED, submitted_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:  # the unique token_id: a response for this token is already there
        raise TokenUsed()
    db.session.expire(token)
    return response
