"""The evaluation-firm register, firms' past engagements, the draws that assign a firm to a project,
and the conflict-of-interest declarations of firms and of their evaluators."""
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure import clock
from procure.accounts.models import Organisation
from procure.extensions import db
from procure.types import UTCDateTime, sql_in

CONFLICT_TYPES = ("financial", "personal", "institutional", "previous_engagement", "other")
DRAW_METHODS = ("random", "manual")


class EvaluatorProfile(db.Model):
    """What the register holds about an evaluation firm (an organisation of kind `evaluator`)."""

    __tablename__ = "evaluator_profiles"
    __table_args__ = (CheckConstraint("staff_count >= 0", name="staff_nonnegative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), unique=True)
    accreditation: Mapped[str] = mapped_column(String(200), default="")  # e.g. 社会组织评估资质 / 5A
    accredited_until: Mapped[date | None] = mapped_column()  # None: no expiry recorded
    specialties: Mapped[list] = mapped_column(JSON, default=list)  # top-level catalogue category codes
    staff_count: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)  # inactive firms are never drawn
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    staff: Mapped[list["EvaluatorStaff"]] = relationship(
        order_by="EvaluatorStaff.id", cascade="all, delete-orphan", back_populates="profile")


class EvaluatorStaff(db.Model):
    """A named evaluator of a firm (optionally the user account they sign in with)."""

    __tablename__ = "evaluator_staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("evaluator_profiles.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(100))
    qualification: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(100), default="")

    profile: Mapped[EvaluatorProfile] = relationship(back_populates="staff")


class FirmEngagement(db.Model):
    """Work a firm did for (or a contract it held with) another organisation: a provider or a community.
    Within the look-back period it counts as a conflict the system detects."""

    __tablename__ = "firm_engagements"
    __table_args__ = (CheckConstraint("ended_on IS NULL OR started_on <= ended_on", name="dates_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    counterpart_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    started_on: Mapped[date] = mapped_column()
    ended_on: Mapped[date | None] = mapped_column()
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    counterpart: Mapped[Organisation] = relationship(foreign_keys=[counterpart_id], lazy="joined")


class EvaluatorDraw(db.Model):
    """One assignment of a firm to a project: by a random draw (seed, candidates, exclusions) that anyone
    can re-run from this row, or by hand with a written reason. The latest row is the one in force."""

    __tablename__ = "evaluator_draws"
    __table_args__ = (
        UniqueConstraint("project_id", "number", name="uq_evaluator_draws_project_number"),
        CheckConstraint(f"method IN ({sql_in(DRAW_METHODS)})", name="method"),
        CheckConstraint("method <> 'random' OR seed IS NOT NULL", name="random_has_seed"),
        CheckConstraint("method <> 'manual' OR reason <> ''", name="manual_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()  # 1, 2, … per project
    method: Mapped[str] = mapped_column(String(16))
    seed: Mapped[str | None] = mapped_column(String(64))
    candidates: Mapped[list] = mapped_column(JSON, default=list)  # eligible firm ids, ascending
    excluded: Mapped[list] = mapped_column(JSON, default=list)  # [{"org_id": 3, "reasons": [code, …]}]
    result_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    reason: Mapped[str] = mapped_column(Text, default="")  # why a firm was picked by hand
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    result_org: Mapped[Organisation] = relationship(lazy="joined")


class PersonalDeclaration(db.Model):
    """An evaluator's own declaration for a project; a conflict declared after the work began is `late`
    and recuses them from then on."""

    __tablename__ = "personal_declarations"
    __table_args__ = (
        UniqueConstraint("project_id", "user_id", name="uq_personal_declarations_project_user"),
        CheckConstraint(f"conflict_type IS NULL OR conflict_type IN ({sql_in(CONFLICT_TYPES)})",
                        name="conflict_type"),
        CheckConstraint("NOT has_conflict OR conflict_type IS NOT NULL", name="conflict_has_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    has_conflict: Mapped[bool] = mapped_column(default=False)
    conflict_type: Mapped[str | None] = mapped_column(String(32))
    statement: Mapped[str] = mapped_column(Text, default="")
    late: Mapped[bool] = mapped_column(default=False)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


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
    conflict_type: Mapped[str | None] = mapped_column(String(32))  # CONFLICT_TYPES
    statement: Mapped[str | None] = mapped_column(Text)
    late: Mapped[bool] = mapped_column(default=False)
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    evaluator_org: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def cleared(self) -> bool:
        return self.declared_at is not None and self.has_conflict is False
