"""What happens during delivery: service records, milestone confirmations and payment requests."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from procure import clock
from procure.extensions import db
from procure.types import Fixed2, Money, UTCDateTime, sql_in

CONFIRMATION_RESULTS = ("met", "partial", "not_met")
# How much of a milestone's percent counts towards progress, by the community's confirmation.
PROGRESS_SHARE = {"met": Decimal(1), "partial": Decimal("0.5"), "not_met": Decimal(0)}
REQUEST_STATES = ("requested", "approved", "refused")


class ServiceRecord(db.Model):
    """One service session the implementer logged: when, where, what, for how many, for how long."""

    __tablename__ = "service_records"
    __table_args__ = (
        CheckConstraint("participants >= 0", name="participants_not_negative"),
        CheckConstraint("hours > 0", name="hours_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id", ondelete="SET NULL"))
    served_on: Mapped[date] = mapped_column()
    place: Mapped[str] = mapped_column(String(200))
    activity: Mapped[str] = mapped_column(Text)
    participants: Mapped[int] = mapped_column()
    hours: Mapped[Decimal] = mapped_column(Fixed2)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class MilestoneConfirmation(db.Model):
    """The community's word on a reported milestone: met, partially met or not met; given once."""

    __tablename__ = "milestone_confirmations"
    __table_args__ = (CheckConstraint(f"result IN ({sql_in(CONFIRMATION_RESULTS)})", name="result"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"), unique=True)
    result: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    confirmed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class PaymentRequest(db.Model):
    """The implementer asks to be paid for a milestone; the bureau approves (a payment is recorded) or refuses."""

    __tablename__ = "payment_requests"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(f"state IN ({sql_in(REQUEST_STATES)})", name="state"),
        CheckConstraint("(state = 'requested') = (decided_at IS NULL)", name="decided_when_not_requested"),
        Index("ix_payment_requests_state", "state", "project_id"),  # the requests waiting for the bureau
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    note: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    state: Mapped[str] = mapped_column(String(16), default="requested")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
