"""What a contract must contain besides its price and term (issue 14, part 5): the parties' rights and
obligations, liability for breach (违约责任) and dispute resolution, pre-filled from the setting
CONTRACT_DEFAULT_TERMS and kept per contract, in the form, the API and the contract PDF; and the two deposits,
the bid deposit at most 2 % of the budget and the performance deposit at most 10 % of the contract value
(also after an amendment)."""
from datetime import timedelta
from decimal import Decimal

import pytest
from flask import current_app

from procure import clock as app_clock
from procure.extensions import db
from procure.procurement.models import Bid, Contract
from procure.procurement.tenders import Tender

from openapi_check import check
from pdf_text import needs_pdftotext, text_of
from support import valid_input

TERMS = ("rights_obligations", "breach_liability", "dispute_resolution")


def contract_of(project) -> Contract:
    db.session.expire_all()
    return db.session.scalar(db.select(Contract).filter_by(project_id=project.id))


@pytest.fixture
def awarded(journey, clock):
    """An awarded purchase whose challenge period is over: ready to sign."""
    project = journey.drive(journey.create(), "awarded")
    clock.advance(days=14)
    return project


def sign(api, world, project, **overrides):
    db.session.refresh(project)
    data = {**valid_input("sign_contract", project, world), **overrides}
    return api.as_("bureau").fire(project, "sign_contract", **{k: v for k, v in data.items() if v is not None})


# ---- rights and obligations, liability for breach, dispute resolution ------------------------------------

def test_omitted_terms_take_the_default_text_and_each_contract_keeps_its_own(awarded, api, world, doc):
    defaults = current_app.config["CONTRACT_DEFAULT_TERMS"]
    response = sign(api, world, awarded, breach_liability="乙方逾期三日未整改的，甲方可解除合同。")
    assert response.status_code == 200, response.get_json()
    body = check(doc, "/projects/{project_id}/contract", "get", api.as_("bureau").get(f"/projects/{awarded.id}/contract"),
                 200)
    assert body["rights_obligations"] == defaults["rights_obligations"]
    assert body["breach_liability"] == "乙方逾期三日未整改的，甲方可解除合同。"
    assert body["dispute_resolution"] == defaults["dispute_resolution"]
    # A later change of the default leaves the signed contract's text as it was.
    current_app.config["CONTRACT_DEFAULT_TERMS"] = {**defaults, "dispute_resolution": "提交仲裁委员会仲裁。"}
    try:
        assert contract_of(awarded).dispute_resolution == defaults["dispute_resolution"]
    finally:
        current_app.config["CONTRACT_DEFAULT_TERMS"] = defaults


@pytest.mark.parametrize("field", TERMS)
def test_a_blank_term_is_refused_and_changes_nothing(awarded, api, world, field, db_snapshot):
    before = db_snapshot()
    response = sign(api, world, awarded, **{field: "  "})
    assert response.status_code == 400 and field in response.get_json()["fields"], response.get_json()
    assert db_snapshot() == before


def test_the_form_is_prefilled_and_the_page_shows_the_terms(awarded, as_user, world):
    defaults = current_app.config["CONTRACT_DEFAULT_TERMS"]
    bureau = as_user("bureau")
    html = bureau.get(f"/projects/{awarded.id}").get_data(as_text=True)
    for name in TERMS:
        assert f'name="{name}"' in html and defaults[name] in html, name
    db.session.refresh(awarded)
    bid = db.session.scalar(db.select(Bid).filter_by(project_id=awarded.id, status="awarded"))
    start = app_clock.today() + timedelta(days=3)
    data = {"version": awarded.version, "amount": str(bid.price), "start": start.isoformat(),
            "end": (start + timedelta(days=200)).isoformat(),
            "milestones-0-name": "完成", "milestones-0-percent": "100", "milestones-0-due": start.isoformat(),
            "signed_on": app_clock.today().isoformat(), "service_content": "助餐", "quantity_targets": "120人",
            "quality_targets": "满意度90%", "deposit": "0", "no_subcontracting": "y",
            "rights_obligations": defaults["rights_obligations"], "breach_liability": "",
            "dispute_resolution": "向甲方所在地人民法院起诉。"}
    refused = bureau.post(f"/projects/{awarded.id}/fire/sign_contract", data=data)
    assert refused.status_code == 400 and "此项必填" in refused.get_data(as_text=True)
    assert contract_of(awarded) is None
    data["breach_liability"] = "乙方未达质量标准的，按比例扣减服务费。"
    assert bureau.post(f"/projects/{awarded.id}/fire/sign_contract", data=data).status_code == 302
    html = bureau.get(f"/projects/{awarded.id}").get_data(as_text=True)
    terms = html.split('data-testid="contract-terms"')[1].split("</section>")[0]
    assert "乙方未达质量标准的，按比例扣减服务费。" in terms and "向甲方所在地人民法院起诉。" in terms
    assert defaults["rights_obligations"] in terms


