"""No malformed input makes the API (or a page form) answer 500.

Hypothesis sends arbitrary JSON, JSON with the real field names and hostile values (NaN, Infinity,
huge numbers, floats, dates out of range, NUL characters, very long strings, nested junk), bodies that
are not JSON at all, wrong content types, odd ids and query strings, to every endpoint and trigger.
Every answer must be one of the statuses the API documents, as JSON, with an "error" key on refusals.
The examples share one small world of projects in various states (hypothesis runs them in one test),
so some requests succeed and change it: that is fine, only the status is judged.
"""
import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procure.extensions import db
from procure.projects.permissions import may_fire
from procure.projects.states import TRANSITIONS, triggers_from

from procure.demo.journey import proposal

from support import USERNAMES, Tokens, valid_input

ALLOWED = {200, 201, 400, 401, 403, 404, 405, 409, 415, 422}
FUZZ = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

FIELD_NAMES = [
    "version", "comment", "reason", "summary", "findings", "response", "report", "approved_amount",
    "negative_list_checked", "catalogue_year", "method", "bid_deadline", "justification", "bid_id", "amount", "start",
    "end", "multi_year", "milestones", "implementer_org_id", "evaluator_org_id", "scores", "title", "funding_form",
    "category", "requested_amount", "needs_analysis", "beneficiaries", "goals", "location", "start_date", "end_date",
    "budget_lines", "deliberation", "content", "resident_name", "resident_contact", "answer", "price", "plan",
    "milestone_id", "has_conflict", "statement", "kind", "paid_on", "note", "username", "password",
]
HOSTILE_STRINGS = [
    "", " ", "NaN", "nan", "-NaN", "sNaN", "Infinity", "-Infinity", "inf", "1e400", "-1e400", "1e-400", "1E+999999999",
    "0", "-0", "-1", "0.001", "12.345", "１２３", "²", "٣", "0x10", "1_000", "9" * 400, "-" + "9" * 30, "1,000.00",
    "0001-01-01", "0001-01-01T00:00:00", "9999-12-31", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00",
    "2026-02-30", "2026-13-01", "2026-06-01T25:00", "2026-06-01T10:00Z", "today", "\x00", "a\x00b", "\ud7ff",
    "\ud800", "a\udfffb", "\ud83d",  # half a surrogate pair: JSON "\ud800" decodes to one
    "🙂" * 50, "长" * 6000, "<script>alert(1)</script>", "' OR 1=1 --", "%s%s%n", "{{7*7}}", "true", "null",
    "single_source", "final", "purchase", "A01", "A0101",
]
# A query string or a form post is bytes: half a surrogate pair cannot even be encoded into one.
ENCODABLE = [v for v in HOSTILE_STRINGS if v.encode("utf-8", "ignore").decode() == v]
HOSTILE_NUMBERS = [0, -1, 1, 2, 3, 10 ** 6, 2 ** 31, 2 ** 63, 10 ** 30, -(10 ** 30), 1.5, -0.0, 1e308, 1e-308,
                   float("nan"), float("inf"), float("-inf")]

scalars = (st.none() | st.booleans() | st.sampled_from(HOSTILE_NUMBERS) | st.sampled_from(HOSTILE_STRINGS)
           | st.integers() | st.floats() | st.text(max_size=30) | st.text(alphabet=string.digits + ".-eE", max_size=12))
json_junk = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(st.text(max_size=8) | st.sampled_from(FIELD_NAMES), inner, max_size=5),
                         max_leaves=12)
# Objects with the real field names: these get past the JSON check into the forms and operations.
field_values = st.one_of(scalars, st.sampled_from(["CURRENT"]), json_junk,
                         st.lists(st.dictionaries(st.sampled_from(["item", "amount", "name", "percent", "due"]),
                                                  scalars, max_size=5), max_size=3),
                         st.dictionaries(st.sampled_from(["decision", "implementation", "output", "effect", "held_on",
                                                          "members_total", "members_present", "votes_for",
                                                          "votes_against", "minutes"]), scalars, max_size=6))
field_objects = st.dictionaries(st.sampled_from(FIELD_NAMES), field_values, max_size=8)
bodies = st.one_of(field_objects, field_objects, json_junk)
raw_bodies = st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode),
                       st.sampled_from([b"", b"{", b"[]", b"null", b"{\"version\": NaN}", b"{\"version\": Infinity}",
                                        b"{\"version\": 1e999}", b"[" * 5000 + b"]" * 5000,
                                        b"{\"a\":" * 3000 + b"1" + b"}" * 3000, b"\xff\xfe\x00",
                                        "{\"title\": \"\\u0000\"}".encode(), b"{\"title\": \"\\ud800\"}"]))
