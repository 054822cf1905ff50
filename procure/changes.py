"""What every operation does around a change: validate the input, check the version the user saw, and
flush. It imports no domain, so the lifecycle core and every stage can use it."""
from sqlalchemy import event
from sqlalchemy.orm.exc import StaleDataError

from procure.errors import InvalidInput, StaleVersion
from procure.extensions import db
from procure.formfields import field_errors


def validated(form_class, formdata):
    form = form_class(formdata=formdata)
    if not form.validate():
        raise InvalidInput(field_errors(form))
    return form.data


def check_version(project, version):
    if isinstance(version, (bool, list, dict)):  # int(True) is 1: a boolean is no version
        raise InvalidInput({"version": ["version is required (an integer) / 请提供版本号"]})
    try:
        seen = int(version)
    except (TypeError, ValueError, OverflowError):  # OverflowError: JSON Infinity
        raise InvalidInput({"version": ["version is required (an integer) / 请提供版本号"]})
    if seen != project.version:
        raise StaleVersion()


def flush():
    """Flush; a concurrent change to the same project (version compare-and-swap) is a 409."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise StaleVersion()


def on_session(**hooks) -> None:
    """Listen to db.session's events (`after_flush=collect, before_commit=keep, …`), each function once however
    many apps a process creates (db.session is shared by all of them)."""
    for name, function in hooks.items():
        if not event.contains(db.session, name, function):
            event.listen(db.session, name, function)
