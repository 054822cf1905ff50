"""An attachment: the record of one uploaded file; its bytes are in the file store (procure.filestore)."""
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure import clock
from procure.accounts.models import Organisation, User
from procure.extensions import db
from procure.types import UTCDateTime, sql_in

KINDS = ("proposal", "bid", "milestone_report", "service_record", "contract", "acceptance", "other",
         "provider_evidence")


class Attachment(db.Model):
    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(KINDS)})", name="kind"),
        # A bid's files carry the bid, so they stay sealed with it; no other kind names a bid.
        CheckConstraint("(kind = 'bid') = (bid_id IS NOT NULL)", name="bid_only_for_bids"),
        # Evidence (photos, sign-in sheets) of one service record.
        CheckConstraint("(kind = 'service_record') = (service_record_id IS NOT NULL)",
                        name="service_record_only_for_records"),
        CheckConstraint("size > 0", name="size_positive"),
        # A provider's evidence of a requirement (procure.providers) belongs to the provider, not to a project.
        CheckConstraint("(kind = 'provider_evidence') = (project_id IS NULL)", name="project_unless_evidence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    bid_id: Mapped[int | None] = mapped_column(ForeignKey("bids.id", ondelete="CASCADE"), index=True)
    service_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_records.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)  # the key of its bytes in stored_files
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))

    uploaded_by: Mapped[User] = relationship(lazy="joined")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
