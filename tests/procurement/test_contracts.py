"""Contracts: the terms at signing, publication, amendments (变更) with their history, termination (and
debarment for a breach), the warnings for late signature or publication, and a cancelled project leaving
the purchase catalogue."""
from datetime import timedelta
from decimal import Decimal

import pytest

from conftest import PASSWORD
from procure import clock as app_clock
from procure.audit.models import AuditEntry
from procure.catalogue.models import Catalogue, CatalogueAmendment, CatalogueItem
from procure.extensions import db
from procure.procurement.models import Bid, Contract, ContractAmendment
from procure.providers.models import Debarment

from support import reason_codes, valid_input
from openapi_check import check


def contract_of(project) -> Contract:
    db.session.expire_all()
    return db.session.scalar(db.select(Contract).filter_by(project_id=project.id))


def awarded_price(project) -> Decimal:
    return db.session.scalar(db.select(Bid.price).filter_by(project_id=project.id, status="awarded"))


@pytest.fixture
def awarded(journey, clock):
    """An awarded purchase whose challenge period is over: ready to sign."""
    project = journey.drive(journey.create(), "awarded")
    clock.advance(days=14)
    return project


def sign(api, world, project, **overrides):
    db.session.refresh(project)
    return api.as_("bureau").fire(project, "sign_contract", **{**valid_input("sign_contract", project, world),
                                                                **overrides})


def amend(api, project, username="bureau", **body):
    return api.as_(username).post(f"/projects/{project.id}/contract/amendments", json={"reason": "调整", **body})


def publish(api, project, username="bureau"):
    return api.as_(username).post(f"/projects/{project.id}/contract/publication")


# ---- terms at signing -------------------------------------------------------------------------------

def test_the_signed_terms_are_stored_and_served(awarded, api, world):
    price = awarded_price(awarded)
    response = sign(api, world, awarded, deposit=str((price / 10).quantize(Decimal("0.01"))),
                    service_content="每周五天助餐", quantity_targets="120人", quality_targets="满意度90%")
    assert response.status_code == 200, response.get_json()
    body = api.as_("bureau").get(f"/projects/{awarded.id}/contract").get_json()
    assert body["signed_on"] == app_clock.today().isoformat()
    assert (body["service_content"], body["quantity_targets"], body["quality_targets"]) == \
        ("每周五天助餐", "120人", "满意度90%")
    assert body["deposit"] == f"{price / 10:.2f}" and body["no_subcontracting"] is True
    assert body["version"] == 1 and body["published_at"] is None and body["amendments"] == []
    assert body["termination"] is None and body["warnings"] == []


def test_the_deposit_is_at_most_ten_percent(awarded, api, world, refused):
    price = awarded_price(awarded)
    tenth = (price / 10).quantize(Decimal("0.01"))
    [reason] = refused(lambda: sign(api, world, awarded, deposit=str(tenth + Decimal("0.01"))), "deposit_too_high")
    assert "10%" in reason["message"]
    assert sign(api, world, awarded, deposit=str(tenth)).status_code == 200


def test_the_deposit_defaults_to_nothing(awarded, api, world):
    data = valid_input("sign_contract", awarded, world)
    del data["deposit"]
    response = api.as_("bureau").fire(awarded, "sign_contract", **data)
    assert response.status_code == 200, response.get_json()
    assert contract_of(awarded).deposit == Decimal("0.00")


def test_the_provider_must_declare_no_subcontracting(awarded, api, world, refused):
    refused(lambda: sign(api, world, awarded, no_subcontracting=False), "subcontracting_not_declared")


def test_the_signing_date_lies_between_the_award_and_today(awarded, api, world, refused):
    today = app_clock.today()
    refused(lambda: sign(api, world, awarded, signed_on=(today + timedelta(days=1)).isoformat()),
              "signed_on_in_future")
    awarded_on = app_clock.local(awarded.awarded_at).date()
    [reason] = refused(lambda: sign(api, world, awarded, signed_on=(awarded_on - timedelta(days=1)).isoformat()),
                         "signed_before_award")
    assert awarded_on.isoformat() in reason["message"]
    assert sign(api, world, awarded, signed_on=awarded_on.isoformat()).status_code == 200


