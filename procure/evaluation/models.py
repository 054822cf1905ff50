"""Conflict-of-interest declarations, indicator scores and payments."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure import clock
from procure.accounts.models import Organisation
from procure.extensions import db
from procure.types import Fixed2, Money, UTCDateTime


class ConflictDeclaration(db.Model):
    """The bureau asks an evaluation firm to declare; the firm declares a conflict or none."""

    __tablename__ = "conflict_declarations"
    __table_args__ = (UniqueConstraint("project_id", "evaluator_org_id", name="uq_conflict_project_firm"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    evaluator_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    has_conflict: Mapped[bool | None] = mapped_column()
    statement: Mapped[str | None] = mapped_column(Text)
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    evaluator_org: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def cleared(self) -> bool:
        return self.declared_at is not None and self.has_conflict is False


class IndicatorScore(db.Model):
    __tablename__ = "indicator_scores"
    __table_args__ = (
        UniqueConstraint("project_id", "indicator", name="uq_score_project_indicator"),
        CheckConstraint("score >= 0 AND score <= 10000", name="score_range"),  # in hundredths
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    indicator: Mapped[str] = mapped_column(String(32))
    score: Mapped[Decimal] = mapped_column(Fixed2)
    scored_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


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
