"""A community's redemption catalogue and the redemptions made from it. Stock and the volunteer's balance are
both taken with conditional UPDATEs and guarded by CHECKs: never oversold, never overdrawn."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from procure import clock
from procure.extensions import db
from procure.types import UTCDateTime


class RewardItem(db.Model):
    __tablename__ = "reward_items"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_nonnegative"),
        CheckConstraint("points_price > 0", name="price_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16), default="item")  # item | service
    points_price: Mapped[int] = mapped_column()  # whole points
    stock: Mapped[int] = mapped_column()
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class Redemption(db.Model):
    """Final: there is no undo (a mistake is put right by the community with a correction entry)."""

    __tablename__ = "redemptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("reward_items.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    points: Mapped[int] = mapped_column()
    redeemed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    item: Mapped[RewardItem] = relationship()


class RedemptionIsFinal(Exception):
    """Code tried to change or delete a redemption: no route may (DOMAIN.md: redemptions are final)."""


@event.listens_for(Redemption, "before_update")
def _never_changed(mapper, connection, target):
    if object_session(target).is_modified(target, include_collections=False):
        raise RedemptionIsFinal(f"redemption {target.id} is final")


@event.listens_for(Redemption, "before_delete")
def _never_deleted(mapper, connection, target):
    raise RedemptionIsFinal(f"redemption {target.id} is final")
