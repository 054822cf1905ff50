"""Uploading attachments and deciding who may read them: check, store, record, audit; flush but never commit."""
import hashlib
import re

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from procure import clock, filestore
from procure.attachments import sniffing
from procure.attachments.models import KINDS, Attachment
from procure.audit.log import record
from procure.database import MAX_ID
from procure.delivery.models import ServiceRecord
from procure.errors import Forbidden, GuardFailed, InvalidInput, InvalidTransition, NotFound, Reason
from procure.extensions import db
from procure.lifecycle import flush
from procure.procurement.models import Bid
from procure.procurement.operations import bids_visible_to
from procure.projects.permissions import get_visible, relations
from procure.providers import operations as providers

KIND_LABELS = {
    "proposal": _l("申报材料"), "bid": _l("响应文件附件"), "milestone_report": _l("节点报告材料"),
    "service_record": _l("服务记录佐证材料"), "contract": _l("合同文本"), "acceptance": _l("验收材料"),
    "other": _l("其他材料"), "provider_evidence": _l("承接主体资格证明材料"),
}
# Who may upload which kind, and in which states: kind → (states, relations). A kind not named is denied.
UPLOAD_RULES = {
    "proposal": ({"draft", "returned"}, {"community"}),
    "bid": ({"tendering"}, {"bidder"}),
    "milestone_report": ({"in_delivery"}, {"implementer"}),
    # Photos and sign-in sheets of one service record; also while rectifying what acceptance found missing.
    "service_record": ({"in_delivery", "rectification"}, {"implementer"}),
    "contract": ({"contracted", "in_delivery", "delivered", "under_acceptance", "rectification", "accepted",
                  "evaluated"}, {"bureau"}),
    "acceptance": ({"under_acceptance", "rectification", "accepted"}, {"assigned_evaluator"}),
}
# What a file name may not carry: control characters (C0, DEL, C1), the line and paragraph separators, and the
# Unicode bidirectional controls (embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069, the marks
# U+200E, U+200F and U+061C), with which "报告\u202Etxt.pdf" shows as "报告fdp.txt" and hides what a file is.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def _own_bid(project, user) -> Bid | None:
    return db.session.scalar(select(Bid).filter_by(project_id=project.id, provider_id=user.organisation_id))


def _bid_reasons(project, bid) -> list[Reason]:
    if bid is None or bid.status != "submitted":
        return [Reason("no_submitted_bid", _l("贵机构在本项目没有有效的响应文件"))]
    if project.bid_deadline is None or clock.now() >= project.bid_deadline:
        return [Reason("bid_deadline_passed", _l("投标截止时间已过"))]
    return []


def upload_kinds(user, project) -> list[str]:
    """The kinds `user` may upload to `project` now (what the page's form offers)."""
    parts = relations(user, project)
    kinds = [kind for kind, (states, who) in UPLOAD_RULES.items() if project.state in states and who & parts]
    if "bid" in kinds and _bid_reasons(project, _own_bid(project, user)):
        kinds.remove("bid")
    return kinds


def clean_name(filename) -> str:
    """The name as the user's computer had it, without folders, control or bidirectional control characters,
    at most 255 long."""
    name = CONTROL.sub("", re.split(r"[\\/]", filename or "")[-1]).strip().strip(".")
    if len(name) > 255:
        ext = sniffing.extension(name)[:16]
        name = name[:255 - len(ext)] + ext
    return name


def _read(file) -> tuple[str, bytes]:
    """The upload's name and bytes, refused (field "file") when missing, empty, too large or not allowed."""
    name = clean_name(getattr(file, "filename", None))
    if file is None or not name:
        raise InvalidInput({"file": [_("请选择要上传的文件")]})
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    content = file.stream.read(limit + 1)
    if len(content) > limit:
        raise InvalidInput({"file": [_("文件超过大小上限（%(limit)s）", limit=human_size(limit))]})
    if not content:
        raise InvalidInput({"file": [_("文件是空的")]})
    return name, content


def _service_record(project, service_record_id) -> ServiceRecord:
    """The project's service record named by the form's `service_record_id`; a field error otherwise."""
    raw = str(service_record_id or "").strip()
    record_id = int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_ID else None
    row = db.session.get(ServiceRecord, record_id) if record_id else None
    if row is None or row.project_id != project.id:
        raise InvalidInput({"service_record_id": [_("请选择本项目的一条服务记录")]})
    return row


