"""Redemptions are final (DOMAIN.md): once made, no route of the pages or the API undoes, edits or deletes one,
the points it took cannot be spent again, and the model refuses any change to it."""
from decimal import Decimal

import pytest
from werkzeug.routing import IntegerConverter

from procure.accounts.models import ApiToken, User
from procure.extensions import db
from procure.redemption.models import Redemption, RedemptionIsFinal
from procure.volunteers.models import PointEntry, Volunteer

from test_redemption import ledger_of, log_in, make_item, make_volunteer, text

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
NOT_SWEPT = {"/logout", "/login", "/rewards/<int:item_id>/redeem"}  # the session itself; a new redemption


@pytest.fixture
def redeemed(client, world):
    """resident1 with 5 points has redeemed one item at 3 through the page: (volunteer, item, redemption)."""
    volunteer = make_volunteer(world.community, "resident1", 5)
    item = make_item(world.community, price=3, stock=5)
    log_in(client, "resident1")
    assert client.post(f"/rewards/{item.id}/redeem").status_code == 302
    db.session.expire_all()
    return volunteer, item, db.session.scalar(db.select(Redemption))


def state_of(volunteer) -> dict:
    """What a redemption decided: its row, the volunteer's ledger and sums."""
    db.session.expire_all()
    volunteer = db.session.get(Volunteer, volunteer.id)
    return {"redemptions": [(r.id, r.item_id, r.volunteer_id, r.points, r.redeemed_at)
                            for r in db.session.scalars(db.select(Redemption).order_by(Redemption.id))],
            "ledger": [(e.id, e.kind, e.points, e.hours, e.redemption_id) for e in ledger_of(volunteer)],
            "sums": (volunteer.balance, volunteer.hours_total)}


def test_the_points_spent_cannot_be_spent_again(client, world, redeemed, refused):
    volunteer, item, redemption = redeemed
    assert state_of(volunteer)["sums"] == (Decimal("2.00"), Decimal("5.00"))
    before = state_of(volunteer)
    response = client.post(f"/rewards/{item.id}/redeem")  # the form sent again
    assert response.status_code == 422 and "积分不足" in text(response)
    assert state_of(volunteer) == before
    assert db.session.scalar(db.select(PointEntry.points).filter_by(redemption_id=redemption.id)) == Decimal("-3.00")


def test_editing_deactivating_and_restocking_the_item_leave_the_redemption_as_made(client, world, redeemed):
    volunteer, item, redemption = redeemed
    before = state_of(volunteer)
    log_in(client, "community")
    assert client.post(f"/rewards/{item.id}/edit", data={"name": "改名的购物袋", "kind": "item",
                                                         "points_price": "1"}).status_code == 302  # and off sale
    assert client.post(f"/rewards/{item.id}/restock", data={"quantity": "1"}).status_code == 302
    assert state_of(volunteer) == before
    assert "改名的购物袋" in text(client.get(f"/communities/{world.community.id}/rewards"))


def _url(rule, ids: dict) -> str:
    values = {name: ids.get(name, 1) if isinstance(rule._converters[name], IntegerConverter) else "undo"
              for name in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def test_no_route_of_the_pages_or_the_api_undoes_edits_or_deletes_it(app, client, world, redeemed):
    """Every write route of the app, pages and API, with each method it takes, as the resident who redeemed and
    as the community's staff, with the ids of the redemption, its item, the volunteer and the community: the
    redemption, the ledger and the sums stay as they were, and nothing fails with a 500."""
    volunteer, item, redemption = redeemed
    before = state_of(volunteer)
    ids = {"item_id": item.id, "community_id": world.community.id, "org_id": world.community.id,
           "volunteer_id": volunteer.id, "redemption_id": redemption.id}
    rules = [r for r in app.url_map.iter_rules() if r.methods & WRITE_METHODS and r.rule not in NOT_SWEPT]
    assert len(rules) > 50
    resident = db.session.get(User, volunteer.user_id)
    tried = 0
    for username, user in (("resident1", resident), ("community", world["community"])):
        token = ApiToken.issue(user, 12)
        db.session.commit()
        log_in(client, username)
        for rule in rules:
            url = _url(rule, ids)
            for method in sorted(rule.methods & WRITE_METHODS):
                if url.startswith("/api/"):
                    response = client.open(url, method=method, json={}, headers={"Authorization": f"Bearer {token}"})
                else:
                    response = client.open(url, method=method, data={})
                assert response.status_code < 500, (username, method, url, response.status_code)
                tried += 1
        assert state_of(volunteer) == before, username
    assert tried > 100
    # The API shows the redemption as made, and takes no other method on the volunteer's summary.
    token = ApiToken.issue(resident, 12)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get("/api/v1/me/volunteer", headers=headers).get_json()
    assert [(r["id"], r["points"]) for r in body["redemptions"]] == [(redemption.id, "3.00")]
    for method in ("DELETE", "PUT", "PATCH", "POST"):
        assert client.open("/api/v1/me/volunteer", method=method, headers=headers).status_code == 405
    assert state_of(volunteer) == before


def test_the_model_refuses_to_change_or_delete_a_redemption(redeemed):
    volunteer, _item, redemption = redeemed
    before = state_of(volunteer)
    redemption = db.session.get(Redemption, redemption.id)
    redemption.points = 0
    with pytest.raises(RedemptionIsFinal):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(Redemption, redemption.id))
    with pytest.raises(RedemptionIsFinal):
        db.session.flush()
    db.session.rollback()
    assert state_of(volunteer) == before
