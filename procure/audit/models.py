"""The audit trail: one row for every change, written in the change's transaction, chained by hashes
(procure.audit.chain). A project with entries cannot be deleted: the trail outlives nothing it records."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure.accounts.models import Organisation, User
from procure.extensions import db
from procure.types import UTCDateTime


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    # A project's entries in time order: its page shows the latest, its history the earlier ones.
    __table_args__ = (Index("ix_audit_entries_project_at", "project_id", "at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="RESTRICT"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    action: Mapped[str] = mapped_column(String(48))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str | None] = mapped_column(String(24))
    comment: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    user: Mapped[User | None] = relationship(lazy="joined")
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")

    @property
    def is_transition(self) -> bool:
        return self.to_state is not None
