"""The redemption catalogue: community staff keep their community's items; a resident redeems from their own
community only, never beyond their points or the stock; a redemption is final and never lowers the hours."""
from decimal import Decimal

import pytest

from conftest import PASSWORD
from procure.accounts.models import User
from procure.accounts.passwords import hash_password
from procure.audit.models import AuditEntry
from procure.errors import GuardFailed
from procure.extensions import db
from procure.redemption import operations
from procure.redemption.models import Redemption, RewardItem
from procure.volunteers import ledger
from procure.volunteers.models import PointEntry, Volunteer


def make_volunteer(community, username, points, hours=None, **fields) -> Volunteer:
    user = User(username=username, role="resident", organisation_id=community.id, display_name=username,
                password_hash=hash_password(PASSWORD))
    db.session.add(user)
    db.session.flush()
    number = f"{330102199001010000 + user.id}"
    volunteer = Volunteer(user_id=user.id, community_id=community.id, real_name=fields.pop("real_name", "张三"),
                          id_number=fields.pop("id_number", number), phone=fields.pop("phone", "13900000000"),
                          **fields)
    db.session.add(volunteer)
    db.session.flush()
    if points:
        ledger.append(volunteer, "service", hours=Decimal(hours if hours is not None else points),
                      points=Decimal(points))
    db.session.commit()
    return volunteer


def make_item(community, price=3, stock=5, active=True, name="环保购物袋") -> RewardItem:
    item = RewardItem(community_id=community.id, name=name, description="", kind="item", points_price=price,
                      stock=stock, active=active)
    db.session.add(item)
    db.session.commit()
    return item


def log_in(client, username):
    client.post("/logout")
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def ledger_of(volunteer) -> list[PointEntry]:
    return db.session.scalars(db.select(PointEntry).filter_by(volunteer_id=volunteer.id).order_by(PointEntry.id)).all()


@pytest.fixture
def resident(world):
    return make_volunteer(world.community, "resident1", 10)


def test_a_redemption_takes_points_and_stock_and_is_written_down(client, world, resident):
    item = make_item(world.community, price=3, stock=2)
    log_in(client, "resident1")
    page = text(client.get(f"/communities/{world.community.id}/rewards"))
    assert "环保购物袋" in page and 'data-testid="balance">10.00<' in page
    response = client.post(f"/rewards/{item.id}/redeem")
    assert response.status_code == 302
    db.session.expire_all()
    assert (resident.balance, resident.hours_total) == (Decimal("7.00"), Decimal("10.00"))  # hours stay
    assert item.stock == 1
    redemption = db.session.scalar(db.select(Redemption))
    assert (redemption.item_id, redemption.volunteer_id, redemption.points) == (item.id, resident.id, 3)
    entries = ledger_of(resident)
    assert [(e.kind, e.points, e.hours, e.redemption_id) for e in entries][-1] == (
        "redemption", Decimal("-3.00"), Decimal("0.00"), redemption.id)
    assert sum(e.points for e in entries) == resident.balance
    audit = db.session.scalar(db.select(AuditEntry).filter_by(action="redeem_reward"))
    assert audit.data["redemption_id"] == redemption.id and audit.data["points"] == 3
    page = text(client.get(response.headers["Location"]))
    assert "兑换成功" in page and 'data-testid="balance">7.00<' in page
    assert "我的兑换记录" in page and page.count("环保购物袋") >= 2


@pytest.mark.parametrize("price,stock,active,message", [
    (11, 5, True, "积分不足"), (3, 0, True, "已兑完"), (3, 5, False, "已下架")])
def test_refused_redemptions_say_why_and_change_nothing(client, world, resident, db_snapshot, price, stock, active,
                                                         message):
    item = make_item(world.community, price=price, stock=stock, active=active)
    log_in(client, "resident1")
    before = db_snapshot()
    response = client.post(f"/rewards/{item.id}/redeem")
    assert response.status_code == 422
    assert message in text(response)
    assert db_snapshot() == before


def test_an_item_of_another_community_cannot_be_redeemed(client, world, resident, db_snapshot):
    other = make_item(world.community_b, price=1, stock=5)
    log_in(client, "resident1")
    before = db_snapshot()
    assert client.post(f"/rewards/{other.id}/redeem").status_code == 404
    assert client.get(f"/communities/{world.community_b.id}/rewards").status_code == 404
    assert db_snapshot() == before


def test_points_gone_meanwhile_roll_the_stock_back(world, resident):
    """The balance the page saw is gone at the moment of the ledger's UPDATE (another redemption took it):
    the refusal comes after the stock was taken, and the rollback puts the stock back."""
    item = make_item(world.community, price=3, stock=2)
    user = db.session.get(User, resident.user_id)
    resident = operations.volunteer_of(user)
    assert resident.balance == Decimal("10.00")  # what the operation will see before its UPDATEs
    db.session.execute(db.update(Volunteer).where(Volunteer.id == resident.id).values(balance=Decimal("1.00"))
                       .execution_options(synchronize_session=False))
    with pytest.raises(GuardFailed) as refused:
        operations.redeem(item, user)
    assert [r.code for r in refused.value.reasons] == ["insufficient_points"]
    db.session.rollback()
    db.session.expire_all()
    assert item.stock == 2 and resident.balance == Decimal("10.00")
    assert db.session.scalar(db.select(db.func.count()).select_from(Redemption)) == 0
    assert [e.kind for e in ledger_of(resident)] == ["service"]


