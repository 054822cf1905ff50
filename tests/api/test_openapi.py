"""The OpenAPI document: a valid 3.1 document, in step with the routes and the lifecycle table, and
true to what the API really answers."""
import re
from datetime import date
from decimal import Decimal

import pytest
from openapi_spec_validator import validate

from conftest import PASSWORD
from openapi_check import check, resolve, validator
from procure.api import PUBLIC_ENDPOINTS
from procure.demo.journey import contract_terms, proposal
from procure.extensions import db
from procure.projects.inputs import TRIGGER_FORMS
from procure.projects.states import TRANSITIONS

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def component(name):
    return {"$ref": f"#/components/schemas/{name}"}


def fire(api, username, project, trigger, **data):
    db.session.refresh(project)
    return api.as_(username).post(f"/projects/{project.id}/transitions/{trigger}",
                                  json={"version": project.version, **data})


# ---- (1) a valid document, served without a token ----------------------------------------------

def test_document_is_valid_openapi_31_and_public(client, doc):
    validate(doc)
    assert client.get("/api/v1/openapi.json?lang=en", headers={"Accept-Language": "en"}).get_json() == doc
    assert doc["openapi"].startswith("3.1")
    assert doc["servers"] == [{"url": "/api/v1"}]
    assert doc["components"]["securitySchemes"]["bearer"] == {**doc["components"]["securitySchemes"]["bearer"],
                                                               "type": "http", "scheme": "bearer"}
    assert doc["security"] == [{"bearer": []}]
    assert re.search(r"[\u4e00-\u9fff]", doc["info"]["description"]) and "bearer" in doc["info"]["description"]


def test_every_operation_is_bilingual_and_named(doc):
    ids = []
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            ids.append(operation["operationId"])
            chinese, _, english = operation["summary"].partition(" / ")
            assert re.search(r"[\u4e00-\u9fff]", chinese) and re.search(r"[A-Za-z]", english), operation["summary"]
            assert operation["responses"], (method, path)
    assert len(ids) == len(set(ids))


# ---- (2) routes and document agree -----------------------------------------------------------------

