"""Official PDF documents: download a project's document; verify an issued document by its code (public)."""
from flask import abort, g, jsonify

from procure.api import bp
from procure.api.jsonutil import plain
from procure.database import writes
from procure.documents import issuance
from procure.documents.views import project_document, subject_of


@bp.get("/projects/<int:project_id>/documents/<kind>.pdf")
@writes
def project_document_pdf(project_id, kind):
    return project_document(g.api_user, project_id, kind)


def verification_json(record) -> dict:
    subject = subject_of(record)
    project = subject["project"]
    return {"kind": record.kind, "title": str(subject["title"]), "number": record.number,
            "verification_code": record.verification_code,
            "project": {"code": project.code, "title": project.title} if project else None,
            "catalogue_year": record.catalogue_year,
            "issuer": subject["issuer"].name if subject["issuer"] else None,
            "issued_at": plain(record.issued_at), "page_count": record.page_count, "sha256": record.sha256}


@bp.get("/documents/<code>")
def verify_document(code):
    record = issuance.find(code)
    if record is None:
        abort(404)
    return jsonify(verification_json(record))
