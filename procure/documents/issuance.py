"""Issuing an official document: number it, give it a verification code, render it, keep it and its fingerprint.

Rendering reads committed rows only and changes no project: the caller renders after any change was
committed, and commits the new IssuedDocument row (with its PDF, kept in procure.filestore) on its own.
What a document says apart from its own number, code and date has a digest, which is cheap (of the HTML,
not of the PDF). While it is unchanged, a download serves the PDF kept with the last record: the same
number, the same bytes, nothing rendered and nothing written. A change to the data issues a new number
(…-02), rendered once and kept."""
import hashlib
import logging
import secrets
from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from sqlalchemy import update

from procure import clock, filestore
from procure.documents import render_pool, sources
from procure.documents.models import KIND_CODES, VOLUNTEER_KINDS, IssuedDocument
from procure.documents.render import qr_data_uri
from procure.extensions import db
from procure.urls import absolute_url

log = logging.getLogger(__name__)

# Crockford's base32 without look-alikes: 12 characters are 60 random bits.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def verify_url(code: str) -> str:
    """The public verification page of `code`, on PUBLIC_BASE_URL whichever address the download came in on
    (the same document downloaded from two addresses is one document, with one number)."""
    return absolute_url("documents.verify", code=code)


def _subject(kind, project, catalogue, volunteer=None):
    if kind in VOLUNTEER_KINDS:
        return {"project_id": None, "catalogue_year": None, "volunteer_id": volunteer.id}
    if kind == "catalogue":
        return {"project_id": None, "catalogue_year": catalogue.year}
    return {"project_id": project.id, "catalogue_year": None}


def _number(kind, project, catalogue, sequence, volunteer=None) -> str:
    if kind in VOLUNTEER_KINDS:  # the volunteer's record number, not their name: the number is public
        prefix = f"V{volunteer.id:06d}"
    else:
        prefix = str(catalogue.year) if kind == "catalogue" else project.code
    return f"{prefix}-{KIND_CODES[kind]}-{sequence:02d}"


def _html(kind, context, record) -> str:
    stamp = None
    if record is not None:
        url = verify_url(record.verification_code)
        stamp = {"number": record.number, "code": record.verification_code, "issued_on": clock.local(
            record.issued_at).date().isoformat(), "url": url, "qr": qr_data_uri(url)}
    with force_locale("zh_Hans_CN"):  # official documents are in Chinese whatever the reader's language
        # "第 X 页 / 共 Y 页" as a CSS content value: the counters sit between quoted strings.
        page_label = _("第 %(page)s 页 / 共 %(pages)s 页", page='" counter(page) "', pages='" counter(pages) "')
        return render_template(f"documents/{kind}.html", **context, stamp=stamp, page_label=page_label)


def _context(kind, project, catalogue, volunteer) -> dict:
    if kind in VOLUNTEER_KINDS:
        return sources.volunteer_context(volunteer, kind)
    return sources.catalogue_context(catalogue) if kind == "catalogue" else sources.project_context(project, kind)


@dataclass
class Source:
    """What a document says now, and the records issued of it so far (newest first)."""
    context: dict
    digest: str
    subject: dict
    earlier: list

    @property
    def last(self) -> IssuedDocument | None:
        return self.earlier[0] if self.earlier else None

    @property
    def unchanged(self) -> bool:
        return self.last is not None and self.last.source_digest == self.digest


def source(kind, project=None, catalogue=None, volunteer=None) -> Source:
    context = _context(kind, project, catalogue, volunteer)
    subject = _subject(kind, project, catalogue, volunteer)
    earlier = db.session.scalars(db.select(IssuedDocument).filter_by(kind=kind, **subject)
                                 .order_by(IssuedDocument.id.desc())).all()
    return Source(context, hashlib.sha256(_html(kind, context, None).encode()).hexdigest(), subject, earlier)


