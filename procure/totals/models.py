"""What each project adds to the public tables' totals, as last counted, and the totals per filter value."""
from decimal import Decimal

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from procure.extensions import db
from procure.types import Fixed2

ZERO = Decimal("0.00")
# The figures a project adds and a filter value's totals hold: (name, is money).
FIGURES = (("projects", False), ("approved", True), ("contracts", False), ("contract_amount", True), ("paid", True),
           ("outstanding", True), ("payments", False), ("payments_amount", True), ("evaluations", False),
           ("scored", False), ("score_sum", True), ("excellent", False), ("good", False), ("fair", False),
           ("poor", False))


class _Figures:
    """The figure columns, on both tables."""

    projects: Mapped[int] = mapped_column(default=0)  # public projects
    approved: Mapped[Decimal] = mapped_column(Fixed2, default=ZERO)  # their approved amounts
    contracts: Mapped[int] = mapped_column(default=0)  # published contracts
    contract_amount: Mapped[Decimal] = mapped_column(Fixed2, default=ZERO)
    paid: Mapped[Decimal] = mapped_column(Fixed2, default=ZERO)  # paid on the published contracts
    outstanding: Mapped[Decimal] = mapped_column(Fixed2, default=ZERO)  # each contract's amount less paid, >= 0
    payments: Mapped[int] = mapped_column(default=0)  # payments on the published contracts
    payments_amount: Mapped[Decimal] = mapped_column(Fixed2, default=ZERO)
    evaluations: Mapped[int] = mapped_column(default=0)  # finalised evaluations
    scored: Mapped[int] = mapped_column(default=0)  # of which with a score
    score_sum: Mapped[Decimal] = mapped_column(Fixed2, default=ZERO)
    excellent: Mapped[int] = mapped_column(default=0)  # evaluations by grade
    good: Mapped[int] = mapped_column(default=0)
    fair: Mapped[int] = mapped_column(default=0)
    poor: Mapped[int] = mapped_column(default=0)


class ProjectFigures(_Figures, db.Model):
    """A public project's part in the totals, with what decides the filter values it counts under, as counted at
    its last change: what to take away when it changes again (procure.totals.keeping.keys_of)."""

    __tablename__ = "project_figures"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(24))
    funding_form: Mapped[str] = mapped_column(String(16))
    community_id: Mapped[int] = mapped_column()
    district: Mapped[str] = mapped_column(String(6))
    community_class: Mapped[str | None] = mapped_column(String(32))
    catalogue_year: Mapped[int | None] = mapped_column()
    category_code: Mapped[str | None] = mapped_column(String(16))
    provider_id: Mapped[int | None] = mapped_column()  # the implementer, where it is public
    evaluator_id: Mapped[int | None] = mapped_column()  # the evaluation firm, where it is public


class FilterTotals(_Figures, db.Model):
    """The totals of the public projects under one filter value ("all" for no filter)."""

    __tablename__ = "filter_totals"

    key: Mapped[str] = mapped_column(String(48), primary_key=True)
