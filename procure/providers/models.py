"""The provider register: a profile per provider organisation, its team, violations, declared relations, and
debarments."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure import clock
from procure.accounts.models import Organisation
from procure.extensions import db
from procure.types import UTCDateTime, sql_in

REGISTRATION_TYPES = ("social_group", "social_service_agency", "foundation", "company", "other")
RATINGS = ("3A", "4A", "5A")
INSPECTION_RESULTS = ("qualified", "basically_qualified", "unqualified", "not_inspected")
# What a provider must prove, each on its own (财政部令第102号 第八条): independent civil liability, sound
# accounts, the capacity to deliver, clean tax and social-security records. No major violation in 3 years is
# the violations register's, the annual inspection the profile's.
REQUIREMENTS = ("civil_liability", "sound_accounts", "capacity", "tax_record", "social_security_record")


class ProviderProfile(db.Model):
    """What a provider says about itself; the bureau verifies it, and any later edit needs verifying again."""

    __tablename__ = "provider_profiles"
    __table_args__ = (
        CheckConstraint(f"registration_type IN ({sql_in(REGISTRATION_TYPES)})", name="registration_type"),
        CheckConstraint(f"rating IS NULL OR rating IN ({sql_in(RATINGS)})", name="rating"),
        CheckConstraint(f"annual_inspection IN ({sql_in(INSPECTION_RESULTS)})", name="annual_inspection"),
        CheckConstraint("(verified_at IS NULL) = (verified_by_id IS NULL)", name="verified_with_verifier"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), unique=True)
    registration_type: Mapped[str] = mapped_column(String(32), default="social_service_agency")
    founded_on: Mapped[date | None] = mapped_column()
    rating: Mapped[str | None] = mapped_column(String(4))
    annual_inspection: Mapped[str] = mapped_column(String(24), default="not_inspected")
    service_areas: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(Text, default="")
    public_welfare_class_one: Mapped[bool] = mapped_column(default=False)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    team: Mapped[list["TeamMember"]] = relationship(
        order_by="TeamMember.id", cascade="all, delete-orphan", back_populates="profile")

    @property
    def verified(self) -> bool:
        return self.verified_at is not None


class ProviderRequirement(db.Model):
    """One requirement of one provider: the evidence the provider uploaded and the day the bureau verified it.
    New evidence needs verifying again; a verification lapses after PROVIDER_REQUIREMENT_VALID_DAYS."""

    __tablename__ = "provider_requirements"
    __table_args__ = (
        UniqueConstraint("organisation_id", "requirement", name="uq_provider_requirements_org_requirement"),
        CheckConstraint(f"requirement IN ({sql_in(REQUIREMENTS)})", name="requirement"),
        CheckConstraint("(verified_on IS NULL) = (verified_by_id IS NULL)", name="verified_with_verifier"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    requirement: Mapped[str] = mapped_column(String(32))
    # The file the provider uploaded (procure.attachments, kind "provider_evidence"); NULL only for a
    # requirement carried over from a profile verified before requirements were recorded one by one.
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    verified_on: Mapped[date | None] = mapped_column()
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class TeamMember(db.Model):
    __tablename__ = "provider_team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("provider_profiles.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    qualification: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(100), default="")

    profile: Mapped[ProviderProfile] = relationship(back_populates="team")


class Violation(db.Model):
    """A violation on record (recorded by the bureau); a major one in the last 3 years bars the provider."""

    __tablename__ = "provider_violations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    occurred_on: Mapped[date] = mapped_column()
    description: Mapped[str] = mapped_column(Text)
    major: Mapped[bool] = mapped_column(default=False)


class ControlRelation(db.Model):
    """A control relation a provider declared with another organisation (either way round counts)."""

    __tablename__ = "control_relations"
    __table_args__ = (
        UniqueConstraint("organisation_id", "related_org_id", name="uq_control_relations_pair"),
        CheckConstraint("organisation_id <> related_org_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    related_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    related_org: Mapped[Organisation] = relationship(foreign_keys=[related_org_id], lazy="joined")


# breach of contract, an evaluation graded 差, a court decision, anything else.
DEBARMENT_SOURCES = ("breach", "evaluation_poor", "court", "other")


class Debarment(db.Model):
    """An organisation barred from bidding and awards for a period (set and lifted by the bureau)."""

    __tablename__ = "debarments"
    __table_args__ = (
        CheckConstraint("starts_on <= ends_on", name="dates_ordered"),
        CheckConstraint(f"source IN ({sql_in(DEBARMENT_SOURCES)})", name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default="other")
    starts_on: Mapped[date] = mapped_column()
    ends_on: Mapped[date] = mapped_column()
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @staticmethod
    def in_force(on: date):
        """A SELECT of the debarments in force on `on`."""
        return db.select(Debarment).where(Debarment.lifted_at.is_(None), Debarment.starts_on <= on,
                                          Debarment.ends_on >= on)

    @staticmethod
    def active_for(organisation_id: int, on: date) -> "Debarment | None":
        return db.session.scalar(Debarment.in_force(on).where(Debarment.organisation_id == organisation_id))
