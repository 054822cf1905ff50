"""A user's notifications: reading them and marking them read (their own only); flush but never commit.

Marking read changes nothing but the reader's own inbox, so it writes no audit row (the audit trail
records changes to projects and settings)."""
from sqlalchemy import bindparam, func, literal_column, select, update

from procure import clock
from procure.errors import NotFound
from procure.extensions import db
from procure.lifecycle import flush, validated
from procure.notifications.inputs import ReadForm
from procure.notifications.models import Notification


def _mine(user, unread_only=False):
    query = select(Notification).where(Notification.user_id == user.id)
    return query.where(Notification.read_at.is_(None)) if unread_only else query


BELL_CAP = 100  # the nav's bell counts this many unread at most and shows "99+" beyond


def unread_count(user) -> int:
    return db.session.scalar(_UNREAD, {"user_id": user.id})


def unread_for_bell(user) -> int:
    """The unread count up to BELL_CAP: what every signed-in page asks costs the same for a user who never reads
    their reminders."""
    return db.session.scalar(_UNREAD_CAPPED, {"user_id": user.id})


# Built once, the user bound on each call; both read the (user_id, read_at) index's unread range only.
_UNREAD_ROWS = select(Notification.__table__.c.id).where(
    Notification.__table__.c.user_id == bindparam("user_id"), Notification.__table__.c.read_at.is_(None))
_UNREAD = select(func.count()).select_from(_UNREAD_ROWS.subquery())
_UNREAD_CAPPED = select(func.count()).select_from(_UNREAD_ROWS.limit(literal_column(str(BELL_CAP))).subquery())


def page_of(user, page: int, per_page: int, unread_only=False) -> tuple[list[Notification], int, int]:
    """(notifications on `page`, total, the page actually shown): unread first, then newest first."""
    query = _mine(user, unread_only)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    rows = db.session.scalars(query.order_by(Notification.read_at.is_not(None), Notification.created_at.desc(),
                                             Notification.id.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total, page


def mark_read(user, formdata) -> int:
    """Mark the given notifications (or all) of `user` read; one that is not theirs refuses the whole
    request with NotFound. Returns how many were unread and are now read."""
    data = validated(ReadForm, formdata)
    change = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if not data["all"]:
        ids = set(data["ids"])
        owned = set(db.session.scalars(select(Notification.id).where(Notification.user_id == user.id,
                                                                     Notification.id.in_(ids))))
        if owned != ids:
            raise NotFound()
        change = change.where(Notification.id.in_(ids))
    result = db.session.execute(change.values(read_at=clock.now()).execution_options(synchronize_session="fetch"))
    flush()
    return result.rowcount
