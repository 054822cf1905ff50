"""Attachments: list and upload (multipart) per project, download one by id; sealed bid files stay sealed."""
from flask import g, jsonify, request, url_for

from procure.api import bp
from procure.api.jsonutil import plain
from procure.attachments import operations
from procure.attachments.views import download_response
from procure.extensions import db
from procure.projects.permissions import get_visible


def attachment_json(a) -> dict:
    return {"id": a.id, "kind": a.kind, "bid_id": a.bid_id, "service_record_id": a.service_record_id,
            "name": a.original_name,
            "content_type": a.content_type, "size": a.size, "sha256": a.sha256, "uploaded_at": plain(a.uploaded_at),
            "uploaded_by": {"id": a.uploaded_by_id, "name": a.uploaded_by.display_name},
            "organisation": {"id": a.organisation_id, "name": a.organisation.name},
            "download_url": url_for("api.download_attachment", attachment_id=a.id)}


@bp.get("/projects/<int:project_id>/attachments")
def list_attachments(project_id):
    project = get_visible(g.api_user, project_id)
    return jsonify([attachment_json(a) for a in operations.visible_attachments(g.api_user, project)])


@bp.post("/projects/<int:project_id>/attachments")
def upload_attachment(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    attachment = operations.upload(project, g.api_user, request.form.get("kind"), request.files.get("file"),
                                   service_record_id=request.form.get("service_record_id"))
    db.session.commit()
    return jsonify(attachment_json(attachment)), 201


@bp.get("/attachments/<int:attachment_id>")
def download_attachment(attachment_id):
    return download_response(operations.get_visible_attachment(g.api_user, attachment_id))
