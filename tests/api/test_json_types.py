"""A JSON value of the wrong type is refused as 400 invalid_input naming the field, never dropped or misread."""
import pytest

from procure import clock
from procure.demo.journey import proposal
from procure.extensions import db, limiter
from procure.projects.models import Project

from support import Tokens, renew_requirements, valid_input


@pytest.mark.parametrize("change,field", [
    ({"budget_lines": "x"}, "budget_lines"),
    ({"requested_amount": [1]}, "requested_amount"),
    ({"deliberation": "yes"}, "deliberation"),
])
def test_measured_cases_are_refused_and_nothing_is_created(api, world, db_snapshot, change, field):
    before = db_snapshot()
    response = api.as_("community").post("/projects", json=proposal(**change))
    body = response.get_json()
    assert (response.status_code, body["error"]) == (400, "invalid_input"), body
    assert field in body["fields"], body
    assert db_snapshot() == before


@pytest.mark.parametrize("change,expected", [
    ({"title": ["食堂"]}, {"title": ["须为字符串或数字，不能是数组、对象或 true/false"]}),
    ({"title": True}, {"title": ["须为字符串或数字，不能是数组、对象或 true/false"]}),
    ({"requested_amount": True}, {"requested_amount": ["须为数字"]}),
    ({"requested_amount": {"yuan": 1}}, {"requested_amount": ["须为数字"]}),
    ({"start_date": {"y": 2026}}, {"start_date": ["须为字符串或数字，不能是数组、对象或 true/false"]}),
    ({"budget_lines": {"item": "餐食", "amount": "1.00"}}, {"budget_lines": ["须为数组"]}),
    ({"budget_lines": ["餐食"]}, {"budget_lines": [["须为对象"]]}),
    ({"budget_lines": [{"item": "餐食", "amount": "1.00"}, {"item": "物料", "amount": [2]}]},
     {"budget_lines": [{}, {"amount": ["须为数字"]}]}),
    ({"deliberation": ["2026-02-01"]}, {"deliberation": ["须为对象"]}),
    ({"deliberation": {"members_total": True}}, {"deliberation": {"members_total": ["须为数字"]}}),
])
def test_nested_and_scalar_fields_are_named_the_way_form_errors_are(api, world, change, expected):
    response = api.as_("community").post("/projects", json=proposal(**change))
    assert response.status_code == 400, response.get_json()
    fields = response.get_json()["fields"]
    assert within(expected, fields), fields


def within(expected, errors) -> bool:
    """Whether the errors hold `expected`: the named nested fields with exactly these messages."""
    if isinstance(expected, dict):
        return isinstance(errors, dict) and all(k in errors and within(v, errors[k]) for k, v in expected.items())
    return expected == errors


def test_a_boolean_field_takes_only_true_or_false(api, journey, db_snapshot):
    project = journey.drive(journey.create(), "under_review")
    before = db_snapshot()
    response = api.as_("reviewer").fire(project, "approve", approved_amount="100.00", negative_list_checked="yes")
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["fields"]["negative_list_checked"] == ["须为 true 或 false"]
    assert db_snapshot() == before


def test_the_message_is_english_when_asked(api, world):
    response = api.as_("community").post("/projects", json=proposal(budget_lines="x"),
                                         headers={"Accept-Language": "en"})
    assert response.get_json()["fields"]["budget_lines"] == ["Must be an array"]


@pytest.mark.parametrize("language,date_message,integer_message", [
    (None, "请输入日期，例如 2026-12-01", "请输入整数"),
    ("en", "Enter a date, for example 2026-12-01", "Enter a whole number"),
])
def test_a_bad_date_and_a_bad_integer_are_told_in_the_asked_language(api, world, language, date_message,
                                                                      integer_message):
    headers = {"Accept-Language": language} if language else {}
    response = api.as_("community").post("/projects", headers=headers, json=proposal(
        start_date="2026-13-01", deliberation={"held_on": "2026-02-01", "members_total": "十", "members_present": 5,
                                               "votes_for": 5, "votes_against": 0}))
    fields = response.get_json()["fields"]
    assert fields["start_date"] == [date_message]
    messages = fields["deliberation"]["members_total"]  # then NumberRange's, from WTForms' own catalogue
    assert messages[0] == integer_message
    assert all(any("\u4e00" <= c <= "\u9fff" for c in m) == (language is None) for m in messages), messages


