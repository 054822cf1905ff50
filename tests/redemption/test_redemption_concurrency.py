"""Issue 6, acceptance 2: 20 simultaneous redemptions never overdraw a balance and never oversell stock.

Each thread has its own app context and so its own session: either its own logged-in HTTP test client (the
page a resident uses) or a direct call of the operation followed by a commit. SQLite: a writing transaction
takes the write lock at BEGIN (BEGIN IMMEDIATE, waiting up to the busy timeout), so the redemptions queue.
PostgreSQL: the conditional UPDATEs of the item's stock and of the volunteer's balance lock their rows and
re-check their conditions after a concurrent commit, so exactly as many succeed as points and stock allow."""
from decimal import Decimal

import pytest

from conftest import PASSWORD
from procure.accounts.models import User
from procure.audit.models import AuditEntry
from procure.errors import GuardFailed
from procure.extensions import db
from procure.redemption import operations
from procure.redemption.models import Redemption, RewardItem
from procure.volunteers.models import PointEntry, Volunteer

from concurrently import at_once
from test_redemption import make_item, make_volunteer

THREADS = 20
PRICE = 4


def by_operation(app, user_id, item_id):
    def call(barrier):
        barrier.wait(timeout=30)
        with app.app_context():  # its own session
            user = db.session.get(User, user_id)
            item = db.session.get(RewardItem, item_id)
            try:
                operations.redeem(item, user)
                db.session.commit()
                return "redeemed"
            except GuardFailed as refusal:
                db.session.rollback()
                return refusal.reasons[0].code
    return call


def by_page(app, username, item_id):
    def call(barrier):
        client = app.test_client()  # each request in its own app context and session
        assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
        barrier.wait(timeout=30)
        response = client.post(f"/rewards/{item_id}/redeem")
        if response.status_code == 302:
            return "redeemed"
        page = response.get_data(as_text=True)
        assert response.status_code == 422, page
        return "insufficient_points" if "积分不足" in page else "out_of_stock" if "已兑完" in page else page
    return call


def check_books(volunteers, item, stock_before, hours_before):
    """Stock and balances never below zero; each balance is its ledger's sum; the hours did not move."""
    db.session.expire_all()
    assert item.stock == stock_before - 5 >= 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Redemption)) == 5
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "redeem_reward")) == 5
    for volunteer in volunteers:
        entries = db.session.scalars(db.select(PointEntry).filter_by(volunteer_id=volunteer.id)).all()
        assert volunteer.balance >= 0
        assert sum(e.points for e in entries) == volunteer.balance
        assert volunteer.hours_total == hours_before[volunteer.id]
        taken = db.session.scalar(db.select(db.func.coalesce(db.func.sum(Redemption.points), 0))
                                  .filter_by(volunteer_id=volunteer.id))
        assert -sum(e.points for e in entries if e.kind == "redemption") == taken


@pytest.mark.parametrize("mode", ["page", "operation"])
def test_a_balance_for_five_gives_exactly_five(app, world, mode):
    volunteer = make_volunteer(world.community, "resident1", 5 * PRICE + 2, hours=30)
    item = make_item(world.community, price=PRICE, stock=100)
    ids = (volunteer.user_id, item.id)
    call = by_page(app, "resident1", item.id) if mode == "page" else by_operation(app, *ids)
    results = at_once([call] * THREADS)
    assert sorted(results) == ["insufficient_points"] * (THREADS - 5) + ["redeemed"] * 5, results
    check_books([volunteer], item, 100, {volunteer.id: Decimal("30.00")})
    assert volunteer.balance == Decimal("2.00")


@pytest.mark.parametrize("mode", ["page", "operation"])
def test_stock_for_five_gives_exactly_five(app, world, mode):
    volunteers = [make_volunteer(world.community, f"resident{n}", 100 * PRICE, hours=100) for n in range(4)]
    item = make_item(world.community, price=PRICE, stock=5)
    calls = []
    for n in range(THREADS):
        volunteer = volunteers[n % len(volunteers)]
        calls.append(by_page(app, f"resident{n % len(volunteers)}", item.id) if mode == "page"
                     else by_operation(app, volunteer.user_id, item.id))
    results = at_once(calls)
    assert sorted(results) == ["out_of_stock"] * (THREADS - 5) + ["redeemed"] * 5, results
    check_books(volunteers, item, 5, {v.id: Decimal("100.00") for v in volunteers})
    assert sum(100 * PRICE - v.balance for v in volunteers) == 5 * PRICE
    assert db.session.scalar(db.select(db.func.min(Volunteer.balance))) >= 0