def test_every_milestone_falls_within_the_term(awarded, api, world, refused):
    start = app_clock.today() + timedelta(days=3)
    end = start + timedelta(days=200)
    [reason] = refused(lambda: sign(api, world, awarded, start=start.isoformat(), end=end.isoformat(), milestones=[
        {"name": "预付", "percent": 20, "due": (start - timedelta(days=1)).isoformat()},
        {"name": "中期", "percent": 30, "due": start.isoformat()},
        {"name": "延后", "percent": 50, "due": (end + timedelta(days=1)).isoformat()}]), "milestone_outside_term")
    assert "预付" in reason["message"] and "延后" in reason["message"] and "中期" not in reason["message"]


def test_several_term_reasons_at_once_and_the_old_ones_kept(awarded, api, world, refused):
    price = awarded_price(awarded)
    refused(lambda: sign(api, world, awarded, amount=str(price + 1), deposit=str(price),
                           no_subcontracting=False), "amount_exceeds_bid", "deposit_too_high",
              "subcontracting_not_declared")


@pytest.mark.parametrize("field", ["signed_on", "service_content", "quantity_targets", "quality_targets"])
def test_the_new_terms_are_required(awarded, api, world, field):
    data = valid_input("sign_contract", awarded, world)
    del data[field]
    response = api.as_("bureau").fire(awarded, "sign_contract", **data)
    assert response.status_code == 400 and field in response.get_json()["fields"], response.get_json()


# ---- warnings: late signature, late publication ------------------------------------------------------

def test_a_late_signature_is_allowed_with_a_warning(awarded, api, world, clock):
    awarded_on = app_clock.local(awarded.awarded_at).date()
    clock.advance(days=30)
    assert app_clock.today() > awarded_on + timedelta(days=30)
    assert sign(api, world, awarded).status_code == 200
    assert publish(api, awarded).status_code == 200
    [warning] = api.as_("bureau").get(f"/projects/{awarded.id}/contract").get_json()["warnings"]
    assert "签订" in warning and (awarded_on + timedelta(days=30)).isoformat() in warning


def test_an_unpublished_contract_is_late_after_two_working_days(awarded, api, world, clock):
    assert sign(api, world, awarded).status_code == 200
    path = f"/projects/{awarded.id}/contract"
    assert api.as_("bureau").get(path).get_json()["warnings"] == []
    clock.advance(days=7)  # more than two working days, whatever the week
    [warning] = api.as_("bureau").get(path).get_json()["warnings"]
    assert "尚未公开" in warning
    body = publish(api, awarded).get_json()
    [warning] = body["warnings"]
    assert "公开" in warning and "晚于" in warning and "尚未公开" not in warning


def test_publishing_on_time_leaves_no_warning_and_happens_once(journey, api, db_snapshot):
    project = journey.drive(journey.create(), "contracted")  # the journey signs and publishes at once
    contract = contract_of(project)
    assert contract.published_at is not None
    body = api.as_("bureau").get(f"/projects/{project.id}/contract").get_json()
    assert body["published_at"] and body["warnings"] == []
    before = db_snapshot()
    again = publish(api, project)
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"
    assert db_snapshot() == before


def test_publication_is_the_bureaus_and_needs_a_contract(journey, api, db_snapshot):
    project = journey.drive(journey.create(), "cataloged")
    assert publish(api, project).status_code == 409  # no contract in this state
    contracted = journey.drive(journey.create(title="第二个项目"), "in_delivery")
    contract_of(contracted).published_at = None
    db.session.commit()
    before = db_snapshot()
    for username in ("community", "reviewer", "provider"):
        assert publish(api, contracted, username).status_code in (403, 404)
    assert db_snapshot() == before
    response = publish(api, contracted)
    assert response.status_code == 200 and response.get_json()["published_at"]
    entry = db.session.scalar(db.select(AuditEntry).filter_by(project_id=contracted.id, action="publish_contract"))
    assert entry is not None and entry.data["version"] == 1 and isinstance(entry.data["late"], bool)


# ---- amendments ---------------------------------------------------------------------------------------

@pytest.fixture
def signed(awarded, api, world):
    """Signed at 30,000.00 (below the approved 40,000.00), so the 10 % rule shows before the budget does."""
    assert sign(api, world, awarded, amount="30000.00").status_code == 200
    return awarded


