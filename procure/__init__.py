"""procure: government purchase of community micro-project services."""
import os

from flask import Flask, has_request_context, request, session
from flask_login import current_user

from procure.extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(config_name: str | None = None, **overrides) -> Flask:
    from config import CONFIGS
    from procure import settings

    name = config_name or os.environ.get("PROCURE_ENV", "development")
    if name not in CONFIGS:
        raise settings.SettingsError(f"PROCURE_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    app = Flask(__name__, template_folder="../templates", static_folder="static")
    app.config.from_object(CONFIGS[name])
    app.config.update(overrides)
    app.json.sort_keys = False  # keep documents in the order they are written
    settings.apply(app, production=name == "production")
    register_operations(app)
    register_extensions(app)
    register_lifecycle(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_template_helpers(app)
    register_commands(app)
    register_listeners(app)
    return app


def register_extensions(app):
    from procure.database import check_write_marks, configure_engine

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        from pathlib import Path
        Path(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
        if app.config.get("CHECK_WRITE_MARKS"):
            check_write_marks(app, db.engine)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "..", "migrations"),
                     render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    csrf.init_app(app)
    import procure.ratelimit  # noqa: F401  (registers the "procure-db://" storage before the limiter reads it)
    limiter.init_app(app)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"], x_proto=1, x_host=1)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: app.config["DISPLAY_TIMEZONE"])
    from procure import pickers, select_options, template_gettext

    template_gettext.install(app)
    select_options.init_app(app)
    pickers.init_app(app)
    import procure.models  # noqa: F401  (every model registered with the metadata)


def register_operations(app):
    """What an operator relies on: log lines with the request id (text or JSON lines), the request id itself,
    the refusal of untrusted hosts and the health checks, registered before any extension's request hook."""
    from procure import logs, probes, request_id, trusted_hosts

    logs.configure(app)
    request_id.register(app)
    trusted_hosts.register(app)
    probes.register(app)


def register_lifecycle(app):
    """Each stage adds its guards and effects to the lifecycle core (procure.stages)."""
    from procure.stages import register_stages

    register_stages()


def select_locale():
    if not has_request_context():
        return "zh_Hans_CN"  # commands and jobs speak the default language
    wanted = request.args.get("lang") or session.get("lang")
    if wanted in ("zh_Hans_CN", "en"):
        return wanted
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(["zh_Hans_CN", "zh", "en"]) or "zh_Hans_CN"
    return "zh_Hans_CN"


def register_blueprints(app):
    from procure.database import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any rule is added
    from procure.users.views import bp as users_bp
    from procure.accounts.views import bp as accounts_bp
    from procure.acceptance.views import bp as acceptance_bp
    from procure.api import bp as api_bp
    from procure.attachments.views import bp as attachments_bp
    from procure.audit.views import bp as audit_bp
    from procure.catalogue.views import bp as catalogue_bp
    from procure.documents.views import bp as documents_bp
    from procure.notifications.views import bp as notifications_bp
    from procure.organisations.views import bp as organisations_bp
    from procure.performance_evaluation.views import bp as performance_bp
    from procure.projects.views import bp as projects_bp
    from procure.providers.views import bp as providers_bp
    from procure.survey.views import bp as survey_bp
    from procure.workdays.views import bp as workdays_bp
    from procure.council.views import bp as council_bp

    app.register_blueprint(accounts_bp)
    app.register_blueprint(users_bp)
    app.register_blueprint(projects_bp)
    app.register_blueprint(attachments_bp)
    app.register_blueprint(workdays_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(council_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(providers_bp)
    app.register_blueprint(catalogue_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(survey_bp)
    app.register_blueprint(acceptance_bp)
    app.register_blueprint(performance_bp)
    from procure.evaluators.views import bp as evaluators_bp
    app.register_blueprint(evaluators_bp)
    from procure.talent.views import bp as talent_bp
    app.register_blueprint(talent_bp)
    from procure.redemption.views import bp as redemption_bp
    app.register_blueprint(redemption_bp)
    from procure.public import bp as public_bp
    app.register_blueprint(public_bp)
    from procure.opendata.views import bp as opendata_bp
    app.register_blueprint(opendata_bp)
    from procure.volunteers.views import bp as volunteers_bp
    app.register_blueprint(volunteers_bp)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)


def register_errorhandlers(app):
    from procure.web import register as register_web_errors

    register_web_errors(app)


def register_security_headers(app):
    from procure.security_headers import register

    register(app)


def register_template_helpers(app):
    from procure.web import template_helpers

    # The user itself rather than the proxy: a page reads current_user a few dozen times (the navigation), and
    # each read through the proxy looks the request up again.
    app.context_processor(lambda: {"current_user": current_user._get_current_object(), **template_helpers()})
    from procure.web import FILTERS

    app.jinja_env.filters.update(FILTERS)


def register_commands(app):
    from procure.cli import register

    register(app)


def register_listeners(app):
    from procure.opendata.publishing import register as register_publishing
    from procure.totals.keeping import register as register_totals

    register_publishing(app)
    register_totals(app)