def test_a_subsidy_agreement_states_the_terms_too(journey, api, world):
    project = journey.drive(journey.create(funding_form="subsidy"), "contracted")
    contract = contract_of(project)
    defaults = current_app.config["CONTRACT_DEFAULT_TERMS"]
    assert contract.kind == "agreement"
    assert [getattr(contract, name) for name in TERMS] == [defaults[name] for name in TERMS]


@needs_pdftotext
def test_the_contract_pdf_states_the_terms(awarded, api, world, as_user):
    assert sign(api, world, awarded, dispute_resolution="提交杭州仲裁委员会仲裁。").status_code == 200
    response = as_user("bureau").get(f"/projects/{awarded.id}/documents/contract.pdf")
    assert response.status_code == 200
    text = text_of(response.data)
    for expected in ("双方权利和义务", "违约责任", "争议解决方式", "提交杭州仲裁委员会仲裁。", "不予退还履约保证金"):
        assert expected in text, expected


def test_existing_contracts_get_the_default_text_from_the_migration():
    """The migration fills contracts signed before the terms were recorded with the text of the default."""
    from importlib import import_module

    migration = import_module("migrations.versions.0014_contents")
    assert migration.DEFAULT_TERMS == current_app.config["CONTRACT_DEFAULT_TERMS"]


# ---- the deposits -------------------------------------------------------------------------------------

def open_tender(api, world, project, **overrides):
    db.session.refresh(project)
    return api.as_("bureau").fire(project, "open_tender", **{**valid_input("open_tender", project, world),
                                                              **overrides})


def test_the_bid_deposit_is_at_most_two_percent_of_the_budget(journey, api, world, refused, doc):
    project = journey.drive(journey.create(), "cataloged")
    journey.bring_catalogue_into_force(project)
    budget = project.approved_amount
    ceiling = (budget * 2 / 100).quantize(Decimal("0.01"))
    [reason] = refused(lambda: open_tender(api, world, project, bid_deposit=str(ceiling + Decimal("0.01"))),
                       "bid_deposit_too_high")
    assert f"{ceiling:.2f}" in reason["message"] and "2%" in reason["message"]
    assert open_tender(api, world, project, bid_deposit=str(ceiling)).status_code == 200
    tender = check(doc, "/projects/{project_id}/tender", "get", api.as_("provider").get(f"/projects/{project.id}/tender"),
                   200)
    assert tender["bid_deposit"] == f"{ceiling:.2f}"


def test_the_bid_deposit_on_the_pages(journey, as_user, world):
    project = journey.drive(journey.create(), "cataloged")
    journey.bring_catalogue_into_force(project)
    data = {**valid_input("open_tender", project, world)}
    form = {"version": project.version, "method": data["method"],
            "bid_deadline": app_clock.local(app_clock.now() + timedelta(days=12)).strftime("%Y-%m-%dT%H:%M"),
            "requirements": data["requirements"], "price_weight": str(data["price_weight"]),
            "bid_deposit": "5000.00"}
    for i, criterion in enumerate(data["criteria"]):
        form.update({f"criteria-{i}-{key}": str(value) for key, value in criterion.items()})
    bureau = as_user("bureau")
    response = bureau.post(f"/projects/{project.id}/fire/open_tender", data=form)
    assert response.status_code == 422
    assert "投标保证金不得超过采购预算 40000.00 元的 2%（最高 800.00 元）" in response.get_data(as_text=True)
    db.session.refresh(project)
    assert project.state == "cataloged" and db.session.scalar(db.select(Tender).filter_by(project_id=project.id)) is None
    form.update({"bid_deposit": "800.00", "version": project.version})
    assert bureau.post(f"/projects/{project.id}/fire/open_tender", data=form).status_code == 302
    html = bureau.get(f"/projects/{project.id}").get_data(as_text=True)
    assert html.split('data-testid="bid-deposit">')[1].startswith("800.00")


def test_an_amendment_keeps_the_performance_deposit_within_ten_percent(awarded, api, world, refused):
    price = db.session.scalar(db.select(Bid.price).filter_by(project_id=awarded.id, status="awarded"))
    tenth = (price / 10).quantize(Decimal("0.01"))
    assert sign(api, world, awarded, deposit=str(tenth)).status_code == 200
    lower = price - Decimal("1000.00")

    def amend(**body):
        return api.as_("bureau").post(f"/projects/{awarded.id}/contract/amendments", json={"reason": "调整", **body})

    [reason] = refused(lambda: amend(amount=str(lower)), "deposit_too_high")
    assert "10%" in reason["message"]
    refused(lambda: amend(deposit=str(tenth + Decimal("0.01"))), "deposit_too_high")
    response = amend(amount=str(lower), deposit=str((lower / 10).quantize(Decimal("0.01"))))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["amendments"][-1]["changes"]["deposit"] == [f"{tenth:.2f}", f"{lower / 10:.2f}"]
    assert contract_of(awarded).deposit == (lower / 10).quantize(Decimal("0.01"))
