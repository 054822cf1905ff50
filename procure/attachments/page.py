"""What the project page shows about attachments: the files this user may read and the kinds they may upload."""
from flask import current_app, url_for

from procure.attachments import sniffing
from procure.attachments.operations import KIND_LABELS, human_size, upload_kinds, visible_attachments

FAILED_KEY = "attachment"
# Kinds uploaded and listed next to their record elsewhere on the page (service records: in the delivery part).
PER_RECORD_KINDS = {"service_record"}


def evidence_key(service_record_id) -> str:
    """The page form that uploads evidence of one service record."""
    return f"evidence:{service_record_id}"


def page_context(user, project, failed=None) -> dict:
    kinds = [kind for kind in upload_kinds(user, project) if kind not in PER_RECORD_KINDS]
    mine = failed if failed is not None and failed.key == FAILED_KEY else None
    return {"attachments": {
        "files": [a for a in visible_attachments(user, project) if a.kind not in PER_RECORD_KINDS],
        "kinds": [(kind, KIND_LABELS[kind]) for kind in kinds],
        "labels": KIND_LABELS,
        "size_label": human_size,
        "url": url_for("attachments.upload", project_id=project.id),
        "accept": ",".join(sniffing.ALLOWED_EXTENSIONS),
        "limit": human_size(current_app.config["ATTACHMENT_MAX_BYTES"]),
        "failed": mine,
        "errors": mine.error.fields if mine is not None and hasattr(mine.error, "fields") else {},
        "chosen_kind": mine.formdata.get("kind") if mine is not None else None,
    }}
