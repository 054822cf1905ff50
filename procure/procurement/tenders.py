"""A tender notice (采购公告) and its bid evaluation: the published criteria, the panel, each member's scores."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure import clock
from procure.accounts.models import User
from procure.extensions import db
from procure.types import Fixed2, Money, UTCDateTime


class Tender(db.Model):
    """What the bureau publishes when it opens procurement, besides the method and deadline kept on the
    project; and when the award notice (中标/成交公告) went out."""

    __tablename__ = "tenders"
    __table_args__ = (CheckConstraint("price_weight >= 0 AND price_weight <= 100", name="price_weight_range"),
                      CheckConstraint("bid_deposit >= 0", name="bid_deposit_nonnegative"),
                      Index("ix_tenders_award_notice", "award_notice_at", "project_id"))  # latest awards

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), unique=True)
    requirements: Mapped[str] = mapped_column(Text, default="")
    price_weight: Mapped[int] = mapped_column(default=10)  # points of 100 given to price
    bid_deposit: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))  # 投标保证金, ≤ 2 % of the budget
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    award_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    award_notice_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    criteria: Mapped[list["TenderCriterion"]] = relationship(
        order_by="TenderCriterion.position", cascade="all, delete-orphan", back_populates="tender")


class TenderCriterion(db.Model):
    """One published technical scoring criterion and the most points it can give."""

    __tablename__ = "tender_criteria"
    __table_args__ = (CheckConstraint("max_points > 0", name="max_points_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    max_points: Mapped[int] = mapped_column()

    tender: Mapped[Tender] = relationship(back_populates="criteria")


class PanelMember(db.Model):
    """An evaluator on a tender's bid evaluation panel; recused when linked to a bidder."""

    __tablename__ = "panel_members"
    __table_args__ = (
        UniqueConstraint("project_id", "user_id", name="uq_panel_members_project_user"),
        CheckConstraint("(recused_at IS NULL) = (recusal_reason IS NULL)", name="recusal_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    appointed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    appointed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recusal_reason: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    @property
    def active(self) -> bool:
        return self.recused_at is None


class BidScore(db.Model):
    """A panel member's points for one bid on one criterion."""

    __tablename__ = "bid_scores"
    __table_args__ = (
        UniqueConstraint("member_id", "bid_id", "criterion_id", name="uq_bid_scores_member_bid_criterion"),
        CheckConstraint("points >= 0", name="points_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_members.id", ondelete="CASCADE"), index=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("tender_criteria.id", ondelete="CASCADE"))
    points: Mapped[Decimal] = mapped_column(Fixed2)
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
