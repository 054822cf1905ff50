"""The only code that changes a community's redemption catalogue and makes redemptions: check, change, audit;
flush but never commit.

A redemption is final and happens in one transaction: one unit of stock is taken with a conditional UPDATE
(never below zero), the redemption row is written, the points are taken through the ledger (never below zero)
and the audit row is added. If the points do not cover the price the refusal is raised after the stock was
taken: the caller rolls the whole transaction back, stock included."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from procure import clock
from procure.accounts.models import Organisation, Role
from procure.audit.log import record
from procure.errors import Forbidden, GuardFailed, NotFound, Reason
from procure.extensions import db
from procure.lifecycle import validated
from procure.redemption.inputs import ItemForm, NewItemForm, RestockForm
from procure.redemption.models import Redemption, RewardItem
from procure.volunteers import ledger
from procure.volunteers.models import Volunteer
from procure.volunteers.operations import volunteer_of

LIST_LIMIT = 50  # redemptions shown on the catalogue page


# ---- who sees what -------------------------------------------------------------------------------------------

def may_see(user, community_id) -> bool:
    """A community's catalogue is seen by its staff and its residents; nobody else (deny by default)."""
    return (user.is_authenticated and user.role in (Role.community, Role.resident)
            and user.organisation_id == community_id)


def is_staff(user, community_id) -> bool:
    return user.is_authenticated and user.role == Role.community and user.organisation_id == community_id


def get_community(user, community_id) -> Organisation:
    """The community whose catalogue `user` may see; NotFound otherwise (never a hint that it exists)."""
    community = db.session.get(Organisation, community_id) if isinstance(community_id, int) else None
    if community is None or community.kind != "community" or not may_see(user, community.id):
        raise NotFound()
    return community


def get_item(user, item_id) -> RewardItem:
    """An item of a catalogue `user` may see (inactive ones too: a refusal then says why)."""
    item = db.session.get(RewardItem, item_id) if isinstance(item_id, int) else None
    if item is None or not may_see(user, item.community_id):
        raise NotFound()
    return item


def items_of(community_id, *, with_inactive: bool) -> list[RewardItem]:
    query = select(RewardItem).filter_by(community_id=community_id)
    if not with_inactive:
        query = query.filter_by(active=True)
    return db.session.scalars(query.order_by(RewardItem.active.desc(), RewardItem.points_price,
                                             RewardItem.id)).all()


def community_redemptions(community_id, limit=LIST_LIMIT) -> list[dict]:
    """The community's latest redemptions for its staff, who hand the items over (one query)."""
    rows = db.session.execute(
        select(Redemption.id, Redemption.redeemed_at, Redemption.points, RewardItem.name, Volunteer.real_name)
        .join(RewardItem, RewardItem.id == Redemption.item_id)
        .join(Volunteer, Volunteer.id == Redemption.volunteer_id)
        .where(RewardItem.community_id == community_id)
        .order_by(Redemption.redeemed_at.desc(), Redemption.id.desc()).limit(limit)).all()
    return [{"id": rid, "at": at, "points": points, "item": item, "volunteer": name}
            for rid, at, points, item, name in rows]


def volunteer_redemptions(volunteer, limit=LIST_LIMIT) -> list[dict]:
    rows = db.session.execute(
        select(Redemption.id, Redemption.redeemed_at, Redemption.points, RewardItem.name)
        .join(RewardItem, RewardItem.id == Redemption.item_id)
        .where(Redemption.volunteer_id == volunteer.id)
        .order_by(Redemption.redeemed_at.desc(), Redemption.id.desc()).limit(limit)).all()
    return [{"id": rid, "at": at, "points": points, "item": item} for rid, at, points, item in rows]


# ---- the catalogue (community staff) -----------------------------------------------------------------------

def _require_staff(user, community_id):
    if not is_staff(user, community_id):
        raise Forbidden()


def _item_data(item) -> dict:
    return {"item_id": item.id, "community_id": item.community_id, "name": item.name, "kind": item.kind,
            "points_price": item.points_price, "stock": item.stock, "active": item.active}


def add_item(community, user, formdata) -> RewardItem:
    _require_staff(user, community.id)
    data = validated(NewItemForm, formdata)
    item = RewardItem(community_id=community.id, name=data["name"].strip(), description=data["description"] or "",
                      kind=data["kind"], points_price=data["points_price"], stock=data["stock"],
                      active=data["active"], created_at=clock.now())
    db.session.add(item)
    db.session.flush()
    record(None, user, "add_reward_item", data=_item_data(item))
    db.session.flush()
    return item