def test_a_list_rows_messages_follow_the_language_too(api, world):
    chinese = api.as_("community").post("/notifications/read", json={"ids": ["x"]}).get_json()["fields"]
    english = api.as_("community").post("/notifications/read", json={"ids": ["x"]},
                                        headers={"Accept-Language": "en"}).get_json()["fields"]
    assert chinese["ids"][0][0] == "请输入整数" and english["ids"][0][0] == "Enter a whole number"


@pytest.mark.parametrize("version", [True, [1], {"v": 1}])
def test_a_version_of_the_wrong_type_is_refused(api, journey, version):
    project = journey.create()
    response = api.as_("community").patch(f"/projects/{project.id}", json={"title": "新名称", "version": version})
    assert response.status_code == 400 and "version" in response.get_json()["fields"], response.get_json()


@pytest.mark.parametrize("body", [{"username": ["community"], "password": "x"}, {"username": "community",
                                                                                 "password": 12345678}])
def test_token_credentials_of_the_wrong_type_are_400(client, world, body):
    response = client.post("/api/v1/tokens", json=body)
    assert response.status_code == 400 and set(response.get_json()["fields"]) <= {"username", "password"}


# ---- every endpoint with a JSON body, every documented property -----------------------------------------------

WRONG = {"string": ["x"], "number": {"x": 1}, "integer": {"x": 1}, "array": "x", "boolean": "yes", "object": "x"}
# Access (401, 403, 404) or the state (409, a guard's 422) may refuse before the input is read.
REFUSALS = {400, 401, 403, 404, 409, 422}


def resolve(schema, spec):
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def json_type(schema, spec) -> str:
    """The first JSON type a property's schema allows besides null."""
    schema = resolve(schema, spec)
    for alternative in schema.get("anyOf", schema.get("oneOf", [])):
        kind = json_type(alternative, spec)
        if kind != "null":
            return kind
    kinds = schema.get("type", "object")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    return next((k for k in kinds if k != "null"), "null")


def json_endpoints(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json") \
                if isinstance(operation, dict) else None
            if body:
                yield method.upper(), path, resolve(body["schema"], spec)


@pytest.fixture
def projects(journey, world):
    states = ("draft", "under_review", "tendering", "in_delivery", "delivered", "under_acceptance", "accepted")
    made = []
    for state in states:  # the stories follow one another for years: the bureau re-verifies the providers yearly
        renew_requirements(world.providers, clock.today())
        made.append(journey.drive(journey.create(title=f"类型测试 {state}"), state))
    db.session.commit()
    return made


def test_every_json_property_of_a_wrong_type_is_refused_naming_it(client, world, projects):
    spec = client.get("/api/v1/openapi.json").get_json()
    tokens = Tokens(client, world)
    users = ["community", "reviewer", "bureau", "provider", "evaluator", "admin"]
    failures, named, swept = [], set(), 0
    for method, path, schema in json_endpoints(spec):
        for name, prop in schema.get("properties", {}).items():
            wrong = WRONG[json_type(prop, spec)]
            swept += 1
            for project in projects:
                version = db.session.get(Project, project.id).version
                url = "/api/v1" + path.replace("{project_id}", str(project.id)).replace("{org_id}", str(
                    world["provider"].organisation_id))
                for placeholder in ("{objection_id}", "{challenge_id}", "{milestone_id}", "{request_id}",
                                    "{member_id}", "{bid_id}", "{item_id}", "{slug}"):
                    url = url.replace(placeholder, "1")
                trigger = path.rsplit("/transitions/", 1)[1] if "/transitions/" in path else None
                # The rest of a trigger's input is well formed: a wrong version is read after the form passes.
                body = {**(valid_input(trigger, project, world) if trigger else {}), "version": version, name: wrong}
                answers = set()
                for username in users:
                    limiter.reset()  # the public survey counts answers per address
                    response = client.open(url, method=method, json=body, headers=tokens.headers(username))
                    db.session.rollback()
                    status, answer = response.status_code, response.get_json() or {}
                    answers.add(status)
                    if status not in REFUSALS:
                        failures.append((method, path, name, wrong, username, status, answer))
                    elif status == 400 and name not in answer.get("fields", {}):
                        failures.append((method, path, name, wrong, username, status, answer.get("fields")))
                    elif status == 400:
                        named.add((method, path))
                if 400 in answers:
                    break
    assert not failures, "\n".join(map(repr, failures))
    assert swept > 150
    # The sweep reaches the forms, not only the doors in front of them.
    assert {("POST", "/projects"), ("PATCH", "/projects/{project_id}"), ("POST", "/tokens"),
            ("POST", "/projects/{project_id}/transitions/approve"), ("POST", "/notifications/read")} <= named
    assert len(named) > 30, sorted(named)