content_types = st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded",
                                 "multipart/form-data", "application/json; charset=latin-1", "application/xml", ""])
ids = st.one_of(st.sampled_from(["PROJECT", "PROJECT"]), st.integers(min_value=0, max_value=2 ** 70),
                st.sampled_from(["-1", "0", "abc", "1.5", "%00", "9" * 40, "１"]))


@pytest.fixture
def arena(journey, world, client, api, app, monkeypatch):
    """A few projects in different states, with the parts the sub-resources need.

    Hundreds of wrong credentials come from one address here; the fuzz looks for crashes, not for the
    throttle (tests/accounts/test_throttle.py), so the throttle never locks during it."""
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 10 ** 6)
    projects = {state: journey.drive(journey.create(title=f"模糊测试 {state}"), state)
                for state in ("draft", "notice", "tendering", "awarded", "in_delivery", "delivered", "evaluated")}
    api.as_("community").post(f"/projects/{projects['notice'].id}/objections", json={"content": "异议"})
    api.as_("provider").post(f"/projects/{projects['tendering'].id}/bids", json={"price": "100.00", "plan": "方案"})
    api.as_("provider").post(f"/projects/{projects['awarded'].id}/challenges", json={"content": "质疑"})
    api.as_("bureau").post(f"/projects/{projects['delivered'].id}/evaluator-assignments",
                           json={"evaluator_org_id": world["evaluator"].organisation_id, "reason": "模糊测试：指定理由。"})
    db.session.commit()
    return {"projects": list(projects.values()), "tokens": Tokens(client, world), "client": client, "world": world}


def fill(value, version):
    if value == "CURRENT":
        return version
    if isinstance(value, dict):
        return {k: fill(v, version) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, version) for v in value]
    return value


def judge(response, request):
    assert response.status_code != 500, (request, response.get_data(as_text=True)[:500])
    assert response.status_code in ALLOWED, (request, response.status_code)
    assert response.mimetype == "application/json", (request, response.status_code, response.mimetype)
    body = response.get_json()
    if response.status_code >= 400:
        assert isinstance(body, dict) and isinstance(body.get("error"), str), (request, body)


def send(arena, username, method, path, *, body=None, raw=None, content_type=None, project=None):
    """Send as `username` (None: no token) with a JSON `body` (CURRENT → the project's version) or raw bytes."""
    client, tokens = arena["client"], arena["tokens"]
    headers = tokens.headers(username) if username else {}
    if project is not None:
        db.session.expire_all()
        version = db.session.get(type(project), project.id).version
        body = fill(body, version)
    kwargs = {}
    if raw is not None:
        kwargs = {"data": raw, "content_type": content_type}
    elif body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}  # NaN / Infinity as JS literals
    response = client.open("/api/v1" + path, method=method, headers=headers, **kwargs)
    judge(response, (username, method, path, body if raw is None else raw[:100]))
    return response


def project_path(arena, index, project_id):
    project = arena["projects"][index % len(arena["projects"])]
    return project, (project.id if project_id == "PROJECT" else project_id)


users = st.sampled_from(USERNAMES)
triggers = st.one_of(st.sampled_from(sorted(TRANSITIONS)), st.sampled_from(["x", "__init__", "trigger", "%00", "état"]))
SUB_POSTS = ["/objections", "/objections/{child}/answer", "/bids", "/bids/withdraw", "/challenges",
             "/challenges/{child}/answer", "/milestone-reports", "/evaluator-draws", "/evaluator-assignments",
             "/conflict-declarations/mine", "/personal-declarations", "/payments"]
GETS = ["", "/history", "/objections", "/bids", "/challenges", "/contract", "/payments", "/conflict-declarations",
        "/evaluator-draws", "/personal-declarations"]


def live(arena):
    """(project, trigger, username) where the user's part and the state allow the trigger: the attempts
    that get past the role and state checks into the input, the guards and the effects."""
    if "live" not in arena:
        arena["live"] = [(project, trigger, username) for project in arena["projects"]
                         for trigger in triggers_from(project.state) for username in USERNAMES
                         if may_fire(arena["world"][username], project, trigger)]
    return arena["live"]


def any_trigger(arena, draw):
    """Any user, any trigger (or none that exists), any body."""
    project, _ = project_path(arena, draw(st.integers(0, 6)), "PROJECT")
    body = draw(bodies)
    if isinstance(body, dict) and draw(st.booleans()):
        body = {"version": "CURRENT", **body}
    send(arena, draw(users), "POST", f"/projects/{project.id}/transitions/{draw(triggers)}", body=body,
         project=project)