def kept_pdf(record) -> bytes | None:
    """The PDF kept for `record`, if it is there and still the one recorded."""
    pdf = filestore.get(record.file_key) if record.file_key else None
    if pdf is not None and hashlib.sha256(pdf).hexdigest() != record.sha256:
        log.error("the kept PDF of %s is not the one recorded (sha256); it is rendered again", record.number)
        return None
    return pdf


def kept(kind, *, project=None, catalogue=None, volunteer=None) -> tuple[IssuedDocument, bytes] | None:
    """(record, pdf bytes) when `kind` of the subject is unchanged since its last issue and that PDF is kept;
    None when it must be rendered (issue()). Reads only: no rendering, no write."""
    found = source(kind, project, catalogue, volunteer)
    pdf = kept_pdf(found.last) if found.unchanged else None
    return (found.last, pdf) if pdf is not None else None


def issue(kind, user, *, project=None, catalogue=None, volunteer=None) -> tuple[IssuedDocument, bytes]:
    """(record, pdf bytes) for `kind` of `project` (or of `catalogue`, or of `volunteer` for the volunteer
    certificates), rendering it unless it is kept by now; the caller holds a render_pool.slot(). The record and
    its PDF are added and flushed, not committed. The caller has checked that `user` (None: the public) may
    see the subject and that the document exists.
    Everything is read first; the read transaction ends before the (slow) rendering."""
    found = source(kind, project, catalogue, volunteer)
    unkept = None
    if found.unchanged:
        pdf = kept_pdf(found.last)
        if pdf is not None:  # kept by the download that held the slot before this one
            return found.last, pdf
        last = found.last
        unkept = (last.id, last.file_key, last.sha256, _html(kind, found.context, last))
    number = _number(kind, project, catalogue, len(found.earlier) + 1, volunteer)
    record = IssuedDocument(kind=kind, **found.subject, number=number,
                            verification_code=new_code(), source_digest=found.digest, issued_at=clock.now(),
                            issued_by_id=user.id if user is not None else None, sha256="", page_count=1)
    fresh_html = _html(kind, found.context, record)
    db.session.rollback()  # nothing was written: end the read transaction before rendering
    if unkept is not None:
        reused = _keep_unkept(*unkept)
        if reused is not None:
            return reused
    rendered = render_pool.render(fresh_html)
    record.sha256, record.page_count = rendered.sha256, rendered.pages
    record.file_key = filestore.put(rendered.pdf)
    db.session.add(record)
    db.session.flush()
    return record, rendered.pdf


def _keep_unkept(record_id, old_key, sha256, html) -> tuple[IssuedDocument, bytes] | None:
    """A record issued before PDFs were kept (or whose kept PDF is lost): rendered again with its own number,
    code and date. When those are the bytes recorded, they are kept and the record is reused; otherwise None,
    and a new number is issued. Only a record still without those bytes is given them: if a simultaneous
    download kept them first, its copy stays and this one goes."""
    rendered = render_pool.render(html)
    if rendered.sha256 != sha256:
        log.info("issued document %s renders differently now (not kept before): a new number is issued", record_id)
        return None
    key = filestore.put(rendered.pdf)
    unchanged = IssuedDocument.file_key.is_(None) if old_key is None else IssuedDocument.file_key == old_key
    given = db.session.execute(update(IssuedDocument).where(IssuedDocument.id == record_id, unchanged)
                               .values(file_key=key)).rowcount
    if not given:
        filestore.delete(key)
    elif old_key is not None:
        filestore.delete(old_key)
    return db.session.get(IssuedDocument, record_id), rendered.pdf


def find(code: str) -> IssuedDocument | None:
    if not isinstance(code, str) or len(code) != CODE_LENGTH:
        return None
    return db.session.scalar(db.select(IssuedDocument).filter_by(verification_code=code.upper()))


def filename(record) -> str:
    return f"{record.number}-{sources.TITLES[record.kind]}.pdf"
