"""An OCDS release as published: kept as written, never changed, in the order the feed serves them."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from procure.extensions import db
from procure.types import UTCDateTime


class OcdsRelease(db.Model):
    __tablename__ = "ocds_releases"
    __table_args__ = (
        UniqueConstraint("ocid", "release_id", name="uq_ocds_releases_ocid_release_id"),
        Index("ix_ocds_releases_date_id", "date", "id"),  # the feed's order and cursor
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    ocid: Mapped[str] = mapped_column(String(64), index=True)
    release_id: Mapped[str] = mapped_column(String(96))
    date: Mapped[datetime] = mapped_column(UTCDateTime)
    tags: Mapped[str] = mapped_column(String(200))  # the release's tags, comma-separated
    digest: Mapped[str] = mapped_column(String(64))  # sha256 of its public content (without id, date and tag)
    release: Mapped[dict] = mapped_column(JSON)


class OcdsTotals(db.Model):
    """How many releases and processes (projects) are published: one row (id 1), kept by
    procure.opendata.publishing in the transaction of each release, so that the open-data page never counts the
    feed."""

    __tablename__ = "ocds_totals"

    id: Mapped[int] = mapped_column(primary_key=True)
    releases: Mapped[int] = mapped_column(default=0)
    processes: Mapped[int] = mapped_column(default=0)