def upload(project, user, kind, file, bid=None, service_record_id=None) -> Attachment:
    """Attach `file` to `project` as `kind`: who and when first, then the file itself, then store and audit.
    Evidence of a service record (kind "service_record") names the record by `service_record_id`."""
    if kind not in KINDS:
        raise InvalidInput({"kind": [_("请选择附件类别")]})
    states, allowed = UPLOAD_RULES.get(kind, (set(), set()))
    if not allowed & relations(user, project):
        raise Forbidden()
    if project.state not in states:
        raise InvalidTransition()
    if kind == "bid":
        bid = bid or _own_bid(project, user)
        if bid is not None and (bid.project_id != project.id or bid.provider_id != user.organisation_id):
            raise Forbidden()
        reasons = _bid_reasons(project, bid)
        if reasons:
            raise GuardFailed(reasons)
    else:
        bid = None
    record_id = _service_record(project, service_record_id).id if kind == "service_record" else None
    name, content, detected = _read_checked(file)
    attachment = Attachment(project_id=project.id, kind=kind, bid_id=bid.id if bid else None,
                            service_record_id=record_id, original_name=name, stored_name=filestore.put(content),
                            content_type=detected.content_type, size=len(content),
                            sha256=hashlib.sha256(content).hexdigest(),
                            uploaded_at=clock.now(), uploaded_by_id=user.id, organisation_id=user.organisation_id)
    db.session.add(attachment)
    flush()
    record(project, user, "upload_attachment", comment=name,
           data={"attachment_id": attachment.id, "kind": kind, "bid_id": attachment.bid_id,
                 "service_record_id": record_id, "name": name,
                 "size": attachment.size, "sha256": attachment.sha256})
    flush()
    return attachment


def _read_checked(file):
    """The file's cleaned name, its content and its detected type; a type we do not take is refused."""
    name, content = _read(file)
    detected = sniffing.check(name, content)
    if detected is None:
        raise InvalidInput({"file": [_("只能上传 PDF、PNG、JPEG、Word（.docx）、Excel（.xlsx）、文本（.txt）或 CSV "
                                       "文件，且扩展名须与文件内容一致")]})
    return name, content, detected


def upload_evidence(org, user, requirement, file, note="") -> Attachment:
    """A provider's evidence of one of its requirements (procure.providers): stored like any attachment but
    belonging to the provider, read by the provider and the government staff who keep the register."""
    providers.check_evidence_upload(org, user, requirement)
    name, content, detected = _read_checked(file)
    attachment = Attachment(project_id=None, kind="provider_evidence", original_name=name,
                            stored_name=filestore.put(content), content_type=detected.content_type,
                            size=len(content), sha256=hashlib.sha256(content).hexdigest(), uploaded_at=clock.now(),
                            uploaded_by_id=user.id, organisation_id=user.organisation_id)
    db.session.add(attachment)
    flush()
    providers.record_evidence(org, user, requirement, attachment.id, note)
    return attachment


# ---- reading --------------------------------------------------------------------------------------

def visible_attachments(user, project) -> list[Attachment]:
    """The project's attachments `user` may read: all of them, except bid files sealed with their bid."""
    bids = {b.id for b in bids_visible_to(user, project)}
    rows = db.session.scalars(select(Attachment).filter_by(project_id=project.id)
                              .order_by(Attachment.uploaded_at, Attachment.id))
    return [a for a in rows if a.bid_id is None or a.bid_id in bids]


def service_record_files(project) -> dict[int, list[Attachment]]:
    """The evidence of each of the project's service records, by record id (seen by whoever sees the project)."""
    files: dict[int, list[Attachment]] = {}
    for row in db.session.scalars(select(Attachment).filter_by(project_id=project.id, kind="service_record")
                                  .order_by(Attachment.uploaded_at, Attachment.id)):
        files.setdefault(row.service_record_id, []).append(row)
    return files


def get_visible_attachment(user, attachment_id) -> Attachment:
    """The attachment if `user` may see its project and, for a bid's file, the bid; NotFound otherwise."""
    attachment = db.session.get(Attachment, attachment_id) if isinstance(attachment_id, int) else None
    if attachment is None:
        raise NotFound()
    if attachment.project_id is None:  # a provider's evidence: whoever may see the provider
        providers.get_provider(user, attachment.organisation_id)
        return attachment
    project = get_visible(user, attachment.project_id)
    if attachment.bid_id is not None and attachment.bid_id not in {b.id for b in bids_visible_to(user, project)}:
        raise NotFound()
    return attachment


def human_size(size: int) -> str:
    for unit in ("B", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"
