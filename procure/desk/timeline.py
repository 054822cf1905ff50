"""A project's record of what was done (办理记录) as its page shows it: the latest TIMELINE_LIMIT entries the user may
read, and the earlier ones page by page on the project's history page. A project's trail only grows, so neither
page reads more than one page of it; the pages go back by the last entry shown (never by a count, which would
tell how many entries about sealed bids the user may not read)."""
from sqlalchemy import and_, or_, select

from procure.audit.models import AuditEntry
from procure.desk.visibility import entry_visible
from procure.extensions import db

TIMELINE_LIMIT = 50
SIGNING = ("sign_contract", "sign_agreement")


def entries_before(user, project, before=None, limit=TIMELINE_LIMIT) -> tuple[list[AuditEntry], int | None]:
    """(up to `limit` entries of the project older than the entry `before` (an id; None: the latest), oldest first,
    that the user may read; the id to go back from for earlier ones, or None when there are none)."""
    query = select(AuditEntry).where(AuditEntry.project_id == project.id)
    if before is not None:
        cursor = db.session.execute(select(AuditEntry.at, AuditEntry.id).where(
            AuditEntry.id == before, AuditEntry.project_id == project.id)).one_or_none()
        if cursor is None:
            return [], None
        at, entry_id = cursor
        query = query.where(or_(AuditEntry.at < at, and_(AuditEntry.at == at, AuditEntry.id < entry_id)))
    rows = db.session.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit + 1)).all()
    shown = rows[:limit]
    earlier = shown[-1].id if len(rows) > limit else None
    return [entry for entry in reversed(shown) if entry_visible(user, entry, project)], earlier


def signing_entry(project) -> AuditEntry | None:
    """The entry of the contract's (or agreement's) signing, which names the buyer on the contract card."""
    return db.session.scalar(select(AuditEntry).where(AuditEntry.project_id == project.id,
                                                      AuditEntry.action.in_(SIGNING))
                             .order_by(AuditEntry.at, AuditEntry.id).limit(1))
