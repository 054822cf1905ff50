"""The record of each official PDF issued: its number, its public verification code, its fingerprint and where
its bytes are kept."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure import clock
from procure.accounts.models import User
from procure.extensions import db
from procure.types import UTCDateTime, sql_in

# acceptance_certificate is the 验收证书, evaluation_report the 绩效评价报告.
DOCUMENT_KINDS = ("proposal", "catalogue", "award_notice", "contract", "acceptance_certificate",
                  "evaluation_report", "volunteer_certificate", "talent_certificate")
VOLUNTEER_KINDS = ("volunteer_certificate", "talent_certificate")  # 志愿服务证明, 社区人才库入库证书
# The part of a document number that names its kind: 申报 / 目录 / 通知 / 合同 / 验收 / 评价 (评估).
KIND_CODES = {"proposal": "SB", "catalogue": "ML", "award_notice": "TZ", "contract": "HT",
              "acceptance_certificate": "YS", "evaluation_report": "PG", "volunteer_certificate": "ZY",
              "talent_certificate": "RC"}


class IssuedDocument(db.Model):
    __tablename__ = "issued_documents"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(DOCUMENT_KINDS)})", name="kind"),
        CheckConstraint(f"(kind IN ('catalogue', {sql_in(VOLUNTEER_KINDS)})) = (project_id IS NULL)",
                        name="project_unless_catalogue"),
        CheckConstraint(f"(kind IN ({sql_in(VOLUNTEER_KINDS)})) = (volunteer_id IS NOT NULL)",
                        name="volunteer_documents"),
        CheckConstraint("kind <> 'catalogue' OR catalogue_year IS NOT NULL", name="catalogue_has_year"),
        CheckConstraint("page_count >= 1", name="page_count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    catalogue_year: Mapped[int | None] = mapped_column()
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id"), index=True)
    number: Mapped[str] = mapped_column(String(48), unique=True)  # e.g. WXM2026-0003-HT-01
    verification_code: Mapped[str] = mapped_column(String(16), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))  # of the PDF bytes as served
    # sha256 of what the document says apart from its own number, code and date: an unchanged source
    # reuses this record instead of issuing a new number.
    source_digest: Mapped[str] = mapped_column(String(64), index=True)
    page_count: Mapped[int] = mapped_column()
    # The PDF as issued, in the file store (procure.filestore): later downloads serve these bytes. None for a
    # document issued before PDFs were kept; its next download renders it once and keeps it.
    file_key: Mapped[str | None] = mapped_column(ForeignKey("stored_files.key"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: downloaded by the public

    issued_by: Mapped[User | None] = relationship()
