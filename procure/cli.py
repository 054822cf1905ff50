"""Flask commands: users, organisations and division names, holiday calendar, demo data, daily reminders, audit,
and counting the kept figures again (recount)."""
import click
from flask import current_app
from flask.cli import AppGroup

from procure.extensions import db
from procure.audit.log import record_system
from procure.jobs import once_a_day

users_cli = AppGroup("users", help="Manage user accounts / 用户管理")
orgs_cli = AppGroup("orgs", help="Manage organisations / 机构管理")
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
    from procure.accounts.passwords import bilingual, hash_password, policy_problems

    problems = policy_problems(password, username)
    if problems:
        raise click.BadParameter("; ".join(bilingual(code) for code in problems), param_hint="--password")
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


def _user(username):
    from procure.accounts.models import User

    user = db.session.scalar(db.select(User).filter_by(username=username))
    if user is None:
        raise click.BadParameter(f"no user {username} / 没有该用户", param_hint="USERNAME")
    return user


@users_cli.command("disable")
@click.argument("username")
def disable_user(username):
    """Disable a user: login refused, every session and API token ended at once."""
    user = _user(username)
    user.active = False
    user.end_sessions()
    record_system("disable_user", data={"user_id": user.id, "username": user.username})
    db.session.commit()
    click.echo(f"disabled {username}; their sessions and API tokens have ended")


@users_cli.command("enable")
@click.argument("username")
def enable_user(username):
    """Enable a disabled user again (they sign in anew)."""
    user = _user(username)
    user.active = True
    record_system("enable_user", data={"user_id": user.id, "username": user.username})
    db.session.commit()
    click.echo(f"enabled {username}")


@users_cli.command("unlock")
@click.argument("username")
def unlock_user(username):
    """Lift the lock after too many failed sign-ins: the account may sign in at once."""
    from procure.accounts.throttle import unlock

    user = _user(username)
    cleared = unlock(user.username)
    record_system("unlock_user", data={"user_id": user.id, "username": user.username, "failures": cleared})
    db.session.commit()
    click.echo(f"unlocked {username} ({cleared} failed sign-ins forgotten)")


@users_cli.command("unlock-address")
@click.argument("address")
def unlock_address(address):
    """Lift the lock on one network address after too many failed sign-ins from it (for instance a shared office
    connection): every account may sign in from it at once."""
    from procure.accounts.throttle import unlock_address

    cleared = unlock_address(address)
    record_system("unlock_address", data={"address": address, "failures": cleared})
    db.session.commit()
    click.echo(f"unlocked address {address} ({cleared} failed sign-ins forgotten)")


@users_cli.command("reset-password")
@click.argument("username")
def reset_password(username):
    """Give a user a random temporary password, printed once; they must change it at the next login, and every
    session and API token they hold ends now."""
    from procure.accounts.passwords import set_password, temporary_password

    user = _user(username)
    password = temporary_password()
    set_password(user, password, temporary=True)
    record_system("reset_password", data={"user_id": user.id, "username": user.username})
    db.session.commit()
    click.echo(f"temporary password for {username} (shown once; to be changed at the next login): {password}")


@orgs_cli.command("create")
@click.argument("name")
@click.option("--kind", required=True, type=click.Choice(["community", "government", "provider", "evaluator"]))
@click.option("--division", "division_code", required=True, help="GB/T 2260 code, 6 or 12 digits")
@click.option("--credit-code", default=None, help="unified social credit code (providers, evaluators)")
@click.option("--class", "community_class", default=None, help="community class (communities)")
@click.option("--override-credit-check", "override_by", default=None, metavar="ADMIN",
              help="accept a credit code that fails a check (check character, or positions 1–2 against the kind); "
                   "ADMIN is the admin's username")
@click.option("--reason", default=None, help="why the failing credit code is accepted (required with the override)")
def create_org(name, kind, division_code, credit_code, community_class, override_by, reason):
    """Create an organisation; a failing credit code needs an admin's audited override with a reason."""
    from procure import clock
    from procure.accounts.models import Organisation, User
    from procure.audit.models import AuditEntry

    admin = None
    if override_by:
        admin = db.session.scalar(db.select(User).filter_by(username=override_by, role="admin"))
        if admin is None:
            raise click.BadParameter(f"{override_by} is not an admin", param_hint="--override-credit-check")
        if not (reason or "").strip():
            raise click.BadParameter("an override needs a reason", param_hint="--reason")
    org = Organisation(name=name, kind=kind, division_code=division_code, credit_code=credit_code,
                       community_class=community_class, credit_code_override=admin is not None)
    problems = org.problems()
    if problems:
        raise click.ClickException("; ".join(problems))
    overridden = [code for code, _message in org.credit_code_problems()] if credit_code and admin else []
    org.credit_code_override = bool(overridden)
    db.session.add(org)
    db.session.flush()
    if overridden:
        db.session.add(AuditEntry(at=clock.now(), user_id=admin.id, organisation_id=admin.organisation_id,
                                  action="credit_code_override", comment=reason.strip(),
                                  data={"organisation_id": org.id, "credit_code": credit_code,
                                        "problems": overridden}))
    db.session.commit()
    click.echo(f"created organisation {org.id}: {name}")


