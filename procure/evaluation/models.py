"""Firms' conflict-of-interest declarations and payments."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure import clock
from procure.accounts.models import Organisation
from procure.extensions import db
from procure.types import Money, UTCDateTime


class ConflictDeclaration(db.Model):
    """A firm's declaration for a project: asked for when the firm is drawn (or picked), then declared as
    a typed conflict or none. A conflict declared after acceptance began is `late` and recuses the firm."""

    __tablename__ = "conflict_declarations"
    __table_args__ = (UniqueConstraint("project_id", "evaluator_org_id", name="uq_conflict_project_firm"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    evaluator_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    has_conflict: Mapped[bool | None] = mapped_column()
    conflict_type: Mapped[str | None] = mapped_column(String(32))  # procure.evaluators.models.CONFLICT_TYPES
    statement: Mapped[str | None] = mapped_column(Text)
    late: Mapped[bool] = mapped_column(default=False)
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    evaluator_org: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def cleared(self) -> bool:
        return self.declared_at is not None and self.has_conflict is False


class Payment(db.Model):
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("kind IN ('instalment', 'final')", name="kind"),
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