def live_trigger(arena, draw):
    """Valid input for a trigger its actor may fire, with a few values dropped or replaced by hostile ones."""
    project, trigger, username = draw(st.sampled_from(live(arena)))
    db.session.refresh(project)
    drop = draw(st.sets(st.sampled_from(FIELD_NAMES), max_size=2))
    base = {k: v for k, v in valid_input(trigger, project, arena["world"]).items() if k not in drop}
    body = {"version": "CURRENT", **base, **draw(field_objects)}
    send(arena, username, "POST", f"/projects/{project.id}/transitions/{trigger}", body=body, project=project)


SUB_BASES = {
    "/objections": {"content": "异议", "resident_name": "王", "resident_contact": "1"},
    "/objections/{child}/answer": {"answer": "答复"}, "/bids": {"price": "100.00", "plan": "方案"},
    "/bids/withdraw": {}, "/challenges": {"content": "质疑"}, "/challenges/{child}/answer": {"answer": "答复"},
    "/milestone-reports": {"milestone_id": 1, "content": "完成"}, "/evaluator-draws": {},
    "/evaluator-assignments": {"evaluator_org_id": 1, "reason": "模糊测试：指定理由。"},
    "/personal-declarations": {"has_conflict": False, "statement": "无"},
    "/conflict-declarations/mine": {"has_conflict": False, "statement": "无"},
    "/payments": {"kind": "instalment", "amount": "1.00", "paid_on": "2026-06-01", "milestone_id": 1},
}


def sub_resource(arena, draw):
    project, _ = project_path(arena, draw(st.integers(0, 6)), "PROJECT")
    sub = draw(st.sampled_from(SUB_POSTS))
    child = draw(st.one_of(st.integers(0, 5), st.integers(min_value=0, max_value=2 ** 70)))
    body = draw(bodies)
    if isinstance(body, dict) and draw(st.booleans()):
        body = {**SUB_BASES[sub], **body}
    send(arena, draw(users), "POST", f"/projects/{project.id}" + sub.format(child=child), body=body, project=project)


def create_or_edit(arena, draw):
    project, _ = project_path(arena, draw(st.integers(0, 6)), "PROJECT")
    method, body = draw(st.sampled_from(["POST", "PATCH"])), draw(bodies)
    path = "/projects" if method == "POST" else f"/projects/{project.id}"
    if method == "PATCH" and isinstance(body, dict):
        body = {"version": "CURRENT", **body}
    elif method == "POST" and isinstance(body, dict) and draw(st.booleans()):
        body = {**proposal(), **body}
    send(arena, draw(users), method, path, body=body, project=project)


def not_json(arena, draw):
    project, _ = project_path(arena, draw(st.integers(0, 6)), "PROJECT")
    target = draw(st.sampled_from(["/projects", "/projects/{id}", "/projects/{id}/transitions/approve",
                                   "/projects/{id}/transitions/publish_notice", "/projects/{id}/objections",
                                   "/projects/{id}/bids", "/projects/{id}/payments", "/tokens"]))
    send(arena, draw(st.one_of(st.none(), users)), draw(st.sampled_from(["POST", "PATCH", "PUT", "DELETE"])),
         target.format(id=project.id), raw=draw(raw_bodies), content_type=draw(content_types))


def read(arena, draw):
    username = draw(st.one_of(st.none(), users))
    _, pid = project_path(arena, draw(st.integers(0, 6)), draw(ids))
    send(arena, username, "GET", f"/projects/{pid}{draw(st.sampled_from(GETS))}")
    query = draw(st.dictionaries(st.sampled_from(["state", "page", "per_page", "lang"]),
                                 st.one_of(st.sampled_from(ENCODABLE), st.text(max_size=20)), max_size=3))
    response = arena["client"].get("/api/v1/projects", query_string=query,
                                   headers=arena["tokens"].headers(username) if username else {})
    judge(response, ("GET /projects", query))
    judge(arena["client"].get("/api/v1/categories", query_string=query), ("GET /categories", query))


def credentials(arena, draw):
    body = draw(st.one_of(bodies, st.fixed_dictionaries({"username": scalars, "password": scalars})))
    response = arena["client"].post("/api/v1/tokens", data=json.dumps(body), content_type="application/json")
    judge(response, ("POST /tokens", body))
    assert response.status_code in (201, 400, 401)
    header = draw(st.one_of(st.none(), st.text(max_size=60),
                            st.sampled_from(["Bearer", "Bearer \x00", "Bearer " + "a" * 5000, "Basic x",
                                             "Bearer  spaced  ", "bEaReR x"])))
    headers = {"Authorization": header} if header is not None else {}
    try:
        response = arena["client"].get("/api/v1/projects", headers=headers)
    except ValueError:  # the test client itself refuses header values with newlines
        return
    judge(response, ("GET /projects", header))


