"""Payments made on a project's contract or agreement, or a reward."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from procure import clock
from procure.extensions import db
from procure.types import Money, UTCDateTime, sql_in

# What a payment pays (procure.payments.schedule): a contract's or agreement's advance, a contract's
# milestone, an agreement's share due on acceptance, the final instalment by grade, a reward by grade.
PAYMENT_KINDS = ("advance", "milestone", "acceptance", "final", "reward")
# Recorded before payments followed the schedule, and never again: an instalment that named no milestone.
LEGACY_KINDS = ("instalment",)
# Kinds that name no milestone (a final instalment names the contract's last one, if it has milestones).
WITHOUT_MILESTONE = ("advance", "acceptance", "reward")


class Payment(db.Model):
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(f"kind IN ({sql_in(PAYMENT_KINDS + LEGACY_KINDS)})", name="kind"),
        CheckConstraint("kind <> 'milestone' OR milestone_id IS NOT NULL", name="milestone_named"),
        CheckConstraint(f"kind NOT IN ({sql_in(WITHOUT_MILESTONE)}) OR milestone_id IS NULL",
                        name="no_milestone_named"),
        Index("ix_payments_paid_on", "paid_on", "id"),  # the public payments table's order
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id"))
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(Money)
    paid_on: Mapped[date] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
