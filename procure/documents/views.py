"""Official PDF downloads (project documents, the catalogue) and the public verification page.

A download only reads committed data, then serves the kept PDF, or renders, records and keeps a new one and
commits it here: documents are never rendered inside a state change."""
import hashlib
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy.exc import IntegrityError

from procure.database import writes
from procure.documents import issuance, render_claim, render_pool, sources
from procure.documents.models import VOLUNTEER_KINDS
from procure.extensions import db

bp = Blueprint("documents", __name__)


class VerifyUploadForm(FlaskForm):
    pdf = FileField(_l("待核对的 PDF 文件"), validators=[FileRequired(_l("请选择文件"))])


def pdf_response(record, pdf: bytes) -> Response:
    name = issuance.filename(record)
    disposition = f"attachment; filename=\"{record.number}.pdf\"; filename*=UTF-8''{quote(name)}"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": disposition, "Cache-Control": "private, no-store"})


def issue_and_commit(kind, user, on_issue=None, **subject) -> Response:
    """The document's PDF. Unchanged data: the kept PDF of the last record, nothing rendered. Otherwise it is
    rendered holding the document's render claim (one render of it at a time anywhere) and a render slot, and recorded and committed before the slot is released, so that a download
    that waited for the slot finds it kept. When a simultaneous download (another worker or machine) took the
    same number first, issue again: the other request's record is then there to reuse (or the next number is
    free). `on_issue(record)` adds what must commit with it (an audit row)."""
    claim = _claim_name(kind, subject)  # before the rollback below, which expires the subject's attributes
    for attempt in range(3):
        try:
            issued = issuance.kept(kind, **subject)
            if issued is not None:
                return _committed(issued, on_issue)
            db.session.rollback()  # no transaction is held while waiting for the claim and a slot
            with render_claim.claimed(claim), render_pool.slot():
                return _committed(issuance.issue(kind, user, **subject), on_issue)
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise


def _claim_name(kind, subject) -> str:
    """The document as one name for every process: its kind and what it is of."""
    return kind + "".join(f":{name}={getattr(value, 'id', value)}" for name, value in sorted(subject.items()))


def _committed(issued, on_issue) -> Response:
    record, pdf = issued
    if on_issue is not None:
        on_issue(record)
    db.session.commit()
    return pdf_response(record, pdf)


def project_document(user, project_id, kind) -> Response:
    from procure.projects.permissions import get_visible

    project = get_visible(user, project_id)
    if kind not in sources.PROJECT_KINDS or not sources.available(project, kind):
        abort(404)
    return issue_and_commit(kind, user, project=project)


@bp.app_context_processor
def document_helpers():
    return {"project_documents": sources.available_kinds, "DOCUMENT_TITLES": sources.TITLES}


@bp.get("/projects/<int:project_id>/documents/<kind>.pdf")
@login_required
@writes
def project_pdf(project_id, kind):
    return project_document(current_user, project_id, kind)


@bp.get("/catalogues/<int:year>/document.pdf")
@login_required
@writes
def catalogue_pdf(year):
    from procure.catalogue.operations import get_catalogue

    catalogue = get_catalogue(current_user, year)
    if catalogue.state not in ("published", "in_force"):
        abort(404)
    return issue_and_commit("catalogue", current_user, catalogue=catalogue)


@bp.get("/volunteers/<int:volunteer_id>/certificates/<kind>.pdf")
@login_required
@writes
def volunteer_pdf(volunteer_id, kind):
    """志愿服务证明 / 社区人才库入库证书: for the volunteer themself and the staff of their community, free."""
    return volunteer_document(current_user, volunteer_id, kind)


def volunteer_document(user, volunteer_id, kind) -> Response:
    """Issue (or reuse, when nothing changed) a volunteer certificate, with an audit row for each issuance."""
    from procure.audit.log import record as audit
    from procure.talent.operations import get_volunteer

    volunteer = get_volunteer(user, volunteer_id)
    if kind not in VOLUNTEER_KINDS or not sources.volunteer_available(volunteer, kind):
        abort(404)
    return issue_and_commit(kind, user, volunteer=volunteer, on_issue=lambda document: audit(
        None, user, "issue_certificate", data={"kind": kind, "volunteer_id": volunteer_id,
                                               "number": document.number, "document_id": document.id}))


@bp.route("/verify/<code>", methods=["GET", "POST"])
def verify(code):
    """Public: what the document with this code is, and whether an uploaded copy is byte for byte it."""
    record = issuance.find(code)
    if record is None:
        abort(404)
    form, matches, too_large = VerifyUploadForm(), None, False
    if form.validate_on_submit():
        limit = current_app.config["VERIFY_UPLOAD_MAX_BYTES"]
        data = form.pdf.data.stream.read(limit + 1)
        too_large = len(data) > limit
        if not too_large:
            matches = hashlib.sha256(data).hexdigest() == record.sha256
    status = 413 if too_large else 200
    return render_template("documents/verify.html", record=record, subject=subject_of(record), form=form,
                           matches=matches, too_large=too_large), status


def subject_of(record) -> dict:
    """What a verifier is told about the document's subject: public facts only. For a volunteer certificate:
    the issuing community and the holder's masked name, never the name, ID number or phone."""
    from procure.projects.models import Project

    if record.kind in VOLUNTEER_KINDS:
        from procure.volunteers.ledger import mask_name
        from procure.volunteers.models import Volunteer

        volunteer = db.session.get(Volunteer, record.volunteer_id)
        return {"project": None, "issuer": volunteer.community, "title": sources.TITLES[record.kind],
                "holder": mask_name(volunteer.real_name)}
    project = db.session.get(Project, record.project_id) if record.project_id else None
    if project is not None:
        issuer = sources.issuer_of(project, record.kind)
    else:
        issuer = sources.catalogue_issuer(record.catalogue_year)
    return {"project": project, "issuer": issuer, "title": sources.TITLES[record.kind], "holder": None}
