"""Indicator templates (a tree 决策 / 过程 / 产出 / 效益 with weights summing to 100 at every level), a
project's evaluation, each scoring party's sheet and scores, and the explanations of divergences."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure import clock
from procure.extensions import db
from procure.types import Fixed2, UTCDateTime, sql_in

INDICATOR_KINDS = ("ratio", "scale", "yes_no", "satisfaction")
PARTIES = ("third_party", "bureau", "community")


class IndicatorTemplate(db.Model):
    """A set of indicators for a service category (a catalogue code prefix) and/or community class;
    the default template applies where none is more specific."""

    __tablename__ = "indicator_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category_code: Mapped[str | None] = mapped_column(String(16))  # None: any category
    community_class: Mapped[str | None] = mapped_column(String(32))  # None: any class
    is_default: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    indicators: Mapped[list["Indicator"]] = relationship(
        order_by="Indicator.position", cascade="all, delete-orphan", back_populates="template")


class Indicator(db.Model):
    """A node of a template's tree. Level 1 are the four groups; leaves (level 2 or 3) carry a kind.
    `weight` is the node's share (0–100) among its siblings."""

    __tablename__ = "indicators"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 3", name="level"),
        # Fixed2 columns hold hundredths: 100.00 is stored as 10000.
        CheckConstraint("weight > 0 AND weight <= 10000", name="weight"),
        CheckConstraint(f"kind IS NULL OR kind IN ({sql_in(INDICATOR_KINDS)})", name="kind"),
        CheckConstraint("kind <> 'scale' OR scale_max >= 1", name="scale_has_max"),
        UniqueConstraint("template_id", "code", name="uq_indicators_template_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("indicator_templates.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    level: Mapped[int] = mapped_column()
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(32))  # e.g. decision, decision.goals, output.quantity.meals
    name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[Decimal] = mapped_column(Fixed2)
    kind: Mapped[str | None] = mapped_column(String(16))  # leaves only
    scale_max: Mapped[int | None] = mapped_column()  # kind scale: 0–N
    anchors: Mapped[str] = mapped_column(Text, default="")  # what each scale point means
    guidance: Mapped[str] = mapped_column(Text, default="")

    template: Mapped[IndicatorTemplate] = relationship(back_populates="indicators")


class PerformanceEvaluation(db.Model):
    """A project's evaluation: its template, the result once finalised, and what the grade led to."""

    __tablename__ = "performance_evaluations"
    __table_args__ = (CheckConstraint("score IS NULL OR (score >= 0 AND score <= 10000)",
                                      name="score_range"),  # hundredths (Fixed2)
                      Index("ix_performance_evaluations_finalised", "finalised_at", "project_id"),  # latest
                      Index("ix_performance_evaluations_finalised_id", "finalised_at", "id"))  # public table's order

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), unique=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("indicator_templates.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    findings: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[Decimal | None] = mapped_column(Fixed2)
    grade: Mapped[str | None] = mapped_column(String(16))
    group_scores: Mapped[dict] = mapped_column(db.JSON, default=dict)  # {"decision": "18.40", …} of the total
    rectification_plan: Mapped[str] = mapped_column(Text, default="")  # required for 中
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    template: Mapped[IndicatorTemplate] = relationship()


class ScoreSheet(db.Model):
    """One party's scores; nobody sees another party's sheet until all parties have submitted."""

    __tablename__ = "score_sheets"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "party", name="uq_score_sheets_evaluation_party"),
        CheckConstraint(f"party IN ({sql_in(PARTIES)})", name="party"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("performance_evaluations.id", ondelete="CASCADE"),
                                               index=True)
    party: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: a saved draft

    scores: Mapped[list["LeafScore"]] = relationship(cascade="all, delete-orphan", back_populates="sheet")


class LeafScore(db.Model):
    """A party's input for one leaf indicator and the score (0–100 of the leaf) it works out to."""

    __tablename__ = "leaf_scores"
    __table_args__ = (
        UniqueConstraint("sheet_id", "indicator_id", name="uq_leaf_scores_sheet_indicator"),
        CheckConstraint("score >= 0 AND score <= 10000", name="score_range"),  # hundredths (Fixed2)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheets.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    planned: Mapped[Decimal | None] = mapped_column(Fixed2)  # ratio: planned quantity
    actual: Mapped[Decimal | None] = mapped_column(Fixed2)  # ratio: actual quantity
    value: Mapped[Decimal | None] = mapped_column(Fixed2)  # scale: 0–N; yes/no: 1 or 0
    score: Mapped[Decimal] = mapped_column(Fixed2)
    note: Mapped[str] = mapped_column(Text, default="")

    sheet: Mapped[ScoreSheet] = relationship(back_populates="scores")


class DivergenceNote(db.Model):
    """Why the parties' scores on an indicator diverge by more than the threshold (needed to finalise)."""

    __tablename__ = "divergence_notes"
    __table_args__ = (UniqueConstraint("evaluation_id", "indicator_id", name="uq_divergence_notes_indicator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("performance_evaluations.id", ondelete="CASCADE"),
                                               index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    explanation: Mapped[str] = mapped_column(Text)
    explained_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    explained_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
