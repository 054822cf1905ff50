"""What the evaluator checks at acceptance, what they saw on site, each rectification round and the
community's confirmation."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from procure import clock
from procure.extensions import db
from procure.types import UTCDateTime, sql_in

ITEM_SOURCES = ("service_content", "quantity", "quality", "milestone", "goal", "custom")
ITEM_RESULTS = ("met", "partly_met", "not_met")
ROUND_OUTCOMES = ("passed", "failed")


class ChecklistItem(db.Model):
    """One thing the contract (or the proposal's goals) promised, and the evaluator's judgement of it."""

    __tablename__ = "acceptance_items"
    __table_args__ = (
        CheckConstraint(f"source IN ({sql_in(ITEM_SOURCES)})", name="source"),
        CheckConstraint(f"result IS NULL OR result IN ({sql_in(ITEM_RESULTS)})", name="result"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(String(24))
    text: Mapped[str] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(String(16))
    finding: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class SiteVisit(db.Model):
    __tablename__ = "site_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    visited_on: Mapped[date] = mapped_column()
    place: Mapped[str] = mapped_column(String(200))
    participants: Mapped[str] = mapped_column(Text, default="")
    observations: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Rectification(db.Model):
    """A rectification round (整改): the evaluator's findings and deadline, the implementer's response,
    and how re-acceptance judged it."""

    __tablename__ = "rectifications"
    __table_args__ = (
        UniqueConstraint("project_id", "round", name="uq_rectifications_project_round"),
        CheckConstraint(f"outcome IS NULL OR outcome IN ({sql_in(ROUND_OUTCOMES)})", name="outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column()  # 1, 2, …
    findings: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date] = mapped_column()
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    response: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str | None] = mapped_column(String(16))
    judged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CommunityConfirmation(db.Model):
    """The community's (and residents' representatives') confirmation that the service was received."""

    __tablename__ = "acceptance_confirmations"
    __table_args__ = (CheckConstraint("residents_present >= 0", name="residents_nonnegative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), unique=True)
    agreed: Mapped[bool] = mapped_column()
    opinion: Mapped[str] = mapped_column(Text)
    residents_present: Mapped[int] = mapped_column(default=0)  # residents' representatives who took part
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
