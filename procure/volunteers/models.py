"""Volunteers, the activities they sign up for, the hours organisers record, and the append-only ledger.

Whoever organises records, whoever records certifies (谁组织谁记录、谁记录谁证明): hours come only from the
organiser's check-in and check-out. The ledger is never updated or deleted: a correction, a redemption or an
expiry is a new entry. `Volunteer.balance` is the ledger's sum kept beside it so that a redemption can take
points with one conditional UPDATE (never below zero, also under concurrent requests)."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure import clock
from procure.accounts.models import Organisation, User
from procure.extensions import db
from procure.types import Fixed2, UTCDateTime, sql_in

ACTIVITY_STATES = ("published", "cancelled", "finished")
SIGNUP_STATES = ("signed_up", "cancelled", "checked_in", "completed", "no_show")
ENTRY_KINDS = ("service", "correction", "redemption", "expiry")
CORRECTION_STATES = ("requested", "approved", "refused")


class Volunteer(db.Model):
    """A resident registered as a volunteer: an account with role `resident` in the community's organisation."""

    __tablename__ = "volunteers"
    __table_args__ = (
        CheckConstraint("balance >= 0", name="balance_nonnegative"),
        CheckConstraint("hours_total >= 0", name="hours_nonnegative"),
        Index("ix_volunteers_board", "consent_public", "hours_total", "id"),  # the all-time star board, most first
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    real_name: Mapped[str] = mapped_column(String(100))  # private: the public board shows a masked name
    id_number: Mapped[str] = mapped_column(String(18), unique=True)  # private (居民身份证号), never shown whole
    phone: Mapped[str] = mapped_column(String(32))  # private
    skills: Mapped[str] = mapped_column(Text, default="")
    consent_public: Mapped[bool] = mapped_column(default=False)  # may the star board show the masked name
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # Kept equal to the ledger's sums by the operations that append entries (checked in tests).
    balance: Mapped[Decimal] = mapped_column(Fixed2, default=Decimal("0.00"))
    hours_total: Mapped[Decimal] = mapped_column(Fixed2, default=Decimal("0.00"))  # never lowered by spending

    user: Mapped[User] = relationship()
    community: Mapped[Organisation] = relationship()


class Activity(db.Model):
    """A volunteer activity a community (or a provider, inside a micro-project) publishes."""

    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint(f"state IN ({sql_in(ACTIVITY_STATES)})", name="state"),
        CheckConstraint("places > 0", name="places_positive"),
        CheckConstraint("starts_at < ends_at", name="times_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)  # where it happens
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32))  # a key of VOLUNTEER_CATEGORIES (its multiplier)
    description: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    places: Mapped[int] = mapped_column()
    state: Mapped[str] = mapped_column(String(16), default="published")
    checkin_token: Mapped[str] = mapped_column(String(32), unique=True)  # in the organiser's QR code
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    organiser: Mapped[Organisation] = relationship(foreign_keys=[organiser_org_id])
    community: Mapped[Organisation] = relationship(foreign_keys=[community_id])
    signups: Mapped[list["SignUp"]] = relationship(back_populates="activity", order_by="SignUp.id")


class SignUp(db.Model):
    """A volunteer's place in an activity, and the organiser's record of attendance."""

    __tablename__ = "signups"
    __table_args__ = (
        UniqueConstraint("activity_id", "volunteer_id", name="uq_signups_activity_volunteer"),
        CheckConstraint(f"status IN ({sql_in(SIGNUP_STATES)})", name="status"),
        CheckConstraint("checked_out_at IS NULL OR checked_in_at IS NOT NULL", name="out_after_in"),
        CheckConstraint("hours IS NULL OR hours >= 0", name="hours_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    signed_up_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    status: Mapped[str] = mapped_column(String(16), default="signed_up")
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # the organiser's staff
    hours: Mapped[Decimal | None] = mapped_column(Fixed2)  # as credited: capped per activity

    activity: Mapped[Activity] = relationship(back_populates="signups")
    volunteer: Mapped[Volunteer] = relationship()


class PointEntry(db.Model):
    """One line of a volunteer's ledger (append-only): hours and points, either sign."""

    __tablename__ = "point_entries"
    __table_args__ = (CheckConstraint(f"kind IN ({sql_in(ENTRY_KINDS)})", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    hours: Mapped[Decimal] = mapped_column(Fixed2, default=Decimal("0.00"))  # service and corrections only
    points: Mapped[Decimal] = mapped_column(Fixed2, default=Decimal("0.00"))
    signup_id: Mapped[int | None] = mapped_column(ForeignKey("signups.id"), index=True)
    correction_id: Mapped[int | None] = mapped_column(ForeignKey("correction_requests.id"))
    redemption_id: Mapped[int | None] = mapped_column(ForeignKey("redemptions.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: a scheduled expiry


class VolunteerPeriod(db.Model):
    """A volunteer's hours and points of service (service entries and corrections) in one month ("2026-03") or one
    year ("2026") in Shanghai. Kept by procure.volunteers.periods in the transaction of each ledger entry, so that
    the star board and the register's year columns read one row per volunteer instead of summing the ledger."""

    __tablename__ = "volunteer_periods"
    # The board: a period's volunteers by hours, most first.
    __table_args__ = (Index("ix_volunteer_periods_board", "period", "hours", "volunteer_id"),)

    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    hours: Mapped[Decimal] = mapped_column(Fixed2, default=Decimal("0.00"))
    points: Mapped[Decimal] = mapped_column(Fixed2, default=Decimal("0.00"))


class CorrectionRequest(db.Model):
    """A volunteer asks the organiser to correct the hours recorded for a sign-up."""

    __tablename__ = "correction_requests"
    __table_args__ = (
        CheckConstraint(f"state IN ({sql_in(CORRECTION_STATES)})", name="state"),
        CheckConstraint("requested_hours >= 0", name="hours_nonnegative"),
        CheckConstraint("(state = 'requested') = (decided_at IS NULL)", name="decided_when_not_requested"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    signup_id: Mapped[int] = mapped_column(ForeignKey("signups.id"), index=True)
    requested_hours: Mapped[Decimal] = mapped_column(Fixed2)
    reason: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    state: Mapped[str] = mapped_column(String(16), default="requested")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)

    signup: Mapped[SignUp] = relationship()