KINDS = {"any_trigger": any_trigger, "live_trigger": live_trigger, "sub_resource": sub_resource,
         "create_or_edit": create_or_edit, "not_json": not_json, "read": read, "credentials": credentials}


@settings(FUZZ, max_examples=350)
@given(data=st.data(), kind=st.sampled_from(sorted(KINDS)))
def test_no_api_call_answers_500(arena, data, kind):
    """One arena, every kind of request: arbitrary and field-shaped JSON, non-JSON, odd ids and queries."""
    KINDS[kind](arena, data.draw)


def test_unknown_api_paths_are_json(client, world):
    tokens = Tokens(client, world)
    for method, path in (("GET", "/api/v1/nothing"), ("POST", "/api/v1/projects/1/transitions"),
                         ("PUT", "/api/v1/projects"), ("DELETE", "/api/v1/categories")):
        response = client.open(path, method=method, headers=tokens.headers("admin"))
        judge(response, (method, path))
        assert response.status_code in (404, 405)


# ---- page forms ----------------------------------------------------------------------------------------------

form_values = st.one_of(st.sampled_from(ENCODABLE), st.text(max_size=40))
PAGE_FIELDS = ["title", "funding_form", "category", "requested_amount", "needs_analysis", "beneficiaries", "goals",
               "location", "start_date", "end_date", "budget_lines-0-item", "budget_lines-0-amount",
               "budget_lines-99999-amount", "deliberation-held_on", "deliberation-members_total",
               "deliberation-members_present", "deliberation-votes_for", "deliberation-votes_against",
               "deliberation-minutes", "csrf_token"]


def page_judge(response, request):
    assert response.status_code != 500, (request, response.get_data(as_text=True)[:300])
    # 429: the login form refuses after LOGIN_MAX_FAILURES wrong passwords, as it should
    assert response.status_code in {200, 302, 303, 400, 403, 404, 405, 409, 422, 429}, (request, response.status_code)


@pytest.fixture
def pages(journey, client):
    return {"client": client, "draft": journey.create()}


@settings(FUZZ, max_examples=80)
@given(form=st.dictionaries(st.sampled_from(["username", "password", "csrf_token", "next"]), form_values, max_size=4),
       next_=st.one_of(st.none(), st.sampled_from(["//evil.example", "http://evil.example/", "/projects", "\x00",
                                                   "javascript:alert(1)"])))
def test_login_form_never_500(pages, form, next_):
    client = pages["client"]
    query = {} if next_ is None else {"next": next_}
    page_judge(client.post("/login", data=form, query_string=query), ("login", form, next_))
    client.post("/logout")


@settings(FUZZ, max_examples=30)
@given(form=st.dictionaries(st.sampled_from(PAGE_FIELDS), form_values, max_size=12))
def test_project_form_never_500(pages, form):
    from conftest import PASSWORD

    client = pages["client"]
    if not pages.get("logged_in"):
        client.post("/login", data={"username": "community", "password": PASSWORD})
        pages["logged_in"] = True
    page_judge(client.post("/projects/new", data=form), ("new", form))
    draft = pages["draft"]
    db.session.refresh(draft)
    page_judge(client.post(f"/projects/{draft.id}/edit", data={**form, "version": str(draft.version)}),
               ("edit", form))


# ---- the hostile inputs that once answered 500, each pinned down ----------------------------------------------

