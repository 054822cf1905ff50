"""The resident satisfaction survey: one response per token (also under a race), refusals that change
nothing, the aggregates and rate by hand, and raw answers and comments never in public output."""
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from conftest import PASSWORD
from procure import clock
from procure.audit.models import AuditEntry
from procure.errors import Forbidden, GuardFailed, InvalidInput, InvalidTransition, NotFound
from procure.extensions import db
from procure.formfields import json_to_formdata
from procure.survey import operations
from procure.survey.models import Survey, SurveyResponse, SurveyToken

COMMENT = "楼道里的灯坏了很久，希望顺便反映一下"


@pytest.fixture
def project(journey):
    p = journey.create()
    journey.drive(p, "under_acceptance")
    return p


def do(call, *args):
    result = call(*args)
    db.session.commit()
    return result


def opened(project, world):
    return do(operations.open_survey, project, world["community"], json_to_formdata({}))


def issued(project, world, count=3):
    return do(operations.issue_tokens, project, world["community"], json_to_formdata({"count": count}))


def answer(survey, code, overall="satisfied", **more):
    return do(operations.respond, survey.slug, json_to_formdata({"token": code, "overall": overall, **more}))


def login(client, username):
    client.post("/logout")
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    return client


def refused_unchanged(db_snapshot, call, error):
    before = db_snapshot()
    with pytest.raises(error) as caught:
        call()
    db.session.rollback()
    assert db_snapshot() == before
    return caught.value


# ---- opening and issuing ---------------------------------------------------------------------------

def test_open_once_by_the_community_with_a_random_address(project, world, app, db_snapshot):
    survey = opened(project, world)
    assert len(survey.slug) >= 12 and re.fullmatch(r"[A-Za-z0-9_-]+", survey.slug)
    assert survey.closes_on == clock.today() + timedelta(days=app.config["SURVEY_DAYS"])
    entry = db.session.scalar(select(AuditEntry).filter_by(project_id=project.id, action="open_survey"))
    assert entry.user_id == world["community"].id
    error = refused_unchanged(db_snapshot, lambda: operations.open_survey(project, world["community"],
                                                                         json_to_formdata({})), Exception)
    assert error.status == 409
    refused_unchanged(db_snapshot, lambda: operations.open_survey(project, world["bureau"], json_to_formdata({})),
                      Forbidden)


def test_open_refused_before_acceptance(journey, world, db_snapshot):
    p = journey.create()
    journey.drive(p, "in_delivery")
    refused_unchanged(db_snapshot, lambda: operations.open_survey(p, world["community"], json_to_formdata({})),
                      InvalidTransition)


def test_tokens_are_short_codes_kept_only_as_hashes(project, world, db_snapshot):
    survey = opened(project, world)
    codes = issued(project, world, 25)
    assert len(codes) == len(set(codes)) == 25
    assert all(re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", c) for c in codes)
    stored = db.session.scalars(select(SurveyToken.token_hash).filter_by(survey_id=survey.id)).all()
    assert len(stored) == 25 and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in stored)
    dump = repr(db_snapshot())
    assert not any(c in dump or c.replace("-", "") in dump for c in codes)
    entry = db.session.scalar(select(AuditEntry).filter_by(project_id=project.id, action="issue_survey_tokens"))
    assert entry.data == {"survey_id": survey.id, "count": 25}
    for count in (0, 501, "many"):
        error = refused_unchanged(db_snapshot, lambda: operations.issue_tokens(
            project, world["community"], json_to_formdata({"count": count})), InvalidInput)
        assert "count" in error.fields
    refused_unchanged(db_snapshot, lambda: operations.issue_tokens(
        project, world["bureau"], json_to_formdata({"count": 1})), Forbidden)


def test_issue_before_opening_is_refused(project, world, db_snapshot):
    error = refused_unchanged(db_snapshot, lambda: operations.issue_tokens(
        project, world["community"], json_to_formdata({"count": 1})), GuardFailed)
    assert [r.code for r in error.reasons] == ["survey_not_opened"]


# ---- responding ------------------------------------------------------------------------------------

def test_a_token_answers_once_and_reuse_changes_nothing(project, world, db_snapshot):
    survey = opened(project, world)
    code = issued(project, world, 1)[0]
    answer(survey, code.lower().replace("-", " "))  # as a resident might type it
    assert operations.response_count(project) == 1
    error = refused_unchanged(db_snapshot, lambda: operations.respond(
        survey.slug, json_to_formdata({"token": code, "overall": "very_dissatisfied"})), operations.TokenUsed)
    assert (error.status, error.code) == (409, "token_used")
    assert operations.satisfaction_rate(project) == Decimal("100.00")