def flask_routes(app) -> dict:
    """(OpenAPI path, method) → endpoint for every rule under /api/v1."""
    routes = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.endswith("static"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes[(path, method.lower())] = rule.endpoint
    return routes


def generic(path: str) -> str:
    """A per-trigger path as the Flask rule that serves it."""
    head, _, last = path.rpartition("/")
    return f"{head}/{{trigger}}" if head.endswith("/transitions") and last in TRANSITIONS else path


def documented_operations(doc):
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_routes_and_document_agree(app, doc):
    routes = flask_routes(app)
    documented = {(generic(path), method) for path, method, _ in documented_operations(doc)}
    assert set(routes) - documented == set(), "routes missing from the document"
    assert documented - set(routes) == set(), "documented operations with no route"


def test_path_parameters_are_declared(doc):
    for path, method, operation in documented_operations(doc):
        declared = {resolve(doc, p)["name"] for p in operation.get("parameters", []) if resolve(doc, p)["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", path)), (method, path)


def test_public_operations_are_exactly_the_public_endpoints(app, doc):
    routes = flask_routes(app)
    for path, method, operation in documented_operations(doc):
        public = routes[(generic(path), method)] in PUBLIC_ENDPOINTS
        assert (operation.get("security") == []) == public, (method, path)
        assert ("401" in operation["responses"]) == (not public or path == "/tokens"), (method, path)


# ---- (3) the transitions ---------------------------------------------------------------------------

def test_documented_triggers_are_the_lifecycle_table(doc):
    prefix = "/projects/{project_id}/transitions/"
    per_trigger = [path.removeprefix(prefix) for path in doc["paths"] if path.startswith(prefix)]
    assert sorted(per_trigger) == sorted(TRANSITIONS)  # the served JSON has its keys sorted
    assert doc["components"]["schemas"]["Trigger"]["enum"] == list(TRANSITIONS)


def test_each_trigger_body_is_its_form_plus_version(doc):
    schemas = doc["components"]["schemas"]
    for trigger, form_class in TRIGGER_FORMS.items():
        body = doc["paths"][f"/projects/{{project_id}}/transitions/{trigger}"]["post"]["requestBody"]
        schema = resolve(doc, body["content"]["application/json"]["schema"])
        assert set(schema["properties"]) == {f.name for f in form_class()} | {"version"}, trigger
        assert "version" in schema["required"]
    assert schemas["ApproveRequest"]["required"] == ["approved_amount", "version"]
    assert schemas["SignContractRequest"]["properties"]["milestones"]["minItems"] == 1
    assert schemas["OpenTenderRequest"]["properties"]["method"]["enum"][0] == "open_tender"
    assert schemas["OpenTenderRequest"]["properties"]["bid_deadline"]["format"] == "date-time"


def test_guard_reasons_are_listed_per_trigger(doc):
    def codes(trigger):
        responses = doc["paths"][f"/projects/{{project_id}}/transitions/{trigger}"]["post"]["responses"]
        return set(responses["422"]["x-reason-codes"]) if "422" in responses else None

    assert codes("approve") == {"approved_exceeds_requested", "negative_list_unchecked"}
    assert codes("open_tender") == {"catalogue_not_in_force", "not_purchase", "deadline_in_past", "bid_deposit_too_high",
                                    "bid_period_too_short"}
    assert {"panel_too_small", "scoring_incomplete", "not_top_ranked", "too_few_bids"} <= codes("award")
    assert {"term_too_long", "milestones_not_100", "open_challenges"} <= codes("sign_contract")
    assert {"catalogue_not_in_force", "not_subsidy", "term_too_long", "implementer_invalid"} <= codes("sign_agreement")
    assert {"catalogue_not_in_force", "not_reward"} <= codes("claim_completion")
    assert codes("start_review") is None  # no guard: never 422


# ---- (4) real responses fit the document ----------------------------------------------------------

def test_public_calls(client, world, doc):
    categories = check(doc, "/categories", "get", client.get("/api/v1/categories"), 200)
    assert categories and categories[0]["children"]
    token = check(doc, "/tokens", "post",
                  client.post("/api/v1/tokens", json={"username": "bureau", "password": PASSWORD}), 201)
    assert token["token"] and token["expires_in"] > 0
    check(doc, "/tokens", "post", client.post("/api/v1/tokens", json={"username": "bureau", "password": "x"}), 401)
    check(doc, "/tokens", "post", client.post("/api/v1/tokens", json=["not", "an", "object"]), 400)
    check(doc, "/projects", "get", client.get("/api/v1/projects"), 401)


def test_projects_list_detail_and_history(api, journey, doc):
    project = journey.create()
    journey.drive(project, "in_delivery")
    other = journey.create(title="社区四点半课堂")
    page = check(doc, "/projects", "get", api.as_("community").get("/projects"), 200)
    assert {item["id"] for item in page["items"]} == {project.id, other.id}
    check(doc, "/projects", "get", api.as_("bureau").get("/projects?state=in_delivery&page=1"), 200)
    check(doc, "/projects", "get", api.as_("bureau").get("/projects?page=0"), 400)
    check(doc, "/projects", "get", api.as_("bureau").get("/projects?state=nowhere"), 400)
    for username in ("community", "bureau", "provider", "reviewer"):
        detail = check(doc, "/projects/{project_id}", "get", api.as_(username).get(f"/projects/{project.id}"), 200)
        assert detail["state"] == "in_delivery" and detail["deliberation"]["members_total"] == 15
    check(doc, "/projects/{project_id}", "get", api.as_("provider").get(f"/projects/{other.id}"), 404)
    history = check(doc, "/projects/{project_id}/history", "get",
                    api.as_("bureau").get(f"/projects/{project.id}/history"), 200)
    assert history[0]["action"] == "create" and history[-1]["to_state"] == "in_delivery"
    contract = "/projects/{project_id}/contract"
    assert check(doc, contract, "get", api.as_("provider").get(f"/projects/{project.id}/contract"), 200)
    assert check(doc, contract, "get", api.as_("community").get(f"/projects/{other.id}/contract"), 200) is None
    payments, schedule = "/projects/{project_id}/payments", "/projects/{project_id}/payment-schedule"
    first = api.as_("bureau").get(f"/projects/{project.id}/contract").get_json()["milestones"][0]["id"]
    held = check(doc, schedule, "get", api.as_("provider").get(f"/projects/{project.id}/payment-schedule"), 200)
    assert [line["status"] for line in held["lines"]] == ["held", "held"] and held["payable_now"] == "0.00"
    unconfirmed = check(doc, payments, "post", api.as_("bureau").post(f"/projects/{project.id}/payments", json={
        "kind": "milestone", "milestone_id": first, "amount": "100.00", "paid_on": "2026-06-01"}), 422)
    journey.confirm(project, first)
    paid = check(doc, payments, "post", api.as_("bureau").post(f"/projects/{project.id}/payments", json={
        "kind": "milestone", "milestone_id": first, "amount": "100.00", "paid_on": "2026-06-01"}), 201)
    assert paid["amount"] == "100.00" and paid["milestone_id"] == first and paid["kind"] == "milestone"
    refused = check(doc, payments, "post", api.as_("bureau").post(
        f"/projects/{project.id}/payments", json={"kind": "final", "amount": "99999999", "paid_on": "2026-06-01"}), 422)
    untagged = check(doc, payments, "post", api.as_("bureau").post(
        f"/projects/{project.id}/payments", json={"kind": "instalment", "amount": "1.00", "paid_on": "2026-06-01"}), 422)
    listed = doc["paths"][payments]["post"]["responses"]["422"]["x-reason-codes"]
    codes = {r["code"] for r in refused["reasons"] + unconfirmed["reasons"] + untagged["reasons"]}
    assert codes == {"final_before_evaluation", "over_contract_amount", "milestone_unconfirmed",
                     "milestone_required"} <= set(listed)
    assert check(doc, schedule, "get", api.as_("community").get(f"/projects/{other.id}/payment-schedule"),
                 200)["lines"] == []


def test_create_edit_and_refusals(api, journey, doc):
    created = check(doc, "/projects", "post", api.as_("community").post(
        "/projects", json={"title": "楼道微更新", "funding_form": "subsidy"}), 201)
    path, pid = "/projects/{project_id}", created["id"]
    check(doc, "/projects", "post", api.as_("reviewer").post("/projects", json={"title": "x"}), 403)
    invalid = check(doc, "/projects", "post", api.as_("community").post(
        "/projects", json={"funding_form": "loan", "budget_lines": [{"item": "物料"}], "deliberation": {"minutes": "x"}}),
        400)
    assert {"title", "funding_form", "budget_lines", "deliberation"} <= set(invalid["fields"])
    edited = check(doc, path, "patch", api.as_("community").patch(
        f"/projects/{pid}", json={"version": created["version"], "requested_amount": "300.5",
                                   "budget_lines": [{"item": "物料", "amount": 300.5}]}), 200)
    assert edited["requested_amount"] == "300.50" and edited["budget_lines"] == [{"item": "物料", "amount": "300.50"}]
    check(doc, path, "patch", api.as_("community").patch(f"/projects/{pid}", json={"version": created["version"]}), 409)
    check(doc, path, "patch", api.as_("reviewer").patch(f"/projects/{pid}", json={"version": edited["version"]}), 403)
    check(doc, path, "get", api.as_("community").get("/projects/999999"), 404)

    transitions = "/projects/{project_id}/transitions/"
    refused = check(doc, transitions + "publish_notice", "post", api.as_("community").post(
        f"/projects/{pid}/transitions/publish_notice", json={"version": edited["version"]}), 422)
    listed = doc["paths"][transitions + "publish_notice"]["post"]["responses"]["422"]["x-reason-codes"]
    assert {r["code"] for r in refused["reasons"]} <= set(listed)
    check(doc, transitions + "submit", "post", api.as_("community").post(
        f"/projects/{pid}/transitions/submit", json={"version": edited["version"]}), 409)
    check(doc, transitions + "publish_notice", "post", api.as_("community").post(
        f"/projects/{pid}/transitions/publish_notice", json={}), 400)
    check(doc, transitions + "approve", "post", api.as_("community").post(
        f"/projects/{pid}/transitions/approve", json={"version": edited["version"]}), 403)

    ready = journey.create()
    result = check(doc, transitions + "publish_notice", "post", fire(api, "community", ready, "publish_notice"), 200)
    assert result["state"] == "notice"


def test_objections(api, journey, doc):
    p = "/projects/{project_id}"
    noticed = journey.create()
    journey.drive(noticed, "notice")
    base = f"/projects/{noticed.id}"
    objection = check(doc, p + "/objections", "post", api.as_("community").post(
        base + "/objections", json={"content": "担心噪音", "resident_name": "王某"}), 201)
    answer = f"{base}/objections/{objection['id']}/answer"
    check(doc, p + "/objections/{objection_id}/answer", "post",
          api.as_("community").post(answer, json={"answer": "安排在白天"}), 200)
    check(doc, p + "/objections/{objection_id}/answer", "post",
          api.as_("community").post(answer, json={"answer": "再答"}), 409)
    check(doc, p + "/objections/{objection_id}/answer", "post",
          api.as_("community").post(f"{base}/objections/999999/answer", json={"answer": "答"}), 404)
    private = check(doc, p + "/objections", "get", api.as_("reviewer").get(base + "/objections"), 200)
    public = check(doc, p + "/objections", "get", api.as_("bureau").get(base + "/objections"), 200)
    assert "resident_name" in private[0] and "resident_name" not in public[0]


def test_bids(api, journey, doc, clock):
    p = "/projects/{project_id}"
    tendering = journey.create()
    journey.drive(tendering, "tendering")
    base = f"/projects/{tendering.id}"
    check(doc, p + "/bids", "post", api.as_("provider").post(base + "/bids", json={"price": "1000", "plan": "方案"}), 201)
    check(doc, p + "/bids", "post", api.as_("provider").post(base + "/bids", json={"price": "-1"}), 400)
    check(doc, p + "/bids", "post", api.as_("community").post(base + "/bids", json={"price": "1", "plan": "x"}), 403)
    check(doc, p + "/bids/withdraw", "post", api.as_("provider").post(base + "/bids/withdraw"), 200)
    check(doc, p + "/bids/withdraw", "post", api.as_("provider").post(base + "/bids/withdraw"), 404)
    check(doc, p + "/bids", "get", api.as_("provider").get(base + "/bids"), 200)
    clock.advance(days=30)
    check(doc, p + "/bids", "post", api.as_("provider2").post(base + "/bids", json={"price": "1000", "plan": "方案"}),
          422)


def test_parts_of_a_closed_project(api, journey, world, doc):
    p = "/projects/{project_id}"
    closed = journey.create()
    journey.drive(closed, "closed")
    base = f"/projects/{closed.id}"
    for sub in ("/bids", "/challenges", "/conflict-declarations", "/payments", "/history", "/objections"):
        body = check(doc, p + sub, "get", api.as_("bureau").get(base + sub), 200)
        assert sub in ("/challenges", "/objections") or body, sub
    contract = check(doc, p + "/contract", "get", api.as_("bureau").get(base + "/contract"), 200)
    assert contract["milestones"][0]["reports"]
    check(doc, p + "/payments", "post", api.as_("bureau").post(
        base + "/payments", json={"kind": "final", "amount": "1.00", "paid_on": "2027-01-01"}), 409)
    check(doc, p + "/conflict-declarations", "get", api.as_("evaluator").get(base + "/conflict-declarations"), 200)
    implementer = next(u for u in ("provider", "provider2") if world[u].organisation_id == closed.implementer_id)
    check(doc, p + "/milestone-reports", "post", api.as_(implementer).post(
        base + "/milestone-reports", json={"milestone_id": contract["milestones"][0]["id"], "content": "x"}), 409)


def test_journey_inputs_fit_the_request_schemas(doc):
    assert not list(validator(doc, component("ProjectInput")).iter_errors(proposal()))
    body = {"version": 3, "amount": "1000.00", "start": "2026-05-01", "end": "2026-12-31", "multi_year": False,
            "milestones": [{"name": "启动", "percent": 40, "due": "2026-06-01"}],
            **contract_terms(Decimal("1000.00"), date(2026, 4, 20))}
    assert not list(validator(doc, component("SignContractRequest")).iter_errors(body))
    assert list(validator(doc, component("SignContractRequest")).iter_errors({**body, "milestones": []}))
    approve = validator(doc, component("ApproveRequest"))
    assert list(approve.iter_errors({"approved_amount": "1.005", "version": 1}))
    assert not list(approve.iter_errors({"approved_amount": 1.5, "negative_list_checked": True, "version": 1}))
