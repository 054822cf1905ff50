"""Releases are written when a change to a project commits: every project that an audit entry of the
transaction names gets a new release, in the same transaction, if its public data differ from its last
release. A release is dated by the latest of those audit entries (the change itself)."""
import hashlib
import json

from procure.changes import on_session
from procure.extensions import db

_TOUCHED = "opendata_touched"  # session.info key: project id → the latest audit time seen
_YEARS = "opendata_catalogues"  # session.info key: catalogue year → the time it was published
# Catalogue-wide changes (audited without a project) that change every listed project's release: the
# catalogue's PDF is public from its publication on.
CATALOGUE_ACTIONS = ("publish_catalogue",)


def register(app):
    on_session(after_flush=_collect, before_commit=publish_pending, after_rollback=_forget)


def _forget(session):
    session.info.pop(_TOUCHED, None)
    session.info.pop(_YEARS, None)


def _later(mapping, key, at):
    seen = mapping.get(key)
    mapping[key] = at if seen is None or at > seen else seen


def _note(session, objects):
    from procure.audit.models import AuditEntry

    touched = session.info.setdefault(_TOUCHED, {})
    for entry in objects:
        if not isinstance(entry, AuditEntry):
            continue
        if entry.project_id is not None:
            _later(touched, entry.project_id, entry.at)
        elif entry.action in CATALOGUE_ACTIONS and isinstance((entry.data or {}).get("year"), int):
            _later(session.info.setdefault(_YEARS, {}), entry.data["year"], entry.at)


def _collect(session, flush_context):
    _note(session, session.new)


def publish_pending(session):
    """Write the releases the changes noted so far call for (before each commit; the demo, which loads in one
    transaction, calls it after each step so that every stage gets its release)."""
    _note(session, session.new)
    touched = session.info.pop(_TOUCHED, None) or {}
    years = session.info.pop(_YEARS, None)
    from procure.projects.models import Project

    if years:
        listed = session.execute(db.select(Project.id, Project.catalogue_year)
                                 .where(Project.catalogue_year.in_(list(years)))).all()
        for project_id, year in listed:
            _later(touched, project_id, years[year])
    if not touched:
        return

    for project_id, moment in sorted(touched.items()):
        project = session.get(Project, project_id)
        if project is not None:
            publish_if_changed(project, moment)


def digest_of(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def publish_if_changed(project, moment):
    """Add a release for `project` dated `moment` when its public data changed; returns it, or None."""
    from procure import clock
    from procure.opendata import releases
    from procure.opendata.models import OcdsRelease

    content = releases.snapshot(project)
    if content is None:
        return None
    digest = digest_of(releases.comparable(content))  # the same content served from another address
    last = db.session.scalar(db.select(OcdsRelease).filter_by(project_id=project.id)
                             .order_by(OcdsRelease.id.desc()).limit(1))
    if last is not None and last.digest == digest:
        return None
    ocid = releases.ocid(project)
    number = 1 + (db.session.scalar(db.select(db.func.count()).select_from(OcdsRelease)
                                    .filter_by(project_id=project.id)) or 0)
    tags = releases.tags_for(last.release if last is not None else None, content)
    release = {"ocid": ocid, "id": f"{ocid}-{number:04d}", "date": clock.utc_iso(moment), "tag": tags,
               "initiationType": "tender", **content}
    row = OcdsRelease(project_id=project.id, ocid=ocid, release_id=release["id"], date=moment, tags=",".join(tags),
                      digest=digest, release=release)
    db.session.add(row)
    count_release(first=number == 1)
    return row


def recount_totals():
    """Count the releases and processes again (after releases were loaded in bulk); flush, never commit."""
    from procure.opendata.models import OcdsTotals

    db.session.execute(db.delete(OcdsTotals))
    db.session.flush()
    count_release(first=False, by=0)


def count_release(first: bool, by: int = 1):
    """Count one more release (`by`; and process, for a project's first) in the kept totals (OcdsTotals); where the
    row is missing, it is made from the releases themselves."""
    from procure.opendata.models import OcdsRelease, OcdsTotals

    totals = db.update(OcdsTotals).where(OcdsTotals.id == 1)
    counted = db.session.execute(totals.values(releases=OcdsTotals.releases + by,
                                               processes=OcdsTotals.processes + int(first)))
    if counted.rowcount == 0:
        db.session.flush()  # the new release counts itself
        releases, processes = db.session.execute(
            db.select(db.func.count(OcdsRelease.id), db.func.count(db.distinct(OcdsRelease.ocid)))).one()
        db.session.add(OcdsTotals(id=1, releases=releases, processes=processes))