def test_an_amendment_records_its_version_reason_and_changes(signed, api):
    start = contract_of(signed).start_date
    old_end = contract_of(signed).end_date
    response = amend(api, signed, reason="服务对象增加", amount="31000.00", end=(start + timedelta(days=250)).isoformat(),
                     service_content="每周六天助餐", quality_targets="")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["version"] == 2 and body["amount"] == "31000.00"
    [amendment] = body["amendments"]
    assert amendment["version"] == 2 and amendment["reason"] == "服务对象增加" and amendment["amended_at"]
    assert amendment["changes"] == {
        "amount": ["30000.00", "31000.00"], "end": [old_end.isoformat(), (start + timedelta(days=250)).isoformat()],
        "service_content": ["助餐配送", "每周六天助餐"]}
    assert body["quality_targets"] == "满意度90%以上"  # blank: refused
    second = amend(api, signed, reason="补充质量要求", quality_targets="满意度95%以上").get_json()
    assert second["version"] == 3 and [a["version"] for a in second["amendments"]] == [2, 3]
    assert second["amendments"][1]["changes"] == {"quality_targets": ["满意度90%以上", "满意度95%以上"]}
    rows = db.session.scalars(db.select(ContractAmendment).order_by(ContractAmendment.version)).all()
    assert [r.version for r in rows] == [2, 3] and all(r.amended_by_id for r in rows)
    audit = db.session.scalars(db.select(AuditEntry).filter_by(project_id=signed.id, action="amend_contract")
                           .order_by(AuditEntry.id)).all()
    assert [e.data["version"] for e in audit] == [2, 3] and audit[0].comment == "服务对象增加"


def test_an_amendment_must_change_something(signed, api, refused):
    contract = contract_of(signed)
    refused(lambda: amend(api, signed), "amendment_no_change")
    refused(lambda: amend(api, signed, amount=f"{contract.amount:.2f}", end=contract.end_date.isoformat(),
                            service_content=contract.service_content), "amendment_no_change")
    response = api.as_("bureau").post(f"/projects/{signed.id}/contract/amendments", json={"amount": "30500.00"})
    assert response.status_code == 400 and "reason" in response.get_json()["fields"]


def test_the_ten_percent_rule_counts_from_the_signed_amount(signed, api, refused):
    assert amend(api, signed, amount="32000.00").status_code == 201
    # +6.25 % on version 2, but +13.3 % on the amount as signed.
    [reason] = refused(lambda: amend(api, signed, amount="34000.00"), "amendment_increase_too_high")
    assert "30000.00" in reason["message"] and "33000.00" in reason["message"]
    assert amend(api, signed, amount="29000.00").status_code == 201  # down, then up again: still from 30,000
    refused(lambda: amend(api, signed, amount="33000.01"), "amendment_increase_too_high")
    body = amend(api, signed, amount="33000.00").get_json()
    assert body["amount"] == "33000.00" and body["version"] == 4


def test_never_above_the_approved_amount(awarded, api, world, refused):
    price = awarded_price(awarded)
    assert price * Decimal("1.1") > Decimal("40000.01")
    assert sign(api, world, awarded).status_code == 200
    [reason] = refused(lambda: amend(api, awarded, amount="40000.01"), "over_budget")
    assert "40000.00" in reason["message"]
    assert amend(api, awarded, amount="40000.00").status_code == 201


def test_never_below_what_is_paid_including_approved_requests(journey, api, world, refused):
    project = journey.drive(journey.create(), "in_delivery")
    contract = contract_of(project)
    implementer = next(u for u in ("provider", "provider2") if world[u].organisation_id == project.implementer_id)
    first = contract.milestones[0]
    assert api.as_(implementer).post(f"/projects/{project.id}/milestone-reports",
                                     json={"milestone_id": first.id, "content": "完成"}).status_code == 201
    request = api.as_(implementer).post(f"/projects/{project.id}/payment-requests",
                                        json={"milestone_id": first.id, "amount": "5000.00"})
    assert request.status_code == 201, request.get_json()
    journey.confirm(project, first.id)
    assert api.as_("bureau").post(f"/projects/{project.id}/payment-requests/{request.get_json()['id']}/approve",
                                  json={}).status_code == 200
    assert api.as_("bureau").post(f"/projects/{project.id}/payments", json={
        "kind": "milestone", "milestone_id": first.id, "amount": "3000.00",
        "paid_on": app_clock.today().isoformat()}).status_code == 201
    # The deposit comes down with the amount (at most 10 % of it).
    [reason] = refused(lambda: amend(api, project, amount="7999.99", deposit="0.00"), "amount_below_paid")
    assert "8000.00" in reason["message"]
    assert amend(api, project, amount="8000.00", deposit="800.00").status_code == 201


