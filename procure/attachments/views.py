"""Attachment pages: upload to a project (from its page) and download, with the project page's access rules."""
from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from procure import filestore
from procure.attachments import operations
from procure.attachments.page import FAILED_KEY, evidence_key
from procure.errors import NotFound, Refusal
from procure.extensions import db
from procure.projects.page import Failed, detail_context
from procure.projects.permissions import get_visible

bp = Blueprint("attachments", __name__)


@bp.post("/projects/<int:project_id>/attachments")
@login_required
def upload(project_id):
    project = get_visible(current_user, project_id, for_update=True)
    kind, record_id = request.form.get("kind"), request.form.get("service_record_id")
    try:
        attachment = operations.upload(project, current_user, kind, request.files.get("file"),
                                       service_record_id=record_id)
        db.session.commit()
    except Refusal as error:
        db.session.rollback()
        key = evidence_key(record_id) if kind == "service_record" else FAILED_KEY
        failed = Failed(key, MultiDict(request.form), error)
        project = get_visible(current_user, project_id)
        return render_template("projects/detail.html", **detail_context(current_user, project, failed)), \
            error.status
    flash(_("附件已上传：%(name)s", name=attachment.original_name), "success")
    anchor = "delivery" if kind == "service_record" else "attachments"
    return redirect(url_for("projects.detail", project_id=project_id, _anchor=anchor))


def download_response(attachment):
    """The stored file (procure.filestore) as a download (never shown inline), under the name it was uploaded
    with."""
    content = filestore.get(attachment.stored_name)
    if content is None:
        raise NotFound()
    response = send_file(BytesIO(content), mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.original_name, max_age=0, etag=attachment.sha256)
    if response.status_code == 200:  # not a 304: send_file gives no length to bytes in memory
        response.content_length = len(content)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/attachments/<int:attachment_id>/download")
@login_required
def download(attachment_id):
    return download_response(operations.get_visible_attachment(current_user, attachment_id))
