"""Registering a community's council size: who may read and change it, the change checked against the version
seen and audited in its transaction. Flushes, never commits."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from procure.accounts.models import OrgKind, Organisation, Role
from procure.audit.log import record
from procure.audit.models import AuditEntry
from procure.changes import validated
from procure.council.inputs import CouncilForm
from procure.errors import Forbidden, GuardFailed, InvalidInput, NotFound, Reason, StaleVersion
from procure.extensions import db

ACTION = "set_council_size"
HISTORY_LIMIT = 50


def may_read(user, community) -> bool:
    """The community's own staff, an admin, and the reviewers and bureau officers whose area covers it."""
    if user.role == Role.admin:
        return True
    if user.role == Role.community:
        return user.organisation_id == community.id
    return user.role in (Role.reviewer, Role.bureau) and user.organisation.covers(community)


def may_change(user, community) -> bool:
    return user.role == Role.admin or (user.role == Role.community and user.organisation_id == community.id)


def get_community(user, community_id, *, for_update=False) -> Organisation:
    """The community if `user` may see its council; NotFound otherwise (never a hint that it exists)."""
    query = select(Organisation).where(Organisation.id == community_id, Organisation.kind == OrgKind.community)
    if for_update:
        query = query.with_for_update()
    community = db.session.scalar(query) if isinstance(community_id, int) else None
    if community is None or not may_read(user, community):
        raise NotFound()
    return community


def communities_for(user) -> list[Organisation]:
    """The communities whose councils `user` may read, by name."""
    rows = db.session.scalars(select(Organisation).where(Organisation.kind == OrgKind.community)
                              .order_by(Organisation.division_code, Organisation.name)).all()
    return [c for c in rows if may_read(user, c)]


def history(community) -> list[AuditEntry]:
    """The audited changes of this community's council size, newest first."""
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.project_id.is_(None), AuditEntry.action == ACTION)
                                 .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())).all()
    return [e for e in entries if (e.data or {}).get("community_id") == community.id][:HISTORY_LIMIT]


def _seen_version(version) -> int:
    if isinstance(version, (bool, list, dict)):
        raise InvalidInput({"version": ["version is required (an integer) / 请提供版本号"]})
    try:
        return int(version)
    except (TypeError, ValueError, OverflowError):
        raise InvalidInput({"version": ["version is required (an integer) / 请提供版本号"]})


def set_council_size(user, community, formdata, version) -> Organisation:
    """Register or change the council size: the community's staff or an admin, the version they saw, a reason
    for changing a registered size; one audit entry with the size before and after."""
    if not may_change(user, community):
        raise Forbidden()
    data = validated(CouncilForm, formdata)
    if _seen_version(version) != community.council_version:
        raise StaleVersion()
    before, size, reason = community.members_total, data["council_size"], (data["reason"] or "").strip()
    reasons = []
    if size == before:
        reasons.append(Reason("council_size_unchanged", _l("议事会成员人数已登记为 %(size)s 人，未作变更"), size=size))
    elif before is not None and not reason:
        reasons.append(Reason("council_change_unexplained", _l("变更已登记的议事会成员人数须说明理由")))
    if reasons:
        raise GuardFailed(reasons)
    # Compare-and-swap on the version: of two changes made from the same page, the second is a 409.
    swapped = db.session.execute(update(Organisation).where(Organisation.id == community.id,
                                                            Organisation.council_version == community.council_version)
                                 .values(members_total=size, council_version=Organisation.council_version + 1)
                                 .execution_options(synchronize_session=False))
    if swapped.rowcount != 1:
        raise StaleVersion()
    db.session.refresh(community)
    record(None, user, ACTION, comment=reason,
           data={"community_id": community.id, "community": community.name, "before": before, "after": size})
    db.session.flush()
    return community