def test_known_hostile_inputs_are_refused_not_crashed(arena, api, journey, world):
    draft, notice, tendering, awarded, in_delivery, delivered, evaluated = arena["projects"]
    call = api.as_

    def expect(response, status, error="invalid_input"):
        judge(response, "pinned")
        assert (response.status_code, response.get_json()["error"]) == (status, error), response.get_json()
        return response.get_json()

    # An id larger than any INTEGER key, in the path.
    expect(call("admin").get("/projects/99999999999999999999"), 404, "not_found")
    expect(call("community").post(f"/projects/{notice.id}/objections/99999999999999999999/answer",
                                  json={"answer": "x"}), 404, "not_found")
    # "²" is a digit to str.isdigit() but not to int().
    expect(call("community").get("/projects?page=²"), 400)
    # JSON Infinity and 1e400 as the version.
    for raw in (b'{"reason": "r", "version": Infinity}', b'{"reason": "r", "version": 1e400}',
                b'{"reason": "r", "version": -Infinity}', b'{"reason": "r", "version": NaN}'):
        body = expect(call("community").post(f"/projects/{draft.id}/transitions/withdraw", data=raw,
                                             content_type="application/json"), 400)
        assert "version" in body["fields"]
    # Nesting deeper than the JSON parser recurses.
    expect(call("community").post("/projects", data=b"[" * 100000 + b"]" * 100000,
                                  content_type="application/json"), 400)
    # NUL characters (PostgreSQL cannot store them), in a form field and as a username.
    body = expect(call("community").post("/projects", json={"title": "助餐\x00", "funding_form": "purchase"}), 400)
    assert "title" in body["fields"]
    body = expect(call("community").post("/projects", data=b'{"title": "\\ud800", "funding_form": "purchase"}',
                                         content_type="application/json"), 400)
    assert "title" in body["fields"]
    for credentials in ({"username": "community\x00", "password": "x"}, {"username": "\ud800", "password": "x"},
                        {"username": "community", "password": "\ud800"}, {"username": "community", "password": "\x00"}):
        expect(arena["client"].post("/api/v1/tokens", data=json.dumps(credentials), content_type="application/json"),
               401, "unauthorized")
    # A moment with no UTC equivalent.
    journey.in_force(journey.drive(draft, "cataloged"))
    for moment in ("0001-01-01T00:00:00", "0001-01-01T07:59+08:00", "9999-12-31T23:59:59-10:00"):
        body = expect(call("bureau").fire(draft, "open_tender", method="inquiry", bid_deadline=moment), 400)
        assert "bid_deadline" in body["fields"]
    # Ids larger than any key, in the body.
    subsidy = journey.in_force(journey.drive(journey.create(funding_form="subsidy"), "cataloged"))
    for org_id in (10 ** 30, 2 ** 31, 0, -1):
        body = expect(call("bureau").fire(subsidy, "sign_agreement", implementer_org_id=org_id, amount="100.00",
                                          start="2026-06-01", end="2026-09-01"), 400)
        assert "implementer_org_id" in body["fields"]
    # A zero amount the contracts table refuses.
    body = expect(call("bureau").fire(subsidy, "sign_agreement", implementer_org_id=world["provider"].organisation_id,
                                      amount="0.00", start="2026-06-01", end="2026-09-01"), 400)
    assert "amount" in body["fields"]
    # A term starting in the year 9999: adding a year overflows the calendar.
    response = call("bureau").fire(subsidy, "sign_agreement", implementer_org_id=world["provider"].organisation_id,
                                   amount="100.00", start="9999-06-01", end="9999-12-30")
    judge(response, "year 9999")
    assert response.status_code == 200, response.get_json()
    for path, body in ((f"/projects/{delivered.id}/evaluator-assignments",
                        {"evaluator_org_id": 10 ** 30, "reason": "模糊测试：指定理由。"}),
                       (f"/projects/{in_delivery.id}/payments", {"kind": "instalment", "amount": "1.00",
                                                                 "paid_on": "2026-06-01", "milestone_id": 10 ** 30})):
        expect(call("bureau").post(path, json=body), 400)


# ---- page query strings ------------------------------------------------------------------------------------------

PAGE_GETS = ["/desk", "/projects", "/projects/export.csv", "/admin/calendar"]


@pytest.mark.parametrize("path,query", [
    ("/projects", "page=²"), ("/projects", "year=²"), ("/projects", "community=²"),
    ("/projects", "community=99999999999999999999999"), ("/projects", "q=%00"), ("/admin/calendar", "year=²"),
])
def test_page_query_strings_with_odd_numbers_are_not_a_crash(pages, path, query):
    from conftest import PASSWORD

    client = pages["client"]
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    page_judge(client.get(f"{path}?{query}"), (path, query))


@settings(FUZZ, max_examples=60)
@given(path=st.sampled_from(PAGE_GETS), username=st.sampled_from(["admin", "reviewer", "community", "provider"]),
       query=st.dictionaries(st.sampled_from(["state", "funding_form", "year", "community", "q", "page", "lang"]),
                             st.one_of(st.sampled_from(["²", "٣", "9" * 30, "\x00", "-1", "0", "2026"]),
                                       st.sampled_from(ENCODABLE), st.text(max_size=20)), max_size=4))
def test_page_query_strings_never_500(pages, path, username, query):
    from conftest import PASSWORD

    client = pages["client"]
    if pages.get("user") != username:
        client.post("/logout")
        client.post("/login", data={"username": username, "password": PASSWORD})
        pages["user"] = username
    page_judge(client.get(path, query_string=query), (username, path, query))