@orgs_cli.command("name-division")
@click.argument("code")
@click.argument("name")
def name_division(code, name):
    """Name an administrative division (e.g. 330102 青山区): the public figures group communities by district."""
    from procure.accounts.models import Division

    if not (code.isascii() and code.isdigit() and len(code) in (6, 9, 12)) or not name.strip():
        raise click.BadParameter("CODE is 6, 9 or 12 digits (GB/T 2260) and NAME is not empty")
    division = db.session.get(Division, code) or Division(code=code)
    division.name = name.strip()[:100]
    db.session.add(division)
    db.session.commit()
    click.echo(f"{code} {division.name}")


@calendar_cli.command("sync")
def sync_calendar():
    """Load statutory holidays and make-up working days from the chinesecalendar library."""
    from procure.workdays.service import sync_from_library

    years = sync_from_library()
    db.session.commit()
    click.echo(f"holiday calendar covers {years[0]}–{years[-1]}; later years without an arrangement confirmed at "
               "/admin/calendar count their statutory holidays by rule, provisionally")


@demo_cli.command("load")
def load_demo():
    """Build the demo city (idempotent: does nothing when the demo data is there)."""
    from procure.demo import load

    created = load(current_app.config["DEMO_PASSWORD"])
    db.session.commit()
    click.echo("demo data loaded" if created else "demo data already present")


@demo_cli.command("scale")
@click.option("--projects", type=click.IntRange(min=1), required=True, help="projects the city holds in the end")
@click.option("--volunteers", type=click.IntRange(min=0), default=10_000, show_default=True,
              help="volunteers the city holds in the end")
@click.option("--ledger", "ledger_entries", type=click.IntRange(min=0), default=1_000_000, show_default=True,
              help="volunteer ledger entries the city holds in the end")
@click.option("--seed", type=int, default=0, show_default=True, help="seed of the random choices")
def scale_demo(projects, volunteers, ledger_entries, seed):
    """Grow the demo city in bulk to a province's size (copies of the demo's projects with everything that hangs
    from them, communities, volunteers and their ledger), for benchmarks; the demo must be loaded first."""
    from procure.demo.scale import scale_city

    added = scale_city(projects, volunteers, ledger_entries, seed, progress=click.echo)
    for table, rows in added.items():
        click.echo(f"{table:<28}{rows:>12,}")


@click.command("reminders")
@once_a_day("reminders")
def send_reminders():
    """Notify users of what is overdue today (milestones, challenges, award notices, contracts); run daily, on
    every machine if you like: the day's work is done once. Idempotent: a subject already notified to a user
    is not notified again."""
    from procure.notifications.reminders import write_notifications

    written, users = write_notifications()
    return f"{written} notifications written for {users} users"


volunteers_cli = AppGroup("volunteers", help="Volunteer service points / 志愿服务积分")


@volunteers_cli.command("expire")
@once_a_day("volunteers-expire")
def expire_points():
    """Turn points earned more than POINTS_EXPIRE_MONTHS months ago and not yet spent into expiry entries
    (oldest first); run daily, on every machine if you like: the day's work is done once. Idempotent; does
    nothing when POINTS_EXPIRE_MONTHS is 0."""
    from procure.volunteers.expiry import expire_points as expire

    volunteers, points = expire()
    return f"{points} points expired for {volunteers} volunteers"


@click.command("recount")
def recount():
    """Count every figure kept beside the data again from the data itself: the project lists' counts, the
    catalogues' groups and order, each volunteer's hours per month and year, the public tables' totals, the
    open-data totals. The app keeps them as it changes the data; run this after loading data in bulk without it
    (or to check: nothing changes)."""
    from procure.recounting import recount_everything

    recount_everything(click.echo)


audit_cli = AppGroup("audit", help="Audit trail / 操作记录")


@audit_cli.command("verify")
def verify_audit():
    """Check the audit trail's hash chain from its first entry; exit 1 naming the first broken entry.
    The result is itself recorded in the trail (the admin page at /admin/audit shows the latest)."""
    from procure.audit import chain

    result = chain.verify(db.session)
    chain.record_verification(db.session, result)
    db.session.commit()
    click.echo(str(result))
    if not result.intact:
        raise SystemExit(1)


def register(app):
    app.cli.add_command(audit_cli)
    app.cli.add_command(volunteers_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(orgs_cli)
    app.cli.add_command(calendar_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(send_reminders)
    app.cli.add_command(recount)
    from procure.opendata.commands import opendata_cli
    app.cli.add_command(opendata_cli)
