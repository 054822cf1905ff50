"""Money is Decimal from the request to the database and back: strings with two decimals in the API,
integer fen in the database, no float anywhere, and input that is not an amount refused."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text
from werkzeug.datastructures import MultiDict

from procure.demo.journey import GRADE_INPUTS
from procure.extensions import db
from procure.formfields import MAX_AMOUNT
from procure.payments.models import Payment
from procure.projects.inputs import BidForm
from procure.projects.models import BudgetLine, Project
from procure.types import to_yuan


# ---- to_yuan and the column type ----------------------------------------------------------------------

@pytest.mark.parametrize("value,expected", [
    ("12345.6", "12345.60"), ("12345.60", "12345.60"), (12345, "12345.00"), (Decimal("0.005"), "0.01"),
    (Decimal("0.004"), "0.00"), ("-0.005", "-0.01"), ("1E+3", "1000.00"), (Decimal("99999999.99"), "99999999.99"),
])
def test_to_yuan_rounds_half_up_to_fen(value, expected):
    result = to_yuan(value)
    assert isinstance(result, Decimal) and str(result) == expected


@pytest.mark.parametrize("value", [0.1, 12345.6, float("nan"), 1.0])
def test_to_yuan_refuses_floats(value):
    with pytest.raises(TypeError):
        to_yuan(value)


def test_the_database_holds_integer_fen(journey):
    project = journey.create(amount="12345.67")
    row = db.session.execute(text("SELECT requested_amount FROM projects WHERE id = :id"), {"id": project.id}).one()
    assert row[0] == 1234567 and isinstance(row[0], int)
    lines = db.session.execute(text("SELECT amount FROM budget_lines WHERE project_id = :id ORDER BY position"),
                               {"id": project.id}).scalars().all()
    assert lines == [740740, 493827] and sum(lines) == 1234567
    db.session.expire_all()
    loaded = db.session.get(Project, project.id)
    assert loaded.requested_amount == Decimal("12345.67") and isinstance(loaded.requested_amount, Decimal)
    assert [line.amount for line in loaded.budget_lines] == [Decimal("7407.40"), Decimal("4938.27")]


def test_a_model_refuses_a_float_amount(journey):
    project = journey.create()
    project.requested_amount = 12345.6
    with pytest.raises(Exception) as caught:
        db.session.flush()
    assert "float" in str(caught.value)
    db.session.rollback()


def test_the_largest_amount_survives_the_round_trip(journey):
    project = journey.create(amount=str(MAX_AMOUNT), budget_lines=[{"item": "全部", "amount": str(MAX_AMOUNT)}])
    db.session.expire_all()
    assert db.session.get(Project, project.id).requested_amount == MAX_AMOUNT


# ---- the API -------------------------------------------------------------------------------------------

def test_api_amounts_are_strings_with_two_decimals(api, world):
    body = api.as_("community").post("/projects", json={
        "title": "金额", "funding_form": "purchase", "requested_amount": "1000",
        "budget_lines": [{"item": "甲", "amount": "999.5"}, {"item": "乙", "amount": "0.50"}]}).get_json()
    assert body["requested_amount"] == "1000.00"
    assert [line["amount"] for line in body["budget_lines"]] == ["999.50", "0.50"]
    assert body["approved_amount"] is None


def test_cents_add_up_exactly(api, journey):
    """0.10 + 0.20 is 0.30 here: in binary floating point it is not."""
    project = journey.create(amount="0.30", budget_lines=[{"item": "甲", "amount": "0.10"},
                                                         {"item": "乙", "amount": "0.20"}])
    response = api.as_("community").fire(project, "publish_notice")
    assert response.status_code == 200, response.get_json()


@pytest.mark.parametrize("amount,field_ok", [
    ("12345.60", True), ("12,345.60", True), ("0", True), (" 7.5 ", True), ("100000000.00", True),
    ("NaN", False), ("nan", False), ("sNaN", False), ("Infinity", False), ("-Infinity", False), ("inf", False),
    ("12.345", False), ("0.001", False), ("-1", False), ("-0.01", False), ("100000000.01", False), ("1e400", False),
    ("abc", False), ("12.3.4", False), ("0x10", False), ("", True),
])
def test_the_money_field(api, world, amount, field_ok):
    response = api.as_("community").post("/projects", json={"title": "金额", "funding_form": "purchase",
                                                            "requested_amount": amount})
    if field_ok:
        assert response.status_code == 201, response.get_json()
    else:
        assert response.status_code == 400 and "requested_amount" in response.get_json()["fields"], amount


@pytest.mark.parametrize("raw", [b'{"title":"t","funding_form":"purchase","requested_amount":NaN}',
                                 b'{"title":"t","funding_form":"purchase","requested_amount":Infinity}',
                                 b'{"title":"t","funding_form":"purchase","requested_amount":1e-7}',
                                 b'{"title":"t","funding_form":"purchase","requested_amount":-5}'])
def test_json_numbers_that_are_no_amount_are_refused(api, world, raw):
    response = api.as_("community").post("/projects", data=raw, content_type="application/json")
    assert response.status_code == 400 and "requested_amount" in response.get_json()["fields"]


def test_a_json_number_with_two_decimals_is_taken_as_written(api, world):
    response = api.as_("community").post("/projects", data=b'{"title":"t","funding_form":"purchase",'
                                                           b'"requested_amount":12345.6}',
                                         content_type="application/json")
    assert response.status_code == 201 and response.get_json()["requested_amount"] == "12345.60"


def test_bid_prices_must_be_positive():
    for price, ok in (("0.01", True), ("0", False), ("0.00", False), ("-3", False)):
        form = BidForm(formdata=MultiDict({"price": price, "plan": "方案"}))
        assert form.validate() is ok, (price, form.errors)
        if ok:
            assert form.price.data == Decimal("0.01")


def test_payments_add_up_to_the_fen(api, journey, world):
    project = journey.drive(journey.create(funding_form="subsidy", amount="100.00",
                                           budget_lines=[{"item": "全部", "amount": "100.00"}]), "in_delivery")
    # The agreement's advance (SUBSIDY_ADVANCE_PERCENT, 50 %) paid in three parts, to the fen.
    for amount in ("16.66", "16.67", "16.67"):
        response = api.as_("bureau").post(f"/projects/{project.id}/payments", json={
            "kind": "advance", "amount": amount, "paid_on": "2026-06-01"})
        assert response.status_code == 201, response.get_json()
    refused = api.as_("bureau").post(f"/projects/{project.id}/payments", json={
        "kind": "advance", "amount": "0.01", "paid_on": "2026-06-01"})
    assert refused.status_code == 422 and refused.get_json()["reasons"][0]["code"] == "over_payable"
    assert "已付 50.00 元，本次最多 0.00 元" in refused.get_json()["reasons"][0]["message"]
    stored = db.session.execute(text("SELECT sum(amount) FROM payments WHERE project_id = :id"),
                                {"id": project.id}).scalar()
    assert int(stored) == 5000
    listed = api.as_("bureau").get(f"/projects/{project.id}/payments").get_json()
    assert [p["amount"] for p in listed] == ["16.66", "16.67", "16.67"]


def test_scores_are_decimal_too(journey):
    project = journey.drive(journey.create(), "accepted")
    scores, satisfied = GRADE_INPUTS["good"]
    journey.evaluate(project, scores=scores, satisfied=satisfied)
    # 决策 80 → 16; 过程 40 + 24 + 30 = 94 → 18.8; 产出 40 + 66.67 × 30 % + 30 = 90.001 → 36.0004;
    # 效益 24 + 16 + 80 × 50 % = 80 → 16: 86.8004 → 86.80
    assert project.score == Decimal("86.80") and project.grade == "good"
    raw = db.session.execute(text("SELECT score FROM projects WHERE id = :id"), {"id": project.id}).scalar()
    assert raw == 8680
    raw = db.session.execute(text("SELECT score FROM leaf_scores WHERE score < 10000 ORDER BY score")).scalars()
    assert set(raw) == {6667, 8000}  # 66.67 (85 % of the planned quality) and 80.00 (4 of 5), in hundredths


def test_payment_amount_is_stored_in_fen(api, journey):
    project = journey.drive(journey.create(funding_form="subsidy"), "in_delivery")
    assert api.as_("bureau").post(f"/projects/{project.id}/payments", json={
        "kind": "advance", "amount": "1234.56", "paid_on": "2026-06-01"}).status_code == 201
    payment = db.session.scalar(db.select(Payment).filter_by(project_id=project.id))
    assert payment.amount == Decimal("1234.56") and payment.paid_on == date(2026, 6, 1)
    raw = db.session.execute(text("SELECT amount FROM payments WHERE id = :id"), {"id": payment.id}).scalar()
    assert raw == 123456


def test_budget_line_amounts_keep_their_fen(journey):
    journey.create(amount="0.03", budget_lines=[{"item": "一分", "amount": "0.01"} for _ in range(3)])
    assert [line.amount for line in db.session.scalars(db.select(BudgetLine))] == [Decimal("0.01")] * 3