def test_payment_ceilings_follow_the_amended_amount(journey, api, refused):
    project = journey.drive(journey.create(), "in_delivery")
    contract = contract_of(project)
    first = contract.milestones[0]
    lower = contract.amount - Decimal("1000.00")
    assert amend(api, project, amount=f"{lower:.2f}").status_code == 201
    share = (lower * first.percent / 100).quantize(Decimal("0.01"))  # the milestone's share of the new amount
    journey.confirm(project, first.id)
    pay = lambda value: api.as_("bureau").post(f"/projects/{project.id}/payments", json={  # noqa: E731
        "kind": "milestone", "milestone_id": first.id, "amount": f"{value:.2f}",
        "paid_on": app_clock.today().isoformat()})
    [reason] = refused(lambda: pay(share + Decimal("0.01")), "over_payable")
    assert f"{share:.2f}" in reason["message"]
    assert pay(share).status_code == 201
    body = api.as_("bureau").get(f"/projects/{project.id}").get_json()
    assert body["state"] == "in_delivery"


def test_the_term_rule_applies_to_a_new_end(signed, api, refused):
    contract = contract_of(signed)
    start = contract.start_date
    refused(lambda: amend(api, signed, end=start.replace(year=start.year + 1).isoformat()), "term_too_long")
    refused(lambda: amend(api, signed, end=(start - timedelta(days=1)).isoformat()), "end_before_start",
              "milestone_outside_term")
    last_due = max(m.due for m in contract.milestones)
    [reason] = refused(lambda: amend(api, signed, end=(last_due - timedelta(days=1)).isoformat()),
                         "milestone_outside_term")
    assert "完成" in reason["message"]
    assert amend(api, signed, end=(last_due + timedelta(days=10)).isoformat()).status_code == 201


def test_amendments_are_the_bureaus_while_the_contract_runs(journey, signed, api, db_snapshot):
    before = db_snapshot()
    for username in ("community", "reviewer", "provider", "provider2", "evaluator"):
        response = amend(api, signed, username, amount="30100.00")
        assert response.status_code in (403, 404), (username, response.get_json())
    assert db_snapshot() == before
    accepted = journey.drive(journey.create(title="已验收项目"), "accepted")
    response = amend(api, accepted, amount="1000.00")
    assert response.status_code == 409 and response.get_json()["error"] == "invalid_transition"
    malformed = amend(api, signed, amount="-1")
    assert malformed.status_code == 400 and "amount" in malformed.get_json()["fields"]


# ---- termination --------------------------------------------------------------------------------------

def implementer_name(world, project) -> str:
    return next(u for u in ("provider", "provider2", "provider3") if world[u].organisation_id == project.implementer_id)


def test_termination_without_breach(journey, api, world):
    project = journey.drive(journey.create(), "in_delivery")
    response = api.as_("bureau").fire(project, "terminate", reason="服务需求消失，双方协商解除合同")
    assert response.status_code == 200 and response.get_json()["state"] == "cancelled", response.get_json()
    body = api.as_("bureau").get(f"/projects/{project.id}/contract").get_json()
    assert body["termination"]["reason"] == "服务需求消失，双方协商解除合同" and body["termination"]["terminated_at"]
    assert db.session.scalar(db.select(Debarment.id)) is None
    entry = db.session.scalar(db.select(AuditEntry).filter_by(project_id=project.id, action="terminate"))
    assert (entry.from_state, entry.to_state, entry.data["breach"]) == ("in_delivery", "cancelled", False)
    # Nothing more happens to a terminated contract.
    assert publish(api, project).status_code == 409
    assert amend(api, project, amount="1000.00").status_code == 409
    other = journey.drive(journey.create(title="另一个项目"), "tendering")
    bid = api.as_(implementer_name(world, project)).post(f"/projects/{other.id}/bids",
                                                        json={"price": "30000.00", "plan": "方案"})
    assert bid.status_code == 201, bid.get_json()


