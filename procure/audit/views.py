"""The admin's audit page (/admin/audit): how many entries the trail holds, the latest check of its hash chain,
and a button that checks it again (the whole trail is read, so it runs only when asked)."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from procure.accounts.admin_only import admins_only
from procure.audit import chain
from procure.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


bp.before_request(admins_only)


@bp.get("")
def index():
    last = chain.last_verification(db.session)
    return render_template("audit/index.html", entries=chain.entry_count(db.session), last=last,
                           result=last.data if last else None)


@bp.post("/verify")
def verify():
    result = chain.verify(db.session)
    chain.record_verification(db.session, result, current_user)
    db.session.commit()
    if result.intact:
        flash(_("操作记录完整：%(n)s 条记录的哈希链未被改动。", n=result.entries), "success")
    else:
        flash(_("操作记录被改动：第 %(id)s 条记录起哈希链断开。", id=result.broken_id), "error")
    return redirect(url_for("audit.index"))
