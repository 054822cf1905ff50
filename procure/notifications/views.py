"""Notification pages: the user's own notifications, marking them read, and the unread count in the nav."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import MultiDict

from procure.database import MAX_ID
from procure.extensions import db
from procure.notifications import operations
from procure.notifications.reminders import KIND_LABELS, link, message
from procure.projects.listing import bounded_int, page_window

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def nav_helpers():
    return {"unread_notifications": unread_for_nav}


def unread_for_nav() -> int | None:
    """The signed-in user's unread count for the nav, up to BELL_CAP (one COUNT); None for visitors or when the
    database fails, so that an error page still renders."""
    if not current_user.is_authenticated:
        return None
    try:
        return operations.unread_for_bell(current_user)
    except SQLAlchemyError:
        db.session.rollback()
        return None


def _page() -> int:
    return bounded_int(request.args.get("page"), 1, MAX_ID) or 1


@bp.get("/notifications")
@login_required
def index():
    rows, total, page = operations.page_of(current_user, _page(), current_app.config["PER_PAGE"])
    pages = max(1, -(-total // current_app.config["PER_PAGE"]))
    return render_template("notifications/index.html", notifications=rows, total=total, page=page, pages=pages,
                           page_numbers=page_window(page, pages), message=message, link=link,
                           kind_labels=KIND_LABELS, unread=operations.unread_count(current_user))


def _back():
    page = bounded_int(request.form.get("page"), 1, MAX_ID)
    return redirect(url_for("notifications.index", page=page if page and page > 1 else None))


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def read_one(notification_id):
    operations.mark_read(current_user, MultiDict({"ids-0": str(notification_id)}))
    db.session.commit()
    return _back()


@bp.post("/notifications/read")
@login_required
def read_all():
    count = operations.mark_read(current_user, MultiDict({"all": "y"}))
    db.session.commit()
    flash(_("已将 %(count)s 条提醒标为已读", count=count), "success")
    return _back()
