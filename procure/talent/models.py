"""Talent-pool entries, the professional certificates they hold, and the skills a micro-project needs.
Visible to community staff only (never public)."""
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure import clock
from procure.extensions import db
from procure.types import UTCDateTime


class TalentProfile(db.Model):
    __tablename__ = "talent_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), unique=True)
    profession: Mapped[str] = mapped_column(String(100), default="")
    skills: Mapped[str] = mapped_column(Text, default="")  # comma-separated keys of TALENT_SKILLS, or free words
    availability: Mapped[str] = mapped_column(Text, default="")
    admitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # admitted to the pool (入库) by staff
    admitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    certificates: Mapped[list["ProfessionalCertificate"]] = relationship(
        back_populates="profile", order_by="ProfessionalCertificate.id", cascade="all, delete-orphan")


class ProfessionalCertificate(db.Model):
    """A certificate the resident holds (e.g. 社会工作者职业资格证书), checked by community staff."""

    __tablename__ = "professional_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("talent_profiles.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(200), default="")
    number: Mapped[str] = mapped_column(String(100), default="")
    valid_until: Mapped[date | None] = mapped_column()
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    profile: Mapped[TalentProfile] = relationship(back_populates="certificates")


class ProjectSkill(db.Model):
    """A skill a micro-project needs; community staff see matching talent."""

    __tablename__ = "project_skills"
    __table_args__ = (UniqueConstraint("project_id", "skill", name="uq_project_skills_project_skill"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    skill: Mapped[str] = mapped_column(String(64))
