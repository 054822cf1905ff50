"""Flask commands: users, holiday calendar, demo data."""
import click
from flask import current_app
from flask.cli import AppGroup

from procure.extensions import db

users_cli = AppGroup("users", help="Manage user accounts / 用户管理")
calendar_cli = AppGroup("calendar", help="Holiday calendar / 节假日日历")
demo_cli = AppGroup("demo", help="Demo data / 演示数据")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["community", "reviewer", "bureau", "provider",
                                                          "evaluator", "admin"]))
@click.option("--org", "org_id", required=True, type=int, help="organisation id")
@click.option("--name", "display_name", default=None, help="display name")
@click.password_option()
def create_user(username, role, org_id, display_name, password):
    """Create a user in an organisation."""
    from procure.accounts.models import ROLES_BY_KIND, OrgKind, Organisation, User
    from procure.accounts.passwords import hash_password

    org = db.session.get(Organisation, org_id)
    if org is None:
        raise click.BadParameter(f"no organisation {org_id}", param_hint="--org")
    if role not in {r.value for r in ROLES_BY_KIND[OrgKind(org.kind)]}:
        raise click.BadParameter(f"a {org.kind} organisation cannot hold role {role}", param_hint="--role")
    if db.session.scalar(db.select(User).filter_by(username=username)):
        raise click.BadParameter(f"user {username} exists", param_hint="USERNAME")
    db.session.add(User(username=username, role=role, organisation_id=org.id, display_name=display_name or username,
                        password_hash=hash_password(password)))
    db.session.commit()
    click.echo(f"created {username} ({role}) in {org.name}")


@calendar_cli.command("sync")
def sync_calendar():
    """Load statutory holidays and make-up working days from the chinesecalendar library."""
    from procure.workdays.service import sync_from_library

    years = sync_from_library()
    db.session.commit()
    click.echo(f"holiday calendar covers {years[0]}–{years[-1]}")


@demo_cli.command("load")
def load_demo():
    """Build the demo city (idempotent: does nothing when the demo data is there)."""
    from procure.demo import load

    created = load(current_app.config["DEMO_PASSWORD"])
    db.session.commit()
    click.echo("demo data loaded" if created else "demo data already present")


def register(app):
    app.cli.add_command(users_cli)
    app.cli.add_command(calendar_cli)
    app.cli.add_command(demo_cli)