def test_unknown_token_unknown_survey_and_bad_input(project, world, db_snapshot):
    survey = opened(project, world)
    issued(project, world, 1)
    error = refused_unchanged(db_snapshot, lambda: operations.respond(
        survey.slug, json_to_formdata({"token": "ABCD-EFGH", "overall": "satisfied"})), GuardFailed)
    assert [r.code for r in error.reasons] == ["unknown_token"]
    refused_unchanged(db_snapshot, lambda: operations.respond("no-such-survey", json_to_formdata(
        {"token": "ABCD-EFGH", "overall": "satisfied"})), NotFound)
    error = refused_unchanged(db_snapshot, lambda: operations.respond(survey.slug, json_to_formdata(
        {"token": "ABCD-EFGH", "overall": "great", "comment": "长" * 501})), InvalidInput)
    assert {"overall", "comment"} <= set(error.fields)


def test_a_token_of_another_survey_is_unknown(project, journey, world, db_snapshot):
    other = journey.create(title="社区四点半课堂")
    journey.drive(other, "under_acceptance")
    survey = opened(project, world)
    opened(other, world)
    code = issued(other, world, 1)[0]
    refused_unchanged(db_snapshot, lambda: operations.respond(
        survey.slug, json_to_formdata({"token": code, "overall": "satisfied"})), GuardFailed)


def test_closed_or_past_the_closing_day_is_refused(project, world, clock, app, db_snapshot):
    survey = opened(project, world)
    codes = issued(project, world, 2)
    clock.advance(days=app.config["SURVEY_DAYS"])
    answer(survey, codes[0])  # the closing day itself still counts
    clock.advance(days=1)
    refused_unchanged(db_snapshot, lambda: operations.respond(
        survey.slug, json_to_formdata({"token": codes[1], "overall": "satisfied"})), operations.SurveyClosed)
    refused_unchanged(db_snapshot, lambda: operations.issue_tokens(
        project, world["community"], json_to_formdata({"count": 1})), operations.SurveyClosed)


def test_closing_stops_responses(project, world, db_snapshot):
    survey = opened(project, world)
    code = issued(project, world, 1)[0]
    do(operations.close_survey, project, world["community"], json_to_formdata({}))
    assert db.session.scalar(select(AuditEntry).filter_by(project_id=project.id, action="close_survey"))
    refused_unchanged(db_snapshot, lambda: operations.respond(
        survey.slug, json_to_formdata({"token": code, "overall": "satisfied"})), operations.SurveyClosed)
    refused_unchanged(db_snapshot, lambda: operations.close_survey(project, world["community"],
                                                                   json_to_formdata({})), operations.SurveyClosed)


def test_two_simultaneous_answers_with_one_token_only_one_counts(project, world, monkeypatch):
    """Both requests find the token unused; the other one commits first: the conditional update of the
    second finds nothing to claim, so it is refused and adds no response."""
    survey = opened(project, world)
    code = issued(project, world, 1)[0]
    looked_up = operations._token_for

    def other_request_wins(*args):
        token = looked_up(*args)  # read as unused
        db.session.execute(text("UPDATE survey_tokens SET used_at = :at WHERE id = :id"),
                           {"at": clock.now().replace(tzinfo=None), "id": token.id})
        return token

    monkeypatch.setattr(operations, "_token_for", other_request_wins)
    with pytest.raises(operations.TokenUsed):
        operations.respond(survey.slug, json_to_formdata({"token": code, "overall": "satisfied"}))
    assert db.session.scalar(select(SurveyResponse.id)) is None
    db.session.rollback()


def test_the_unique_token_backs_the_claim(project, world, monkeypatch):
    """Even if the claim were skipped, the database keeps one response per token."""
    survey = opened(project, world)
    code = issued(project, world, 1)[0]
    answer(survey, code)
    token = db.session.scalar(select(SurveyToken))
    db.session.execute(text("UPDATE survey_tokens SET used_at = NULL WHERE id = :id"), {"id": token.id})
    db.session.expire_all()
    with pytest.raises(operations.TokenUsed):
        operations.respond(survey.slug, json_to_formdata({"token": code, "overall": "satisfied"}))
    db.session.rollback()
    assert operations.response_count(project) == 1


# ---- the maths -------------------------------------------------------------------------------------

