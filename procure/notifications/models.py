"""In-app notifications: what the daily `flask reminders` run found waiting too long, per user."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from procure import clock
from procure.extensions import db
from procure.types import UTCDateTime


class Notification(db.Model):
    __tablename__ = "notifications"
    # One notification per user and subject (`key`, e.g. "milestone_overdue:12"): a daily run repeats nothing.
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_notifications_user_key"),
                      Index("ix_notifications_user_read", "user_id", "read_at"))  # the bell: a user's unread

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict] = mapped_column(JSON, default=dict)  # rendered with the kind's message on display
    key: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