def test_termination_for_breach_debars_the_implementer(journey, api, world):
    project = journey.drive(journey.create(), "contracted")
    username = implementer_name(world, project)
    response = api.as_("bureau").fire(project, "terminate", reason="承接方擅自将服务转包", breach=True)
    assert response.status_code == 200, response.get_json()
    debarment = db.session.scalar(db.select(Debarment))
    today = app_clock.today()
    assert (debarment.organisation_id, debarment.source, debarment.starts_on) == \
        (project.implementer_id, "breach", today)
    assert debarment.ends_on == today.replace(year=today.year + 3) - timedelta(days=1)
    assert project.code in debarment.reason and "转包" in debarment.reason
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="set_debarment")).data["source"] == "breach"
    other = journey.drive(journey.create(title="另一个项目"), "tendering")
    refused = api.as_(username).post(f"/projects/{other.id}/bids", json={"price": "30000.00", "plan": "方案"})
    assert reason_codes(refused) == ["bidder_debarred"]


def test_termination_needs_a_reason_the_bureau_and_a_contract(journey, api, world, db_snapshot):
    project = journey.drive(journey.create(), "in_delivery")
    before = db_snapshot()
    response = api.as_("bureau").fire(project, "terminate")
    assert response.status_code == 400 and "reason" in response.get_json()["fields"]
    assert api.as_(implementer_name(world, project)).fire(project, "terminate", reason="不想做了").status_code == 403
    assert db_snapshot() == before
    reward = journey.drive(journey.create(title="奖励项目", funding_form="reward"), "delivered")
    assert reason_codes(api.as_("bureau").fire(reward, "terminate", reason="终止")) == ["no_contract"]
    assert "terminate" not in api.as_("bureau").get(f"/projects/{reward.id}").get_json()["available_transitions"]
    assert "terminate" in api.as_("bureau").get(f"/projects/{project.id}").get_json()["available_transitions"]


# ---- the catalogue when a project is cancelled ------------------------------------------------------

def items_of(project):
    return db.session.scalars(db.select(CatalogueItem).filter_by(project_id=project.id)).all()


def test_cancelling_removes_the_item_from_a_draft_catalogue(journey):
    project = journey.drive(journey.create(), "cataloged")
    keep = journey.drive(journey.create(title="保留的项目"), "cataloged")
    catalogue = db.session.scalar(db.select(Catalogue))
    assert catalogue.state == "draft" and len(items_of(project)) == 1
    journey.cancel(project)
    db.session.expire_all()
    assert items_of(project) == [] and len(items_of(keep)) == 1
    assert catalogue.version == 1 and catalogue.amendments == []


def test_cancelling_amends_a_published_catalogue(journey, api):
    project = journey.drive(journey.create(), "cataloged")
    keep = journey.drive(journey.create(title="保留的项目"), "cataloged")
    assert api.as_("bureau").post(f"/catalogues/{project.catalogue_year}/publish").status_code == 200
    catalogue = db.session.scalar(db.select(Catalogue))
    version = catalogue.version
    journey.cancel(project)
    db.session.expire_all()
    [item] = items_of(project)
    assert catalogue.version == version + 1 and item.removed_in_version == catalogue.version
    assert [i.project_id for i in catalogue.current_items] == [keep.id]
    [amendment] = catalogue.amendments
    assert (amendment.version, amendment.project_id) == (catalogue.version, project.id)
    assert amendment.reason == "年度预算调整，本项目暂停实施。"
    audit = db.session.scalar(db.select(AuditEntry).filter_by(action="amend_catalogue"))
    assert audit.data["removed"] is True and audit.data["project_id"] == project.id
    body = api.as_("bureau").get(f"/catalogues/{project.catalogue_year}").get_json()
    assert [a["project_id"] for a in body["amendments"]] == [project.id]
    assert db.session.scalar(db.select(CatalogueAmendment.id).where(CatalogueAmendment.project_id == keep.id)) is None


# ---- the project page ------------------------------------------------------------------------------------

def login(client, username):
    client.post("/logout")
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    return client