def test_rate_and_aggregates_by_hand(project, world):
    survey = opened(project, world)
    assert operations.satisfaction_rate(project) is None and operations.response_count(project) == 0
    overall = ["very_satisfied", "satisfied", "neutral", "dissatisfied", "satisfied", "very_dissatisfied",
               "satisfied"]
    codes = issued(project, world, len(overall))
    for index, (code, choice) in enumerate(zip(codes, overall)):
        more = {"quality": "satisfied"} if index < 3 else {}
        if index == 0:
            more["wants_continue"] = "yes"
        answer(survey, code, choice, **more)
    # satisfied or very satisfied: 1 + 3 = 4 of 7 → 57.142857… → 57.14
    assert operations.response_count(project) == 7
    assert operations.satisfaction_rate(project) == Decimal("57.14")
    by_key = {q["key"]: q for q in operations.aggregates(project)}
    counts = {o["value"]: (o["count"], o["percent"]) for o in by_key["overall"]["options"]}
    assert counts == {"very_satisfied": (1, Decimal("14.29")), "satisfied": (3, Decimal("42.86")),
                      "neutral": (1, Decimal("14.29")), "dissatisfied": (1, Decimal("14.29")),
                      "very_dissatisfied": (1, Decimal("14.29"))}
    assert by_key["quality"]["answered"] == 3
    assert {o["value"]: o["count"] for o in by_key["quality"]["options"]}["satisfied"] == 3
    assert by_key["timeliness"]["answered"] == 0
    assert all(o["percent"] is None for o in by_key["timeliness"]["options"])
    assert [o["count"] for o in by_key["wants_continue"]["options"]] == [1, 0]
    assert set(by_key) == {"overall", "quality", "timeliness", "wants_continue"}  # the comment is no aggregate


# ---- pages -----------------------------------------------------------------------------------------

