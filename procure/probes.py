"""Health checks for a load balancer or an orchestrator: /healthz says the process answers (it reads nothing),
/readyz that it can serve (the database is reachable and its schema is the one this code's migrations lead
to; 503 with what is wrong otherwise, so a machine is taken out of rotation until `flask db upgrade` ran).

Neither needs a login, neither is rate-limited, neither touches the session (no cookie is set), and both answer
whatever Host header the probe sends (procure/trusted_hosts.py lets them through)."""
from alembic.script import ScriptDirectory
from flask import current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from procure.extensions import db, limiter

_heads: dict[str, frozenset] = {}  # migrations directory: its head revisions (read once per process)


def code_heads() -> frozenset:
    directory = current_app.extensions["migrate"].directory
    if directory not in _heads:
        _heads[directory] = frozenset(ScriptDirectory(directory).get_heads())
    return _heads[directory]


def known_revision(revision: str) -> bool:
    script = ScriptDirectory(current_app.extensions["migrate"].directory)
    try:
        return script.get_revision(revision) is not None
    except Exception:  # alembic raises its own errors for a revision it does not know
        return False


def database_revisions() -> frozenset | None:
    """The revisions recorded in the database (empty: never migrated); None when it cannot be reached."""
    try:
        connection = db.engine.connect()
    except SQLAlchemyError as error:
        current_app.logger.warning("readiness: database unreachable (%s)", type(error).__name__)
        return None
    with connection:
        try:
            return frozenset(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
        except SQLAlchemyError:  # no alembic_version table: the database was never migrated
            return frozenset()


def healthz():
    return jsonify({"status": "ok"})


def readyz():
    expected = code_heads()
    current = database_revisions()
    if current is None:
        return jsonify({"status": "unavailable", "database": "unreachable",
                        "message": "the database cannot be reached / 无法连接数据库"}), 503
    if current == expected:
        return jsonify({"status": "ok", "database": "ok", "migrations": "current",
                        "revision": sorted(current)})
    if not current:
        state, advice = "not_migrated", "run flask db upgrade / 数据库尚未建立结构，请运行 flask db upgrade"
    elif all(known_revision(revision) for revision in current):
        state, advice = "behind", "run flask db upgrade / 数据库结构落后于程序，请运行 flask db upgrade"
    else:
        state, advice = "unknown_revision", ("the database was migrated by a newer version of procure / "
                                             "数据库结构来自更新版本的程序")
    return jsonify({"status": "unavailable", "database": "ok", "migrations": state,
                    "database_revision": sorted(current), "code_revision": sorted(expected),
                    "message": advice}), 503


PROBES = {"/healthz": healthz, "/readyz": readyz}


def register(app):
    for path, view in PROBES.items():
        app.add_url_rule(path, view.__name__, limiter.exempt(view), methods=["GET"])