def test_stock_gone_meanwhile_is_refused(world, resident):
    item = make_item(world.community, price=3, stock=1)
    user = db.session.get(User, resident.user_id)
    assert item.stock == 1
    db.session.execute(db.update(RewardItem).where(RewardItem.id == item.id).values(stock=0)
                       .execution_options(synchronize_session=False))
    with pytest.raises(GuardFailed) as refused:
        operations.redeem(item, user)
    assert [r.code for r in refused.value.reasons] == ["out_of_stock"]
    db.session.rollback()
    db.session.expire_all()
    assert resident.balance == Decimal("10.00")


def test_a_resident_who_is_not_a_volunteer_is_told_so(client, world, db_snapshot):
    db.session.add(User(username="neighbour", role="resident", organisation_id=world.community.id,
                        display_name="邻居", password_hash=hash_password(PASSWORD)))
    db.session.commit()
    item = make_item(world.community)
    log_in(client, "neighbour")
    assert "尚未登记为志愿者" in text(client.get(f"/communities/{world.community.id}/rewards"))
    before = db_snapshot()
    response = client.post(f"/rewards/{item.id}/redeem")
    assert response.status_code == 422 and "尚未登记为志愿者" in text(response)
    assert db_snapshot() == before


def test_residents_see_only_what_is_on_offer(client, world, resident):
    make_item(world.community, name="雨伞")
    make_item(world.community, name="已停用的台灯", active=False)
    log_in(client, "resident1")
    page = text(client.get("/rewards", follow_redirects=True))
    assert "雨伞" in page and "已停用的台灯" not in page
    assert "添加兑换物品" not in page and "补充库存" not in page
    assert 'href="/rewards"' in page  # in the resident's navigation


def test_community_staff_keep_the_catalogue(client, world):
    log_in(client, "community")
    url = f"/communities/{world.community.id}/rewards"
    response = client.post(url, data={"name": "理发服务", "description": "社区理发室", "kind": "service",
                                      "points_price": "20", "stock": "3", "active": "y"})
    assert response.status_code == 302
    item = db.session.scalar(db.select(RewardItem))
    assert (item.name, item.kind, item.points_price, item.stock, item.active, item.community_id) == (
        "理发服务", "service", 20, 3, True, world.community.id)
    assert client.post(f"/rewards/{item.id}/edit", data={"name": "理发", "kind": "service",
                                                         "points_price": "15"}).status_code == 302
    assert client.post(f"/rewards/{item.id}/restock", data={"quantity": "7"}).status_code == 302
    db.session.expire_all()
    assert (item.name, item.points_price, item.stock, item.active) == ("理发", 15, 10, False)  # unticked: off
    actions = db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["add_reward_item", "update_reward_item", "restock_reward_item"]
    page = text(client.get(url))
    assert "理发" in page and "已下架" in page and 'data-testid="stock">10<' in page


@pytest.mark.parametrize("data,field", [
    ({"name": "伞", "kind": "item", "points_price": "0", "stock": "1"}, "所需积分"),
    ({"name": "伞", "kind": "item", "points_price": "2.5", "stock": "1"}, "所需积分"),
    ({"name": "伞", "kind": "item", "points_price": "2", "stock": "-1"}, "库存"),
    ({"name": "", "kind": "item", "points_price": "2", "stock": "1"}, "此项必填"),
    ({"name": "伞", "kind": "gift", "points_price": "2", "stock": "1"}, "类型"),
])
def test_bad_item_input_shows_field_errors(client, world, db_snapshot, data, field):
    log_in(client, "community")
    before = db_snapshot()
    response = client.post(f"/communities/{world.community.id}/rewards", data=data)
    assert response.status_code == 400 and field in text(response) and "field-error" in text(response)
    assert db_snapshot() == before


def test_only_the_communitys_staff_manage_its_items(client, world, resident, db_snapshot):
    item = make_item(world.community)
    url = f"/communities/{world.community.id}/rewards"
    new = {"name": "伞", "kind": "item", "points_price": "2", "stock": "1", "active": "y"}
    before = db_snapshot()
    log_in(client, "resident1")
    assert client.post(url, data=new).status_code == 403
    assert client.post(f"/rewards/{item.id}/edit", data={**new, "points_price": "1"}).status_code == 403
    assert client.post(f"/rewards/{item.id}/restock", data={"quantity": "5"}).status_code == 403
    log_in(client, "community")
    assert client.post(f"/rewards/{item.id}/redeem").status_code == 403  # staff do not redeem
    for username in ("community_b", "bureau", "admin", "provider", "evaluator", "reviewer"):
        log_in(client, username)
        assert client.get(url).status_code == 404, username
        assert client.post(url, data=new).status_code == 404, username
        assert client.post(f"/rewards/{item.id}/restock", data={"quantity": "5"}).status_code == 404, username
        assert client.post(f"/rewards/{item.id}/redeem").status_code == 404, username
        assert client.get(f"/rewards?community={world.community.id}").status_code == 404, username
        if username != "community_b":
            assert client.get("/rewards").status_code == 404, username
    client.post("/logout")
    assert client.get(url).status_code == 302  # to the login page
    assert db_snapshot() == before


def test_staff_see_who_redeemed_what(client, world, resident):
    item = make_item(world.community, name="保温杯")
    log_in(client, "resident1")
    assert client.post(f"/rewards/{item.id}/redeem").status_code == 302
    log_in(client, "community")
    assert client.get("/rewards").headers["Location"].endswith(f"/communities/{world.community.id}/rewards")
    page = text(client.get(f"/communities/{world.community.id}/rewards"))
    assert "最近的兑换" in page and "张三" in page and "保温杯" in page
