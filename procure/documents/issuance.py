"""Issuing an official document: number it, give it a verification code, render it, keep its fingerprint.

Rendering reads committed rows only and changes no project: the caller renders after any change was
committed, and commits the new IssuedDocument row on its own. Unchanged source data (same digest of the
document without its number, code and date) reuses the last record, so downloading twice gives the same
number and the same bytes; a change to the data issues a new number (…-02)."""
import hashlib
import secrets

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from procure import clock
from procure.documents import sources
from procure.documents.models import KIND_CODES, VOLUNTEER_KINDS, IssuedDocument
from procure.documents.render import qr_data_uri, render_pdf
from procure.extensions import db
from procure.urls import absolute_url

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


def issue(kind, user, *, project=None, catalogue=None, volunteer=None):
    """(record, pdf bytes) for `kind` of `project` (or of `catalogue`, or of `volunteer` for the volunteer
    certificates); the record is added and flushed, not committed. The caller has checked that `user` (None:
    the public) may see the subject and that the document exists.
    Everything is read first; the read transaction ends before the (slow) rendering."""
    context = _context(kind, project, catalogue, volunteer)
    digest = hashlib.sha256(_html(kind, context, None).encode()).hexdigest()
    subject = _subject(kind, project, catalogue, volunteer)
    earlier = db.session.scalars(db.select(IssuedDocument).filter_by(kind=kind, **subject)
                                 .order_by(IssuedDocument.id.desc())).all()
    last = earlier[0] if earlier else None
    reuse_html = _html(kind, context, last) if last is not None and last.source_digest == digest else None
    number = _number(kind, project, catalogue, len(earlier) + 1, volunteer)
    record = IssuedDocument(kind=kind, **subject, number=number,
                            verification_code=new_code(), source_digest=digest, issued_at=clock.now(),
                            issued_by_id=user.id if user is not None else None, sha256="", page_count=1)
    fresh_html = _html(kind, context, record)
    db.session.rollback()  # nothing was written: end the read transaction before rendering
    if reuse_html is not None:
        rendered = render_pdf(reuse_html)
        if rendered.sha256 == last.sha256:
            return last, rendered.pdf
    rendered = render_pdf(fresh_html)
    record.sha256, record.page_count = rendered.sha256, rendered.pages
    db.session.add(record)
    db.session.flush()
    return record, rendered.pdf


def find(code: str) -> IssuedDocument | None:
    if not isinstance(code, str) or len(code) != CODE_LENGTH:
        return None
    return db.session.scalar(db.select(IssuedDocument).filter_by(verification_code=code.upper()))


def filename(record) -> str:
    return f"{record.number}-{sources.TITLES[record.kind]}.pdf"
