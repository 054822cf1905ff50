"""The signed-in user's notifications: list (paged, optionally unread only) and mark read."""
from flask import current_app, g, jsonify, request

from procure.api import bp, formdata
from procure.api.jsonutil import plain
from procure.errors import InvalidInput
from procure.extensions import db
from procure.notifications import operations
from procure.notifications.reminders import link, message

FLAGS = {"true": True, "1": True, "false": False, "0": False, "": False}


def notification_json(n) -> dict:
    return {"id": n.id, "kind": n.kind, "project_id": n.project_id, "key": n.key, "params": n.params or {},
            "message": message(n.kind, n.params or {}), "url": link(n.kind, n.project_id, n.params),
            "created_at": plain(n.created_at),
            "read_at": plain(n.read_at)}


def _query_args() -> tuple[int, bool]:
    errors = {}
    raw_page = request.args.get("page", "1")
    if not (raw_page.isascii() and raw_page.isdigit()) or not 1 <= int(raw_page) <= 1_000_000:
        errors["page"] = ["page must be a positive integer / 页码须为正整数"]
    unread = FLAGS.get(request.args.get("unread", "").strip().lower())
    if unread is None:
        errors["unread"] = ["unread must be true or false / unread 须为 true 或 false"]
    if errors:
        raise InvalidInput(errors)
    return int(raw_page), unread


@bp.get("/notifications")
def list_notifications():
    page, unread = _query_args()
    per_page = current_app.config["PER_PAGE"]
    rows, total, shown = operations.page_of(g.api_user, page, per_page, unread_only=unread)
    if shown != page:  # past the last page: an empty page, as the projects list answers
        rows = []
    return jsonify({"items": [notification_json(n) for n in rows], "page": page, "per_page": per_page,
                    "total": total, "unread": operations.unread_count(g.api_user)})


@bp.post("/notifications/read")
def read_notifications():
    marked = operations.mark_read(g.api_user, formdata())
    db.session.commit()
    return jsonify({"marked": marked, "unread": operations.unread_count(g.api_user)})