def test_the_sign_form_shows_the_new_terms(awarded, client):
    html = login(client, "bureau").get(f"/projects/{awarded.id}").get_data(as_text=True)
    form = html.split('data-testid="action-sign_contract"')[1].split("</details>")[0]
    for name in ("signed_on", "service_content", "quantity_targets", "quality_targets", "deposit",
                 "no_subcontracting"):
        assert f'name="{name}"' in form, name
    assert f'value="{app_clock.today().isoformat()}"' in form


def test_the_page_shows_the_contract_publishes_and_amends(awarded, api, world, client, clock):
    assert sign(api, world, awarded, service_content="每周五天助餐服务", amount="30000.00").status_code == 200
    clock.advance(days=7)
    bureau = login(client, "bureau")
    html = bureau.get(f"/projects/{awarded.id}").get_data(as_text=True)
    section = html.split('data-testid="contract"')[1]
    assert "每周五天助餐服务" in section and "尚未公开" in section and 'data-testid="contract-warning"' in section
    assert 'data-testid="publish-contract-form"' in section and 'data-testid="amend-contract-form"' in section
    assert "30,000.00" in section and "第 1 版" in section

    assert bureau.post(f"/projects/{awarded.id}/contract/publication").status_code == 302
    refused_page = bureau.post(f"/projects/{awarded.id}/contract/amendments", data={"reason": "调整", "amount": "34000"})
    assert refused_page.status_code == 422
    assert "变更后金额累计不得超过" in refused_page.get_data(as_text=True)
    response = bureau.post(f"/projects/{awarded.id}/contract/amendments",
                           data={"reason": "服务对象增加", "amount": "32000.00"})
    assert response.status_code == 302
    section = bureau.get(f"/projects/{awarded.id}").get_data(as_text=True).split('data-testid="contract"')[1]
    assert "已于" in section and 'data-testid="publish-contract-form"' not in section
    assert "第 2 版" in section and "服务对象增加" in section and "30000.00" in section and "32000.00" in section

    implementer = login(client, implementer_name(world, awarded))
    html = implementer.get(f"/projects/{awarded.id}").get_data(as_text=True)
    assert "服务对象增加" in html and 'data-testid="amend-contract-form"' not in html
    assert implementer.post(f"/projects/{awarded.id}/contract/amendments",
                            data={"reason": "x", "amount": "1"}).status_code == 403


def test_the_page_shows_the_termination(journey, api, client):
    project = journey.drive(journey.create(), "in_delivery")
    assert api.as_("bureau").fire(project, "terminate", reason="承接方严重违约", breach=True).status_code == 200
    html = login(client, "bureau").get(f"/projects/{project.id}").get_data(as_text=True)
    section = html.split('data-testid="contract"')[1]
    assert 'data-testid="contract-terminated"' in section and "承接方严重违约" in section
    assert 'data-testid="amend-contract-form"' not in section


# ---- the API's answers fit the OpenAPI document --------------------------------------------------------

def test_contract_answers_fit_the_document(signed, api, clock, doc):  # noqa: F811
    base = "/projects/{project_id}/contract"
    path = f"/projects/{signed.id}/contract"
    body = check(doc, base, "get", api.as_("bureau").get(path), 200)
    assert body["version"] == 1
    clock.advance(days=7)
    body = check(doc, base + "/publication", "post", publish(api, signed), 200)
    assert body["published_at"] and len(body["warnings"]) == 1
    check(doc, base + "/publication", "post", publish(api, signed), 409)
    body = check(doc, base + "/amendments", "post", amend(api, signed, amount="31000.00"), 201)
    assert body["amendments"][0]["changes"] == {"amount": ["30000.00", "31000.00"]}
    check(doc, base + "/amendments", "post", amend(api, signed, amount="99999.00"), 422)
    check(doc, base + "/amendments", "post", amend(api, signed, amount="x"), 400)
    check(doc, base + "/amendments", "post", amend(api, signed, "community", amount="31500.00"), 403)
    check(doc, base + "/amendments", "post", amend(api, signed, "provider3", amount="31500.00"), 404)
    check(doc, "/projects/{project_id}/transitions/terminate", "post",
          api.as_("bureau").fire(signed, "terminate", reason="终止"), 200)
    body = check(doc, base, "get", api.as_("bureau").get(path), 200)
    assert body["termination"]["reason"] == "终止"
    check(doc, base + "/amendments", "post", amend(api, signed, amount="31500.00"), 409)
