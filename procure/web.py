"""What pages and the API share: error responses, template filters and helpers."""
from decimal import Decimal
from urllib.parse import urlsplit

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_datetime, get_locale, gettext as _
from sqlalchemy import exc
from werkzeug.exceptions import HTTPException

from procure.errors import Refusal
from procure.extensions import db


def wants_json() -> bool:
    return request.path.startswith("/api/")


def register(app):
    @app.errorhandler(Refusal)
    def refusal(error):
        db.session.rollback()
        if wants_json():
            return jsonify(error.body()), error.status, error.headers()
        return render_template("errors/error.html", status=error.status, message=str(error.message)), \
            error.status, error.headers()

    @app.errorhandler(HTTPException)
    def http_error(error):
        db.session.rollback()
        if wants_json():
            code = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                    405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type"}
            if error.code == 429:
                return jsonify({"error": "too_many_requests",
                                "message": "too many requests from this address, try again later / "
                                           "请求过于频繁，请稍后再试"}), 429
            return jsonify({"error": code.get(error.code, "http_error"), "message": error.description}), error.code
        if error.code == 400 and "CSRF" in (error.description or ""):
            flash(_("页面已过期，请重新提交"), "warning")
            return redirect(same_site_path(request.referrer) or url_for("projects.home"))
        message = None
        if error.code == 429:
            message = _("请求过于频繁：同一网络地址在一段时间内的提交或下载次数已达上限，请稍后再试。")
        if error.code == 413:
            from procure.attachments.operations import human_size
            message = _("上传的文件过大：每个文件不能超过 %(limit)s",
                        limit=human_size(app.config["ATTACHMENT_MAX_BYTES"]))
        return render_template("errors/error.html", status=error.code, message=message), error.code

    @app.errorhandler(Exception)
    def unexpected(error):
        db.session.rollback()
        app.logger.exception("unhandled error")
        if wants_json():
            return jsonify({"error": "internal_error", "message": "internal error / 系统内部错误"}), 500
        return render_template("errors/error.html", status=500, message=None), 500

    @app.errorhandler(exc.DBAPIError)
    @app.errorhandler(exc.TimeoutError)
    def database_error(error):
        if not database_unavailable(error):
            return unexpected(error)
        return unavailable(error)

    def unavailable(error):
        """The database is out of reach (down, restarting, read-only, locked past the busy timeout, no
        connection free in the pool): 503 with Retry-After, never 500. The session lets go of its connection
        (a lost one is discarded by the pool), so the next request works as soon as the database is back."""
        try:
            db.session.rollback()
        except exc.SQLAlchemyError:
            pass  # the connection is gone; closing the session below discards it
        db.session.close()
        app.logger.error("database unavailable, answered 503: %s", getattr(error, "orig", None) or error)
        retry_after = app.config["DATABASE_RETRY_AFTER"]
        headers = {"Retry-After": str(retry_after)}
        if wants_json():
            return jsonify({"error": "unavailable", "message": "the database is unavailable, try again shortly / "
                                                              "数据库暂时不可用，请稍后再试",
                            "retry_after": retry_after}), 503, headers
        # Rendered without the context processors: they would load the signed-in user from the database.
        page = app.jinja_env.get_template("errors/unavailable.html").render(
            request=request, english=str(get_locale()) == "en", retry_after=retry_after)
        return page, 503, headers


def database_unavailable(error) -> bool:
    """Whether a database error says the database cannot be reached or written just now (worth retrying),
    rather than that a statement is wrong (a bug: 500)."""
    if getattr(error, "connection_invalidated", False) or isinstance(error, exc.TimeoutError):
        return True
    if not isinstance(error, exc.OperationalError):
        return False
    # SQLite reports a wrong statement ("no such column") as an OperationalError too, named SQLITE_ERROR.
    return getattr(error.orig, "sqlite_errorname", "") != "SQLITE_ERROR"


def same_site_path(target):
    """`target` reduced to a path on this site, or None: never a redirect to another host."""
    parts = urlsplit(target or "")
    if parts.scheme and (parts.scheme not in ("http", "https") or parts.netloc != request.host):
        return None
    if not parts.scheme and parts.netloc:
        return None
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith(("//", "/\\")):  # browsers read /\host as //host
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def money(value) -> str:
    """12345.6 → 12,345.60 (yuan); empty for None."""
    if value is None:
        return ""
    return f"{Decimal(value):,.2f}"


def local_time(moment, fmt="yyyy-MM-dd HH:mm") -> str:
    return format_datetime(moment, fmt) if moment else ""


FILTERS = {"money": money, "local_time": local_time}


def template_helpers() -> dict:
    from procure.performance_evaluation.scoring import GRADE_LABELS
    from procure.projects.inputs import FUNDING_FORM_LABELS, METHOD_LABELS
    from procure.projects.states import STATE_LABELS, STATE_PHASES, TRIGGER_LABELS

    return {"STATE_LABELS": STATE_LABELS, "STATE_PHASES": STATE_PHASES, "TRIGGER_LABELS": TRIGGER_LABELS,
            "METHOD_LABELS": METHOD_LABELS,
            "FUNDING_FORM_LABELS": FUNDING_FORM_LABELS, "GRADE_LABELS": GRADE_LABELS}
