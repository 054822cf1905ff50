"""`flask opendata publish`: write the releases that the commit hook would have written, for data that
predates it (or was changed without an audit entry)."""
import click
from flask.cli import AppGroup

from procure import disclosure
from procure.extensions import db

opendata_cli = AppGroup("opendata", help="Open data (OCDS) / 开放数据")


def publish_all() -> int:
    """A release for every public contracting process whose public data differ from its last release, dated
    by the project's latest audit entry (the change it shows). Idempotent: a second run writes nothing."""
    from procure import clock
    from procure.audit.models import AuditEntry
    from procure.opendata.publishing import publish_if_changed
    from procure.projects.models import Project

    latest = dict(db.session.execute(db.select(AuditEntry.project_id, db.func.max(AuditEntry.at))
                                     .where(AuditEntry.project_id.is_not(None))
                                     .group_by(AuditEntry.project_id)).all())
    written = 0
    projects = db.session.scalars(db.select(Project).where(disclosure.public_clause()).order_by(Project.id)).all()
    for project in projects:
        if publish_if_changed(project, latest.get(project.id) or clock.now()) is not None:
            written += 1
    return written


@opendata_cli.command("publish")
def publish():
    """Write the first or next OCDS release of every public project whose public data changed."""
    written = publish_all()
    db.session.commit()
    click.echo(f"{written} releases written")
