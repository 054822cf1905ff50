"""Writing audit entries (always inside the transaction of the change they record)."""
from datetime import date, datetime
from decimal import Decimal

from procure import clock
from procure.audit.models import AuditEntry
from procure.extensions import db


def jsonable(value):
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items() if k != "csrf_token"}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def record(project, user, action, *, from_state=None, to_state=None, comment="", data=None):
    entry = AuditEntry(project_id=project.id if project else None, at=clock.now(), user_id=user.id,
                       organisation_id=user.organisation_id, action=action, from_state=from_state,
                       to_state=to_state, comment=comment or "", data=jsonable(data or {}))
    db.session.add(entry)
    return entry


def record_public(project, action, *, data=None):
    """An entry for something a member of the public did (no user, no organisation; no comment, so that
    nothing a resident wrote lands in the trail)."""
    entry = AuditEntry(project_id=project.id, at=clock.now(), user_id=None, organisation_id=None, action=action,
                       comment="", data=jsonable(data or {}))
    db.session.add(entry)
    return entry


def record_system(action, *, data=None, via="cli"):
    """An entry for a change made from the command line (no signed-in user), e.g. `flask users disable`, or
    by the system itself (`via="web"`: an account locked after failed sign-ins)."""
    entry = AuditEntry(project_id=None, at=clock.now(), user_id=None, organisation_id=None, action=action,
                       comment="", data=jsonable({**(data or {}), "via": via}))
    db.session.add(entry)
    return entry