def test_the_public_page_works_without_login_and_shows_no_answers(project, world, client):
    survey = opened(project, world)
    codes = issued(project, world, 2)
    answer(survey, codes[0], "very_satisfied", comment=COMMENT)
    page = client.get(f"/survey/{survey.slug}?t={codes[1]}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and project.title in html and f'value="{codes[1]}"' in html
    assert COMMENT not in html and "survey-aggregates" not in html and "%" not in html.split("survey-form")[1]
    assert page.headers["Cache-Control"] == "private, no-store"
    sent = client.post(f"/survey/{survey.slug}", data={"token": codes[1], "overall": "neutral"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"/survey/{survey.slug}/thanks")
    assert client.get(sent.headers["Location"]).status_code == 200
    again = client.post(f"/survey/{survey.slug}", data={"token": codes[1], "overall": "satisfied"})
    assert again.status_code == 409 and "只能提交一次" in again.get_data(as_text=True)
    blank = client.post(f"/survey/{survey.slug}", data={"token": codes[1]})
    assert blank.status_code == 400 and "此项必填" in blank.get_data(as_text=True)
    wrong = client.post(f"/survey/{survey.slug}", data={"token": "XXXX-YYYY", "overall": "satisfied"})
    assert wrong.status_code == 422 and "调查码不正确" in wrong.get_data(as_text=True)
    assert client.get("/survey/nothing-here").status_code == 404
    assert operations.response_count(project) == 2


def test_comments_only_for_the_parties_on_the_project_page(project, world, client, api):
    survey = opened(project, world)
    answer(survey, issued(project, world, 1)[0], "satisfied", comment=COMMENT)
    db.session.refresh(project)
    for username in ("community", "bureau", "evaluator"):
        html = login(client, username).get(f"/projects/{project.id}").get_data(as_text=True)
        assert COMMENT in html and "survey-aggregates" in html, username
    implementer = next(u for u in ("provider", "provider2") if world[u].organisation_id == project.implementer_id)
    for username in (implementer, "reviewer"):
        html = login(client, username).get(f"/projects/{project.id}").get_data(as_text=True)
        assert COMMENT not in html and "survey-aggregates" not in html, username
    client.post("/logout")
    outputs = [client.get(f"/survey/{survey.slug}").get_data(as_text=True),
               client.get(f"/api/v1/surveys/{survey.slug}").get_data(as_text=True),
               api.as_("bureau").get(f"/projects/{project.id}/survey").get_data(as_text=True),
               api.as_("community").get(f"/projects/{project.id}/history").get_data(as_text=True)]
    assert all(COMMENT not in body and "楼道" not in body for body in outputs)


def test_project_page_forms_and_printables(project, world, client):
    page = login(client, "community").get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'data-testid="open-survey-form"' in page
    assert client.post(f"/projects/{project.id}/survey").status_code == 302
    survey = db.session.scalar(select(Survey))
    slips = client.post(f"/projects/{project.id}/survey/tokens", data={"count": "3"})
    html = slips.get_data(as_text=True)
    assert slips.status_code == 200 and html.count('data-testid="slip"') == 3
    assert html.count("data:image/svg+xml;base64,") == 3 and slips.headers["Cache-Control"] == "private, no-store"
    codes = re.findall(r'class="code">([2-9A-Z]{4}-[2-9A-Z]{4})<', html)
    assert len(codes) == 3
    answer(survey, codes[0])
    refused = client.post(f"/projects/{project.id}/survey/tokens", data={"count": "0"})
    assert refused.status_code == 400 and 'data-testid="issue-survey-tokens-form"' in refused.get_data(as_text=True)
    poster = client.get(f"/projects/{project.id}/survey/poster")
    text_ = poster.get_data(as_text=True)
    assert poster.status_code == 200 and project.title in text_ and str(survey.closes_on) in text_
    assert "data:image/svg+xml;base64," in text_
    again = client.get(f"/projects/{project.id}/survey/slips").get_data(as_text=True)
    assert 'data-testid="slips-none"' in again and not any(c in again for c in codes)
    for username in ("bureau", "evaluator", "reviewer"):
        login(client, username)
        for path in ("poster", "slips"):
            assert client.get(f"/projects/{project.id}/survey/{path}").status_code == 403, (username, path)
        assert client.post(f"/projects/{project.id}/survey/tokens", data={"count": "1"}).status_code == 403
    login(client, "community_b")
    assert client.get(f"/projects/{project.id}/survey/poster").status_code == 404
    client.post("/logout")
    assert client.get(f"/projects/{project.id}/survey/poster").status_code == 302  # to the login page
    login(client, "community")
    assert client.post(f"/projects/{project.id}/survey/close").status_code == 302
    assert db.session.scalar(select(Survey)).closed_at is not None


# ---- the API ---------------------------------------------------------------------------------------

@pytest.fixture
def doc(client):
    return client.get("/api/v1/openapi.json").get_json()


def test_api_survey(project, world, api, client, doc):
    from openapi_check import check

    base, p = f"/projects/{project.id}/survey", "/projects/{project_id}/survey"
    assert check(doc, p, "get", api.as_("bureau").get(base), 200) is None
    check(doc, p, "post", api.as_("bureau").post(base), 403)
    created = check(doc, p, "post", api.as_("community").post(base), 201)
    assert created["open"] and created["responses"] == 0 and created["satisfaction_rate"] is None
    check(doc, p, "post", api.as_("community").post(base, json={}), 409)
    tokens = check(doc, p + "/tokens", "post", api.as_("community").post(base + "/tokens", json={"count": 2}), 201)
    assert tokens["count"] == 2 and len(tokens["codes"]) == 2 and tokens["links"][0].endswith(tokens["codes"][0])
    check(doc, p + "/tokens", "post", api.as_("community").post(base + "/tokens", json={"count": 600}), 400)
    slug = created["url"].rsplit("/", 1)[1]
    public = check(doc, "/surveys/{slug}", "get", client.get(f"/api/v1/surveys/{slug}"), 200)
    assert public["open"] and public["title"] == project.title and public["questions"][0]["key"] == "overall"
    responses = "/surveys/{slug}/responses"
    url = f"/api/v1/surveys/{slug}/responses"
    check(doc, responses, "post", client.post(url, json={"token": tokens["codes"][0], "overall": "satisfied",
                                                        "comment": COMMENT}), 201)
    check(doc, responses, "post", client.post(url, json={"token": tokens["codes"][0], "overall": "satisfied"}), 409)
    check(doc, responses, "post", client.post(url, json={"token": "AAAA-AAAA", "overall": "satisfied"}), 422)
    check(doc, responses, "post", client.post(url, json={"token": tokens["codes"][1]}), 400)
    check(doc, responses, "post", client.post("/api/v1/surveys/nope/responses", json={}), 404)
    summary = check(doc, p, "get", api.as_("evaluator").get(base), 200)
    assert summary["responses"] == 1 and summary["satisfaction_rate"] == "100.00" and summary["tokens_used"] == 1
    assert COMMENT not in repr(summary)
    check(doc, p, "get", api.as_("provider3").get(base), 404)
    implementer = next(u for u in ("provider", "provider2") if world[u].organisation_id == project.implementer_id)
    check(doc, p, "get", api.as_(implementer).get(base), 403)
    closed = check(doc, p + "/close", "post", api.as_("community").post(base + "/close"), 200)
    assert closed["open"] is False
    check(doc, p + "/close", "post", api.as_("community").post(base + "/close"), 409)
    check(doc, responses, "post", client.post(url, json={"token": tokens["codes"][1], "overall": "satisfied"}), 409)
