"""A micro-project and what the community attaches to it before review."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure import clock
from procure.accounts.models import Organisation
from procure.extensions import db
from procure.funding import FUNDING_FORMS
from procure.projects.states import State
from procure.types import Fixed2, Money, UTCDateTime, sql_in

PROCUREMENT_METHODS = ("open_tender", "invited_tender", "competitive_negotiation",
                       "competitive_consultation", "single_source", "inquiry")
APPROVED_STATES = ("approved", "cataloged", "tendering", "awarded", "contracted", "in_delivery",
                   "delivered", "under_acceptance", "rectification", "accepted", "evaluated", "closed")


class Project(db.Model):
    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint(f"state IN ({sql_in(State)})", name="state"),
        CheckConstraint(f"funding_form IN ({sql_in(FUNDING_FORMS)})", name="funding_form"),
        CheckConstraint("requested_amount IS NULL OR requested_amount >= 0", name="requested_nonnegative"),
        CheckConstraint("approved_amount IS NULL OR approved_amount <= requested_amount",
                        name="approved_within_requested"),
        CheckConstraint(f"state NOT IN ({sql_in(APPROVED_STATES)}) OR approved_amount IS NOT NULL",
                        name="approved_has_amount"),
        CheckConstraint("state NOT IN ('tendering', 'awarded') OR procurement_method IS NOT NULL",
                        name="tender_has_method"),
        CheckConstraint("state NOT IN ('evaluated', 'closed') OR grade IS NOT NULL", name="evaluated_has_grade"),
        CheckConstraint("start_date IS NULL OR end_date IS NULL OR start_date <= end_date", name="dates_ordered"),
        CheckConstraint("beneficiaries_count IS NULL OR beneficiaries_count >= 0", name="beneficiaries_nonnegative"),
        CheckConstraint("indirect_beneficiaries_count IS NULL OR indirect_beneficiaries_count >= 0",
                        name="indirect_beneficiaries_nonnegative"),
        # The lists' orders, alone and after each equality filter, so that a page walks one index range from
        # its cursor (procure.paging): staff list by last update, public list by id (one range per state).
        Index("ix_projects_updated", "updated_at", "id"),
        Index("ix_projects_state_updated", "state", "updated_at", "id"),
        Index("ix_projects_state_id", "state", "id"),
        Index("ix_projects_community_updated", "community_id", "updated_at", "id"),
        Index("ix_projects_funding_form_updated", "funding_form", "updated_at", "id"),
        Index("ix_projects_implementer_updated", "implementer_id", "updated_at", "id"),
        Index("ix_projects_evaluator_updated", "evaluator_org_id", "updated_at", "id"),
        # Desks (procure.desk.waiting): the longest-waiting projects of a state in one community, one
        # implementer's or one evaluation firm's; each stage's count.
        Index("ix_projects_community_state", "community_id", "state", "updated_at", "id"),
        Index("ix_projects_implementer_state", "implementer_id", "state", "updated_at", "id"),
        Index("ix_projects_evaluator_state", "evaluator_org_id", "state", "updated_at", "id"),
        Index("ix_projects_state_community", "state", "community_id"),
        # A provider's or a firm's public page: its projects newest first, as the public list orders them.
        Index("ix_projects_implementer_by_id", "implementer_id", "id"),
        Index("ix_projects_evaluator_by_id", "evaluator_org_id", "id"),
        # The public home page and a provider's desk: open tenders by deadline, notices newest first.
        Index("ix_projects_state_deadline", "state", "bid_deadline", "id"),
        Index("ix_projects_state_noticed", "state", "notice_published_on", "id"),
        # The bureau's desk: awarded projects in the order of their award (notices and contracts due).
        Index("ix_projects_state_awarded", "state", "awarded_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    community_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    funding_form: Mapped[str] = mapped_column(String(16))
    category_code: Mapped[str | None] = mapped_column(ForeignKey("categories.code"))
    requested_amount: Mapped[Decimal | None] = mapped_column(Money)
    needs_analysis: Mapped[str | None] = mapped_column(Text)
    beneficiaries: Mapped[str | None] = mapped_column(Text)  # the direct beneficiaries, described
    beneficiaries_count: Mapped[int | None] = mapped_column()  # direct beneficiaries (people)
    indirect_beneficiaries: Mapped[str | None] = mapped_column(Text)
    indirect_beneficiaries_count: Mapped[int | None] = mapped_column()
    goals: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(200))
    lead_name: Mapped[str | None] = mapped_column(String(100))  # 项目负责人
    contact_name: Mapped[str | None] = mapped_column(String(100))  # 联系人 (private, like the phone)
    contact_phone: Mapped[str | None] = mapped_column(String(50))
    team: Mapped[str | None] = mapped_column(Text)  # members and who does what
    start_date: Mapped[date | None] = mapped_column()
    end_date: Mapped[date | None] = mapped_column()

    state: Mapped[str] = mapped_column(String(24), default=State.draft.value)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    notice_published_on: Mapped[date | None] = mapped_column()
    approved_amount: Mapped[Decimal | None] = mapped_column(Money)
    negative_list_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # reviewer's confirmation
    catalogue_year: Mapped[int | None] = mapped_column(index=True)
    procurement_method: Mapped[str | None] = mapped_column(String(32))
    single_source_justification: Mapped[str | None] = mapped_column(Text)
    bid_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    awarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    implementer_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    completion_summary: Mapped[str | None] = mapped_column(Text)
    evaluator_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    acceptance_report: Mapped[str | None] = mapped_column(Text)
    score: Mapped[Decimal | None] = mapped_column(Fixed2)
    grade: Mapped[str | None] = mapped_column(String(16))

    community: Mapped[Organisation] = relationship(foreign_keys=[community_id], lazy="joined")
    implementer: Mapped[Organisation | None] = relationship(foreign_keys=[implementer_id])
    evaluator_org: Mapped[Organisation | None] = relationship(foreign_keys=[evaluator_org_id])
    category: Mapped["Category | None"] = relationship()
    budget_lines: Mapped[list["BudgetLine"]] = relationship(
        order_by="BudgetLine.position", cascade="all, delete-orphan", back_populates="project")
    deliberation: Mapped["Deliberation | None"] = relationship(
        cascade="all, delete-orphan", back_populates="project")
    objections: Mapped[list["Objection"]] = relationship(
        order_by="Objection.id", cascade="all, delete-orphan", back_populates="project")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self):
        return f"<Project {self.code} {self.state}>"


class BudgetLine(db.Model):
    __tablename__ = "budget_lines"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_nonnegative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    item: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Money)

    project: Mapped[Project] = relationship(back_populates="budget_lines")


class Deliberation(db.Model):
    """The residents' council meeting (居民议事会) that agreed to propose the project."""

    __tablename__ = "deliberations"
    __table_args__ = (
        CheckConstraint("members_present <= members_total", name="present_within_total"),
        CheckConstraint("votes_for + votes_against <= members_present", name="votes_within_present"),
        CheckConstraint("votes_for >= 0 AND votes_against >= 0 AND members_present >= 0", name="nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), unique=True)
    held_on: Mapped[date] = mapped_column()
    members_total: Mapped[int] = mapped_column()
    members_present: Mapped[int] = mapped_column()
    votes_for: Mapped[int] = mapped_column()
    votes_against: Mapped[int] = mapped_column()
    minutes: Mapped[str] = mapped_column(Text, default="")

    project: Mapped[Project] = relationship(back_populates="deliberation")


class Objection(db.Model):
    """A resident's objection during the community notice, and the community's answer."""

    __tablename__ = "objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    resident_name: Mapped[str] = mapped_column(String(100), default="")  # private
    resident_contact: Mapped[str] = mapped_column(String(100), default="")  # private
    content: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    project: Mapped[Project] = relationship(back_populates="objections")


from procure.catalogue.models import Category  # noqa: E402,F401  (target of Project.category)
