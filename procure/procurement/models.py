"""Bids, challenges, contracts (or subsidy agreements), milestones and their reports."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure import clock
from procure.accounts.models import Organisation
from procure.extensions import db
from procure.types import Money, UTCDateTime


class Bid(db.Model):
    __tablename__ = "bids"
    __table_args__ = (
        UniqueConstraint("project_id", "provider_id", name="uq_bids_project_provider"),
        CheckConstraint("price > 0", name="price_positive"),
        CheckConstraint("status IN ('submitted', 'withdrawn', 'awarded')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    price: Mapped[Decimal] = mapped_column(Money)
    plan: Mapped[str] = mapped_column(Text, default="")
    team: Mapped[str] = mapped_column(Text, default="")  # who will deliver, with their qualifications
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    provider: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def is_valid(self) -> bool:
        return self.status in ("submitted", "awarded")


class Challenge(db.Model):
    """A bidder's challenge (质疑) to the award, and the bureau's answer."""

    __tablename__ = "challenges"
    # The unanswered challenges, oldest first (the bureau's desk).
    __table_args__ = (Index("ix_challenges_open", "answered_at", "filed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    content: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    provider: Mapped[Organisation] = relationship(lazy="joined")


class Contract(db.Model):
    """A purchase contract or, for the subsidy form, a subsidy agreement."""

    __tablename__ = "contracts"
    __table_args__ = (
        Index("ix_contracts_published", "published_at", "project_id"),  # the home page's latest contracts
        CheckConstraint("kind IN ('contract', 'agreement')", name="kind"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("start_date <= end_date", name="dates_ordered"),
        CheckConstraint("deposit >= 0", name="deposit_nonnegative"),
        CheckConstraint("(terminated_at IS NULL) = (termination_reason IS NULL)", name="termination_has_reason"),
        # The payment schedule as signed (procure.payments.schedule): an advance share on either kind; an
        # agreement's final share (a contract's final instalment is its last milestone).
        CheckConstraint("advance_percent >= 0 AND advance_percent < 100", name="advance_percent_range"),
        CheckConstraint("(kind = 'agreement') = (final_percent IS NOT NULL)", name="final_percent_on_agreements"),
        CheckConstraint("final_percent IS NULL OR (final_percent >= 0 AND advance_percent + final_percent <= 100)",
                        name="final_percent_range"),
        Index("ix_contracts_unpublished", "published_at", "signed_at"),  # signed, not yet published: the desk
        Index("ix_contracts_signed", "signed_at", "id"),  # the public contracts table's order
        Index("ix_contracts_implementer", "implementer_id"),  # a provider's track record
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    implementer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    advance_percent: Mapped[int] = mapped_column(default=0)  # 预付款, percent of the amount paid from signing
    final_percent: Mapped[int | None] = mapped_column()  # an agreement's final share, paid by grade
    start_date: Mapped[date] = mapped_column()
    end_date: Mapped[date] = mapped_column()
    multi_year: Mapped[bool] = mapped_column(default=False)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)  # when it was recorded
    signed_on: Mapped[date | None] = mapped_column()  # the date on the signed contract
    service_content: Mapped[str] = mapped_column(Text, default="")
    quantity_targets: Mapped[str] = mapped_column(Text, default="")  # become performance indicators
    quality_targets: Mapped[str] = mapped_column(Text, default="")
    deposit: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))  # performance deposit
    no_subcontracting: Mapped[bool] = mapped_column(default=False)  # the provider's declaration
    # The parties' rights and obligations, liability for breach (违约责任) and dispute resolution: the
    # setting CONTRACT_DEFAULT_TERMS pre-fills them, each contract keeps its own text.
    rights_obligations: Mapped[str] = mapped_column(Text, default="")
    breach_liability: Mapped[str] = mapped_column(Text, default="")
    dispute_resolution: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)  # 1 as signed, +1 per amendment
    terminated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    termination_reason: Mapped[str | None] = mapped_column(Text)

    implementer: Mapped[Organisation] = relationship(lazy="joined")
    milestones: Mapped[list["Milestone"]] = relationship(
        order_by="Milestone.position", cascade="all, delete-orphan", back_populates="contract")
    amendments: Mapped[list["ContractAmendment"]] = relationship(
        order_by="ContractAmendment.version", cascade="all, delete-orphan", back_populates="contract")


class ContractAmendment(db.Model):
    """A change (变更) to a signed contract: the version it made, why, and each field's old and new value."""

    __tablename__ = "contract_amendments"
    __table_args__ = (UniqueConstraint("contract_id", "version", name="uq_contract_amendments_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(Text)
    changes: Mapped[dict] = mapped_column(JSON, default=dict)  # field → [old, new], as strings
    amended_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    amended_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    contract: Mapped[Contract] = relationship(back_populates="amendments")


class Milestone(db.Model):
    __tablename__ = "milestones"
    __table_args__ = (CheckConstraint("percent > 0 AND percent <= 100", name="percent_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    percent: Mapped[int] = mapped_column()
    due: Mapped[date] = mapped_column()

    contract: Mapped[Contract] = relationship(back_populates="milestones")
    reports: Mapped[list["MilestoneReport"]] = relationship(
        order_by="MilestoneReport.id", cascade="all, delete-orphan", back_populates="milestone")


class MilestoneReport(db.Model):
    __tablename__ = "milestone_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"), index=True)
    content: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    milestone: Mapped[Milestone] = relationship(back_populates="reports")

