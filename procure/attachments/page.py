"""What the project page shows about attachments: the files this user may read and the kinds they may upload."""
from flask import current_app, url_for

from procure.attachments import sniffing
from procure.attachments.operations import KIND_LABELS, human_size, upload_kinds, visible_attachments

FAILED_KEY = "attachment"


def page_context(user, project, failed=None) -> dict:
    kinds = upload_kinds(user, project)
    mine = failed if failed is not None and failed.key == FAILED_KEY else None
    return {"attachments": {
        "files": visible_attachments(user, project),
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
