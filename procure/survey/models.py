"""A project's survey, the tokens handed to residents (only their hashes are kept) and the responses
(raw answers are private: only aggregates leave the server)."""
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from procure import clock
from procure.extensions import db
from procure.types import UTCDateTime


class Survey(db.Model):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), unique=True)
    slug: Mapped[str] = mapped_column(String(32), unique=True)  # the public address /survey/<slug>
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closes_on: Mapped[date] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SurveyToken(db.Model):
    """A slip handed to one resident; the code itself is shown once, when the slips are printed."""

    __tablename__ = "survey_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SurveyResponse(db.Model):
    __tablename__ = "survey_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("survey_tokens.id"), unique=True)  # one per token
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # private
    satisfied: Mapped[bool] = mapped_column()  # overall answer 满意 or 非常满意
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