def update_item(item, user, formdata) -> RewardItem:
    """Name, description, kind, price and whether it is on offer; the stock moves only by restocking and
    redeeming, so an edit never overwrites what a redemption took meanwhile."""
    _require_staff(user, item.community_id)
    data = validated(ItemForm, formdata)
    before = _item_data(item)
    item.name, item.description = data["name"].strip(), data["description"] or ""
    item.kind, item.points_price, item.active = data["kind"], data["points_price"], data["active"]
    db.session.flush()
    record(None, user, "update_reward_item", data={**_item_data(item), "before": before})
    db.session.flush()
    return item


def restock(item, user, formdata) -> RewardItem:
    _require_staff(user, item.community_id)
    quantity = validated(RestockForm, formdata)["quantity"]
    db.session.execute(update(RewardItem).where(RewardItem.id == item.id)
                       .values(stock=RewardItem.stock + quantity).execution_options(synchronize_session=False))
    db.session.flush()
    db.session.expire(item, ["stock"])
    record(None, user, "restock_reward_item", data={"item_id": item.id, "community_id": item.community_id,
                                                   "quantity": quantity, "stock": item.stock})
    db.session.flush()
    return item


# ---- redeeming (residents) ----------------------------------------------------------------------------------

def _not_a_volunteer():
    return Reason("not_a_volunteer", _l("您尚未登记为志愿者，不能兑换"))


def _inactive():
    return Reason("item_inactive", _l("该物品已下架，不能兑换"))


def _out_of_stock():
    return Reason("out_of_stock", _l("已兑完"))


def _insufficient(price, balance):
    return Reason("insufficient_points", _l("积分不足：兑换需 %(price)s 积分，当前可用 %(balance)s 积分"),
                  price=price, balance=balance)


def redeem(item, user, formdata=None) -> Redemption:
    """A resident redeems one unit of an item of their own community's catalogue (nothing to fill in: the price
    is the item's). Final: there is no undo."""
    if user.role != Role.resident:
        raise Forbidden()
    volunteer = volunteer_of(user)
    if volunteer is None:
        raise GuardFailed([_not_a_volunteer()])
    if item.community_id != volunteer.community_id:
        raise NotFound()
    reasons = []  # the reasons visible now; the UPDATEs below decide under concurrent requests
    if not item.active:
        reasons.append(_inactive())
    elif item.stock < 1:
        reasons.append(_out_of_stock())
    if volunteer.balance < item.points_price:
        reasons.append(_insufficient(item.points_price, volunteer.balance))
    if reasons:
        raise GuardFailed(reasons)
    # One unit of stock, at the price the item has at this moment (the row is locked until the commit).
    price = db.session.execute(
        update(RewardItem).where(RewardItem.id == item.id, RewardItem.community_id == volunteer.community_id,
                                 RewardItem.active.is_(True), RewardItem.stock >= 1)
        .values(stock=RewardItem.stock - 1).returning(RewardItem.points_price)
        .execution_options(synchronize_session=False)).scalar_one_or_none()
    db.session.expire(item, ["stock", "active", "points_price"])
    if price is None:
        raise GuardFailed([_out_of_stock() if item.active else _inactive()])
    redemption = Redemption(item_id=item.id, volunteer_id=volunteer.id, points=price, redeemed_at=clock.now())
    db.session.add(redemption)
    db.session.flush()
    try:
        entry = ledger.append(volunteer, "redemption", points=-Decimal(price), user=user, note=item.name,
                              redemption_id=redemption.id)
    except ledger.Overdrawn:
        # Raised with the stock already taken: the caller's rollback puts it back.
        db.session.refresh(volunteer, ["balance"])
        raise GuardFailed([_insufficient(price, volunteer.balance)]) from None
    if entry.hours != 0:  # spending never lowers the recorded hours
        raise AssertionError("a redemption entry carries hours")
    record(None, user, "redeem_reward", data={"redemption_id": redemption.id, "item_id": item.id,
                                             "community_id": item.community_id, "volunteer_id": volunteer.id,
                                             "points": price})
    db.session.flush()
    return redemption
